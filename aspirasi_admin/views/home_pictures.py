"""The home page's pictures of East Kalimantan's nature and culture (superadmin only).

A picture goes through the same checks and cleaning as any upload (a real JPEG, its metadata
stripped, its pixels capped) and is kept with the transaction that adds its settings row.
"""
from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from aspirasi_admin.guards import GuardedView, expose
from aspirasi_admin.settings_forms import HomePictureForm
from models import db
from models.audit import record
from models.base import utcnow
from models.settings import (
    MAX_HOME_PICTURES,
    HomePicture,
    add_home_picture,
    home_picture,
    home_pictures,
    new_home_picture_id,
    remove_home_picture,
)
from services import storage


class HomePictureView(GuardedView):
    @expose("/", methods=("GET", "POST"))
    def index(self):
        form = HomePictureForm()
        if form.validate_on_submit():
            problem = self._add(form)
            if problem is None:
                flash(_("Gambar ditambahkan ke beranda."), "success")
                return redirect(url_for(".index"))
            db.session.rollback()
            flash(problem, "error")
        for error in form.problems():
            flash(error, "error")
        status = 400 if form.is_submitted() else 200
        return self.render("admin/home_pictures.html", form=form, pictures=home_pictures(),
                           most=MAX_HOME_PICTURES), status

    def _add(self, form) -> str | None:
        """Keep the picture and its row; returns the reason it was refused, or None."""
        if len(home_pictures()) >= MAX_HOME_PICTURES:
            return _("Paling banyak %(n)s gambar beranda; hapus satu dulu.", n=MAX_HOME_PICTURES)
        try:
            files = storage.read_uploads([form.picture.data], allowed=(storage.JPEG,))
        except storage.UploadError as error:
            return str(error)
        if not files:
            return _("Pilih berkas gambar JPG.")
        _name, data, _kind = files[0]
        picture = HomePicture(new_home_picture_id(utcnow()), form.caption.data)
        storage.keep_file(picture.stored_name, data)
        add_home_picture(picture.picture_id, picture.caption)
        record("beranda.gambar.tambah", detail=f"{picture.picture_id}: {picture.caption}")
        db.session.commit()
        return None

    @expose("/<picture_id>/hapus", methods=("POST",))
    def delete(self, picture_id):
        form = FlaskForm()
        picture = home_picture(picture_id)
        if not form.validate_on_submit() or picture is None:
            flash(_("Gambar tidak ditemukan atau formulir kedaluwarsa; tidak ada yang dihapus."),
                  "error")
            return redirect(url_for(".index"))
        remove_home_picture(picture.picture_id)
        record("beranda.gambar.hapus", detail=f"{picture.picture_id}: {picture.caption}")
        db.session.commit()
        storage.discard_file(picture.stored_name)
        flash(_("Gambar dihapus dari beranda."), "success")
        return redirect(url_for(".index"))


def register(admin):
    admin.add_view(HomePictureView(name=_l("Gambar beranda"), category=_l("Data master"),
                                   endpoint="gambar_beranda", url="/admin/gambar-beranda"))
