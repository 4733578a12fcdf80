"""The action forms of the back-office message page: one per action that takes input.

A form only reads and checks what was posted (is a chosen id a whole number, does the row
exist) and hands the lifecycle its data; whether the action may happen, and whether the data
is complete, is decided once, by `models.lifecycle.perform`.
"""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import Field, HiddenField, MultipleFileField, StringField, TextAreaField
from wtforms.validators import InputRequired

from models import Category, Opd, Subcategory, db
from models.errors import DomainError
from models.field_checks import ANSWER_LENGTH, NOTE_LENGTH, at_most

TRUE_VALUES = ("1", "on", "y", "true")


class RowField(StringField):
    """A row chosen by its id in a <select>; empty means none. `.data` is the row or None.

    A value that is no number, or names no row (a forged form), is refused with a sentence
    naming the field, and nothing is saved.
    """

    def __init__(self, label=None, validators=None, model=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.model = model

    def process_formdata(self, valuelist):
        raw = (valuelist[0] if valuelist else "").strip()
        self.data = None
        if not raw:
            return
        if not (raw.isascii() and raw.isdigit()) or len(raw) > 9:  # ids fit the database's integers
            raise ValueError(_l("Pilihan \"%(field)s\" tidak sah.", field=self.name))
        self.data = db.session.get(self.model, int(raw))
        if self.data is None:
            raise ValueError(_l("Pilihan \"%(field)s\" tidak ditemukan.", field=self.name))


class CheckboxField(Field):
    """A checkbox: ticked only when it posts one of the usual "yes" values."""

    def process_formdata(self, valuelist):
        self.data = bool(valuelist) and valuelist[0] in TRUE_VALUES


class InvalidForm(DomainError):
    """Posted input the form itself refuses; the message lists every field's problem."""

    def __init__(self, form):
        super().__init__("; ".join(str(error) for errors in form.errors.values()
                                   for error in errors))


class ActionForm(FlaskForm):
    """Every action: the version the page was built from, and an optional note."""

    version = HiddenField()
    note = TextAreaField(validators=[at_most(NOTE_LENGTH)])

    def checked(self):
        """This form, validated; raises InvalidForm when the input is refused."""
        if not self.validate():
            raise InvalidForm(self)
        return self

    def lifecycle_data(self) -> dict:
        """The keyword arguments `lifecycle.perform` takes for this action."""
        return {}


class TaxonomyForm(ActionForm):
    category_id = RowField(model=Category)
    subcategory_id = RowField(model=Subcategory)
    opd_id = RowField(model=Opd)

    def lifecycle_data(self) -> dict:
        data = {name: getattr(self, f"{name}_id").data for name in ("category", "subcategory", "opd")}
        data = {name: row for name, row in data.items() if row is not None}
        if "opd" not in data and "subcategory" in data and data["subcategory"].default_opd:
            data["opd"] = data["subcategory"].default_opd  # the sub category's usual OPD
        return data


class ForwardForm(TaxonomyForm):
    """Forwarding, with the privacy flags shown at their current values, and the note for the
    OPD, kept internal unless `publish_note` is ticked.

    A ticked box always counts; an unticked one clears its flag only when the page showed
    the boxes (`flags_shown`), so forwarding never clears anonim or rahasia by omission.
    """
    anonim = CheckboxField()
    rahasia = CheckboxField()
    flags_shown = HiddenField()
    publish_note = CheckboxField()

    def lifecycle_data(self) -> dict:
        data = super().lifecycle_data()
        shown = self.flags_shown.data == "1"
        for flag in ("anonim", "rahasia"):
            if shown or getattr(self, flag).data:
                data[flag] = getattr(self, flag).data
        return {**data, "publish_note": self.publish_note.data}


class RerouteForm(ActionForm):
    opd_id = RowField(model=Opd, validators=[InputRequired(_l("Pilih OPD tujuan yang baru."))])
    publish_note = CheckboxField()

    def lifecycle_data(self) -> dict:
        return {"opd": self.opd_id.data, "publish_note": self.publish_note.data}


class AnswerForm(TaxonomyForm):
    answer = TextAreaField(validators=[at_most(ANSWER_LENGTH)])

    def lifecycle_data(self) -> dict:
        return {**super().lifecycle_data(), "answer": self.answer.data or ""}


class CloseForm(ActionForm):
    reason = StringField(validators=[at_most(20)])
    duplicate_of = StringField(validators=[at_most(40)])  # a tracking number

    def lifecycle_data(self) -> dict:
        return {"reason": self.reason.data, "duplicate_of": (self.duplicate_of.data or "").strip()}


class FlagsForm(ActionForm):
    anonim = CheckboxField()
    rahasia = CheckboxField()
    hidden = CheckboxField()

    def lifecycle_data(self) -> dict:
        return {flag: getattr(self, flag).data for flag in ("anonim", "rahasia", "hidden")}


class ReplyForm(ActionForm):
    answer = TextAreaField(validators=[at_most(ANSWER_LENGTH)])
    files = MultipleFileField()

    def lifecycle_data(self) -> dict:
        return {"answer": self.answer.data or ""}


# Actions not listed take the plain ActionForm: a note, or nothing at all.
FORMS = {"forward": ForwardForm, "reroute": RerouteForm, "answer": AnswerForm, "close": CloseForm,
         "flags": FlagsForm, "reply": ReplyForm}


def form_for(action: str, **kwargs) -> ActionForm:
    return FORMS.get(action, ActionForm)(**kwargs)


def version_field(version: int) -> Markup:
    """`ActionForm.version` as every action form of a page writes it: the version the page was
    built from. A page writes only this of its forms, so it builds none (a form for each action
    cost more than the page's timeline)."""
    return Markup('<input name="version" type="hidden" value="{}">').format(version)
