"""The NIK (Nomor Induk Kependudukan): 16 digits whose parts can be checked for plausibility.

Digits 1-2 are the province (11 Aceh ... 94 Papua), 3-6 the regency and district, 7-12 the
date of birth as DDMMYY (women add 40 to the day), 13-16 a serial number.
"""
from datetime import date

from flask_babel import lazy_gettext as _l


def nik_problem(value: str | None):
    """None when `value` is a plausible NIK, else the reason to show the user."""
    nik = (value or "").strip()
    if len(nik) != 16 or not nik.isascii() or not nik.isdigit():
        return _l("NIK harus terdiri dari tepat 16 angka, tanpa spasi atau huruf.")
    if not 11 <= int(nik[:2]) <= 94:
        return _l("Dua angka pertama NIK (kode provinsi) tidak dikenal.")
    day, month, year = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    if day > 40:
        day -= 40  # the day of birth of women is written plus 40
    if not any(_is_date(century + year, month, day) for century in (1900, 2000)):
        return _l("Tanggal lahir di dalam NIK (angka ke-7 sampai ke-12) tidak valid.")
    if nik[12:] == "0000":
        return _l("Nomor urut NIK (empat angka terakhir) tidak boleh 0000.")
    return None


def _is_date(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def looks_like_nik(value: str | None) -> bool:
    """A 16-digit query: the tracking page treats it as a NIK lookup."""
    value = (value or "").strip()
    return len(value) == 16 and value.isascii() and value.isdigit()
