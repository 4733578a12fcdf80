"""What comes back around a message: ratings, reprimands (teguran), answer templates."""
from models import db
from models.base import utcnow


class Rating(db.Model):
    """0.5 to 5 stars in half steps, stored as whole half-stars (1..10) to stay exact."""
    id = db.Column(db.Integer, primary_key=True)
    message_id = db.Column(db.Integer, db.ForeignKey("message.id"), unique=True, nullable=False)
    user_id = db.Column(db.Integer, db.ForeignKey("user.id"))
    half_stars = db.Column(db.Integer, nullable=False)
    comment = db.Column(db.Text)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    message = db.relationship("Message", back_populates="rating")

    __table_args__ = (db.CheckConstraint("half_stars BETWEEN 1 AND 10", name="half_stars_range"),)

    @property
    def stars(self) -> float:
        return self.half_stars / 2


class Reprimand(db.Model):
    """Teguran: the evaluator's reprimand to the OPD handling a message."""
    id = db.Column(db.Integer, primary_key=True)
    message_id = db.Column(db.Integer, db.ForeignKey("message.id"), nullable=False, index=True)
    opd_id = db.Column(db.Integer, db.ForeignKey("opd.id"), nullable=False, index=True)
    sender_id = db.Column(db.Integer, db.ForeignKey("user.id"), nullable=False)
    text = db.Column(db.Text, nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    acknowledged_at = db.Column(db.DateTime)
    acknowledged_by_id = db.Column(db.Integer, db.ForeignKey("user.id"))

    message = db.relationship("Message", back_populates="reprimands")
    opd = db.relationship("Opd")
    sender = db.relationship("User", foreign_keys=[sender_id])
    acknowledged_by = db.relationship("User", foreign_keys=[acknowledged_by_id])


class ResponseTemplate(db.Model):
    """A ready answer per category that admins and operators insert into a reply."""
    id = db.Column(db.Integer, primary_key=True)
    category_id = db.Column(db.Integer, db.ForeignKey("category.id"))
    title = db.Column(db.String(120), nullable=False)
    body = db.Column(db.Text, nullable=False)

    category = db.relationship("Category")

    def __str__(self):
        return self.title
