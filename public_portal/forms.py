"""Forms of the citizen portal."""
from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    MultipleFileField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from models import User
from models.client_key import normalised
from models.contact import normalise_phone
from models.field_checks import valid_client_key, valid_email, valid_nik, valid_phone
from models.message import GUEST_KINDS
from models.region import KABUPATEN_KOTA
from models.user import GENDERS, RELIGION_LABELS, RELIGIONS
from models.vocabulary import GUEST_KIND_HELP, GUEST_KIND_LABELS

REQUIRED = _l("Wajib diisi.")


def options(pairs) -> list[SelectChoice]:
    """(value, label) pairs as the choices WTForms expects."""
    return [SelectChoice(value, label) for value, label in pairs]


def not_in_future(form, field):
    if field.data and field.data > date.today():
        raise ValidationError(_l("Tanggal tidak boleh di masa depan."))


# The earliest day a reported event can have happened on: the republic's own first year. An
# older date is a slip of the keyboard or the date picker, not a report.
EARLIEST_EVENT = date(1945, 1, 1)


def not_before_1945(form, field):
    if field.data and field.data < EARLIEST_EVENT:
        raise ValidationError(_l("Tanggal kejadian tidak boleh sebelum tahun 1945."))


def one_of(values, message):
    """A choice check with an Indonesian message (for forged values of selects and radios)."""
    def check(form, field):
        if field.data and field.data not in values:
            raise ValidationError(message)
    return check


class ProfileForm(FlaskForm):
    nik = StringField(_l("NIK"), validators=[DataRequired(REQUIRED), valid_nik],
                      render_kw={"inputmode": "numeric", "maxlength": 16, "autocomplete": "off"})
    full_name = StringField(_l("Nama lengkap"), validators=[DataRequired(REQUIRED),
                                                             Length(max=120)])
    birth_place = StringField(_l("Tempat lahir"), validators=[Optional(), Length(max=80)])
    birth_date = DateField(_l("Tanggal lahir"), validators=[Optional(), not_in_future])
    religion = SelectField(_l("Agama"), choices=options(
                               [("", _l("— pilih —"))] + [(r, RELIGION_LABELS[r]) for r in RELIGIONS]),
                           validators=[one_of(RELIGIONS, _l("Pilih agama dari daftar."))],
                           validate_choice=False)
    gender = SelectField(_l("Jenis kelamin"), choices=options([("", _l("— pilih —"))] + list(GENDERS)),
                         validators=[one_of([g for g, _label in GENDERS],
                                            _l("Pilih jenis kelamin dari daftar."))],
                         validate_choice=False)
    phone = StringField(_l("Nomor HP"), validators=[Optional(), valid_phone],
                        filters=[normalise_phone],
                        render_kw={"inputmode": "tel", "autocomplete": "tel"})
    address = StringField(_l("Alamat"), validators=[Optional(), Length(max=255)])

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._user = user

    def validate_nik(self, field):
        field.data = (field.data or "").strip()
        taken = User.query.filter(User.nik == field.data)
        if self._user is not None:
            taken = taken.filter(User.id != self._user.id)
        if taken.first() is not None:
            # Refused without saying why: a stranger must not learn that a NIK has an account.
            raise ValidationError(_l("NIK ini tidak dapat digunakan. Periksa kembali, atau "
                                     "hubungi admin bila NIK Anda dipakai orang lain."))


KABUPATEN_CHOICES = options([("", _l("— tidak disebutkan —"))] + [(k, k) for k in KABUPATEN_KOTA])


class QueueableForm(FlaskForm):
    """A submission form a phone may send again after a dropped connection: its hidden
    client key (filled by the page's script) makes the resend find the first message."""
    client_key = HiddenField(validators=[Optional(), valid_client_key])

    @property
    def key(self) -> str | None:
        return normalised(self.client_key.data)


class SubmitForm(QueueableForm):
    perihal = StringField(_l("Perihal"), validators=[DataRequired(_l("Perihal wajib diisi.")),
                                                     Length(max=200)])
    body = TextAreaField(_l("Isi pesan"), validators=[DataRequired(_l("Isi pesan wajib diisi.")),
                                                      Length(max=10000)])
    kabupaten = SelectField(_l("Kabupaten/Kota"), choices=KABUPATEN_CHOICES,
                            validators=[Optional()], validate_choice=False)
    address = StringField(_l("Alamat lokasi"), validators=[Optional(), Length(max=255)])
    lampiran = MultipleFileField(_l("Lampiran (JPG atau PDF, paling banyak 5 berkas, "
                                    "masing-masing paling besar 5 MB)"),
                                 render_kw={"accept": ".jpg,.jpeg,.pdf,image/jpeg,application/pdf"})
    anonim = BooleanField(_l("Anonim: nama saya tidak ditampilkan kepada publik maupun OPD"))
    rahasia = BooleanField(_l("Rahasia: pesan saya tidak ditampilkan di daftar pesan publik"))

    def validate_kabupaten(self, field):
        if field.data and field.data not in KABUPATEN_KOTA:
            raise ValidationError(_l("Pilih kabupaten/kota dari daftar."))


class GuestForm(QueueableForm):
    kind_help = GUEST_KIND_HELP  # what umum and layanan mean, shown beside each choice
    guest_kind = RadioField(_l("Kategori"), choices=options(list(GUEST_KIND_LABELS.items())),
                            default="umum", validate_choice=False,
                            validators=[DataRequired(_l("Pilih kategori.")),
                                        one_of(GUEST_KINDS, _l("Pilih kategori umum atau layanan."))])
    perihal = StringField(_l("Judul"), validators=[DataRequired(_l("Judul wajib diisi.")),
                                                   Length(max=200)])
    body = TextAreaField(_l("Isi laporan"), validators=[DataRequired(_l("Isi laporan wajib diisi.")),
                                                        Length(max=10000)])
    guest_name = StringField(_l("Nama (boleh dikosongkan)"), validators=[Optional(),
                                                                         Length(max=120)])
    nik = StringField(_l("NIK"), validators=[DataRequired(REQUIRED), valid_nik],
                      render_kw={"inputmode": "numeric", "maxlength": 16, "autocomplete": "off"})
    phone = StringField(_l("Nomor HP"), validators=[DataRequired(REQUIRED), valid_phone],
                        filters=[normalise_phone],
                        render_kw={"inputmode": "tel", "autocomplete": "tel"})
    email = StringField(_l("Email (boleh dikosongkan)"),
                        validators=[Optional(), valid_email])
    event_date = DateField(_l("Tanggal kejadian"),
                           validators=[DataRequired(_l("Tanggal kejadian wajib diisi.")),
                                       not_before_1945, not_in_future],
                           render_kw={"min": EARLIEST_EVENT.isoformat()})
    foto = MultipleFileField(_l("Foto (JPG, paling banyak 5, masing-masing paling besar 5 MB)"),
                             render_kw={"accept": ".jpg,.jpeg,image/jpeg"})


class ActionForm(FlaskForm):
    """A citizen's action on its own message; `version` is what the page was built from."""
    version = HiddenField()


# No score is chosen until the citizen chooses one: a preset would pull every rating to it.
RATING_CHOICES = options([
    ("", _l("— pilih —")),
    ("0.5", _l("Setengah Bintang")), ("1", _l("Satu Bintang")),
    ("1.5", _l("Satu Setengah Bintang")), ("2", _l("Dua Bintang")),
    ("2.5", _l("Dua Setengah Bintang")), ("3", _l("Tiga Bintang")),
    ("3.5", _l("Tiga Setengah Bintang")), ("4", _l("Empat Bintang")),
    ("4.5", _l("Empat Setengah Bintang")), ("5", _l("Lima Bintang")),
])


class RatingForm(ActionForm):
    stars = SelectField(_l("Nilai"), choices=RATING_CHOICES, default="",
                        validate_choice=False)  # the lifecycle refuses a missing or bad value
    comment = TextAreaField(_l("Komentar"), validators=[Optional(), Length(max=2000)])


class ReopenForm(ActionForm):
    reason = TextAreaField(_l("Mengapa belum terselesaikan?"),
                           validators=[Optional(), Length(max=2000)])


class CloseAccountForm(FlaskForm):
    """Closing the account asks for the password again: a left-open session is not enough."""
    password = PasswordField(_l("Kata sandi"), validators=[DataRequired(REQUIRED)],
                             render_kw={"autocomplete": "current-password"})
