"""Message lists: the admin's inbox and overdue queue, every message, an OPD's own, a monitor's.

All are read-only Flask-Admin lists over `ScopedModelView`, so rows come through
`models.access` in the list, the count and `get_one`; each row links to the message page,
where actions happen through `models.lifecycle`.

A list's page (its filters, table and pager, and the scripts that go with them) is kept while
the data is unchanged, for everyone who would be shown the same rows: see
`MessageListView.kept_key`. The frame around it (the reader's name, unread badge, token) is
written for each request.
"""
import hashlib
import time

from babel.dates import format_timedelta
from flask import flash, g, get_flashed_messages, has_request_context, request, url_for
from flask_admin import expose
from flask_admin.contrib.sqla.filters import BaseSQLAFilter, FilterEqual
from flask_admin.contrib.sqla.tools import parse_like_term
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy import Unicode, cast, or_, select
from sqlalchemy.orm import selectinload

from aspirasi.extensions import cache
from aspirasi.figure_cache import pages_version
from aspirasi_admin.guards import DateRangeFilter, ScopedModelView, kept_for, plain_range
from models import Category, Message, Opd, db, utcnow
from models.access import may_search_by_reporter, monitor_grant, opd_grant
from models.audit import record
from models.reporter_lookup import audit_line, reporter_contact_clause
from models.roles import operated_opd_id
from models.vocabulary import (
    CHANNEL_LABELS,
    CHANNELS,
    STATUS_LABELS,
    STATUSES,
    label_texts,
    time_text,
)

# The overdue filter needs a column of its own so drill-down links can find it.
OVERDUE_COLUMN = Message.triage_due_at


class OverdueFilter(BaseSQLAFilter):
    def apply(self, query, value, alias=None):
        clause = Message.overdue_clause()
        return query.filter(clause if value == "1" else db.not_(clause))

    def operation(self):
        return _l("adalah")


def _row_html(row, texts: dict, locale, now) -> Markup:
    """One list row's cells, in `ROW_COLUMNS` order, written in one pass. Flask-Admin's general
    path (per cell a formatter lookup, two template calls, a translated label and an escape)
    took two fifths of a list page's time."""
    status = escape(texts["status"].get(row.status, row.status))
    if row.is_overdue:
        status += Markup(' <span class="tag-overdue">%s</span>') % _("Terlambat")
    link = url_for("pesan_detail.show", message_id=row.id)
    age = format_timedelta(now - row.created_at, threshold=1.1, locale=locale)
    return Markup(
        f'<td class="col-tracking"><a href="{escape(link)}">{escape(row.tracking)}</a></td>'
        f'<td class="col-perihal">{escape(row.perihal)}</td>'
        f'<td class="col-status">{status}</td>'
        f'<td class="col-opd.name">{escape(row.opd.name) if row.opd else ""}</td>'
        f'<td class="col-category.name">{escape(row.category.name) if row.category else ""}</td>'
        f'<td class="col-channel">{escape(texts["channel"].get(row.channel, row.channel))}</td>'
        f'<td class="col-created_at">{escape(time_text(row.created_at))}</td>'
        f'<td class="col-age">{escape(age)}</td>')


# The list's columns: their cells are written by `_row_html`, in this order.
ROW_COLUMNS = ("tracking", "perihal", "status", "opd.name", "category.name", "channel",
               "created_at", "age")


class MessageListView(ScopedModelView):
    """Every message the user may see, with filters and search."""
    roles = ("admin", "evaluator")
    can_create = can_edit = can_delete = False
    can_view_details = False
    can_export = False
    named_filter_urls = True  # readable drill-down links from the evaluator's report
    list_template = "admin/pesan_list.html"
    column_list = ROW_COLUMNS  # the cells are written by `row_html`
    column_display_actions = False  # no buttons: the number opens the message
    column_labels = {
        "tracking": _l("Nomor"), "perihal": _l("Perihal"), "status": _l("Status"),
        "opd.name": _l("OPD"), "category.name": _l("Kategori"), "channel": _l("Kanal"),
        "created_at": _l("Diterima"), "age": _l("Umur"),
    }
    # Loaded with the rows in one query, not one query per OPD or category shown.
    column_select_related_list = (Message.opd, Message.category)
    column_sortable_list = ("tracking", "perihal", "status", "created_at")
    column_default_sort = ("created_at", True)
    column_searchable_list = ("tracking", "perihal", "body", "guest_name")
    reporter_search_columns = frozenset({"guest_name"})

    def search_placeholder(self):
        """What the search box finds, for this viewer (admins also find reporters)."""
        if has_request_context() and may_search_by_reporter(current_user):
            return str(_l("Nomor, perihal, isi, nama pelapor, NIK, telepon atau email"))
        return str(_l("Nomor, perihal atau isi pesan"))

    def _apply_search(self, query, count_query, joins, count_joins, search):
        """A NIK, phone number or email finds the messages of that guest or reporter, for
        admins only and written to the audit log; for others it is searched as plain text."""
        contact = reporter_contact_clause(search)
        if contact is None:
            return super()._apply_search(query, count_query, joins, count_joins, search)
        if not may_search_by_reporter(current_user):
            flash(_("Pencarian menurut NIK, nomor telepon atau email hanya untuk admin; kata "
                    "yang Anda ketik dicari di nomor, perihal dan isi pesan saja."), "warning")
            return super()._apply_search(query, count_query, joins, count_joins, search)
        self.audit_contact_search(search)
        term = parse_like_term(search.strip())
        # The searchable columns all belong to Message itself: no join is needed.
        where = or_(contact, *(cast(column, Unicode).ilike(term)
                               for column, _path in self._search_fields))
        if count_query is not None:
            count_query = count_query.filter(where)
        return query.filter(where), count_query, joins, count_joins

    @staticmethod
    def audit_contact_search(search):
        """One audit row per search by a reporter's NIK, phone or email, kept at once: reading
        a list changes nothing else, so nothing else would commit it."""
        if g.get("contact_search_audited") == search:
            return
        g.contact_search_audited = search
        record("pesan.cari_pelapor", detail=audit_line(search))
        db.session.commit()

    # Flask-Admin keeps the searched columns on the view, which every user shares; this
    # property narrows them per request to what the viewer may search by.
    @property
    def _search_fields(self):
        fields = self.__dict__.get("_all_search_fields")
        if fields is None or not has_request_context() or may_search_by_reporter(current_user):
            return fields  # outside a request Flask-Admin is building the list itself
        return [(column, path) for column, path in fields
                if column.key not in self.reporter_search_columns]

    @_search_fields.setter
    def _search_fields(self, fields):
        self.__dict__["_all_search_fields"] = fields

    def row_html(self, row) -> Markup:
        locale = get_locale()
        return _row_html(row, label_texts(), locale, utcnow())

    # --- the kept page ---------------------------------------------------------------------

    def kept_key(self) -> str | None:
        """The name this page is kept under, or None when it is written afresh.

        The page is what the list's query returns for the request's filters, order and page,
        in the reader's language, with the search box's hint for what the reader may search
        by. The rows the reader may see are named by the scope's own SQL condition with its
        values written in (the OPD's id, the monitored sub categories), so two readers share a
        page only when the database would give them the same rows. A search is never kept: a
        search by a reporter's contact is audited each time, and searches seldom repeat."""
        if request.args.get("search"):
            return None
        scope = self.scope(select(Message.id)).whereclause
        condition = str(scope.compile(db.engine, compile_kwargs={"literal_binds": True}))
        name = repr((self.endpoint, str(get_locale()), sorted(request.args.items(multi=True)),
                     condition, may_search_by_reporter(current_user)))
        return "list:" + hashlib.blake2b(name.encode(), digest_size=16).hexdigest()

    @expose("/")
    def index_view(self):
        """The list, kept while the data version is unchanged (a change shows within
        `KEPT_PAGES_RECHECK`) and written again every minute: ages and overdue marks move with
        the clock."""
        key = self.kept_key()
        if key is None:
            g.kept_list_parts = None
            return super().index_view()
        version = (*pages_version(), int(time.time() // 60))
        kept = cache.get(key)
        if kept is not None and kept["version"] == version:
            g.kept_list_parts = kept["parts"]
            return self.render(self.list_template)
        g.kept_list_parts = parts = {}  # filled by `kept_part` while the page is written
        response = super().index_view()
        # Not kept: a page that showed a flashed message (Flask-Admin's word on a filter value
        # it could not read belongs to this visit).
        if set(parts) == {"body", "tail"} and not get_flashed_messages():
            # Written again each minute anyway: gone after two, the first pruned when the
            # store is full, before the figures kept there.
            cache.set(key, {"version": version, "parts": parts}, timeout=120)
        return response

    def kept_part(self, part: str, caller) -> Markup:
        """`part` of the list's page: the kept one, or as `caller` (the template's block)
        writes it now."""
        parts = g.get("kept_list_parts")
        if parts is None:
            return Markup(caller())
        if part not in parts:
            parts[part] = str(caller())
        return Markup(parts[part])

    column_filters = (
        FilterEqual(Message.status, _l("Status"),
                    options=[(code, STATUS_LABELS[code]) for code in STATUSES]),
        FilterEqual(Opd.name, _l("OPD")),
        FilterEqual(Category.name, _l("Kategori")),
        FilterEqual(Message.channel, _l("Kanal"),
                    options=[(code, CHANNEL_LABELS[code]) for code in CHANNELS]),
        DateRangeFilter(Message.created_at, _l("Tanggal")),
        OverdueFilter(OVERDUE_COLUMN, _l("Terlambat"), options=[("1", _l("Ya")), ("0", _l("Tidak"))]),
    )


    def scope_export_params(self) -> dict:
        """Export parameters that restate this list's own scope (a subclass narrows it)."""
        return {}

    def _get_list_extra_args(self):
        """The request's search, filters and order, read once per request: read again for the
        export links, an unreadable filter value was flashed a second time, after the page's
        messages were written, and showed on the next page."""
        return kept_for("list_args", request._get_current_object(),
                        super()._get_list_extra_args)

    def export_url(self, fmt: str) -> str:
        """The message export (reports module) for exactly the rows this list shows now."""
        view_args = self._get_list_extra_args()
        params = dict(self.scope_export_params())
        if view_args.search:
            params["q"] = view_args.search
        for index, _name, value in view_args.filters or ():
            flt = self._filters[index]
            if flt.column is Message.status:
                params["status"] = value
            elif flt.column is Message.channel:
                params["channel"] = value
            elif flt.column is Opd.name:
                opd = Opd.query.filter_by(name=value).first()
                params["opd"] = opd.id if opd else 0
            elif flt.column is Category.name:
                category = Category.query.filter_by(name=value).first()
                params["category"] = category.id if category else 0
            elif flt.column is Message.created_at and " to " in plain_range(value):
                params["start"], params["end"] = plain_range(value).split(" to ", 1)
            elif isinstance(flt, OverdueFilter) and value == "1":
                params["status"] = "terlambat"
        return url_for("ekspor_pesan.index", fmt=fmt, **params)

    def filter_arg(self, column) -> str:
        """The URL argument name of the first filter on `column` (for drill-down links)."""
        for key, (_index, flt) in self._filter_args.items():
            if flt.column is column:
                return key
        raise KeyError(column)


class InboxView(MessageListView):
    """`baru` messages oldest first: the admin's triage queue (SOP step 3)."""
    roles = ("admin",)
    column_default_sort = ("created_at", False)

    def scope(self, query):
        return super().scope(query).filter(Message.status == "baru")

    def scope_export_params(self):
        return {"status": "baru"}


class OverdueView(MessageListView):
    """Messages past their SLA deadline, within what the user may see."""
    roles = ("admin", "evaluator", "operator")
    column_default_sort = ("created_at", False)

    def scope(self, query):
        return super().scope(query).filter(Message.overdue_clause())

    def kept_key(self):
        return None  # its rows are chosen by the clock (the condition holds the time now)

    def scope_export_params(self):
        return {"status": "terlambat"}


class OpdMessageView(MessageListView):
    """An operator's own OPD's messages (also for a user who is a monitor too)."""
    roles = ("operator",)
    column_default_sort = ("created_at", False)

    def scope(self, query):
        # One grant of the viewer's scope (models.access); no OPD of one's own: nothing is
        # "mine", not the unrouted either.
        return query.filter(opd_grant(current_user))

    def scope_export_params(self):
        return {"opd": operated_opd_id(current_user) or 0}


class MonitorView(MessageListView):
    """A monitor's sub categories, whatever OPD handles them: read-only."""
    roles = ("monitor",)
    # The rows come from several sub categories. The database reads them newest first, 25 from
    # each sub category's stretch of ix_message_subcategory_id_created_at, only when the query
    # joins nothing (with joins, SQLite sorts every match first: 350 ms at 1M); so the OPD and
    # category names come by two small lookups of their own.
    column_select_related_list = ()

    def scope(self, query):
        return query.filter(monitor_grant(current_user))

    def get_query(self):
        return super().get_query().options(selectinload(Message.opd),
                                           selectinload(Message.category))


def register(admin):
    cat = _l("Pesan")
    admin.add_view(InboxView(Message, name=_l("Kotak masuk"), category=cat,
                             endpoint="inbox", url="/admin/pesan-baru"))
    admin.add_view(MessageListView(Message, name=_l("Semua pesan"), category=cat,
                                   endpoint="pesan_semua", url="/admin/pesan"))
    admin.add_view(OverdueView(Message, name=_l("Antrean terlambat"), category=cat,
                               endpoint="terlambat", url="/admin/terlambat"))
    admin.add_view(OpdMessageView(Message, name=_l("Pesan OPD saya"), category=cat,
                                  endpoint="pesan_opd", url="/admin/pesan-opd"))
    admin.add_view(MonitorView(Message, name=_l("Pantauan"), category=cat,
                               endpoint="pantauan", url="/admin/pantauan"))
