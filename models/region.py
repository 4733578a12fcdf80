"""The places of East Kalimantan a message can be about: its ten kabupaten and kota."""

KABUPATEN_KOTA = [
    "Kota Samarinda", "Kota Balikpapan", "Kota Bontang", "Kabupaten Kutai Kartanegara",
    "Kabupaten Kutai Timur", "Kabupaten Kutai Barat", "Kabupaten Paser",
    "Kabupaten Penajam Paser Utara", "Kabupaten Berau", "Kabupaten Mahakam Ulu",
]

