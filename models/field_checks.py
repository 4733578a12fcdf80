"""WTForms validators over the domain's checks (NIK, phone, email, a submission's client
key), for the forms of both doors.

The rules themselves live in models.nik, models.contact and models.client_key; these only turn a reason into a
field error, so a form in the portal and one in the back office refuse the same values.
"""
from wtforms.validators import ValidationError

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
