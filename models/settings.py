"""Settings the superadmin can change at run time (SLA), and Open311 API keys."""
import hashlib
import secrets

from models import db
from models.base import utcnow

DEFAULTS = {
    "sla_triage_minutes": "120",    # SOP step 3: classify within 120 minutes
    "sla_answer_workdays": "2",     # SOP step 4: the OPD answers within 2 days
    "reopen_workdays": "10",        # a citizen may reopen within 10 working days
    "sla_receive_minutes": "10",    # SOP step 2: staff take the new message up within 10 minutes
    "sla_review_minutes": "10",     # SOP step 5: the OPD's answer is checked within 10 minutes
    "sla_relay_minutes": "30",      # SOP step 6: the checked answer reaches the citizen in 30
    "sla_publish_minutes": "5",     # SOP step 7: the citizen's notice goes out within 5 minutes
    # SOP steps 5-6: when 1, an OPD's answer waits for an admin's release before the citizen
    # sees it; 0 (the default) delivers it at once.
    "review_answers": "0",
}

# The signature block of the forwarding letter (surat penerusan).
TEXT_DEFAULTS = {
    "letter_signatory_title": "Kepala Dinas Komunikasi dan Informatika",
    "letter_signatory_name": "Pengelola Aspirasi Kaltim",
    "letter_signatory_nip": "",
}


class Setting(db.Model):
    key = db.Column(db.String(60), primary_key=True)
    value = db.Column(db.String(255), nullable=False)

    @staticmethod
    def get_int(key: str) -> int:
        row = db.session.get(Setting, key)
        return int(row.value if row else DEFAULTS[key])

    @staticmethod
    def get_text(key: str) -> str:
        row = db.session.get(Setting, key)
        return row.value if row else TEXT_DEFAULTS[key]


class Holiday(db.Model):
    """A public holiday (hari libur nasional or cuti bersama): not a working day for the SLA."""
    id = db.Column(db.Integer, primary_key=True)
    day = db.Column(db.Date, unique=True, nullable=False)
    name = db.Column(db.String(120), nullable=False)

    def __str__(self):
        return f"{self.day:%d-%m-%Y} {self.name}"


class ApiKey(db.Model):
    """An Open311 client's key. Only its hash is stored; the key is shown once."""
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(120), nullable=False)
    key_hash = db.Column(db.String(64), unique=True, nullable=False)
    prefix = db.Column(db.String(8), nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    revoked_at = db.Column(db.DateTime)

    @staticmethod
    def hash(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, name: str):
        """Create a key row; returns (row, plaintext key)."""
        key = secrets.token_urlsafe(24)
        row = cls(name=name, key_hash=cls.hash(key), prefix=key[:8])
        db.session.add(row)
        return row, key

    @classmethod
    def find_active(cls, key: str | None):
        if not key:
            return None
        return cls.query.filter_by(key_hash=cls.hash(key), revoked_at=None).first()

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"
