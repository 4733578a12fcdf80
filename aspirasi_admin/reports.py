"""Reports (the provincial report's figures), live, with charts, a printable page and CSV/XLSX
export.

Two views under /admin/laporan:
- `laporan` (admin, evaluator, superadmin): the report page, its print version and its export;
- `ekspor_pesan` (also operators and monitors, each limited to the rows `models.access` lets
  them see): the filtered message list as CSV or XLSX, linked from the message lists.
NIK, email and phone leave the building only for a superadmin who asks, and that is audited.
"""
from collections.abc import Iterator
from datetime import date

from flask import request
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import case, func, or_, select

from aspirasi_admin.guards import GuardedView, expose
from aspirasi_admin.report_steps import cached_step_compliance
from models import Category, Message, Opd, Rating, Subcategory, User, db, utcnow, vocabulary
from models.access import (
    may_export_personal_data,
    may_search_by_reporter,
    reporter_lens,
    staff_message_scope,
)
from models.audit import record
from models.cache import cache_warmer
from models.message import sender_name_of, sender_nik_of
from models.reporter_lookup import reporter_contact_clause
from models.user import account_display_name
from models.vocabulary import CHANNELS, STATUSES, channel_label, local_time
from services import charts
from services.exports import (
    csv_local_time,
    csv_plain,
    csv_text,
    download,
    read_ahead,
    streamed_download,
    yes_no,
)
from services.notify import staff_with_role
from services.report_figures import FilterError, Period, cached_report, one_decimal, shares


def report_tables(report):
    """The report as tables: what the page shows beside each chart, and what is exported."""
    total = report.status["total"]
    status_rows = [(_("Selesai"), report.status["selesai"]),
                   (_("Sedang Ditangani"), report.status["ditangani"]),
                   (_("Ditutup"), report.status["ditutup"])]
    percent_header = [_("Jumlah"), _("Persentase (%)")]
    quality_rows = [
        (q.name, q.messages, one_decimal(q.median("triage")), one_decimal(q.p90("triage")),
         one_decimal(q.median("answer")), one_decimal(q.p90("answer")), q.finished, q.on_time,
         q.sla_percent, one_decimal(q.average_rating), q.ratings)
        for q in report.quality]
    field_names = {"category": _("Kategori"), "subcategory": _("Sub kategori"), "opd": _("OPD")}
    suggestion_rows = [(field_names[a.field], a.suggested, a.taken,
                        charts.percent(a.taken, a.suggested) if a.suggested else None)
                       for a in report.suggestions]
    return {
        "category": (_("Jenis pesan"), [_("Kategori")] + percent_header,
                     shares(report.categories, total)),
        "status": (_("Status penanganan"), [_("Status")] + percent_header,
                   shares(status_rows, total)
                   + [(_("Terlambat (melewati SLA)"), report.status["overdue"],
                       charts.percent(report.status["overdue"], total))]),
        "opd": (_("Pesan per OPD"), [_("OPD")] + percent_header, shares(report.opds, total)),
        "kabupaten": (_("Pesan per kabupaten/kota"), [_("Kabupaten/kota")] + percent_header,
                      shares(report.kabupaten, total)),
        "months": (_("Tren bulanan"), [_("Bulan"), _("Jumlah")], report.months),
        "quality": (_("Kinerja OPD"),
                    [_("OPD"), _("Pesan"), _("Median triase (jam)"), _("P90 triase (jam)"),
                     _("Median jawab (jam)"), _("P90 jawab (jam)"), _("Selesai"),
                     _("Tepat waktu"), _("Kepatuhan SLA (%)"), _("Rating rata-rata"),
                     _("Jumlah rating")], quality_rows),
        "suggestions": (_("Saran triase yang diambil admin"),
                        [_("Isian"), _("Disarankan"), _("Diambil"), _("Diambil (%)")],
                        suggestion_rows),
    }


def number_text(value) -> str:
    """A table cell as people here read numbers: 1,5 for one and a half; a dash for none."""
    if value is None:
        return "–"
    if isinstance(value, float):
        return format_decimal(value, "#,##0.0")
    return str(value)


def report_charts(report) -> dict:
    status = report.status
    return {
        "category": charts.donut_chart(report.categories, _("Aspirasi, Aduan dan Informasi")),
        "status": charts.donut_chart([(_("Selesai"), status["selesai"]),
                                      (_("Sedang Ditangani"), status["ditangani"]),
                                      (_("Ditutup"), status["ditutup"])],
                                     _("Selesai dan sedang ditangani")),
        "opd": charts.bar_chart(report.opds, _("Pesan per OPD")),
        "kabupaten": charts.bar_chart(report.kabupaten, _("Pesan per kabupaten/kota")),
        "months": charts.bar_chart(report.months, _("Tren bulanan"), label_width=130),
    }


@cache_warmer
def warm_default_reports() -> None:
    """The report and its step compliance as admins and evaluators open them (all time) and
    for the current year. One admin stands for all of them: they see the same messages."""
    admins = staff_with_role("admin")
    if not admins:
        return
    year = local_time(utcnow()).year
    for period in (Period(), Period(date(year, 1, 1), date(year, 12, 31))):
        cached_report(admins[0], period)
        cached_step_compliance(admins[0], period)


class ReportView(GuardedView):
    roles = ("admin", "evaluator")

    def _report(self, template: str):
        try:
            period = Period.from_args(request.args)
        except FilterError as error:
            return self.render("admin/reports/index.html", error=str(error), report=None,
                               period=Period(), args=request.args), 400
        report = cached_report(current_user, period)
        return self.render(template, error=None, report=report, period=period, args=request.args,
                           tables=report_tables(report), charts=report_charts(report),
                           angka=number_text, steps=cached_step_compliance(current_user, period))

    @expose("/")
    def index(self):
        return self._report("admin/reports/index.html")

    @expose("/cetak")
    def printable(self):
        return self._report("admin/reports/print.html")

    @expose("/ekspor.<any(csv,xlsx):fmt>")
    def export(self, fmt):
        try:
            period = Period.from_args(request.args)
        except FilterError as error:
            return self.render("admin/reports/error.html", error=str(error)), 400
        report = cached_report(current_user, period)
        tables = report_tables(report)
        summary = (_("Kesimpulan"), [_("Periode: %(p)s", p=period.label())],
                   [(sentence,) for sentence in report.sentences])
        record("export_report", detail=f"laporan {fmt}, periode {period.label()}")
        db.session.commit()
        return download([summary] + list(tables.values()), fmt, "laporan-aspirasi")


# --- the message list export --------------------------------------------------------------------

def message_filters(args, viewer) -> list:
    """SQL conditions from the list's filters; FilterError for a value that makes no sense.
    The search matches what the list's own search matches for `viewer`: for an admin also the
    guest's name and a reporter's NIK, phone or email, so the file holds the rows listed."""
    conditions = Period.from_args(args).conditions()
    status = args.get("status", "").strip()
    if status == "terlambat":
        conditions.append(Message.overdue_clause())
    elif status:
        if status not in STATUSES:
            raise FilterError(_("Status \"%(s)s\" tidak dikenal.", s=status))
        conditions.append(Message.status == status)
    for name, column, label in (("opd", Message.opd_id, _("OPD")),
                                ("category", Message.category_id, _("Kategori"))):
        raw = args.get(name, "").strip()
        if raw:
            if not raw.isdigit() or len(raw) > 9:  # an id, never past what the column holds
                raise FilterError(_("%(label)s tidak valid.", label=label))
            conditions.append(column == int(raw))
    channel = args.get("channel", "").strip()
    if channel:
        if channel not in CHANNELS:
            raise FilterError(_("Saluran \"%(c)s\" tidak dikenal.", c=channel))
        conditions.append(Message.channel == channel)
    text = args.get("q", "").strip()
    if text:
        pattern = f"%{text}%"
        matches = [Message.tracking.ilike(pattern), Message.perihal.ilike(pattern),
                   Message.body.ilike(pattern)]
        if may_search_by_reporter(viewer):
            matches.append(Message.guest_name.ilike(pattern))
            contact = reporter_contact_clause(text)
            if contact is not None:
                matches.append(contact)
        conditions.append(or_(*matches))
    return conditions


MESSAGE_HEADER = [_l("Nomor tracking"), _l("Tanggal masuk (WITA)"), _l("Perihal"), _l("Isi pesan"),
                  _l("Status"), _l("Kategori"), _l("Sub kategori"), _l("OPD"), _l("Saluran"),
                  _l("Kabupaten/kota"), _l("Alamat"), _l("Pelapor"), _l("Anonim"), _l("Rahasia"),
                  _l("Terlambat"), _l("Diteruskan (WITA)"), _l("Selesai (WITA)"), _l("Rating"),
                  _l("Kategori pilihan pelapor"), _l("Tanggal kejadian")]
PERSONAL_HEADER = [_l("NIK"), _l("Email"), _l("Telepon")]


class ExportedReporter:
    """A reporter's account as the export reads it: the columns `reporter_view` needs, named
    as on User, and User's own rule for the display name (`account_display_name`)."""
    FIELDS = ("full_name", "username", "email", "phone", "nik", "closed_at")
    display_name = property(account_display_name)

    def __init__(self, values):
        self.__dict__.update(zip(self.FIELDS, values, strict=True))


class ExportedMessage:
    """One exported message read as columns, not as a loaded Message: the attributes
    `reporter_view` reads, named as on Message, with Message's own rules for the sender's name
    and NIK (`sender_name_of`, `sender_nik_of`); `is_overdue` comes from SQL
    (`Message.overdue_clause`)."""
    FIELDS = (
        "tracking", "created_at", "perihal", "body", "status", "category_id", "subcategory_id",
        "opd_id", "channel", "kabupaten", "address", "anonim", "rahasia", "forwarded_at",
        "finished_at", "reporter_id", "guest_name", "guest_nik", "guest_phone", "guest_email",
        "guest_kind", "event_date", "is_overdue", "half_stars")
    sender_name = property(sender_name_of)
    nik = property(sender_nik_of)

    def __init__(self, values, reporter):
        self.__dict__.update(zip(self.FIELDS, values, strict=True))
        self.reporter = reporter


EXPORT_BATCH = 1000  # rows fetched at a time


TIMES = ("created_at", "forwarded_at", "finished_at")


def exported_messages(conditions, now, fmt: str) -> Iterator[ExportedMessage]:
    """The messages matching `conditions`, newest first, read in batches from one open query
    (with their reporter's account and rating joined in, so nothing is loaded per row). For a
    CSV (`fmt`) the times come as the CSV's text, written by the database."""
    own = [csv_local_time(getattr(Message, name)) if fmt == "csv" and name in TIMES
           else getattr(Message, name) for name in ExportedMessage.FIELDS[:-2]]
    query = (select(*own, case((Message.overdue_clause(now), True), else_=False),
                    Rating.half_stars,
                    *(getattr(User, name) for name in ExportedReporter.FIELDS))
             .outerjoin(User, User.id == Message.reporter_id)
             .outerjoin(Rating, Rating.message_id == Message.id)
             .where(*conditions)
             .order_by(Message.created_at.desc(), Message.id.desc()))
    split = len(ExportedMessage.FIELDS)
    reporter_at = ExportedMessage.FIELDS.index("reporter_id")
    # Read as plain values (the ORM's handling of rows cost a quarter of the export's time),
    # ahead of the rows being written where the database allows it (`read_ahead`).
    for row in read_ahead(db.session, query, EXPORT_BATCH):
        reporter = ExportedReporter(row[split:]) if row[reporter_at] is not None else None
        yield ExportedMessage(row[:split], reporter)


def _as_is(value):
    return value


class MessageRows:
    """Turns exported messages into the export's rows for one viewer, written for the file
    (`fmt`, as `streamed_download` takes them): values for a workbook, CSV fields for a CSV.
    The names and labels every row repeats are looked up, and written, once."""

    def __init__(self, viewer, personal: bool, fmt: str):
        self.personal = personal
        # `personal` is granted to a superadmin only, who is an admin: the lens then gives the
        # full contact details, with the NIK unmasked for this one audited export.
        self.reporter = reporter_lens(viewer, reveal_nik=personal, name_only=not personal)
        if fmt == "csv":
            words = {True: csv_text(yes_no(True)), False: csv_text(yes_no(False))}
            self.text = text = csv_text
            self.flag = words.__getitem__
            self.time = _text_or_empty  # written by the database (`csv_local_time`)
            self.plain = csv_plain
        else:
            self.text = text = self.flag = self.plain = _as_is
            self.time = local_time
        self.none = text(None)
        self.categories = {key: text(name) for key, name in db.session.execute(
            select(Category.id, Category.name))}
        self.subcategories = {key: text(name) for key, name in db.session.execute(
            select(Subcategory.id, Subcategory.name))}
        self.opds = {key: text(name) for key, name in db.session.execute(select(Opd.id, Opd.name))}
        labels = vocabulary.label_texts()
        self.statuses, self.channels, self.guest_kinds = (
            {code: text(label) for code, label in labels[kind].items()}
            for kind in ("status", "channel", "guest_kind"))

    def row(self, message) -> list:
        reporter = self.reporter(message)
        text, time, flag = self.text, self.time, self.flag
        channel, kind = message.channel, message.guest_kind
        row = [text(message.tracking), time(message.created_at), text(message.perihal),
               text(message.body), self.statuses[message.status],
               self.categories.get(message.category_id, self.none),
               self.subcategories.get(message.subcategory_id, self.none),
               self.opds.get(message.opd_id, self.none),
               self.channels[channel] if channel in self.channels else text(channel_label(channel)),
               text(message.kabupaten), text(message.address), text(reporter.name),
               flag(message.anonim), flag(message.rahasia), flag(bool(message.is_overdue)),
               time(message.forwarded_at), time(message.finished_at),
               self.plain(message.half_stars / 2 if message.half_stars is not None else None),
               self.guest_kinds[kind] if kind in self.guest_kinds else text(kind),
               self.plain(message.event_date)]
        if self.personal:
            row += [text(reporter.nik), text(reporter.email), text(reporter.phone)]
        return row


def _text_or_empty(value) -> str:
    return value or ""


def message_rows(conditions, viewer_id: int, personal: bool, now, fmt: str) -> Iterator[list]:
    """The export's rows for a `fmt` file, made while the file is sent: by then the view's
    session is closed, so the viewer is read again in the session the rows are read in."""
    rows = MessageRows(db.session.get(User, viewer_id), personal, fmt)
    for message in exported_messages(conditions, now, fmt):
        yield rows.row(message)


class MessageExportView(GuardedView):
    roles = ("admin", "evaluator", "operator", "monitor")

    def is_visible(self):
        return False  # reached from the message lists' export buttons

    @expose("/")
    @expose("/ekspor.<any(csv,xlsx):fmt>")
    def index(self, fmt=None):
        fmt = fmt or request.args.get("format", "csv")
        if fmt not in ("csv", "xlsx"):
            return self.render("admin/reports/error.html",
                               error=_("Format ekspor harus csv atau xlsx.")), 400
        try:
            conditions = message_filters(request.args, current_user)
        except FilterError as error:
            return self.render("admin/reports/error.html", error=str(error)), 400
        conditions = [staff_message_scope(current_user), *conditions]
        # Personal data only for a superadmin who asks; anyone else asking gets it left out.
        personal = (request.args.get("include_personal") == "1"
                    and may_export_personal_data(current_user))
        count = db.session.scalar(select(func.count(Message.id)).where(*conditions))
        filters = {k: v for k, v in request.args.items() if v and k != "include_personal"}
        record("export_personal" if personal else "export_messages",
               detail=f"{fmt}, {count} pesan, filter {filters or '-'}"
                      + (", dengan NIK/email/telepon" if personal else ""))
        db.session.commit()
        header = [str(h) for h in MESSAGE_HEADER + (PERSONAL_HEADER if personal else [])]
        rows = message_rows(conditions, current_user.id, personal, utcnow(), fmt)
        return streamed_download((_("Pesan"), header, rows), fmt, "pesan-aspirasi")


def register(admin):
    """Add the report views (and the Open311 key management) to `admin`."""
    from aspirasi_admin import api_keys

    admin.add_view(ReportView(name=_l("Laporan"), endpoint="laporan", url="/admin/laporan"))
    admin.add_view(MessageExportView(name=_l("Ekspor pesan"), endpoint="ekspor_pesan",
                                     url="/admin/laporan/pesan"))
    api_keys.register(admin)
