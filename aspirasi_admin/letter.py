"""The forwarding letter (surat penerusan) that goes with a message to its OPD, as a PDF."""
import io
from datetime import date, datetime
from xml.sax.saxutils import escape

from babel.dates import format_date
from flask_babel import force_locale
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from models import MessageEvent, Setting, db
from models.base import utcnow
from models.vocabulary import guest_kind_label, local_midnight_utc, local_time

LETTER_CODE = "000.1.5"
SUMMARY_LENGTH = 900


def letter_date(value) -> str:
    """A day as the letter writes it, "8 Desember 2026": a stored time's day in WITA (the
    office's clock, the one its pages show), a plain day as it is."""
    if value is None:
        return "-"
    return format_date(local_time(value) if isinstance(value, datetime) else value,
                       "d MMMM yyyy", locale="id")


def signature_rows(sent) -> list[list[str]]:
    """The signature block, from the superadmin's settings (title, name, NIP)."""
    nip = Setting.get_text("letter_signatory_nip")
    rows = [["", "Samarinda, " + letter_date(sent)],
            ["", Setting.get_text("letter_signatory_title")],
            ["", ""], ["", ""],
            ["", Setting.get_text("letter_signatory_name")]]
    if nip:
        rows.append(["", f"NIP. {nip}"])
    return rows


def first_forward(message):
    return (MessageEvent.query.filter_by(message_id=message.id, action="forward")
            .order_by(MessageEvent.id).first())


def letter_sequence(event) -> int:
    """The letter's running number: this forwarding's rank among the year's first forwardings
    (the year in WITA, as the letter's date)."""
    year_start = local_midnight_utc(date(local_time(event.created_at).year, 1, 1))
    firsts = (db.select(db.func.min(MessageEvent.id))
              .where(MessageEvent.action == "forward")
              .group_by(MessageEvent.message_id))
    return MessageEvent.query.filter(MessageEvent.id.in_(firsts),
                                     MessageEvent.created_at >= year_start,
                                     MessageEvent.id <= event.id).count()


def letter_number(message) -> str:
    event = first_forward(message)
    when = event.created_at if event else (message.forwarded_at or utcnow())
    sequence = letter_sequence(event) if event else 0
    return f"{LETTER_CODE}/{sequence}/ASPIRASI/{local_time(when).year}"


def guest_facts(message) -> list[list[str]]:
    """What a guest reporter chose and told beyond the text: the kind and the event's date."""
    rows = []
    if message.guest_kind:
        # The letter is in Indonesian whatever language the admin reads the site in.
        with force_locale("id"):
            rows.append(["Kategori pelapor", guest_kind_label(message.guest_kind)])
    if message.event_date:
        rows.append(["Tanggal kejadian", letter_date(message.event_date)])
    return rows


def _summary(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SUMMARY_LENGTH else text[:SUMMARY_LENGTH].rsplit(" ", 1)[0] + " …"


def forwarding_letter_pdf(message) -> bytes:
    """Build the letter for a forwarded message; every user text is escaped for reportlab."""
    styles = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=styles["Normal"], fontSize=11, leading=15)
    head = ParagraphStyle("head", parent=styles["Title"], fontSize=14, leading=18,
                          textColor=colors.HexColor("#0b5d46"))
    small = ParagraphStyle("small", parent=body, fontSize=9, leading=12)
    e = lambda value: escape(str(value or "-"))  # noqa: E731

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=2.5 * cm, rightMargin=2 * cm,
                            topMargin=2 * cm, bottomMargin=2 * cm,
                            title=f"Surat Penerusan {message.tracking}", author="Aspirasi Kaltim")
    sent = message.forwarded_at or utcnow()
    place = (message.address, message.kabupaten)
    due = letter_date(message.answer_due_at)
    story = [
        Paragraph("PEMERINTAH PROVINSI KALIMANTAN TIMUR", head),
        Paragraph("Layanan Aspirasi dan Pengaduan Masyarakat (Aspirasi Kaltim)", styles["Heading4"]),
        Spacer(1, 0.4 * cm),
        Table([["Nomor", ":", letter_number(message)],
               ["Tanggal", ":", letter_date(sent)],
               ["Sifat", ":", "Segera"],
               ["Perihal", ":", Paragraph(e("Penerusan aspirasi/pengaduan: " + message.perihal), body)]],
              colWidths=[3 * cm, 0.5 * cm, 12 * cm],
              style=TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                ("FONTSIZE", (0, 0), (-1, -1), 11)])),
        Spacer(1, 0.5 * cm),
        Paragraph("Kepada Yth.", body),
        Paragraph(f"<b>{e(message.opd.head_name or 'Kepala ' + message.opd.name)}</b>", body),
        Paragraph(e(message.opd.name), body),
        Paragraph("di tempat", body),
        Spacer(1, 0.5 * cm),
        Paragraph("Dengan hormat, bersama ini kami teruskan aspirasi/pengaduan masyarakat yang "
                  "diterima melalui layanan Aspirasi Kaltim untuk ditindaklanjuti sesuai "
                  "kewenangan Saudara, dengan ringkasan sebagai berikut:", body),
        Spacer(1, 0.3 * cm),
        Table([["Nomor tracking", message.tracking],
               ["Diterima", letter_date(message.created_at)],
               ["Kategori", Paragraph(e(message.subcategory or message.category), body)],
               *guest_facts(message),
               ["Lokasi", Paragraph(e(", ".join(p for p in place if p)), body)],
               ["Ringkasan", Paragraph(e(_summary(message.body)), body)]],
              colWidths=[4 * cm, 11.5 * cm],
              style=TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#e6f2ee"))])),
        Spacer(1, 0.4 * cm),
        Paragraph("Mohon tanggapan disampaikan melalui aplikasi Aspirasi Kaltim paling lambat "
                  f"{e(due)}. "
                  "Atas perhatian dan kerja samanya kami ucapkan terima kasih.", body),
        Spacer(1, 1 * cm),
        Table(signature_rows(sent), colWidths=[8.5 * cm, 7 * cm]),
        Spacer(1, 0.8 * cm),
        Paragraph("Dokumen ini dibuat otomatis oleh sistem Aspirasi Kaltim; keaslian dapat "
                  f"diperiksa dengan nomor tracking {e(message.tracking)}.", small),
    ]
    doc.build(story)
    return buffer.getvalue()
