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
