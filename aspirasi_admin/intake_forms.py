"""The form staff fill in when they record a message on a citizen's behalf (phone, walk-in,
letter). NIK, phone and email are checked by the same rules as on the portal."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from models.contact import normalise_phone
from models.field_checks import ANSWER_LENGTH, at_most, valid_email, valid_nik, valid_phone
from models.region import KABUPATEN_KOTA
from models.vocabulary import INTAKE_CHANNELS


def stripped(value):
    return value.strip() if isinstance(value, str) else value


def one_of(values, message):
    """A choice check that also refuses an empty or forged value, with our own message."""
    def check(form, field):
        if field.data not in values:
            raise ValidationError(message)
    return check


class IntakeForm(FlaskForm):
    channel = SelectField(validate_choice=False, validators=[one_of(
        INTAKE_CHANNELS, _l("Pilih kanal penerimaan: telepon, datang langsung, atau surat."))])
    guest_name = StringField(filters=[stripped],
                             validators=[DataRequired(_l("Nama pelapor wajib diisi.")),
                                         Length(max=120, message=_l("Nama paling panjang 120 "
                                                                    "karakter."))])
    guest_nik = StringField(filters=[stripped], validators=[Optional(), valid_nik])
    guest_phone = StringField(filters=[normalise_phone], validators=[Optional(), valid_phone])
    guest_email = StringField(filters=[stripped], validators=[Optional(), valid_email])
    perihal = StringField(filters=[stripped], validators=[
        DataRequired(_l("Perihal wajib diisi.")),
        Length(max=200, message=_l("Perihal paling panjang 200 karakter."))])
    body = TextAreaField(filters=[stripped],
                         validators=[DataRequired(_l("Isi pesan wajib diisi.")),
                                     at_most(ANSWER_LENGTH)])
    kabupaten = SelectField(validate_choice=False, filters=[stripped], validators=[
        Optional(), one_of(KABUPATEN_KOTA, _l("Pilih kabupaten/kota dari daftar."))])
    address = StringField(filters=[stripped], validators=[
        Optional(), Length(max=255, message=_l("Alamat paling panjang 255 karakter."))])
    anonim = BooleanField()
    rahasia = BooleanField()

    def __init__(self, *args, channel_labels: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.channel.choices = [(code, channel_labels[code]) for code in INTAKE_CHANNELS]
        self.kabupaten.choices = ([("", _l("— tidak disebutkan —"))]
                                  + [(name, name) for name in KABUPATEN_KOTA])

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not (self.guest_phone.data or self.guest_email.data or self.guest_nik.data):
            self.form_errors.append(_l("Isi paling sedikit satu kontak pelapor: telepon, email, "
                                       "atau NIK."))
            valid = False
        return valid

    def problems(self) -> list[str]:
        """Every reason the form was refused, field by field, in the order of the page."""
        return [str(error) for errors in self.errors.values() for error in errors]
