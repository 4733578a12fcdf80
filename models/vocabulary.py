"""The words every door shares: statuses and their groups, channels, labels, the local time.

Status codes, channel codes and the province's time zone are defined here once; the portal,
the back office, Open311, mail and reports import them, so a label or a group cannot drift
between two pages. Labels are lazy: they are translated when shown.
"""
import functools
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from babel import Locale
from flask_babel import format_decimal, get_locale
from flask_babel import lazy_gettext as _l

# --- statuses -----------------------------------------------------------------------------------

STATUSES = ("baru", "diteruskan", "diproses", "diperiksa", "selesai", "ditutup", "dicabut")
WITHDRAWN = "dicabut"
# The OPD has answered and the answer waits for the Diskominfo team's check (when that check
# is switched on): the citizen does not see the answer yet.
IN_REVIEW = "diperiksa"
OPEN_STATUSES = ("baru", "diteruskan", "diproses", "diperiksa")
# Forwarded and not yet answered: the OPD's answer clock runs.
AT_OPD_STATUSES = ("diteruskan", "diproses")
CLOSED_STATUSES = ("selesai", "ditutup", "dicabut")
# A withdrawn message is kept for audit only: the public, the tracking pages and the reports
# deal with every other status.
SHOWN_STATUSES = tuple(s for s in STATUSES if s != WITHDRAWN)

STATUS_LABELS = {
    "baru": _l("Belum Dikonfirmasi"),
    "diteruskan": _l("Diteruskan ke OPD"),
    "diproses": _l("Sedang Diproses"),
    "diperiksa": _l("Tanggapan Sedang Diperiksa"),
    "selesai": _l("Selesai"),
    "ditutup": _l("Ditutup"),
    "dicabut": _l("Dicabut"),
}

ACTION_LABELS = {
    "submit": _l("Pesan dikirim"),
    "forward": _l("Diteruskan ke OPD"),
    "reroute": _l("Dialihkan ke OPD lain"),
    "answer": _l("Dijawab oleh admin"),
    "close": _l("Ditutup"),
    "withdraw": _l("Dicabut oleh pelapor"),
    "return": _l("Dikembalikan ke admin"),
    "accept": _l("Diterima OPD, sedang diproses"),
    "update": _l("Pembaruan status"),
    "note": _l("Catatan internal"),
    "reply": _l("Tanggapan OPD"),
    "release": _l("Tanggapan diperiksa dan disampaikan ke pelapor"),
    "send_back": _l("Tanggapan dikembalikan ke OPD untuk diperbaiki"),
    "reopen": _l("Dibuka kembali oleh pelapor"),
    "rate": _l("Penilaian pelapor"),
    "flags": _l("Pengaturan privasi diubah"),
    "reprimand": _l("Teguran dikirim"),
    "acknowledge": _l("Teguran diterima OPD"),
}

CLOSE_REASONS = {
    "spam": _l("Spam"),
    "out_of_scope": _l("Di luar kewenangan"),
    "duplicate": _l("Duplikat pesan lain"),
}

# --- channels -----------------------------------------------------------------------------------

CHANNELS = ("web", "guest", "api", "phone", "walkin", "letter")
CHANNEL_LABELS = {
    "web": _l("Portal web"),
    "guest": _l("Tamu (tanpa akun)"),
    "api": _l("API Open311"),
    "phone": _l("Telepon"),
    "walkin": _l("Datang langsung"),
    "letter": _l("Surat"),
}
# What staff may record at the desk: the other channels arrive by themselves.
INTAKE_CHANNELS = ("phone", "walkin", "letter")


def channel_label(code: str) -> str:
    return str(CHANNEL_LABELS.get(code, code))


# --- attachments --------------------------------------------------------------------------------

ATTACHMENT_KIND_LABELS = {"lampiran": _l("lampiran"), "balasan": _l("balasan OPD")}


def size_text(size: int) -> str:
    """A file's size as the reader writes numbers: "234,4 KB" in Indonesian, "234.4 KB" in
    English; megabytes from 1,024 KB."""
    kilobytes = size / 1024
    if kilobytes < 1024:
        return f"{format_decimal(kilobytes, '#,##0.#')} KB"
    return f"{format_decimal(kilobytes / 1024, '#,##0.#')} MB"


# --- the guest form's own kinds ----------------------------------------------------------------

# The guest chooses umum or layanan (Message.guest_kind) before any staff category exists: a hint
# for the admin's triage, shown with the message's facts.
GUEST_KIND_LABELS = {
    "umum": _l("Umum"),
    "layanan": _l("Layanan"),
}
GUEST_KIND_HELP = {
    "umum": _l("Keadaan di lingkungan atau fasilitas umum: jalan dan jembatan rusak, banjir, "
               "sampah, penerangan jalan, air bersih, keamanan dan ketertiban."),
    "layanan": _l("Pelayanan yang Anda terima dari kantor atau petugas pemerintah: "
                  "administrasi kependudukan, perizinan, kesehatan, pendidikan, sikap petugas "
                  "atau pungutan."),
}


def guest_kind_label(code: str | None) -> str | None:
    return str(GUEST_KIND_LABELS.get(code, code)) if code else None


def label_texts() -> dict[str, dict[str, str]]:
    """The status, channel and guest kind labels as plain text in the reader's language, for
    pages and exports that show one on every row: translated once per language."""
    return _label_texts(str(get_locale()))


@functools.cache
def _label_texts(language: str) -> dict[str, dict[str, str]]:
    # Called while `language` is the current one (label_texts).
    return {"status": {code: str(label) for code, label in STATUS_LABELS.items()},
            "channel": {code: str(label) for code, label in CHANNEL_LABELS.items()},
            "guest_kind": {code: str(label) for code, label in GUEST_KIND_LABELS.items()}}


# --- the local time -----------------------------------------------------------------------------

# WITA (UTC+8, no daylight saving time): East Kalimantan's clock. Times are stored as naive
# UTC; people read and type them in WITA.
LOCAL_ZONE_NAME = "Asia/Makassar"
LOCAL_ZONE = ZoneInfo(LOCAL_ZONE_NAME)
# The zone has kept this offset since 1969, and every stored time is later than that: adding it
# is the conversion, several times cheaper than a zone lookup (an export of a year makes about
# a million of them).
LOCAL_OFFSET = datetime(1970, 1, 1, tzinfo=LOCAL_ZONE).utcoffset()


def local_time(value: datetime | None) -> datetime | None:
    """A stored naive-UTC time as naive WITA, as people in Samarinda read it."""
    if value is None:
        return None
    return value + LOCAL_OFFSET


@functools.cache
def _month_abbreviations(locale: str) -> tuple[str, ...]:
    months = Locale.parse(locale).months["format"]["abbreviated"]
    return tuple(months[number] for number in range(1, 13))


def _day_text(value: date) -> str:
    """ "5 Mei 2026": Babel's "d MMM yyyy" in the reader's language."""
    month = _month_abbreviations(str(get_locale()))[value.month - 1]
    return f"{value.day} {month} {value.year:04d}"


def _reading_local(value: datetime) -> datetime:
    """A stored time (naive UTC, or carrying its zone) as naive WITA."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return local_time(value)


def time_text(value: datetime | None) -> str:
    """A time as people read it on every page: "5 Mei 2026 14:05" in WITA, the month in the
    reader's language; "" for none. Babel's "d MMM yyyy HH:mm", written directly: pages with a
    list of times spent a tenth of their time in Babel's general formatter."""
    if not value:
        return ""
    local = _reading_local(value)
    return f"{_day_text(local)} {local.hour:02d}:{local.minute:02d}"


def date_text(value: date | None) -> str:
    """A day as people read it: "5 Mei 2026" (a time's day in WITA); "" for none."""
    if not value:
        return ""
    return _day_text(_reading_local(value) if isinstance(value, datetime) else value)


def aware_local_time(value: datetime | None) -> datetime | None:
    """A stored naive-UTC time as a WITA time that carries its zone (+08:00)."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC).astimezone(LOCAL_ZONE)


def utc_time(value: datetime) -> datetime:
    """A naive WITA time as the naive UTC the columns store."""
    return value.replace(tzinfo=LOCAL_ZONE).astimezone(UTC).replace(tzinfo=None)


def local_midnight_utc(day: date) -> datetime:
    """00:00 WITA of `day` as naive UTC."""
    return utc_time(datetime.combine(day, time()))


# Days people may ask about or type as a filter: anything outside is a typing slip (year 1,
# year 9999) that would overflow the clock arithmetic, so it is refused with a message.
FIRST_YEAR, LAST_YEAR = 1900, 2100


def plausible_day(value: date | datetime) -> bool:
    return FIRST_YEAR <= value.year <= LAST_YEAR


def implausible_day_message(label) -> str:
    return _l("%(label)s: tanggal harus antara tahun %(a)s dan %(b)s.", label=label,
              a=FIRST_YEAR, b=LAST_YEAR)
