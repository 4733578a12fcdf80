"""Who someone is in the service: the role questions every door asks, answered once.

Views, notifications and the lifecycle ask these instead of comparing role names, so what a
role means (a superadmin counts as an admin and an evaluator; an operator acts only for the
OPD it belongs to) is decided here and nowhere else.
"""
from flask_babel import lazy_gettext as _l


def _roles(user) -> set[str]:
    if user is None or not user.is_authenticated:
        return set()
    return user.role_names


def is_superadmin(user) -> bool:
    return "superadmin" in _roles(user)


def is_admin(user, message=None) -> bool:
    return bool(_roles(user) & {"admin", "superadmin"})


def is_evaluator(user, message=None) -> bool:
    return bool(_roles(user) & {"evaluator", "superadmin"})


def is_monitor(user) -> bool:
    """A monitor of sub categories (a superadmin sees everything, but monitors nothing)."""
    return "monitor" in _roles(user)


def operated_opd_id(user) -> int | None:
    """The OPD this user answers messages for, or None: only an operator with an OPD has one."""
    if "operator" not in _roles(user):
        return None
    return user.opd_id


def is_operator_of(user, message) -> bool:
    opd_id = operated_opd_id(user)
    return opd_id is not None and opd_id == message.opd_id


def signed_in_id(user) -> int | None:
    """The user's id, or None for a guest."""
    return user.id if user is not None and user.is_authenticated else None


def is_reporter_of(user, message) -> bool:
    return reported_by(message, signed_in_id(user))


def reported_by(message, user_id: int | None) -> bool:
    """Whether the user with this id sent the message (None, a guest, sent none)."""
    return user_id is not None and message.reporter_id == user_id


def is_handler(user, message) -> bool:
    """May write internal notes and print the forwarding letter: the admins, and the
    operators of the OPD holding the message."""
    return is_admin(user) or is_operator_of(user, message)


# What each role is called on screen; the codes above stay the stored names.
ROLE_LABELS = {
    "superadmin": _l("Superadmin"), "admin": _l("Admin"), "operator": _l("Operator OPD"),
    "monitor": _l("Pemantau"), "evaluator": _l("Evaluator"), "user": _l("Warga"),
}


def role_label(name: str) -> str:
    return str(ROLE_LABELS.get(name, name))
