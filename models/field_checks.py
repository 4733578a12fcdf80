"""WTForms validators over the domain's checks (NIK, phone, email, a submission's client
key) and the lengths a person writes, for the forms of both doors.

The rules themselves live in models.nik, models.contact and models.client_key; these only turn a reason into a
field error, so a form in the portal and one in the back office refuse the same values.
"""
from flask_babel import lazy_gettext as _l
from wtforms.validators import Length, ValidationError

from models.client_key import client_key_problem
from models.contact import email_problem, phone_problem
from models.nik import nik_problem


def _validator(problem_of):
    def check(form, field):
        problem = problem_of(field.data)
        if problem:
            raise ValidationError(str(problem))
    return check


valid_nik = _validator(nik_problem)
valid_phone = _validator(phone_problem)
valid_email = _validator(email_problem)
valid_client_key = _validator(client_key_problem)


# The longest text a person writes in each kind of field: room for any real note or answer,
# while a pasted megabyte is refused instead of being stored, shown and mailed.
NOTE_LENGTH = 4000      # a note, a reason, a status update, a reprimand
ANSWER_LENGTH = 10000   # an answer, a ready answer, a message's body


def at_most(limit: int) -> Length:
    """The bound of a text field, refused with the numbers a person needs to shorten it."""
    return Length(max=limit, message=_l("Teks terlalu panjang: paling banyak %(max)d karakter, "
                                        "yang dikirim %(length)d karakter."))
