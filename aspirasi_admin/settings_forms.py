"""The superadmin's settings forms: the SLA time limits, the forwarding letter's signature, the
site's contact details and social links, and a home picture's upload."""
from urllib.parse import urlsplit

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import StringField
from wtforms.validators import DataRequired, Length, StopValidation, ValidationError

from models.field_checks import valid_email, valid_phone
from models.settings import SOCIAL_NETWORKS

SETTING_LABELS = {
    "sla_triage_minutes": _l("Batas waktu triase (menit)"),
    "sla_answer_workdays": _l("Batas waktu tanggapan OPD (hari kerja)"),
    "reopen_workdays": _l("Batas membuka kembali pesan (hari kerja)"),
    "sla_receive_minutes": _l("Batas waktu menerima pesan baru (menit)"),
    "sla_review_minutes": _l("Batas waktu memeriksa tanggapan OPD (menit)"),
    "sla_relay_minutes": _l("Batas waktu menyampaikan tanggapan ke pelapor (menit)"),
    "sla_publish_minutes": _l("Batas waktu pemberitahuan ke pelapor (menit)"),
}
# Limits added after the first three: a form that does not carry them leaves them as they are.
OPTIONAL_LIMITS = ("sla_receive_minutes", "sla_review_minutes", "sla_relay_minutes",
                   "sla_publish_minutes")

SWITCH_LABELS = {
    "review_answers": _l("Tanggapan OPD diperiksa tim Diskominfo sebelum dibaca pelapor"),
}

TEXT_SETTING_LABELS = {
    "letter_signatory_title": _l("Jabatan penanda tangan surat penerusan"),
    "letter_signatory_name": _l("Nama penanda tangan"),
    "letter_signatory_nip": _l("NIP penanda tangan (boleh kosong)"),
}

SITE_SETTING_LABELS = {
    "contact_email": _l("Email kontak layanan"),
    "contact_phone": _l("Telepon kontak layanan (boleh kosong)"),
    "social_instagram": _l("Tautan Instagram (boleh kosong)"),
    "social_facebook": _l("Tautan Facebook (boleh kosong)"),
    "social_x": _l("Tautan X (boleh kosong)"),
    "social_youtube": _l("Tautan YouTube (boleh kosong)"),
}

LARGEST_LIMIT = 100000
LONGEST_TEXT = 160


def stripped(value):
    return value.strip() if isinstance(value, str) else value


def one_line(value):
    return " ".join(value.split()) if isinstance(value, str) else value


def positive_whole_number(form, field):
    raw = field.data if field.raw_data else ""  # a limit left out of the form is not kept
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 9 or not 1 <= int(raw) <= LARGEST_LIMIT:
        raise ValidationError(_("%(label)s harus bilangan bulat positif.", label=field.label.text))
    field.data = str(int(raw))


def only_when_sent(form, field):
    """A form without the letter section leaves the letter's settings as they are."""
    if not field.raw_data:
        raise StopValidation()


def letter_text(required: bool):
    def check(form, field):
        label = field.label.text
        if len(field.data or "") > LONGEST_TEXT:
            raise ValidationError(_("%(label)s paling panjang 160 karakter.", label=label))
        if required and not field.data:
            raise ValidationError(_("%(label)s wajib diisi.", label=label))
    return check


def digits_and_spaces(form, field):
    if field.data and not field.data.replace(" ", "").isdigit():
        raise ValidationError(_("%(label)s hanya boleh berisi angka dan spasi.",
                                label=field.label.text))


def social_link(key):
    """An https address on the network's own site, so a footer link cannot lead elsewhere."""
    name, hosts = SOCIAL_NETWORKS[key]

    def check(form, field):
        if not field.data:
            return
        parts = urlsplit(field.data)
        host = (parts.hostname or "").lower()
        if parts.scheme != "https" or not any(host == h or host.endswith("." + h) for h in hosts):
            raise ValidationError(_("%(label)s harus alamat https di %(site)s.",
                                    label=field.label.text, site=hosts[0]))
    return check


def _limit(key):
    checks = [only_when_sent] if key in OPTIONAL_LIMITS else []
    return StringField(SETTING_LABELS[key], filters=[stripped],
                       validators=[*checks, positive_whole_number])


def zero_or_one(form, field):
    if field.data not in ("0", "1"):
        raise ValidationError(_("%(label)s: pilih Ya atau Tidak.", label=field.label.text))


def _switch(key):
    return StringField(SWITCH_LABELS[key], filters=[stripped],
                       validators=[only_when_sent, zero_or_one])


def _letter(key, *checks, required=True):
    return StringField(TEXT_SETTING_LABELS[key], filters=[one_line],
                       validators=[only_when_sent, letter_text(required), *checks])


def _site(key, *checks, required=False):
    return StringField(SITE_SETTING_LABELS[key], filters=[one_line],
                       validators=[only_when_sent, letter_text(required), *checks])


class SettingsForm(FlaskForm):
    sla_triage_minutes = _limit("sla_triage_minutes")
    sla_answer_workdays = _limit("sla_answer_workdays")
    reopen_workdays = _limit("reopen_workdays")
    sla_receive_minutes = _limit("sla_receive_minutes")
    sla_review_minutes = _limit("sla_review_minutes")
    sla_relay_minutes = _limit("sla_relay_minutes")
    sla_publish_minutes = _limit("sla_publish_minutes")
    review_answers = _switch("review_answers")
    letter_signatory_title = _letter("letter_signatory_title")
    letter_signatory_name = _letter("letter_signatory_name")
    letter_signatory_nip = _letter("letter_signatory_nip", digits_and_spaces, required=False)
    contact_email = _site("contact_email", valid_email, required=True)
    contact_phone = _site("contact_phone", valid_phone)
    social_instagram = _site("social_instagram", social_link("social_instagram"))
    social_facebook = _site("social_facebook", social_link("social_facebook"))
    social_x = _site("social_x", social_link("social_x"))
    social_youtube = _site("social_youtube", social_link("social_youtube"))

    def sent_values(self) -> dict[str, str]:
        """The settings the form carried, checked and cleaned, by key."""
        keys = [*SETTING_LABELS, *SWITCH_LABELS, *TEXT_SETTING_LABELS, *SITE_SETTING_LABELS]
        return {key: self[key].data for key in keys if self[key].raw_data}

    def problems(self) -> list[str]:
        return [str(error) for errors in self.errors.values() for error in errors]


class HomePictureForm(FlaskForm):
    """One picture for the home page: a JPEG and its caption (also its text alternative)."""
    picture = FileField(_l("Gambar (JPG)"))
    caption = StringField(_l("Keterangan gambar"), filters=[one_line],
                          validators=[DataRequired(_l("Keterangan gambar wajib diisi: orang yang "
                                                      "tidak dapat melihat gambar membacanya.")),
                                      Length(max=LONGEST_TEXT)])

    def problems(self) -> list[str]:
        return [str(error) for errors in self.errors.values() for error in errors]
