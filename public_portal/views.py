"""Public pages of the portal: home, the public message list, tracking and the page about the
service."""
import re

from flask import abort, current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from aspirasi.extensions import limiter
from models import Category, Message, Opd, access, db
from models.cache import cache_warmer, cached_figure, cached_for_request, cached_page
from models.message import TRACKING_PREFIX
from models.nik import looks_like_nik
from models.paging import PAGEABLE_ROWS, AtLeast, bounded_count, last_page
from models.search import subject_search
from models.settings import home_picture as find_home_picture
from models.settings import home_pictures
from models.vocabulary import SHOWN_STATUSES
from public_portal import bp
from services import storage
from services.report_figures import count_if

PER_PAGE = 20
NIK_LOOKUP_ROWS = 50

# Shown on the home page until the superadmin uploads pictures of their own (drawn by
# scripts/draw_home_pictures.py).
DEFAULT_PICTURES = (
    ("img/beranda/mahakam.jpg", _l("Sungai Mahakam saat senja, dengan rumah-rumah panggung di "
                                   "tepiannya")),
    ("img/beranda/lamin.jpg", _l("Lamin, rumah panjang adat Dayak, dengan ukiran khasnya")),
    ("img/beranda/enggang.jpg", _l("Burung enggang terbang di atas hutan hujan Kalimantan")),
)


def home_gallery() -> list[tuple[str, str]]:
    """(address, caption) of each home picture: the uploaded ones, else the drawn defaults."""
    uploaded = [(url_for("portal.home_picture", picture_id=p.picture_id), p.caption)
                for p in home_pictures()]
    return uploaded or [(url_for("static", filename=path), str(caption))
                        for path, caption in DEFAULT_PICTURES]


def _newest_first(query):
    return query.order_by(Message.created_at.desc(), Message.id.desc())


def _home_figures() -> dict:
    received, finished = db.session.query(
        func.count(Message.id), count_if(Message.status == "selesai"),
    ).filter(access.public_clause()).one()
    finished = int(finished or 0)  # no public message at all: the sum is NULL
    return {"received": received, "finished": finished,
            "percent": round(finished * 100 / received) if received else 0}


@cache_warmer
def home_figures() -> dict:
    return cached_figure("home-figures", _home_figures, per_locale=False)


@bp.get("/")
@cached_page()
def index():
    figures = home_figures()
    latest = _newest_first(access.public_messages().options(
        joinedload(Message.category), joinedload(Message.opd))).limit(5).all()
    return render_template("portal/index.html", figures=figures, latest=latest,
                           pictures=home_gallery())


@bp.get("/gambar/beranda/<picture_id>.jpg")
def home_picture(picture_id):
    picture = find_home_picture(picture_id)
    if picture is None:
        abort(404)
    return storage.send_public_picture(picture.stored_name)


@bp.get("/tentang")
def about():
    return render_template("portal/about.html")


def _int_arg(name):
    value = request.args.get(name, "")
    # Ids and pages are small; a longer number would only overflow the database's integers.
    return int(value) if value.isdigit() and len(value) <= 9 else None


# The values of /pesan's arguments its page is cached for, each spelled as the page's own links
# and form spell it: the cached copies are then bounded by the statuses, categories, OPDs and
# pages there are. A search is not cached: its words are anyone's.
_WHOLE_NUMBER = re.compile(r"[1-9][0-9]{0,8}")


def _row_id_of(model):
    """The test of an argument naming a row of `model`: empty, or the id of one (the ids are
    read once per request)."""
    def known(value: str) -> bool:
        if value == "":
            return True
        ids = cached_for_request(f"ids:{model.__tablename__}",
                                 lambda: set(db.session.scalars(select(model.id))))
        return bool(_WHOLE_NUMBER.fullmatch(value)) and int(value) in ids
    return known


def _page_of_list(value: str) -> bool:
    return bool(_WHOLE_NUMBER.fullmatch(value)) and int(value) <= last_page(PER_PAGE)


def _not_a_search() -> bool:
    return not request.args.get("q", "").strip()


def _too_many_searches() -> str:
    return _("Terlalu banyak pencarian dari alamat Anda dalam satu menit. Tunggu sebentar, lalu "
             "cari lagi; daftar pesan tanpa pencarian tetap bisa dibuka.")


@bp.get("/pesan")
# A search reads the messages themselves (the list alone is stored): limited per client.
@limiter.limit(lambda: current_app.config["RATE_LIMITS"]["search"], exempt_when=_not_a_search,
               error_message=_too_many_searches)
@cached_page(status=lambda value: value == "" or value in SHOWN_STATUSES,
             kategori=_row_id_of(Category), opd=_row_id_of(Opd),
             q=lambda value: value == "", page=_page_of_list)
def messages():
    query = access.public_messages().options(joinedload(Message.category),
                                             joinedload(Message.opd))
    status = request.args.get("status", "")
    category_id, opd_id = _int_arg("kategori"), _int_arg("opd")
    q = request.args.get("q", "").strip()[:100]
    if status in SHOWN_STATUSES:
        query = query.filter(Message.status == status)
    if category_id:
        query = query.filter(Message.category_id == category_id)
    if opd_id:
        query = query.filter(Message.opd_id == opd_id)
    narrowed = bool(status in SHOWN_STATUSES or category_id or opd_id)
    query, order = subject_search(query, q, db.engine.dialect.name, narrowed)
    page = min(_int_arg("page") or 1, last_page(PER_PAGE))
    pagination = query.order_by(*order).paginate(page=page, per_page=PER_PAGE, error_out=False,
                                                  count=False)
    pagination.total = bounded_count(query)
    filtered = narrowed or bool(q)
    # Unfiltered, the exact number is the home page's cached figure.
    found = pagination.total if filtered else home_figures()["received"]
    filters = {"status": status, "kategori": category_id or "", "opd": opd_id or "", "q": q}
    return render_template("portal/messages.html", pagination=pagination, filters=filters,
                           found=found, pageable=PAGEABLE_ROWS,
                           beyond=isinstance(found, AtLeast) or found > PAGEABLE_ROWS,
                           statuses=SHOWN_STATUSES,
                           categories=Category.query.order_by(Category.name).all(),
                           opds=Opd.query.order_by(Opd.name).all())


def _is_nik_lookup() -> bool:
    return looks_like_nik(request.args.get("q"))


def normalise_tracking(value: str) -> str:
    value = value.strip().upper()
    return value if value.startswith(TRACKING_PREFIX) else TRACKING_PREFIX + value


@bp.get("/tracking")
@limiter.limit(lambda: current_app.config["RATE_LIMITS"]["nik_tracking"],
               exempt_when=lambda: not _is_nik_lookup())
def tracking():
    q = request.args.get("q", "").strip()[:40]
    found, results, mode, more = None, [], None, False
    if _is_nik_lookup():
        mode = "nik"
        # The newest NIK_LOOKUP_ROWS: a NIK with years of messages must not list them all.
        found_rows = (access.messages_under_nik(q, NIK_LOOKUP_ROWS + 1)
                      .options(joinedload(Message.category), joinedload(Message.opd),
                               joinedload(Message.reporter), joinedload(Message.duplicate_of))
                      .all())
        more = len(found_rows) > NIK_LOOKUP_ROWS
        results = [access.stranger_view(m) for m in found_rows[:NIK_LOOKUP_ROWS]]
    elif q:
        mode = "tracking"
        message = access.trackable_message(normalise_tracking(q))
        found = access.stranger_view(message) if message else None
    return render_template("portal/tracking.html", q=q, mode=mode, found=found, results=results,
                           more=more, shown=NIK_LOOKUP_ROWS)


@bp.get("/tracking/<nomor>")
def tracking_detail(nomor):
    message = access.trackable_message(normalise_tracking(nomor), with_timeline=True)
    if message is None:
        abort(404)
    return render_template("portal/tracking_detail.html",
                           message=access.stranger_view(message, with_timeline=True))
