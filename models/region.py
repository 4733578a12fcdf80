"""The places of East Kalimantan a message can be about: its ten kabupaten and kota."""

KABUPATEN_KOTA = [
    "Kota Samarinda", "Kota Balikpapan", "Kota Bontang", "Kabupaten Kutai Kartanegara",
    "Kabupaten Kutai Timur", "Kabupaten Kutai Barat", "Kabupaten Paser",
    "Kabupaten Penajam Paser Utara", "Kabupaten Berau", "Kabupaten Mahakam Ulu",
]


def is_kabupaten_kota(value: str | None) -> bool:
    return value in KABUPATEN_KOTA
