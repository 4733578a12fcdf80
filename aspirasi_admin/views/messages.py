"""Message lists: the admin's inbox and overdue queue, every message, an OPD's own, a monitor's.

Each list is a read-only page of our own (a `GuardedView` and templates/admin/pesan_list.html):
its rows are those its scope in `models.access` selects, narrowed by a plain GET form, ordered
by a column and paged within `models.paging`'s bound. Each row links to the message page,
where actions happen through `models.lifecycle`.

The address arguments (`ListChoice`): status, opd, category, channel (codes and ids), start
and end (days: 31/12/2026 or 2026-12-31), overdue (yes or no), q (the search), sort (a column;
a leading "-" reverses it), page (from 1) and page_size (25, 50, 100). A value that cannot be
read is named on the page and left out; the rest of the list stands.
"""
from dataclasses import dataclass, field, replace
from datetime import date
from math import ceil

from babel.dates import format_timedelta
from flask import request, url_for
from flask_babel import format_number, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import load_only

from aspirasi_admin.guards import GuardedView, expose
from models import Category, Message, Opd, db, utcnow
from models.access import may_search_by_reporter, monitor_grant, opd_grant, staff_message_scope
from models.audit import record
from models.base import as_row_id
from models.paging import AtLeast, bounded_count, last_page
from models.reporter_lookup import SEARCH_ACTION, audit_line, reporter_contact_clause
from models.roles import operated_opd_id
from models.vocabulary import (
    AT_OPD_STATUSES,
    CHANNEL_LABELS,
    CHANNELS,
    STATUS_LABELS,
    STATUSES,
    label_texts,
    time_text,
)
from services.report_figures import FilterError, Period, parse_date

PAGE_SIZES = (25, 50, 100)
OVERDUE_CHOICES = (("yes", _l("Ya")), ("no", _l("Tidak")))
SORTABLE = {"tracking": Message.tracking, "perihal": Message.perihal, "status": Message.status,
            "created_at": Message.created_at}
# The list's columns, in the order `_row_html` writes their cells.
COLUMNS = (("tracking", _l("Nomor")), ("perihal", _l("Perihal")), ("status", _l("Status")),
           ("opd", _l("OPD")), ("category", _l("Kategori")), ("channel", _l("Kanal")),
           ("created_at", _l("Diterima")), ("age", _l("Umur")))
# What a row's cells read: a message's body, often long, is left in the table.
ROW_FIELDS = (Message.tracking, Message.perihal, Message.status, Message.channel,
              Message.opd_id, Message.category_id, Message.created_at, Message.triage_due_at,
              Message.answer_due_at)
# The choices the message export (reports module) reads by the same names; `overdue=yes` is
# its `status=terlambat`.
EXPORTED = ("q", "status", "channel", "opd", "category", "start", "end")
# Plain words of a search, each found in some searched column; more is a query nobody types.
MAX_SEARCH_WORDS = 10


@dataclass
class ListChoice:
    """What the reader asked the list for, each value read from the address or left empty."""
    status: str = ""
    opd: int | None = None
    category: int | None = None
    channel: str = ""
    start: date | None = None
    end: date | None = None
    overdue: str = ""  # "yes", "no", or "" for either
    q: str = ""
    sort: str = ""  # "" for the list's own order
    page: int = 1
    page_size: int = PAGE_SIZES[0]
    problems: list = field(default_factory=list)  # one sentence per value left out

    def args(self, **changes) -> dict:
        """The address arguments of this choice with `changes`, defaults left out."""
        choice = replace(self, **changes)
        args = {"status": choice.status, "opd": choice.opd, "category": choice.category,
                "channel": choice.channel, "start": choice.start and choice.start.isoformat(),
                "end": choice.end and choice.end.isoformat(), "overdue": choice.overdue,
                "q": choice.q, "sort": choice.sort,
                "page": choice.page if choice.page != 1 else None,
                "page_size": choice.page_size if choice.page_size != PAGE_SIZES[0] else None}
        return {name: value for name, value in args.items() if value not in (None, "")}


def unknown(label, value: str) -> str:
    return _("%(label)s \"%(value)s\" tidak dikenal.", label=label, value=value)


def read_code(args, name: str, known, label, choice: ListChoice) -> str:
    """A code argument (a status, a channel...): one of `known`, or "" with a problem told."""
    value = args.get(name, "").strip()
    if value and value not in known:
        choice.problems.append(unknown(label, value))
        return ""
    return value


def read_id(args, name: str, known: dict, label, choice: ListChoice) -> int | None:
    """An id argument (an OPD, a category): one of `known`, or None with a problem told."""
    value = args.get(name, "").strip()
    if not value:
        return None
    row_id = as_row_id(value)
    if row_id in known:
        return row_id
    choice.problems.append(unknown(label, value))
    return None


def read_day(args, name: str, label, choice: ListChoice) -> date | None:
    try:
        return parse_date(args.get(name), str(label))
    except FilterError as error:
        choice.problems.append(str(error))
        return None


def read_choice(args, opds: dict, categories: dict) -> ListChoice:
    """The reader's choice from the address `args`, each unreadable value left out and told."""
    choice = ListChoice()
    choice.status = read_code(args, "status", STATUSES, _("Status"), choice)
    choice.opd = read_id(args, "opd", opds, _("OPD"), choice)
    choice.category = read_id(args, "category", categories, _("Kategori"), choice)
    choice.channel = read_code(args, "channel", CHANNELS, _("Kanal"), choice)
    choice.overdue = read_code(args, "overdue", dict(OVERDUE_CHOICES), _("Terlambat"), choice)
    choice.start = read_day(args, "start", _("Dari tanggal"), choice)
    choice.end = read_day(args, "end", _("Sampai tanggal"), choice)
    if choice.start and choice.end and choice.start > choice.end:
        choice.problems.append(_("Tanggal mulai harus sebelum atau sama dengan tanggal akhir."))
        choice.start = choice.end = None
    choice.q = args.get("q", "").strip()
    if len(choice.q.split()) > MAX_SEARCH_WORDS:
        choice.problems.append(_("Pencarian terlalu panjang: paling banyak %(n)s kata.",
                                 n=MAX_SEARCH_WORDS))
        choice.q = ""
    choice.sort = read_code(args, "sort", [f"{way}{name}" for name in SORTABLE
                                           for way in ("", "-")], _("Urutan"), choice)
    page = args.get("page", "").strip()
    if page:
        if page.isdigit() and int(page) >= 1:
            choice.page = int(page)  # at most input_guard.MAX_PAGE: larger is refused before
        else:
            choice.problems.append(_("Halaman \"%(value)s\" tidak valid: tulis bilangan bulat "
                                     "mulai 1.", value=page))
    size = args.get("page_size", "").strip()
    if size:
        if size in {str(n) for n in PAGE_SIZES}:
            choice.page_size = int(size)
        else:
            choice.problems.append(_("Baris per halaman harus salah satu dari %(sizes)s.",
                                     sizes=", ".join(map(str, PAGE_SIZES))))
    return choice


def filter_conditions(choice: ListChoice, now) -> list:
    """SQL conditions for the chosen filters (the search is the view's: it depends on who asks)."""
    conditions = []
    if choice.status:
        conditions.append(Message.status == choice.status)
    if choice.opd is not None:
        conditions.append(Message.opd_id == choice.opd)
    if choice.category is not None:
        conditions.append(Message.category_id == choice.category)
    if choice.channel:
        conditions.append(Message.channel == choice.channel)
    # The same WITA days as the reports and the export count.
    conditions += Period(choice.start, choice.end).conditions()
    if choice.overdue:
        overdue = Message.overdue_clause(now)
        conditions.append(overdue if choice.overdue == "yes" else ~overdue)
    return conditions


def _row_html(row, texts: dict, locale, now, opds: dict, categories: dict) -> Markup:
    """One list row's cells, in `COLUMNS` order, written in one pass; OPD and category names
    from `opds` and `categories` (id: name), which the filter form reads anyway."""
    status = escape(texts["status"].get(row.status, row.status))
    if row.is_overdue:
        status += Markup(' <span class="tag-overdue">%s</span>') % _("Terlambat")
    link = url_for("pesan_detail.show", message_id=row.id)
    age = format_timedelta(now - row.created_at, threshold=1.1, locale=locale)
    return Markup(
        f'<td class="col-tracking"><a href="{escape(link)}">{escape(row.tracking)}</a></td>'
        f'<td class="col-perihal">{escape(row.perihal)}</td>'
        f'<td class="col-status">{status}</td>'
        f'<td class="col-opd.name">{escape(opds.get(row.opd_id, ""))}</td>'
        f'<td class="col-category.name">{escape(categories.get(row.category_id, ""))}</td>'
        f'<td class="col-channel">{escape(texts["channel"].get(row.channel, row.channel))}</td>'
        f'<td class="col-created_at">{escape(time_text(row.created_at))}</td>'
        f'<td class="col-age">{escape(age)}</td>')


def pages_shown(page: int, last: int) -> list:
    """The page numbers the pager offers: the first, the last and two on each side of `page`,
    None where numbers are skipped."""
    wanted = sorted({1, last, *range(max(page - 2, 1), min(page + 2, last) + 1)})
    shown = []
    for number in wanted:
        if shown and number > shown[-1] + 1:
            shown.append(None)
        shown.append(number)
    return shown


def needs_now_first(conditions: list, tiers: list, rest_order, descending: bool,
                    reach: int) -> list:
    """The ids of the first `reach` rows of a list opened in its own order: first the rows of
    each of `tiers` ((clause, deadline column) pairs, the most pressing first) in order of
    that deadline, then the rest in `rest_order`; `descending` for the list's direction.

    Each part is its own small query, read only as far as the page reaches. A tier is one
    status and its deadline, which the (status, deadline) indexes (with the OPD or the sub
    category first, for those lists) read in order. The rest walks the list's date index past
    the pressing rows, and is read only when these are fewer than the page reaches, so it
    skips fewer than that. Ordering every matching row by "is it pressing" instead would sort
    them all on every page."""
    ids, earlier = [], []
    for clause, column in [*tiers, (None, rest_order)]:
        wanted = reach - len(ids)
        if wanted <= 0:
            break
        # IS NOT TRUE: a row whose deadline is empty is not pressing, and is still listed.
        where = [*conditions, *(earlier_clause.is_not(True) for earlier_clause in earlier)]
        if clause is not None:
            where.append(clause)
            earlier.append(clause)
        order = (column.desc(), Message.id.desc()) if descending else (column, Message.id)
        ids += db.session.scalars(select(Message.id).where(*where).order_by(*order)
                                  .limit(wanted))
    return ids


def overdue_tiers(statuses, now) -> list:
    """`needs_now` tiers of the messages overdue in each of `statuses`."""
    return [(Message.overdue_in_clause(status, now), Message.deadline_column(status))
            for status in statuses]


class MessageListView(GuardedView):
    """Every message the user may see, with filters and search.

    Opened without a `sort`, a list shows first what needs its reader now (`needs_now`), then
    the rest in `default_sort`; a `sort` chosen from a column head orders by that column alone.
    Here: the overdue (not yet triaged, then at an OPD), then the newest."""
    roles = ("admin", "evaluator")
    default_sort = "-created_at"  # newest first

    def needs_now(self, now) -> list:
        """The tiers (see `needs_now_first`) of rows this reader should act on first."""
        return overdue_tiers(("baru", *AT_OPD_STATUSES), now)

    def scope(self, now) -> list:
        """The SQL conditions (from `models.access`) that choose this list's rows."""
        return [staff_message_scope(current_user)]

    def scope_export_params(self) -> dict:
        """Export parameters that restate this list's own scope (a subclass narrows it)."""
        return {}

    def search_placeholder(self) -> str:
        """What the search box finds, for this viewer (admins also find reporters)."""
        if may_search_by_reporter(current_user):
            return str(_l("Nomor, perihal, isi, nama pelapor, NIK, telepon atau email"))
        return str(_l("Nomor, perihal atau isi pesan"))

    def search_condition(self, text: str, notes: list):
        """The rows the search `text` finds: every word in the number, subject, text or (for
        admins) the guest's name. A NIK, phone number or email finds the messages of that guest
        or reporter, for admins only and written to the audit log; for others it is searched as
        plain text, and `notes` says why."""
        reporter_too = may_search_by_reporter(current_user)
        columns = [Message.tracking, Message.perihal, Message.body]
        if reporter_too:
            columns.append(Message.guest_name)
        contact = reporter_contact_clause(text)
        if contact is not None and reporter_too:
            audit_contact_search(text)
            return or_(contact, *(column.icontains(text, autoescape=True) for column in columns))
        if contact is not None:
            notes.append(_("Pencarian menurut NIK, nomor telepon atau email hanya untuk admin; "
                           "kata yang Anda ketik dicari di nomor, perihal dan isi pesan saja."))
        return and_(*(or_(*(column.icontains(word, autoescape=True) for column in columns))
                      for word in text.split()))

    def export_url(self, fmt: str, choice: ListChoice) -> str:
        """The message export (reports module) for exactly the rows this list shows now."""
        params = dict(self.scope_export_params())
        chosen = choice.args()
        params.update((name, chosen[name]) for name in EXPORTED if name in chosen)
        if choice.overdue == "yes":
            params["status"] = "terlambat"
        return url_for("ekspor_pesan.index", fmt=fmt, **params)

    def order(self, choice: ListChoice):
        sort = choice.sort or self.default_sort
        column = SORTABLE[sort.lstrip("-")]
        return column.desc() if sort.startswith("-") else column

    def column_heads(self, choice: ListChoice) -> list:
        """(key, label, link or None, aria-sort or None) for each column: a sortable column's
        link orders by it, or reverses the order when it is the one ordered by."""
        sort = choice.sort or self.default_sort
        heads = []
        for key, label in COLUMNS:
            if key not in SORTABLE:
                heads.append((key, label, None, None))
                continue
            current = sort.lstrip("-") == key
            descending = sort.startswith("-")
            wanted = f"-{key}" if current and not descending else key
            link = url_for(".index_view", **choice.args(sort=wanted, page=1))
            state = ("descending" if descending else "ascending") if current else None
            heads.append((key, label, link, state))
        return heads

    @expose("/")
    def index_view(self):
        now = utcnow()
        opds = dict(db.session.execute(select(Opd.id, Opd.name).order_by(Opd.name)).all())
        categories = dict(db.session.execute(
            select(Category.id, Category.name).order_by(Category.name)).all())
        choice = read_choice(request.args, opds, categories)
        notes = []
        conditions = [*self.scope(now), *filter_conditions(choice, now)]
        if choice.q:
            conditions.append(self.search_condition(choice.q, notes))
        # FROM named: the count reads no column, and an admin's scope (plain true) names none.
        query = Message.query.select_from(Message).filter(*conditions)
        found = bounded_count(query)  # AtLeast(the bound) beyond it
        last = min(max(ceil(found / choice.page_size), 1), last_page(choice.page_size))
        if choice.page > last:
            notes.append(_("Halaman %(page)s tidak ada; yang tampil halaman terakhir, %(last)s.",
                           page=format_number(choice.page), last=format_number(last)))
            choice.page = last
        offset = (choice.page - 1) * choice.page_size
        if choice.sort:
            rows = (query.options(load_only(*ROW_FIELDS)).order_by(self.order(choice))
                    .limit(choice.page_size).offset(offset).all())
        else:
            column = SORTABLE[self.default_sort.lstrip("-")]
            ids = needs_now_first(conditions, self.needs_now(now), column,
                                  self.default_sort.startswith("-"),
                                  offset + choice.page_size)[offset:]
            position = {row_id: index for index, row_id in enumerate(ids)}
            rows = sorted(Message.query.options(load_only(*ROW_FIELDS))
                          .filter(Message.id.in_(ids)), key=lambda row: position[row.id])
        texts, locale = label_texts(), get_locale()
        page = self.render(
            "admin/pesan_list.html", choice=choice, notes=notes, found=found,
            bound=int(found) if isinstance(found, AtLeast) else None,
            rows=[_row_html(row, texts, locale, now, opds, categories) for row in rows],
            heads=self.column_heads(choice), last=last,
            pages=pages_shown(choice.page, last) if last > 1 else [],
            opds=opds, categories=categories, statuses=[(s, STATUS_LABELS[s]) for s in STATUSES],
            channels=[(c, CHANNEL_LABELS[c]) for c in CHANNELS], overdue_choices=OVERDUE_CHOICES,
            page_sizes=PAGE_SIZES, placeholder=self.search_placeholder(),
            exports={fmt: self.export_url(fmt, choice) for fmt in ("csv", "xlsx")})
        return page, 400 if choice.problems else 200


def audit_contact_search(text: str) -> None:
    """One audit row per search by a reporter's NIK, phone or email, kept at once: reading a
    list changes nothing else, so nothing else would commit it."""
    record(SEARCH_ACTION, detail=audit_line(text))
    db.session.commit()


class InboxView(MessageListView):
    """`baru` messages, the admin's triage queue (SOP step 3): the overdue first, then the
    oldest first.

    A triage clerk works the queue in the order it came: the oldest waiting message is the next
    to pass its triage deadline, so it comes before a newer one, which can wait. Those already
    late lead the page even where a deadline does not follow arrival (a message an OPD
    returned has a new one)."""
    roles = ("admin",)
    default_sort = "created_at"

    def needs_now(self, now):
        return overdue_tiers(("baru",), now)

    def scope(self, now):
        return [*super().scope(now), Message.status == "baru"]

    def scope_export_params(self):
        return {"status": "baru"}


class OverdueView(MessageListView):
    """Messages past their SLA deadline, within what the user may see: those nobody has taken
    up yet (not triaged, not accepted by the OPD) first, then the newest."""
    roles = ("admin", "evaluator", "operator")

    def needs_now(self, now):
        return overdue_tiers(("baru", "diteruskan"), now)

    def scope(self, now):
        return [*super().scope(now), Message.overdue_clause(now)]

    def scope_export_params(self):
        return {"status": "terlambat"}


class OpdMessageView(MessageListView):
    """An operator's own OPD's messages (also for a user who is a monitor too): those waiting
    to be accepted first (the OPD's next step, and its clock is running), then the overdue,
    then the newest."""
    roles = ("operator",)

    def needs_now(self, now):
        waiting = (Message.status == "diteruskan", Message.answer_due_at)
        return [waiting, *overdue_tiers(("diproses",), now)]

    def scope(self, now):
        # One grant of the viewer's scope (models.access); no OPD of one's own: nothing is
        # "mine", not the unrouted either.
        return [opd_grant(current_user)]

    def scope_export_params(self):
        return {"opd": operated_opd_id(current_user) or 0}


class MonitorView(MessageListView):
    """A monitor's sub categories, whatever OPD handles them: read-only; the overdue first,
    then the newest.

    The rows come from several sub categories. The database reads them newest first, a page's
    worth from each sub category's stretch of ix_message_subcategory_id_created_at, only when
    the query joins nothing (with joins, SQLite sorts every match first); the OPD and category
    names come from the filter form's own lists. Every list is read that way."""
    roles = ("monitor",)

    def scope(self, now):
        return [monitor_grant(current_user)]


def register(admin):
    cat = _l("Pesan")
    admin.add_view(InboxView(name=_l("Kotak masuk"), category=cat, endpoint="inbox",
                             url="/admin/pesan-baru"))
    admin.add_view(MessageListView(name=_l("Semua pesan"), category=cat, endpoint="pesan_semua",
                                   url="/admin/pesan"))
    admin.add_view(OverdueView(name=_l("Antrean terlambat"), category=cat, endpoint="terlambat",
                               url="/admin/terlambat"))
    admin.add_view(OpdMessageView(name=_l("Pesan OPD saya"), category=cat, endpoint="pesan_opd",
                                  url="/admin/pesan-opd"))
    admin.add_view(MonitorView(name=_l("Pantauan"), category=cat, endpoint="pantauan",
                               url="/admin/pantauan"))
