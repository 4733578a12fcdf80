"""A staff member's own account: password, two-factor sign-in, recovery codes and sessions.

Password change, two-factor setup and recovery codes are Flask-Security-Too's own views; this
page says where each stands and links to it. The one action of its own ends every other open
session of the account.
"""
from flask import current_app, flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_security import login_user

from aspirasi_admin.guards import GuardedView, expose
from models import db
from models.audit import record
from models.roles import role_label
from models.user import STAFF_ROLES
from models.vocabulary import time_text


class AccountView(GuardedView):
    roles = STAFF_ROLES

    def is_visible(self):
        return False  # linked beside the account's name in the menu bar

    @expose("/")
    def index(self):
        user = current_user._get_current_object()
        return self.render("admin/account.html", user=user, time_text=time_text,
                           roles=sorted(role_label(name) for name in user.role_names
                                        if name in STAFF_ROLES))

    @expose("/sesi-lain", methods=("POST",))
    def end_other_sessions(self):
        """A new identity key voids every session and remember cookie of the account; this
        browser is signed in again under the new key, so only the others end."""
        user = current_user._get_current_object()
        current_app.extensions["security"].datastore.set_uniquifier(user)
        login_user(user, authn_via=["session"])
        record("other_sessions_ended", user)
        db.session.commit()
        flash(_("Semua sesi lain akun ini telah diakhiri."), "success")
        return redirect(url_for(".index"))


def register(admin):
    admin.add_view(AccountView(name=_l("Akun saya"), endpoint="akun", url="/admin/akun"))
