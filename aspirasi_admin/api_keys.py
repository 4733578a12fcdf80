"""Open311 API keys (superadmin only): issue a key, shown once in plain text, and revoke it."""
from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from aspirasi_admin.guards import GuardedView, expose
from models import ApiKey, db, utcnow
from models.audit import record


class ApiKeyView(GuardedView):
    roles = ()  # superadmin only

    def _page(self, new_key=None, error=None, status=200):
        keys = ApiKey.query.order_by(ApiKey.revoked_at.isnot(None), ApiKey.created_at.desc()).all()
        return self.render("admin/reports/api_keys.html", keys=keys, new_key=new_key,
                           error=error), status

    @expose("/")
    def index(self):
        return self._page()

    @expose("/buat", methods=("POST",))
    def create(self):
        name = (request.form.get("name") or "").strip()
        if not name or len(name) > 120:
            return self._page(error=_("Nama klien wajib diisi (maksimal 120 karakter)."), status=400)
        row, key = ApiKey.issue(name)
        db.session.flush()
        record("api_key_create", row, detail=f"kunci Open311 \"{name}\" ({row.prefix}…)")
        db.session.commit()
        # The plain key exists only in this response: only its hash is stored.
        return self._page(new_key=key)

    @expose("/<int:key_id>/cabut", methods=("POST",))
    def revoke(self, key_id):
        row = db.session.get(ApiKey, key_id)
        if row is None:
            return self._page(error=_("Kunci API tidak ditemukan."), status=404)
        if row.revoked_at is not None:
            return self._page(error=_("Kunci API ini sudah dicabut."), status=409)
        row.revoked_at = utcnow()
        record("api_key_revoke", row, detail=f"kunci Open311 \"{row.name}\" ({row.prefix}…)")
        db.session.commit()
        flash(_("Kunci API \"%(name)s\" dicabut.", name=row.name), "success")
        return redirect(url_for(".index"))


def register(admin):
    admin.add_view(ApiKeyView(name=_l("Kunci API Open311"), endpoint="kunci_api",
                              url="/admin/kunci-api", category=_l("Data master")))
