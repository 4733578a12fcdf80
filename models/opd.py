"""Perangkat Daerah (OPD): the agencies that act on messages."""
from models import db


class Opd(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    code = db.Column(db.String(30), unique=True, nullable=False)
    name = db.Column(db.String(160), unique=True, nullable=False)
    email = db.Column(db.String(255))
    address = db.Column(db.String(255))
    head_name = db.Column(db.String(120))  # recipient line of the forwarding letter
    active = db.Column(db.Boolean, nullable=False, default=True)

    operators = db.relationship("User", back_populates="opd")

    def __str__(self):
        return self.name


def opds_without_operator(opds) -> set:
    """The ids of those OPDs no active operator answers for: a message forwarded there is
    heard by nobody until someone is given an account."""
    from models.user import Role, User

    ids = {opd.id for opd in opds}
    if not ids:
        return set()
    staffed = {opd_id for (opd_id,) in db.session.query(User.opd_id).join(User.roles)
               .filter(Role.name == "operator", User.active.is_(True), User.opd_id.in_(ids))}
    return ids - staffed
