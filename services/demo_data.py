"""The East Kalimantan demo data set: OPDs, taxonomy, accounts and sample messages."""

# The OPDs of East Kalimantan's provincial report, plus Biro Perekonomian, which monitors land
# disputes ("Permasalahan Lahan") whatever OPD handles them.
OPDS = [
    ("DISKOMINFO", "Dinas Komunikasi dan Informatika"),
    ("DLH", "Dinas Lingkungan Hidup"),
    ("DISHUT", "Dinas Kehutanan"),
    ("ESDM", "Dinas Energi dan Sumber Daya Mineral"),
    ("DPMPTSP", "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu"),
    ("DKP3A", "Dinas Kependudukan, Pemberdayaan Perempuan dan Perlindungan Anak"),
    ("BPBD", "Badan Penanggulangan Bencana Daerah"),
    ("SATPOLPP", "Satuan Polisi Pamong Praja"),
    ("PUPRPERA", "Dinas Pekerjaan Umum, Penataan Ruang dan Perumahan Rakyat"),
    ("DISNAKERTRANS", "Dinas Tenaga Kerja dan Transmigrasi"),
    ("DKP", "Dinas Kelautan dan Perikanan"),
    ("DINSOS", "Dinas Sosial"),
    ("BIROEKONOMI", "Biro Perekonomian"),
]

# (category code, name, is_informasi, [(subcategory code, name, default OPD code)])
TAXONOMY = [
    ("aspirasi", "Aspirasi", False, [
        ("asp-pelayanan-publik", "Pelayanan Publik", "DPMPTSP"),
        ("asp-infrastruktur", "Infrastruktur", "PUPRPERA"),
        ("asp-lingkungan", "Lingkungan Hidup", "DLH"),
        ("asp-teknologi", "Teknologi Informasi", "DISKOMINFO"),
    ]),
    ("aduan", "Aduan", False, [
        ("adu-jalan-rusak", "Jalan dan Jembatan Rusak", "PUPRPERA"),
        ("adu-pencemaran", "Pencemaran Lingkungan", "DLH"),
        ("adu-lahan", "Permasalahan Lahan", "DISHUT"),
        ("adu-internet", "Layanan Internet dan Website Pemerintah", "DISKOMINFO"),
        ("adu-ketenagakerjaan", "Ketenagakerjaan", "DISNAKERTRANS"),
        ("adu-bencana", "Bencana dan Kedaruratan", "BPBD"),
        ("adu-ketertiban", "Ketertiban Umum", "SATPOLPP"),
        ("adu-sosial", "Bantuan Sosial", "DINSOS"),
    ]),
    ("informasi", "Informasi", True, [
        ("inf-umum", "Informasi Umum", "DISKOMINFO"),
        ("inf-perizinan", "Informasi Perizinan", "DPMPTSP"),
    ]),
]

MONITORED_SUBCATEGORY = "adu-lahan"


# username, email, roles, OPD code, full name
ACCOUNTS = [
    ("superadmin", "superadmin@aspirasi.kaltimprov.go.id", ["superadmin"], None, "Super Admin"),
    ("admin", "admin@aspirasi.kaltimprov.go.id", ["admin"], None, "Admin Aspirasi"),
    ("op-diskominfo", "op-diskominfo@aspirasi.kaltimprov.go.id", ["operator"], "DISKOMINFO",
     "Operator Diskominfo"),
    ("op-dlh", "op-dlh@aspirasi.kaltimprov.go.id", ["operator"], "DLH", "Operator DLH"),
    ("op-biroekonomi", "op-biroekonomi@aspirasi.kaltimprov.go.id", ["operator", "monitor"],
     "BIROEKONOMI", "Operator Biro Perekonomian"),
    ("evaluator", "evaluator@aspirasi.kaltimprov.go.id", ["evaluator"], None,
     "Wakil Gubernur (Evaluator)"),
    ("warga", "warga@example.com", ["user"], None, "Budi Santoso"),
]
WARGA_NIK = "6472011505900003"

# perihal, body, kabupaten, subcategory code or None, OPD code or None, final status
SAMPLE_MESSAGES = [
    ("Jalan berlubang di Jl. Juanda", "Jalan di depan pasar berlubang besar dan membahayakan "
     "pengendara motor, terutama saat hujan.", "Kota Samarinda", "adu-jalan-rusak", "PUPRPERA",
     "selesai"),
    ("Website dinas tidak bisa dibuka", "Situs resmi salah satu dinas tidak dapat diakses sejak "
     "tiga hari yang lalu.", "Kota Balikpapan", "adu-internet", "DISKOMINFO", "diproses"),
    ("Sengketa batas lahan kebun warga", "Lahan kebun kami diklaim oleh perusahaan tanpa dasar "
     "yang jelas. Mohon fasilitasi penyelesaian.", "Kabupaten Kutai Timur", "adu-lahan", "DLH",
     "diteruskan"),
    ("Usulan Wi-Fi gratis di taman kota", "Mohon disediakan akses internet gratis di taman-taman "
     "kota untuk pelajar.", "Kota Bontang", "asp-teknologi", "DISKOMINFO", "selesai"),
    ("Limbah di Sungai Karang Mumus", "Air sungai berwarna hitam dan berbau di dekat permukiman.",
     "Kota Samarinda", "adu-pencemaran", "DLH", "diproses"),
    ("Jam layanan perizinan", "Sampai jam berapa loket perizinan terpadu buka pada hari Jumat?",
     "Kota Samarinda", "inf-perizinan", None, "selesai"),
    ("Lampu jalan padam di Tenggarong", "Lampu penerangan jalan padam sepanjang 1 km.",
     "Kabupaten Kutai Kartanegara", None, None, "baru"),
]

# Fixed-date national holidays; the moving ones (Idul Fitri, Waisak, ...) and cuti bersama
# are entered each year by the superadmin from the government's decree.
FIXED_HOLIDAYS = [
    ((1, 1), "Tahun Baru Masehi"),
    ((5, 1), "Hari Buruh Internasional"),
    ((6, 1), "Hari Lahir Pancasila"),
    ((8, 17), "Hari Kemerdekaan Republik Indonesia"),
    ((12, 25), "Hari Raya Natal"),
]

# The footer's contact details for the demo; a real installation's superadmin sets its own.
SITE_SETTINGS = {
    "contact_phone": "0541-123456",
    "social_instagram": "https://www.instagram.com/diskominfokaltim",
    "social_facebook": "https://www.facebook.com/diskominfokaltim",
    "social_youtube": "https://www.youtube.com/@diskominfokaltim",
}

# The provincial report on the application's first period (2019): 42 messages, 18 aspirasi
# and 24 aduan, 38 finished and 4 still being handled, spread over 12 OPDs as its table lists.
# OPD code: (aspirasi, aduan, of which still being handled, aspirasi and aduan topics).
REPORT_PERIOD = ((2019, 5, 1), (2019, 12, 31))
REPORT_MESSAGES = {
    "DISKOMINFO": (6, 8, 1, "Usulan layanan digital desa", "Website pemerintah tidak dapat diakses"),
    "DLH": (3, 5, 1, "Usulan taman kota hijau", "Pencemaran sungai oleh limbah"),
    "DISHUT": (2, 4, 1, "Usulan rehabilitasi hutan kota", "Sengketa lahan kawasan hutan"),
    "ESDM": (1, 1, 0, "Usulan listrik tenaga surya desa", "Lubang bekas tambang tidak ditutup"),
    "DPMPTSP": (2, 0, 0, "Usulan perizinan daring", ""),
    "DKP3A": (1, 1, 0, "Usulan rumah aman anak", "Pendataan penduduk belum selesai"),
    "SATPOLPP": (0, 2, 1, "", "Pedagang kaki lima menutup trotoar"),
    "PUPRPERA": (0, 1, 0, "", "Jalan provinsi berlubang"),
    "DISNAKERTRANS": (1, 0, 0, "Usulan pelatihan kerja pemuda", ""),
    "BPBD": (1, 1, 0, "Usulan jalur evakuasi banjir", "Banjir belum ditangani"),
    "DKP": (1, 0, 0, "Usulan bantuan alat tangkap nelayan", ""),
    "DINSOS": (0, 1, 0, "", "Bantuan sosial belum diterima"),
}
# The sub category each of those messages is filed under: (aspirasi, aduan) by OPD code.
REPORT_SUBCATEGORIES = {
    "DISKOMINFO": ("asp-teknologi", "adu-internet"),
    "DLH": ("asp-lingkungan", "adu-pencemaran"),
    "DISHUT": ("asp-lingkungan", "adu-lahan"),
    "ESDM": ("asp-infrastruktur", "adu-pencemaran"),
    "DPMPTSP": ("asp-pelayanan-publik", None),
    "DKP3A": ("asp-pelayanan-publik", "adu-sosial"),
    "SATPOLPP": (None, "adu-ketertiban"),
    "PUPRPERA": (None, "adu-jalan-rusak"),
    "DISNAKERTRANS": ("asp-pelayanan-publik", None),
    "BPBD": ("asp-infrastruktur", "adu-bencana"),
    "DKP": ("asp-pelayanan-publik", None),
    "DINSOS": (None, "adu-sosial"),
}

# Ready answers (jawaban siap) by category code; None marks the ones offered for every
# category. Staff pick one and complete it before sending.
READY_ANSWERS = [
    (None, "Terima kasih, sedang ditindaklanjuti",
     "Terima kasih atas laporan Bapak/Ibu. Pesan Anda telah kami terima dan sedang "
     "ditindaklanjuti oleh petugas. Perkembangannya dapat dipantau melalui nomor tracking."),
    (None, "Mohon data tambahan",
     "Terima kasih atas laporan Bapak/Ibu. Agar dapat kami tindak lanjuti, mohon lengkapi "
     "lokasi yang tepat (nama jalan, RT/kelurahan) dan, bila ada, foto kejadian."),
    ("aspirasi", "Aspirasi diterima sebagai masukan",
     "Terima kasih atas aspirasi Bapak/Ibu. Usulan ini kami catat sebagai masukan dalam "
     "penyusunan rencana kerja dan anggaran tahun berikutnya."),
    ("aspirasi", "Aspirasi diteruskan ke musrenbang",
     "Terima kasih atas usulan Bapak/Ibu. Usulan ini akan kami bahas dalam Musyawarah "
     "Perencanaan Pembangunan (Musrenbang) bersama perangkat daerah terkait."),
    ("aduan", "Aduan selesai ditangani",
     "Terima kasih atas laporan Bapak/Ibu. Petugas telah meninjau lokasi dan permasalahan "
     "telah ditangani. Bila masih ditemukan kendala, silakan sampaikan kembali melalui "
     "halaman riwayat pesan."),
    ("aduan", "Aduan dijadwalkan perbaikan",
     "Terima kasih atas laporan Bapak/Ibu. Lokasi telah kami tinjau dan perbaikan dijadwalkan "
     "dalam anggaran pemeliharaan tahun berjalan. Kami mohon kesabaran Bapak/Ibu."),
    ("informasi", "Jam layanan kantor",
     "Layanan tatap muka dibuka Senin sampai Kamis pukul 08.00-15.00 WITA dan Jumat pukul "
     "08.00-11.00 WITA, kecuali hari libur nasional."),
    ("informasi", "Persyaratan perizinan",
     "Persyaratan dan alur perizinan dapat dilihat di laman Dinas Penanaman Modal dan "
     "Pelayanan Terpadu Satu Pintu. Untuk konsultasi, silakan datang ke Mal Pelayanan Publik "
     "dengan membawa KTP dan dokumen usaha."),
]
