"""Configuration, read from the environment in this one place.

Embedded defaults need nothing: SQLite and uploads under `instance/`, mail written as files
to `instance/outbox/`, rate-limit counts in a file there that every worker shares.
"""
import json
import os
import secrets
import tempfile
from datetime import timedelta
from pathlib import Path

from aspirasi import limit_store
from models.vocabulary import LOCAL_ZONE_NAME

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = Path(os.environ.get("INSTANCE_PATH", ROOT / "instance"))


def _file_written_once(filename: str, make) -> str:
    """The text of instance/`filename`, made by `make()` and written by whichever process comes
    first. Workers starting together on a fresh machine all read that one text: each writes its
    own whole under another name (readable by this user only) and links it into place, which
    fails for all but the first; a file is never seen half written."""
    path = INSTANCE / filename
    if not path.exists():
        INSTANCE.mkdir(mode=0o700, parents=True, exist_ok=True)  # keys and the database: owner only
        handle, own = tempfile.mkstemp(dir=INSTANCE, prefix=f".{filename}.")  # mode 0600
        try:
            with os.fdopen(handle, "w") as written:
                written.write(make())
            try:
                os.link(own, path)
            except FileExistsError:
                pass  # another worker was first: its text is the one read below
        finally:
            os.unlink(own)
    return path.read_text()


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once and stored under instance/."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    return _file_written_once("secret_key", lambda: secrets.token_urlsafe(48)).strip()


def _secret_written_once(env: str, filename: str, make) -> object:
    """A JSON value from the environment, else one generated once and stored under instance/."""
    if os.environ.get(env):
        return json.loads(os.environ[env])
    return json.loads(_file_written_once(filename, lambda: json.dumps(make())))


def totp_secrets() -> dict:
    """Keys that encrypt each account's authenticator secret: {"1": "..."}; a new key is added
    under a higher number, the old ones stay so existing enrolments keep working."""
    return _secret_written_once("SECURITY_TOTP_SECRETS", "totp_secrets.json",
                        lambda: {"1": secrets.token_urlsafe(32)})


def recovery_code_keys() -> list:
    """Fernet keys that encrypt the stored recovery codes (the first one encrypts)."""
    def make():
        from cryptography.fernet import Fernet

        return [Fernet.generate_key().decode()]
    return _secret_written_once("SECURITY_RECOVERY_CODES_KEYS", "recovery_code_keys.json", make)


def staff_two_factor() -> str:
    value = os.environ.get("STAFF_TWO_FACTOR", "optional").strip().lower()
    if value not in ("optional", "required"):
        raise ValueError(f"STAFF_TWO_FACTOR must be optional or required, not {value!r}")
    return value


def _cache_settings() -> dict:
    """The shared cache (models.cache): Redis when CACHE_REDIS_URL is set (several machines),
    else a folder every worker of this machine shares. Its keys are bounded by design, so the
    folder is never counted nor pruned (threshold 0): a write costs the same however many
    entries it holds."""
    redis_url = os.environ.get("CACHE_REDIS_URL")
    if redis_url:
        return {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": redis_url}
    return {"CACHE_TYPE": "FileSystemCache", "CACHE_DIR": str(INSTANCE / "cache"),
            "CACHE_THRESHOLD": 0}


def database_url() -> str:
    return with_driver(os.environ.get("DATABASE_URL") or f"sqlite:///{INSTANCE / 'aspirasi.db'}")


def with_driver(url: str) -> str:
    """The database URL as SQLAlchemy should open it: the common postgres:// spellings get the
    psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _mail_settings() -> dict:
    backend = os.environ.get("MAIL_BACKEND", "file")
    settings = {
        "MAIL_BACKEND": backend,
        "MAIL_FILE_PATH": os.environ.get("MAIL_FILE_PATH", str(INSTANCE / "outbox")),
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", "localhost"),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "25")),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME"),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD"),
        "MAIL_USE_TLS": os.environ.get("MAIL_USE_TLS", "").lower() in ("1", "true", "yes"),
        "MAIL_USE_SSL": os.environ.get("MAIL_USE_SSL", "").lower() in ("1", "true", "yes"),
        # Seconds the worker waits on a silent mail server before trying the next mail.
        "MAIL_TIMEOUT": int(os.environ.get("MAIL_TIMEOUT", "10")),
        "MAIL_DEFAULT_SENDER": os.environ.get("MAIL_DEFAULT_SENDER",
                                              "Aspirasi Kaltim <no-reply@aspirasi.kaltimprov.go.id>"),
    }
    return settings


class Config:
    SECRET_KEY = None  # filled by load()
    SQLALCHEMY_DATABASE_URI = None
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    UPLOAD_DIR = None
    MAX_CONTENT_LENGTH = 32 * 1024 * 1024   # five 5 MB files and the form around them
    MAX_UPLOAD_FILES = 5
    MAX_UPLOAD_BYTES = 5 * 1024 * 1024
    # The address people reach the service at, for links in mail (services.notify); unset,
    # mail queued in a request links to that request's host, and the CLI's to localhost:5000.
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL")
    # The slug of the government this installation serves: what an Open311 client names as
    # jurisdiction_id (any other one is answered 404).
    MAIN_INSTANSI = os.environ.get("MAIN_INSTANSI", "kaltim")
    # How many reverse proxies stand in front (gunicorn behind nginx: 1). Only then are the
    # X-Forwarded-* headers believed, for the client's address in rate limits and the audit.
    PROXY_FIX_HOPS = int(os.environ.get("PROXY_FIX_HOPS", "0"))

    # Mail is queued in the database; `flask --app wsgi mail-deliver --loop` delivers it.
    MAIL_MAX_ATTEMPTS = 5
    # Mail a stranger can cause reaches one address at most this often (see services.mailer).
    MAIL_PER_RECIPIENT_LIMIT = int(os.environ.get("MAIL_PER_RECIPIENT_LIMIT", "5"))
    # Mail about one's own account (reset, verification) is counted apart, with its own share,
    # so notices anyone can cause never use it up (see services.mailer.MAIL_KINDS).
    MAIL_ACCOUNT_PER_RECIPIENT_LIMIT = int(os.environ.get("MAIL_ACCOUNT_PER_RECIPIENT_LIMIT", "5"))
    MAIL_PER_RECIPIENT_WINDOW = timedelta(hours=1)

    BABEL_DEFAULT_LOCALE = "id"
    BABEL_DEFAULT_TIMEZONE = LOCAL_ZONE_NAME
    BABEL_TRANSLATION_DIRECTORIES = str(ROOT / "translations")
    LANGUAGES = ("id", "en")

    # Figures over the whole table (see models.cache): cached per data version and shown up
    # to this many seconds after a change.
    FIGURES_MAX_AGE = int(os.environ.get("FIGURES_MAX_AGE", "60"))
    # A cached public page is checked against the data this often per worker (seconds): a
    # busy page then costs no query, and a change shows within this time.
    CACHED_PAGES_RECHECK = float(os.environ.get("CACHED_PAGES_RECHECK", "1"))
    # The background worker counts the most asked-for figures again this often (seconds) when
    # the data changed, before FIGURES_MAX_AGE runs out, so no visitor waits for a count.
    # 0: never (each figure is then counted again by the first visit after a change).
    FIGURES_REFRESH = float(os.environ.get("FIGURES_REFRESH", "45"))
    # The longest an entry of the shared cache lives: a figure unchanged for a day is counted
    # again at its next visit, and older files are removed from the folder by the worker.
    CACHE_DEFAULT_TIMEOUT = 24 * 3600

    # The key that signs every backup archive's manifest (services.backup): verify and
    # restore refuse an archive it did not sign. Unset, the first `backup create` makes one
    # in BACKUP_SIGNING_KEY_FILE (owner-only); either way it must be kept apart from the
    # archives, with the other secrets, to rebuild a lost machine.
    BACKUP_SIGNING_KEY = os.environ.get("BACKUP_SIGNING_KEY")
    BACKUP_SIGNING_KEY_FILE = os.environ.get("BACKUP_SIGNING_KEY_FILE",
                                             str(INSTANCE / "backup_signing_key"))

    # The triage suggestions' model file (services.triage_store); unset: under instance/.
    TRIAGE_MODEL_PATH = os.environ.get("TRIAGE_MODEL_PATH")
    # The background worker looks this often (seconds) whether a triage model is due: the
    # first once the admins have made enough decisions, the next once their number has grown
    # by TRIAGE_RETRAIN_GROWTH (a share) since the last (services.triage_training).
    # 0: never on its own (nor by seed-demo); `flask triage-train` then trains.
    TRIAGE_TRAIN_EVERY = float(os.environ.get("TRIAGE_TRAIN_EVERY", "600"))
    TRIAGE_RETRAIN_GROWTH = float(os.environ.get("TRIAGE_RETRAIN_GROWTH", "0.2"))

    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = None  # filled by load(): the counts every worker shares
    # X-RateLimit-* on every limited answer cost two store round trips each (10 % of a
    # submission's CPU); a refusal still says when to come back (`retry_after`).
    RATELIMIT_HEADERS_ENABLED = False
    RATE_LIMITS = {
        # Per address: staff of one office share one public address, so it is generous;
        # per account (the identity typed in): guessing one account's password is what it stops.
        "login": "60 per minute",
        "login_account": "10 per minute; 50 per hour",
        # Wrong second-factor codes: per sign-in round (one password entry) and per account.
        "tf_code_round": "5 per 15 minutes",
        "tf_code_account": "10 per 15 minutes; 30 per day",
        "register": "5 per minute; 30 per hour",
        "resend": "10 per minute",
        "reset": "5 per minute",
        # Per address typed, whether or not an account has it: below the account mail's share
        # (MAIL_ACCOUNT_PER_RECIPIENT_LIMIT; a verification link's count also holds the
        # registration's), so every request /reset and /confirm accept is queued, and a
        # refusal is said on the page.
        "reset_address": "3 per hour",
        "confirm_address": "3 per hour",
        "submit": "5 per minute; 50 per day",
        "nik_tracking": "10 per minute",
        "search": "30 per minute",  # /pesan?q=: per client address
        "open311_post": "30 per minute",
    }

    WTF_CSRF_TIME_LIMIT = 8 * 3600  # a long form on a slow phone connection still submits
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False  # filled by load(), with REMEMBER_COOKIE_SECURE
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SECURE = False

    FLASK_ADMIN_SWATCH = "default"

    # Flask-Security-Too
    SECURITY_PASSWORD_HASH = "argon2"
    # argon2id with one of OWASP's equal-strength settings (46 MiB, one pass, one lane) in
    # place of the library's (64 MiB, three passes, four lanes): a sign-in is one hash, and
    # four lanes compete for the few cores the web workers share. A hash made under other
    # settings is made again at its owner's next sign-in.
    SECURITY_PASSWORD_HASH_PASSLIB_OPTIONS = {"argon2__memory_cost": 47104,
                                              "argon2__time_cost": 1,
                                              "argon2__parallelism": 1}
    SECURITY_PASSWORD_LENGTH_MIN = 8
    SECURITY_REGISTERABLE = True
    SECURITY_CONFIRMABLE = True
    SECURITY_RECOVERABLE = True
    SECURITY_CHANGEABLE = True
    SECURITY_TRACKABLE = True
    # Off: the joined form Flask-Security would use makes SQLite read the whole roles_users
    # table on every request. The signed-in account comes with its roles in one flat join
    # instead (accounts.AccountDatastore).
    SECURITY_JOIN_USER_ROLES = False
    SECURITY_USERNAME_ENABLE = True
    SECURITY_USERNAME_REQUIRED = True
    SECURITY_USERNAME_MIN_LENGTH = 3
    SECURITY_USERNAME_MAX_LENGTH = 32
    # Unverified accounts may sign in, but then see only the "please verify" page, the resend
    # button and logout.
    SECURITY_LOGIN_WITHOUT_CONFIRMATION = True
    SECURITY_CONFIRM_EMAIL_WITHIN = timedelta(days=2)
    SECURITY_RESET_PASSWORD_WITHIN = timedelta(minutes=60)
    SECURITY_EMAIL_VALIDATOR_ARGS = {"check_deliverability": False}
    SECURITY_POST_LOGIN_VIEW = "portal.after_login"
    SECURITY_POST_LOGOUT_VIEW = "portal.index"
    SECURITY_POST_REGISTER_VIEW = "security.login"  # signed out; see accounts.keep_registration_signed_out
    SECURITY_POST_CONFIRM_VIEW = "portal.after_login"
    SECURITY_POST_RESET_VIEW = "security.login"
    SECURITY_POST_CHANGE_VIEW = "portal.settings"
    SECURITY_EMAIL_SENDER = None  # filled from MAIL_DEFAULT_SENDER
    SECURITY_EMAIL_SUBJECT_REGISTER = "Selamat datang di Aspirasi Kaltim: verifikasi email Anda"
    SECURITY_EMAIL_SUBJECT_CONFIRM = "Verifikasi email akun Aspirasi Kaltim"
    SECURITY_EMAIL_SUBJECT_PASSWORD_RESET = "Atur ulang kata sandi Aspirasi Kaltim"
    SECURITY_EMAIL_SUBJECT_PASSWORD_NOTICE = "Kata sandi Aspirasi Kaltim Anda telah diatur ulang"
    SECURITY_EMAIL_SUBJECT_PASSWORD_CHANGE_NOTICE = "Kata sandi Aspirasi Kaltim Anda telah diubah"
    # The public forms answer alike whether or not an account exists.
    SECURITY_RETURN_GENERIC_RESPONSES = True
    # Passwords: zxcvbn's offline guessability estimate (3 = "safely unguessable"), plus our
    # own refusal of a password that contains the username or email. The breached-password
    # check asks an online service, which closed networks do not reach: it stays off.
    SECURITY_PASSWORD_COMPLEXITY_CHECKER = "zxcvbn"
    SECURITY_ZXCVBN_MINIMUM_SCORE = 3
    SECURITY_PASSWORD_CHECK_BREACHED = False
    # Second factor: an authenticator app (TOTP), with one-time recovery codes for a lost phone.
    SECURITY_TWO_FACTOR = True
    SECURITY_TWO_FACTOR_ENABLED_METHODS = ["authenticator"]
    SECURITY_TWO_FACTOR_ALWAYS_VALIDATE = True
    SECURITY_TWO_FACTOR_RESCUE_EMAIL = False  # a mailed code would let the mailbox stand in
    SECURITY_TOTP_ISSUER = "Aspirasi Kaltim"
    SECURITY_MULTI_FACTOR_RECOVERY_CODES = True
    SECURITY_MULTI_FACTOR_RECOVERY_CODES_N = 8
    SECURITY_TWO_FACTOR_POST_SETUP_VIEW = "security.mf_recovery_codes"
    STAFF_TWO_FACTOR = "optional"  # filled by load(): "required" makes staff enrol
    SECURITY_I18N_DIRNAME = [str(ROOT / "translations"), "builtin"]
    SECURITY_MSG_LOGIN = ("Silakan masuk untuk membuka halaman ini.", "info")

    @classmethod
    def load(cls) -> dict:
        values = {k: getattr(cls, k) for k in dir(cls) if k.isupper()}
        values.update(_mail_settings())
        values["SECRET_KEY"] = _secret_key()
        values["SECURITY_PASSWORD_SALT"] = os.environ.get("SECURITY_PASSWORD_SALT") or values["SECRET_KEY"]
        values["SQLALCHEMY_DATABASE_URI"] = database_url()
        values["UPLOAD_DIR"] = os.environ.get("UPLOAD_DIR", str(INSTANCE / "uploads"))
        values.update(_cache_settings())
        # Redis when set (several machines share it), else a file under instance/ that the
        # workers of this machine share (aspirasi.limit_store).
        values["RATELIMIT_STORAGE_URI"] = (os.environ.get("RATELIMIT_STORAGE_URI")
                                           or limit_store.uri_for(INSTANCE / "rate-limits.db"))
        values["SECURITY_EMAIL_SENDER"] = values["MAIL_DEFAULT_SENDER"]
        values["SECURITY_TOTP_SECRETS"] = totp_secrets()
        values["SECURITY_MULTI_FACTOR_RECOVERY_CODES_KEYS"] = recovery_code_keys()
        values["STAFF_TWO_FACTOR"] = staff_two_factor()
        # Both cookies that sign a person in travel over HTTPS only, or neither does.
        secure = os.environ.get("SESSION_COOKIE_SECURE", "").lower() in ("1", "true", "yes")
        values["SESSION_COOKIE_SECURE"] = values["REMEMBER_COOKIE_SECURE"] = secure
        return values
