"""The words of Flask-Admin's script widgets in the interface's language.

The date picker (daterangepicker) and the searchable select boxes (Select2), both in
Flask-Admin's static files, are built with English labels and day names. The strict CSP
allows no inline script, so the back office's frame writes these words into data attributes
and static/js/admin.js hands them to every widget it makes. Day and month names come from
the locale data (the same as the dates the pages print). "{n}" stands for a number.
"""
import functools

from flask_babel import get_locale
from flask_babel import gettext as _

SUNDAY_FIRST = (6, 0, 1, 2, 3, 4, 5)  # the picker counts days from Sunday


def picker_words() -> dict:
    """data-* attributes for the picker: labels, day and month names, first day of week."""
    return _words_in(str(get_locale()))


@functools.cache
def _words_in(language: str) -> dict:
    """The words in `language`, the current request's: written on its first page only."""
    locale = get_locale()
    days = locale.days["format"]["short"]
    months = locale.months["format"]["abbreviated"]
    return {
        "apply": _("Terapkan"), "cancel": _("Batal"), "from": _("Dari"), "to": _("Sampai"),
        "week": _("Mg"), "custom": _("Rentang lain"), "separator": f' {_("sampai")} ',
        "days": ",".join(days[index] for index in SUNDAY_FIRST),
        "months": ",".join(months[number] for number in range(1, 13)),
        "first-day": str((locale.first_week_day + 1) % 7),
        "no-matches": _("Tidak ada yang cocok"), "searching": _("Mencari…"),
        "loading-more": _("Memuat lebih banyak…"), "too-short": _("Ketik {n} karakter lagi"),
        "too-long": _("Hapus {n} karakter"), "too-many": _("Paling banyak {n} pilihan"),
        "comma-values": _("Pisahkan beberapa nilai dengan koma"),
    }
