"""Kategori and Sub kategori: set by the admin at triage, never by the citizen.

A citizen's own guess of a category routed messages to the wrong OPD, so classification is a
staff decision; a guest's or an API client's hint is kept only as a hint.
"""
from models import db

subcategory_monitors = db.Table(
    "subcategory_monitors",
    db.Column("subcategory_id", db.Integer, db.ForeignKey("subcategory.id", ondelete="CASCADE"),
              primary_key=True),
    db.Column("user_id", db.Integer, db.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
)


class Category(db.Model):
    """Aspirasi, Aduan or Informasi (an informasi message may be answered by the admin)."""
    id = db.Column(db.Integer, primary_key=True)
    code = db.Column(db.String(20), unique=True, nullable=False)
    name = db.Column(db.String(80), unique=True, nullable=False)
    is_informasi = db.Column(db.Boolean, nullable=False, default=False)

    subcategories = db.relationship("Subcategory", back_populates="category",
                                    order_by="Subcategory.name")

    def __str__(self):
        return self.name


class Subcategory(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    category_id = db.Column(db.Integer, db.ForeignKey("category.id"), nullable=False)
    code = db.Column(db.String(40), unique=True, nullable=False)  # Open311 service_code
    name = db.Column(db.String(120), nullable=False)
    description = db.Column(db.String(255))
    default_opd_id = db.Column(db.Integer, db.ForeignKey("opd.id"))
    # Per-subcategory SLA override in working hours; None uses the global setting.
    sla_hours = db.Column(db.Integer)
    active = db.Column(db.Boolean, nullable=False, default=True)

    category = db.relationship("Category", back_populates="subcategories")
    default_opd = db.relationship("Opd")
    monitors = db.relationship("User", secondary=subcategory_monitors,
                               back_populates="monitored_subcategories")

    __table_args__ = (db.UniqueConstraint("category_id", "name", name="uq_subcategory_category_name"),)

    def __str__(self):
        return f"{self.category.name} / {self.name}" if self.category else self.name
