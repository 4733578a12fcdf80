"""Settings the superadmin can change at run time (SLA, the letter's signature, the site's
contact details and home pictures), and Open311 API keys."""
import hashlib
import re
import secrets
from dataclasses import dataclass

from models import db
from models.base import utcnow
from models.cache import cached_for_request

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

# What every public page's footer shows: how to reach the service and its social media.
# A social link left empty is not shown.
SITE_DEFAULTS = {
    "contact_email": "support@aspirasi.kaltimprov.go.id",
    "contact_phone": "",
    "social_instagram": "",
    "social_facebook": "",
    "social_x": "",
    "social_youtube": "",
}
SOCIAL_NETWORKS = {
    "social_instagram": ("Instagram", ("instagram.com",)),
    "social_facebook": ("Facebook", ("facebook.com",)),
    "social_x": ("X", ("x.com", "twitter.com")),
    "social_youtube": ("YouTube", ("youtube.com",)),
}
TEXT_DEFAULTS.update(SITE_DEFAULTS)

# A home picture is one Setting row: the key names the stored file, the value is its caption
# (which is also the picture's text alternative). Keys sort in upload order.
HOME_PICTURE_PREFIX = "beranda:"
HOME_PICTURE_DIR = "beranda"
HOME_PICTURE_ID = re.compile(r"\d{14}-[0-9a-f]{8}")
MAX_HOME_PICTURES = 8


class Setting(db.Model):
    key = db.Column(db.String(60), primary_key=True)
    value = db.Column(db.String(255), nullable=False)

    @staticmethod
    def stored() -> dict[str, str]:
        """Every stored setting, read once per request (a few dozen short rows)."""
        return cached_for_request("settings", _read_settings)

    @staticmethod
    def get_int(key: str) -> int:
        return int(Setting.stored().get(key, DEFAULTS[key]))

    @staticmethod
    def get_text(key: str) -> str:
        return Setting.stored().get(key, TEXT_DEFAULTS[key])


_ALL_SETTINGS = db.select(Setting.__table__.c.key, Setting.__table__.c.value)


def _read_settings() -> dict[str, str]:
    """The settings read from the table itself: going through the ORM cost more than the read,
    and every submission asks. Like an ORM query, the read sees what the session has changed
    and not written yet."""
    if db.session.autoflush:
        db.session.flush()
    return dict(db.session.connection().execute(_ALL_SETTINGS).all())


@dataclass(frozen=True)
class HomePicture:
    picture_id: str
    caption: str

    @property
    def stored_name(self) -> str:
        """Where the file lives under UPLOAD_DIR."""
        return f"{HOME_PICTURE_DIR}/{self.picture_id}.jpg"


def new_home_picture_id(now) -> str:
    return f"{now:%Y%m%d%H%M%S}-{secrets.token_hex(4)}"


def home_pictures() -> list[HomePicture]:
    """The uploaded home pictures, oldest first."""
    return [HomePicture(key[len(HOME_PICTURE_PREFIX):], value)
            for key, value in sorted(Setting.stored().items())
            if key.startswith(HOME_PICTURE_PREFIX)]


def home_picture(picture_id: str) -> HomePicture | None:
    if not HOME_PICTURE_ID.fullmatch(picture_id or ""):
        return None
    row = db.session.get(Setting, HOME_PICTURE_PREFIX + picture_id)
    return HomePicture(picture_id, row.value) if row else None


def add_home_picture(picture_id: str, caption: str) -> None:
    db.session.add(Setting(key=HOME_PICTURE_PREFIX + picture_id, value=caption))


def remove_home_picture(picture_id: str) -> bool:
    row = db.session.get(Setting, HOME_PICTURE_PREFIX + picture_id)
    if row is None:
        return False
    db.session.delete(row)
    return True


def site_settings() -> dict[str, str]:
    """The footer's contact details and social links."""
    stored = Setting.stored()
    return {key: stored.get(key, default) for key, default in SITE_DEFAULTS.items()}


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
