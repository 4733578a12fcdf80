"""Pesan: a citizen's aspirasi or aduan, with its attachments."""
import secrets

from models import db
from models.base import utcnow
from models.vocabulary import AT_OPD_STATUSES

# No 0/O/1/I/L: a tracking number is read aloud over the phone and typed on a small keyboard.
TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
TRACKING_PREFIX = "ASP-"

GUEST_KINDS = ("umum", "layanan")
# The longest link a client may send as a request's media_url: what browsers and servers
# commonly accept in an address.
MEDIA_URL_LENGTH = 2048


def new_tracking_number() -> str:
    return TRACKING_PREFIX + "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(8))


def sender_name_of(message) -> str:
    """The name a message was sent under: its reporter's account's, else the guest's. `message`
    is a Message or anything with `reporter` and `guest_name` (an export's row)."""
    if message.reporter:
        return message.reporter.display_name
    return message.guest_name or ""


def sender_nik_of(message):
    """The NIK a message was sent under: its reporter's account's, else the guest's."""
    return message.reporter.nik if message.reporter else message.guest_nik


class Message(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    tracking = db.Column(db.String(16), unique=True, nullable=False, default=new_tracking_number)
    status = db.Column(db.String(12), nullable=False, default="baru")
    channel = db.Column(db.String(10), nullable=False, default="web")

    perihal = db.Column(db.String(200), nullable=False)
    body = db.Column(db.Text, nullable=False)
    kabupaten = db.Column(db.String(80))
    address = db.Column(db.String(255))
    latitude = db.Column(db.Float)
    longitude = db.Column(db.Float)
    event_date = db.Column(db.Date)
    guest_kind = db.Column(db.String(10))  # the guest's own umum/layanan choice, a hint only
    # The service code an Open311 client sent: the reporter's suggestion, a hint only (the
    # admin classifies at triage). Kept as sent, a code and not a key, like every hint.
    suggested_service_code = db.Column(db.String(40))
    # A link an Open311 client sent (a photo elsewhere). Never fetched by the server: staff
    # see it as an unverified link, and the API returns it as it came.
    media_url = db.Column(db.String(MEDIA_URL_LENGTH))

    # Two separate flags: anonim hides the name, rahasia hides the whole message publicly.
    anonim = db.Column(db.Boolean, nullable=False, default=False)
    rahasia = db.Column(db.Boolean, nullable=False, default=False)
    hidden = db.Column(db.Boolean, nullable=False, default=False)  # admin hid it from /pesan

    reporter_id = db.Column(db.Integer, db.ForeignKey("user.id"))
    guest_name = db.Column(db.String(120))
    guest_nik = db.Column(db.String(16))
    guest_phone = db.Column(db.String(20))
    guest_email = db.Column(db.String(255))
    created_by_id = db.Column(db.Integer, db.ForeignKey("user.id"))  # staff intake
    # The phone's own name for a submission (a random UUID): a phone that sent it while the
    # signal came and went may send it again, and gets the first message back (models.client_key).
    # A unique index, not a constraint: adding it rebuilds no table (SQLite), however large.
    client_key = db.Column(db.String(36), unique=True, index=True)

    category_id = db.Column(db.Integer, db.ForeignKey("category.id"), index=True)
    subcategory_id = db.Column(db.Integer, db.ForeignKey("subcategory.id"))
    opd_id = db.Column(db.Integer, db.ForeignKey("opd.id"))
    duplicate_of_id = db.Column(db.Integer, db.ForeignKey("message.id"))
    close_reason = db.Column(db.Text)
    answer = db.Column(db.Text)
    reopen_count = db.Column(db.Integer, nullable=False, default=0)

    created_at = db.Column(db.DateTime, nullable=False, default=utcnow, index=True)
    # Indexed: the newest change is the data version of cached figures (models.cache).
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow, onupdate=utcnow, index=True)
    triaged_at = db.Column(db.DateTime)    # left `baru` for the first time
    forwarded_at = db.Column(db.DateTime)  # latest forwarding: the OPD's SLA clock
    accepted_at = db.Column(db.DateTime)
    finished_at = db.Column(db.DateTime)
    # SLA deadlines, set by the lifecycle at each transition so overdue is one SQL filter.
    triage_due_at = db.Column(db.DateTime)
    answer_due_at = db.Column(db.DateTime)

    # Each list's filter followed by its order: a queue by status, an OPD's own messages, a
    # monitor's sub categories, the SLA queues (status plus deadline), and a NIK's or an
    # account's messages, so no list sorts or counts more than it shows.
    __table_args__ = (
        db.Index("ix_message_status_created_at", "status", "created_at"),
        db.Index("ix_message_subcategory_id_created_at", "subcategory_id", "created_at"),
        db.Index("ix_message_opd_id_created_at", "opd_id", "created_at"),
        db.Index("ix_message_opd_id_status_answer_due_at", "opd_id", "status", "answer_due_at"),
        db.Index("ix_message_subcategory_id_status_triage_due_at",
                 "subcategory_id", "status", "triage_due_at"),
        db.Index("ix_message_subcategory_id_status_answer_due_at",
                 "subcategory_id", "status", "answer_due_at"),
        db.Index("ix_message_status_triage_due_at", "status", "triage_due_at"),
        db.Index("ix_message_status_answer_due_at", "status", "answer_due_at"),
        db.Index("ix_message_guest_nik_created_at", "guest_nik", "created_at"),
        db.Index("ix_message_reporter_id_created_at", "reporter_id", "created_at"),
    )

    # Optimistic locking: a stale form or a concurrent writer never overwrites silently.
    version = db.Column(db.Integer, nullable=False, default=1)
    __mapper_args__ = {"version_id_col": version}

    reporter = db.relationship("User", foreign_keys=[reporter_id])
    created_by = db.relationship("User", foreign_keys=[created_by_id])
    category = db.relationship("Category")
    subcategory = db.relationship("Subcategory")
    suggested_subcategory = db.relationship(
        "Subcategory", primaryjoin="foreign(Message.suggested_service_code) == Subcategory.code",
        viewonly=True)
    opd = db.relationship("Opd")
    duplicate_of = db.relationship("Message", remote_side=[id])
    attachments = db.relationship("Attachment", back_populates="message",
                                  order_by="Attachment.id", cascade="all, delete-orphan")
    events = db.relationship("MessageEvent", back_populates="message",
                             order_by="MessageEvent.id", cascade="all, delete-orphan")
    rating = db.relationship("Rating", back_populates="message", uselist=False)
    reprimands = db.relationship("Reprimand", back_populates="message",
                                 order_by="Reprimand.id")

    @property
    def is_overdue(self) -> bool:
        now = utcnow()
        if self.status == "baru":
            return bool(self.triage_due_at and self.triage_due_at < now)
        if self.status in AT_OPD_STATUSES:
            return bool(self.answer_due_at and self.answer_due_at < now)
        return False

    @classmethod
    def overdue_clause(cls, now=None):
        """The SQL twin of `is_overdue`, for queues and reports."""
        now = now or utcnow()
        return db.or_(
            db.and_(cls.status == "baru", cls.triage_due_at < now),
            db.and_(cls.status.in_(AT_OPD_STATUSES), cls.answer_due_at < now),
        )

    @classmethod
    def deadline_column(cls, status: str):
        """The deadline that runs in `status` ("baru" or one of AT_OPD_STATUSES)."""
        return cls.triage_due_at if status == "baru" else cls.answer_due_at

    @classmethod
    def overdue_in_clause(cls, status: str, now):
        """`overdue_clause` within one status: one status and its deadline, which an index on
        (status, deadline) reads as one range, in deadline order."""
        return db.and_(cls.status == status, cls.deadline_column(status) < now)

    @property
    def nik(self):
        return sender_nik_of(self)

    @property
    def sender_name(self) -> str:
        return sender_name_of(self)

    @property
    def public_events(self):
        return [e for e in self.events if e.public]

    def __str__(self):
        return f"{self.tracking} {self.perihal}"


class Attachment(db.Model):
    """A stored file. The bytes live under UPLOAD_DIR, outside the web root."""
    id = db.Column(db.Integer, primary_key=True)
    message_id = db.Column(db.Integer, db.ForeignKey("message.id"), nullable=False, index=True)
    event_id = db.Column(db.Integer, db.ForeignKey("message_event.id"))
    kind = db.Column(db.String(12), nullable=False, default="lampiran")  # lampiran | balasan
    filename = db.Column(db.String(255), nullable=False)
    stored_name = db.Column(db.String(80), unique=True, nullable=False)
    content_type = db.Column(db.String(60), nullable=False)
    size = db.Column(db.Integer, nullable=False)
    uploaded_by_id = db.Column(db.Integer, db.ForeignKey("user.id"))
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    message = db.relationship("Message", back_populates="attachments")
    event = db.relationship("MessageEvent", back_populates="attachments")
