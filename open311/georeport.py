"""GeoReport v2 endpoints: discovery, services, service requests (read and submit), tokens.

Only public messages are ever served: never confidential (rahasia), hidden or withdrawn ones,
and never the sender's identity. A submission becomes an ordinary guest message (channel
"api") through the lifecycle, so it is triaged like every other.
"""
import re
from datetime import timedelta
from urllib.parse import urlsplit

from flask import current_app, request
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from aspirasi.extensions import limiter, retry_after
from models import ApiKey, Category, Message, MessageEvent, Subcategory, db, lifecycle, utcnow
from models.access import public_clause
from models.audit import record
from models.contact import email_problem, normalise_email, normalise_phone, phone_problem
from models.errors import DomainError
from models.message import MEDIA_URL_LENGTH
from models.vocabulary import (
    AT_OPD_STATUSES,
    CLOSED_STATUSES,
    OPEN_STATUSES,
    SHOWN_STATUSES,
    implausible_day_message,
    plausible_day,
)
from open311 import bp
from open311.formats import FORMATS, error, parse_w3c, respond, w3c
from services.notify import public_url

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-01-01T00:00:00+08:00"
# As the GeoReport v2 text says: a list without dates covers the last 90 days, no list spans
# more than 90 days, and one answer holds up to 1,000 requests.
WINDOW = timedelta(days=90)
PAGE_SIZE = 1000
STATUS_GROUPS = {"open": OPEN_STATUSES,
                 "closed": tuple(s for s in CLOSED_STATUSES if s in SHOWN_STATUSES)}


class GeoReportError(DomainError):
    """A request the API refuses (bad input 400, bad key 403, unknown resource 404), answered
    with the GeoReport error array under its HTTP status; nothing is written."""


def _fmt() -> str:
    fmt = (request.view_args or {}).get("fmt") or request.path.rsplit(".", 1)[-1]
    return fmt if fmt in FORMATS else "json"


@bp.before_request
def known_jurisdiction():
    """A jurisdiction_id, when one is given, names this installation's government; any other
    is a 404, as the GeoReport v2 text says. Without one, the installation's is meant."""
    asked = (request.values.get("jurisdiction_id") or "").strip()
    if asked and asked.lower() != current_app.config["MAIN_INSTANSI"].lower():
        raise GeoReportError(_("jurisdiction_id \"%(id)s\" tidak dikenal.", id=asked[:60]), 404)


@bp.after_request
def vary_by_language(response):
    """Error descriptions follow Accept-Language, so a cache must keep one answer per language."""
    response.vary.add("Accept-Language")
    return response


@bp.errorhandler(DomainError)
def refused(exc):
    """Every domain refusal on this door, ours or the lifecycle's, as the spec's error array."""
    return error(_fmt(), exc.status_code, exc)


@bp.errorhandler(404)
def not_found(exc):
    return error(_fmt(), 404, _("Sumber daya tidak ditemukan."))


@bp.errorhandler(429)
def too_many(exc):
    answer = error(_fmt(), 429, _("Terlalu banyak permintaan. Coba lagi beberapa saat lagi."))
    answer.headers.update(retry_after())
    return answer


# --- discovery and services ------------------------------------------------------------------

@bp.get("/discovery.<any(json,xml):fmt>")
@bp.get("/v2/discovery.<any(json,xml):fmt>")
def discovery(fmt):
    payload = {
        "changeset": CHANGESET,
        "contact": _("Dinas Komunikasi dan Informatika Provinsi Kalimantan Timur"),
        "key_service": _("Kunci API diberikan oleh pengelola Aspirasi Kaltim (superadmin)."),
        "endpoints": [{
            "specification": SPECIFICATION,
            "url": public_url("open311.index").rstrip("/"),
            "changeset": CHANGESET,
            "type": "production",
            "formats": ["application/json", "text/xml"],
        }],
    }
    return respond(fmt, payload, "discovery")


@bp.get("/v2/")
def index():
    return discovery("json")


def _service(sub: Subcategory) -> dict:
    return {
        "service_code": sub.code,
        "service_name": sub.name,
        "description": sub.description or sub.name,
        "metadata": False,
        "type": "realtime",
        "keywords": ", ".join(filter(None, [sub.category.name, sub.name])),
        "group": sub.category.name,
    }


def _active_services():
    return (Subcategory.query.join(Subcategory.category).filter(Subcategory.active.is_(True))
            .options(joinedload(Subcategory.category))
            .order_by(Category.name, Subcategory.name))


@bp.get("/v2/services.<any(json,xml):fmt>")
def services(fmt):
    return respond(fmt, [_service(sub) for sub in _active_services()], "services", "service")


@bp.get("/v2/services/<code>.<any(json,xml):fmt>")
def service_definition(code, fmt):
    sub = _active_services().filter(Subcategory.code == code).first()
    if sub is None:
        raise GeoReportError(_("service_code \"%(code)s\" tidak dikenal.", code=code), 404)
    # No extra attributes: the description and location say everything a submission needs.
    return respond(fmt, {"service_code": sub.code, "attributes": []}, "service_definition")


# --- service requests -------------------------------------------------------------------------

def _public_requests():
    return (Message.query.filter(public_clause())
            .options(joinedload(Message.subcategory), joinedload(Message.suggested_subcategory),
                     joinedload(Message.opd)))


def _service_of(message: Message) -> tuple[str | None, str | None]:
    """(service_code, service_name): the admin's sub category once triage set one, else the
    code the reporter suggested when submitting through this API."""
    if message.subcategory:
        return message.subcategory.code, message.subcategory.name
    if message.suggested_service_code:
        suggested = message.suggested_subcategory
        return message.suggested_service_code, suggested.name if suggested else None
    return None, None


def _service_code_clause(codes: list[str]):
    """The SQL twin of `_service_of`, for ?service_code=."""
    classified = db.select(Subcategory.id).where(Subcategory.code.in_(codes))
    return db.or_(Message.subcategory_id.in_(classified),
                  db.and_(Message.subcategory_id.is_(None),
                          Message.suggested_service_code.in_(codes)))


def _latest_public_notes(message_ids) -> dict:
    """The latest public timeline note of each message, in one query."""
    if not message_ids:
        return {}
    rows = (db.session.query(MessageEvent.message_id, MessageEvent.note)
            .filter(MessageEvent.message_id.in_(message_ids), MessageEvent.public.is_(True),
                    MessageEvent.note.isnot(None), MessageEvent.note != "")
            .order_by(MessageEvent.message_id, MessageEvent.id).all())
    return {message_id: note for message_id, note in rows}  # the last one per message wins


def _expected(message: Message):
    if message.status == "baru":
        return message.triage_due_at
    if message.status in AT_OPD_STATUSES:
        return message.answer_due_at
    return None


def _request_row(message: Message, notes: dict) -> dict:
    service_code, service_name = _service_of(message)
    return {
        "service_request_id": message.tracking,
        "status": "open" if message.status in OPEN_STATUSES else "closed",
        "status_notes": notes.get(message.id),
        "service_name": service_name,
        "service_code": service_code,
        # The subject only, as on the public portal: the body may carry personal details the
        # citizen wrote for the government's eyes, and is published nowhere.
        "description": message.perihal,
        "agency_responsible": message.opd.name if message.opd else None,
        "service_notice": "",
        "requested_datetime": w3c(message.created_at),
        "updated_datetime": w3c(message.updated_at),
        "expected_datetime": w3c(_expected(message)),
        "address": message.address or message.kabupaten,
        "zipcode": None,
        "lat": message.latitude,
        "long": message.longitude,
        "media_url": message.media_url,
    }


def _rows(messages) -> list[dict]:
    notes = _latest_public_notes([m.id for m in messages])
    return [_request_row(m, notes) for m in messages]


def _comma_list(name: str) -> list[str]:
    raw = request.args.get(name, "")
    return [part.strip() for part in raw.split(",") if part.strip()]


def _date_arg(name: str):
    raw = request.args.get(name)
    if not raw:
        return None
    try:
        value = parse_w3c(raw)
    except ValueError:
        raise GeoReportError(_("%(name)s harus berupa tanggal W3C, misalnya 2026-01-31T08:00:00+08:00.",
                           name=name)) from None
    except OverflowError:  # a zone pushes the first or last day of the calendar off its edge
        value = None
    if value is None or not plausible_day(value):
        raise GeoReportError(str(implausible_day_message(name)))
    return value


def _int_arg(name: str, default: int, maximum: int | None = None) -> int:
    raw = request.args.get(name)
    if raw in (None, ""):
        return default
    if not raw.isdigit() or len(raw) > 9 or int(raw) < 1:  # 10 digits would overflow an offset
        raise GeoReportError(_("%(name)s harus bilangan bulat positif.", name=name))
    if maximum and int(raw) > maximum:  # said, never cut silently
        raise GeoReportError(_("%(name)s paling besar %(n)s.", name=name, n=maximum))
    return int(raw)


def _window() -> tuple:
    """(start, end) of the list, naive UTC: the dates asked for, at most WINDOW apart; one date
    alone reaches WINDOW from it; no date, the last WINDOW up to now (end None)."""
    start, end = _date_arg("start_date"), _date_arg("end_date")
    if start and end:
        if start > end:
            raise GeoReportError(_("start_date harus sebelum end_date."))
        if end - start > WINDOW:
            raise GeoReportError(_("start_date dan end_date paling jauh %(days)s hari.",
                                   days=WINDOW.days))
        return start, end
    if start:
        return start, start + WINDOW
    if end:
        return end - WINDOW, end
    return utcnow() - WINDOW, None


def _filtered_requests():
    query = _public_requests()
    codes = _comma_list("service_code")
    if codes:
        query = query.filter(_service_code_clause(codes))
    start, end = _window()
    query = query.filter(Message.created_at >= start)
    if end:
        query = query.filter(Message.created_at <= end)
    groups = [s.lower() for s in _comma_list("status")]
    if groups:
        unknown = [g for g in groups if g not in STATUS_GROUPS]
        if unknown:
            raise GeoReportError(_("status harus open atau closed."))
        query = query.filter(Message.status.in_([s for g in groups for s in STATUS_GROUPS[g]]))
    return query


@bp.get("/v2/requests.<any(json,xml):fmt>")
def list_requests(fmt):
    newest_first = (Message.created_at.desc(), Message.id.desc())
    ids = [i.upper() for i in _comma_list("service_request_id")]
    if ids:  # as the GeoReport v2 text says, ids override every other argument, paging too
        messages = (_public_requests().filter(Message.tracking.in_(ids))
                    .order_by(*newest_first).all())
        return respond(fmt, _rows(messages), "service_requests", "request")
    query = _filtered_requests()
    page = _int_arg("page", 1)
    page_size = _int_arg("page_size", PAGE_SIZE, PAGE_SIZE)
    messages = (query.order_by(*newest_first)
                .offset((page - 1) * page_size).limit(page_size).all())
    return respond(fmt, _rows(messages), "service_requests", "request")


def _public_request_or_404(tracking: str) -> Message:
    message = _public_requests().filter(Message.tracking == tracking.upper()).first()
    if message is None:
        raise GeoReportError(_("Permintaan layanan \"%(id)s\" tidak ditemukan.", id=tracking), 404)
    return message


@bp.get("/v2/requests/<tracking>.<any(json,xml):fmt>")
def get_request(tracking, fmt):
    return respond(fmt, _rows([_public_request_or_404(tracking)]), "service_requests", "request")


@bp.get("/v2/tokens/<token>.<any(json,xml):fmt>")
def get_token(token, fmt):
    """Submissions are realtime, so a token is simply the tracking number."""
    message = _public_request_or_404(token)
    return respond(fmt, [{"service_request_id": message.tracking, "token": message.tracking}],
                   "service_requests", "request")


# --- submitting -------------------------------------------------------------------------------

def _text(name: str, limit: int) -> str | None:
    value = (request.values.get(name) or "").strip()
    if len(value) > limit:
        raise GeoReportError(_("%(name)s terlalu panjang (maksimal %(n)s karakter).", name=name, n=limit))
    return value or None


def _coordinate(name: str, bound: float):
    """A degree written as a plain decimal ("-0.502"): ASCII digits, an optional sign and
    fraction, nothing around it. Python's float would also read "1_0", full-width digits,
    padding, exponents and "nan"; a client sending those is told so rather than guessed at."""
    raw = request.values.get(name) or None
    if raw is None:
        return None
    if len(raw) > 32 or not re.fullmatch(r"[+-]?[0-9]{1,3}(?:\.[0-9]+)?", raw):
        raise GeoReportError(_("%(name)s harus berupa angka desimal.", name=name))
    value = float(raw)
    if not -bound <= value <= bound:
        raise GeoReportError(_("%(name)s di luar rentang yang sah.", name=name))
    return value


def _media_url() -> str | None:
    """A link to the request's picture: an absolute http(s) address without credentials,
    whitespace or control characters, kept as sent and never fetched by the server."""
    url = _text("media_url", MEDIA_URL_LENGTH)
    if url is None:
        return None
    try:
        parts = urlsplit(url)
        sound = (parts.scheme.lower() in ("http", "https") and parts.hostname
                 and parts.username is None and parts.port != 0)
    except ValueError:  # an unreadable host or port
        sound = False
    if not sound or any(c.isspace() or not c.isprintable() for c in url):
        raise GeoReportError(_("media_url harus berupa alamat http:// atau https:// yang lengkap."))
    return url


def _submission() -> tuple[dict, Subcategory]:
    """Check a POSTed request; raise GeoReportError before anything is written."""
    code = _text("service_code", 40)
    if not code:
        raise GeoReportError(_("service_code wajib diisi."))
    sub = _active_services().filter(Subcategory.code == code).first()
    if sub is None:
        raise GeoReportError(_("service_code \"%(code)s\" tidak dikenal.", code=code))
    description = _text("description", 5000)
    if not description:
        raise GeoReportError(_("description (isi laporan) wajib diisi."))
    lat, lon = _coordinate("lat", 90), _coordinate("long", 180)
    address = _text("address_string", 255)
    if (lat is None) != (lon is None):
        raise GeoReportError(_("lat dan long harus diisi bersama."))
    if lat is None and not address:
        raise GeoReportError(_("Lokasi wajib diisi: lat dan long, atau address_string."))
    email = _text("email", 255)
    if email_problem(email):
        raise GeoReportError(str(email_problem(email)))
    email = normalise_email(email)
    phone = _text("phone", 255)  # its length is the contact rule's to judge
    if phone_problem(phone):
        raise GeoReportError(str(phone_problem(phone)))
    phone = normalise_phone(phone)
    name = " ".join(filter(None, [_text("first_name", 60), _text("last_name", 59)])) or None
    summary = " ".join(description.split())
    perihal = f"{sub.name}: {summary}"
    if len(perihal) > 200:
        perihal = perihal[:197] + "..."
    return dict(perihal=perihal, body=description, latitude=lat, longitude=lon, address=address,
                guest_email=email, guest_phone=phone, guest_name=name,
                media_url=_media_url()), sub


def _open311_post_limit() -> str:
    return current_app.config["RATE_LIMITS"]["open311_post"]


@bp.post("/v2/requests.<any(json,xml):fmt>")
@limiter.limit(_open311_post_limit, methods=["POST"])
def create_request(fmt):
    # A key in the address lands in every access log and proxy on the way; only the body is
    # private to the service, so a key anywhere else is refused before anything is read.
    if "api_key" in request.args:
        raise GeoReportError(_("api_key hanya diterima di body POST, tidak di alamat (query "
                               "string): alamat tercatat di log server."))
    key = ApiKey.find_active(request.form.get("api_key"))
    if key is None:
        raise GeoReportError(_("api_key tidak ada, tidak dikenal atau sudah dicabut."), 403)
    fields, sub = _submission()
    # The code is the reporter's suggestion, kept beside the message and reported as its
    # service until the admin classifies it at triage.
    message = Message(channel="api", suggested_service_code=sub.code, **fields)
    lifecycle.submit(message, actor=None)
    db.session.flush()
    record("open311_submit", message,
           detail=f"Open311 via kunci {key.name} ({key.prefix}…), service_code {sub.code}")
    lifecycle.commit()
    return respond(fmt, [{"service_request_id": message.tracking, "service_notice": "",
                          "account_id": None}], "service_requests", "request", status=201)


@bp.route("/<path:rest>", methods=["GET", "POST"])
def unknown(rest):
    raise GeoReportError(_("Sumber daya tidak ditemukan."), 404)
