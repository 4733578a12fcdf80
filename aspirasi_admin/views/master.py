"""The superadmin's master data: OPD, Kategori, Sub kategori, response templates, SLA, audit.

Rows that messages point to are never deleted, only deactivated, so history stays readable.
Every change writes an audit row in the same transaction as the change.
"""
from flask import flash, redirect, url_for
from flask_admin.contrib.sqla.filters import FilterEqual, FilterLike
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms.validators import NumberRange, Optional

from aspirasi_admin.guards import DateRangeFilter, GuardedModelView, GuardedView, expose
from aspirasi_admin.settings_forms import (
    SETTING_LABELS,
    SITE_SETTING_LABELS,
    SWITCH_LABELS,
    TEXT_SETTING_LABELS,
    SettingsForm,
)
from models import AuditLog, Category, Holiday, Opd, ResponseTemplate, Role, Setting, Subcategory, User, db
from models.audit import record
from models.field_checks import ANSWER_LENGTH, at_most, valid_email
from models.settings import DEFAULTS, TEXT_DEFAULTS
from models.vocabulary import ACTION_LABELS as MESSAGE_ACTION_LABELS


class AuditedModelView(GuardedModelView):
    """Writes one audit row per create, edit and delete, before Flask-Admin commits."""
    can_export = False
    can_view_details = False

    def on_model_change(self, form, model, is_created):
        db.session.flush()
        record(f"{self.endpoint}.{'buat' if is_created else 'ubah'}", model, detail=str(model)[:500])

    def on_model_delete(self, model):
        record(f"{self.endpoint}.hapus", model, detail=str(model)[:500])


class OpdView(AuditedModelView):
    can_delete = False  # messages keep pointing to their OPD; deactivate instead
    column_list = ("code", "name", "email", "head_name", "active")
    column_labels = {"code": _l("Kode"), "name": _l("Nama"), "head_name": _l("Nama pimpinan"),
                     "active": _l("Aktif"), "address": _l("Alamat")}
    column_searchable_list = ("code", "name")
    form_columns = ("code", "name", "email", "address", "head_name", "active")
    form_args = {"email": {"validators": [valid_email]}}


class CategoryView(AuditedModelView):
    can_delete = False
    column_list = ("code", "name", "is_informasi")
    column_labels = {"code": _l("Kode"), "name": _l("Nama"), "is_informasi": _l("Kategori Informasi")}
    form_columns = ("code", "name", "is_informasi")


# A sub category's SLA in hours is at most a year: a longer one is a typing slip, and the
# deadline it gives must stay within the calendar and the column.
LONGEST_SLA_HOURS = 365 * 24


def monitor_users():
    return User.query.join(User.roles).filter(Role.name == "monitor").order_by(User.username)


class SubcategoryView(AuditedModelView):
    can_delete = False
    column_list = ("category", "code", "name", "default_opd", "sla_hours", "monitors", "active")
    column_labels = {"category": _l("Kategori"), "category.name": _l("Kategori"),
                     "code": _l("Kode (Open311)"), "name": _l("Nama"),
                     "default_opd": _l("OPD bawaan"), "sla_hours": _l("SLA (jam)"),
                     "monitors": _l("Dipantau oleh"), "active": _l("Aktif"),
                     "description": _l("Keterangan")}
    column_filters = ("category.name",)
    column_searchable_list = ("code", "name")
    form_columns = ("category", "code", "name", "description", "default_opd", "sla_hours",
                    "monitors", "active")
    form_args = {
        "sla_hours": {"validators": [Optional(), NumberRange(min=1, max=LONGEST_SLA_HOURS, message=_l(
            "SLA harus bilangan bulat positif (jam), paling banyak %(max)d (setahun); kosongkan "
            "untuk memakai pengaturan umum."))]},
        "monitors": {"query_factory": monitor_users},
        "default_opd": {"blank_text": _l("— tanpa OPD bawaan —")},
    }


class ResponseTemplateView(AuditedModelView):
    roles = ("admin",)
    column_list = ("title", "category")
    column_labels = {"title": _l("Judul"), "category": _l("Kategori"), "body": _l("Isi")}
    form_columns = ("category", "title", "body")
    form_args = {"category": {"blank_text": _l("— semua kategori —")},
                 "body": {"validators": [at_most(ANSWER_LENGTH)]}}


class HolidayView(AuditedModelView):
    """Public holidays: the SLA clock does not run on them (with weekends)."""
    column_list = ("day", "name")
    column_labels = {"day": _l("Tanggal"), "name": _l("Keterangan")}
    column_default_sort = ("day", False)
    column_searchable_list = ("name",)
    form_columns = ("day", "name")
    # A second holiday on the same date is refused at the field by Flask-Admin's own unique check.


# Audit rows name what they touched by its class and some actions by an English code; both
# are shown in the interface's words (the stored codes stay what filters and exports match).
OBJECT_LABELS = {
    "User": _l("Pengguna"), "Message": _l("Pesan"), "Opd": _l("OPD"), "Category": _l("Kategori"),
    "Subcategory": _l("Sub kategori"), "ResponseTemplate": _l("Templat jawaban"),
    "Holiday": _l("Hari libur"), "ApiKey": _l("Kunci API"), "Reprimand": _l("Teguran"),
    "Role": _l("Peran"), "Setting": _l("Pengaturan"),
}
ACTION_LABELS = {
    "login": _l("masuk"), "login_failed": _l("gagal masuk"),
    "akun.tutup": _l("akun ditutup pemiliknya"),
    "akun.unduh_data": _l("data pribadi diunduh pemiliknya"),
    "beranda.gambar.tambah": _l("gambar beranda ditambahkan"),
    "beranda.gambar.hapus": _l("gambar beranda dihapus"),
    "open311_submit": _l("pesan masuk lewat Open311"),
    "pengaturan.ubah": _l("pengaturan diubah"),
    "pengguna.hapus_dua_langkah": _l("verifikasi dua langkah pengguna dihapus"),
    "pesan.cari_pelapor": _l("pesan dicari menurut pelapor"),
    "pesan.intake": _l("pesan dicatat atas nama pelapor"),
    "pesan.lihat_nik": _l("NIK pelapor ditampilkan utuh"),
    "pesan.surat": _l("surat penerusan diunduh"),
    "teguran.terima": _l("teguran diterima OPD"),
    "password_changed": _l("kata sandi diganti"),
    "two_factor_on": _l("verifikasi dua langkah diaktifkan"),
    "two_factor_off": _l("verifikasi dua langkah dimatikan"),
    "other_sessions_ended": _l("sesi lain diakhiri"),
    "api_key_create": _l("kunci API dibuat"), "api_key_revoke": _l("kunci API dicabut"),
    "create_superadmin": _l("superadmin dibuat"), "export_messages": _l("ekspor pesan"),
    "export_personal": _l("ekspor data pribadi"), "export_report": _l("ekspor laporan"),
}


# The master-data views record "<endpoint>.buat|ubah|hapus"; the message page "pesan.<action>".
AUDITED_SUBJECTS = {
    "opd": _l("OPD"), "kategori": _l("Kategori"), "subkategori": _l("Sub kategori"),
    "templat": _l("Templat jawaban"), "libur": _l("Hari libur"), "pengguna": _l("Pengguna"),
    "peran": _l("Peran"),
}
AUDITED_CHANGES = {"buat": _l("dibuat"), "ubah": _l("diubah"), "hapus": _l("dihapus")}


def action_label(code: str) -> str:
    """An audit row's action in the reader's words; a code no label knows is shown as it is."""
    if code in ACTION_LABELS:
        return str(ACTION_LABELS[code])
    subject, _dot, change = code.rpartition(".")
    if subject == "pesan" and change in MESSAGE_ACTION_LABELS:
        return _("pesan: %(action)s", action=MESSAGE_ACTION_LABELS[change])
    if subject in AUDITED_SUBJECTS and change in AUDITED_CHANGES:
        return _("%(subject)s %(change)s", subject=AUDITED_SUBJECTS[subject],
                 change=AUDITED_CHANGES[change])
    return code


def _labelled(labels):
    def formatter(view, context, model, name):
        value = getattr(model, name)
        return str(labels[value]) if value in labels else value
    return formatter


def _action(view, context, model, name):
    return action_label(model.action)


class AuditLogView(GuardedModelView):
    can_create = can_edit = can_delete = False
    can_export = False
    can_view_details = True
    column_default_sort = ("at", True)
    column_list = ("at", "username", "ip", "action", "object_type", "object_id", "detail")
    column_labels = {"at": _l("Waktu"), "username": _l("Pengguna"), "ip": "IP",
                     "action": _l("Tindakan"), "object_type": _l("Objek"),
                     "object_id": _l("ID objek"), "detail": _l("Keterangan")}
    column_searchable_list = ("username", "action", "object_id", "detail")
    column_details_exclude_list = ("user",)  # the username column already names them
    column_formatters = column_formatters_detail = {"object_type": _labelled(OBJECT_LABELS),
                                                    "action": _action}
    column_filters = (FilterEqual(AuditLog.username, _l("Pengguna")),
                      FilterLike(AuditLog.action, _l("Tindakan")),
                      FilterEqual(AuditLog.object_id, _l("ID objek")),
                      DateRangeFilter(AuditLog.at, _l("Waktu")))


class SettingsView(GuardedView):
    """SLA settings (SOP "Mutu Baku"), superadmin only."""

    @expose("/", methods=("GET", "POST"))
    def index(self):
        current = {key: str(Setting.get_int(key)) for key in DEFAULTS}
        current.update({key: Setting.get_text(key) for key in TEXT_DEFAULTS})
        form = SettingsForm(data=current)
        if form.validate_on_submit():
            changes = []
            for key, value in form.sent_values().items():
                if value != current[key]:
                    row = db.session.get(Setting, key) or Setting(key=key, value=value)
                    row.value = value
                    db.session.add(row)
                    changes.append(f"{key}: {current[key]} -> {value}")
            if changes:
                record("pengaturan.ubah", detail="; ".join(changes))
            db.session.commit()
            flash(_("Pengaturan tersimpan."), "success")
            return redirect(url_for(".index"))
        for error in form.problems():
            flash(error, "error")
        shown = {name: form[name].data or "" for name in current}
        status = 400 if form.is_submitted() else 200
        return self.render("admin/settings.html", current=shown, labels=SETTING_LABELS,
                           switch_labels=SWITCH_LABELS, text_labels=TEXT_SETTING_LABELS,
                           site_labels=SITE_SETTING_LABELS), status


def register(admin):
    data = _l("Data master")
    admin.add_view(OpdView(Opd, name=_l("OPD"), category=data, endpoint="opd", url="/admin/opd"))
    admin.add_view(CategoryView(Category, name=_l("Kategori"), category=data, endpoint="kategori",
                                url="/admin/kategori"))
    admin.add_view(SubcategoryView(Subcategory, name=_l("Sub kategori"), category=data,
                                   endpoint="subkategori", url="/admin/subkategori"))
    admin.add_view(ResponseTemplateView(ResponseTemplate, name=_l("Templat jawaban"), category=data,
                                        endpoint="templat", url="/admin/templat-jawaban"))
    admin.add_view(SettingsView(name=_l("Pengaturan SLA"), category=data, endpoint="pengaturan",
                                url="/admin/pengaturan"))
    admin.add_view(HolidayView(Holiday, name=_l("Hari libur"), category=data, endpoint="libur",
                               url="/admin/hari-libur"))
    admin.add_view(AuditLogView(AuditLog, name=_l("Log audit"), category=_l("Pengguna"),
                                endpoint="audit", url="/admin/audit"))
