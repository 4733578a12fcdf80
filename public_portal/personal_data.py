"""The citizen's rights over their personal data (UU 27/2022): download everything the
service holds about them (/settings/data-saya), and close the account (/settings/tutup-akun).
What is gathered and what is erased is decided in `models.personal_data`."""
import io
import json
import zipfile

from flask import flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user
from flask_security import login_required
from flask_security.utils import verify_password

from models import db
from models.audit import record
from models.personal_data import close_account, personal_data, personal_files
from public_portal import bp
from public_portal.forms import CloseAccountForm
from services import storage

DATA_FILE = "data-saya.json"


@bp.get("/settings/data-saya")
@login_required
def my_data():
    user = current_user._get_current_object()
    data = personal_data(user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(DATA_FILE, json.dumps(data, ensure_ascii=False, indent=2))
        for name, path in personal_files(user, storage.upload_dir()):
            archive.write(path, name)
    record("akun.unduh_data", user, detail="data pribadi diunduh pemiliknya")
    db.session.commit()
    buffer.seek(0)
    return send_file(buffer, mimetype="application/zip", as_attachment=True,
                     download_name=f"data-saya-{user.id}.zip", max_age=0)


@bp.route("/settings/tutup-akun", methods=["GET", "POST"])
@login_required
def close_my_account():
    user = current_user._get_current_object()
    form = CloseAccountForm()
    if user.is_staff:
        # Staff accounts are opened and closed by the superadmin, with their roles.
        flash(_("Akun petugas ditutup oleh superadmin, bukan dari halaman ini."), "error")
        return render_template("portal/close_account.html", form=form, staff=True), 403
    if form.validate_on_submit():
        if not user.password or not verify_password(form.password.data, user.password):
            form.password.errors.append(_("Kata sandi salah. Akun tidak ditutup."))
        else:
            photo = close_account(user, storage.upload_dir())
            db.session.commit()
            if photo is not None:
                photo.unlink(missing_ok=True)
            logout_user()
            flash(_("Akun Anda telah ditutup dan data pribadi Anda dihapus. Pesan Anda tetap "
                    "tersimpan sebagai pesan anonim."), "success")
            return redirect(url_for("portal.index"))
    status = 400 if form.errors else 200
    return render_template("portal/close_account.html", form=form, staff=False), status
