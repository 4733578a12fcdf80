"""Triage suggestions under load: training on a large history, and the time of one suggestion.

    python scripts/bench_triage.py [--messages 100000] [--suggestions 200]

Builds a throwaway SQLite installation in a temporary folder (the demo taxonomy and
`--messages` synthetic triaged messages spread over a year, in varied wording, 10 % of them
routed to another OPD than the usual one), then times what `flask triage-train` does (read
the decisions, fit, write the file) and, with the model read back from its file as a worker
does, `--suggestions` suggestions for new messages and the likely-duplicate search of the
triage page. Prints the figures (this is not a test: it asserts nothing) and removes the
throwaway installation.
"""
import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# Per sub category code: words of its subject and body, in the way people write them.
TOPICS = {
    "asp-pelayanan-publik": "pelayanan antrean loket petugas kantor layanan lambat ramah prosedur "
                            "berkas syarat pengurusan dokumen",
    "asp-infrastruktur": "usulan pembangunan jembatan drainase trotoar gedung taman infrastruktur "
                         "rencana proyek pembangunan fasilitas",
    "asp-lingkungan": "penghijauan pohon taman kota sampah daur ulang bank sampah lingkungan "
                      "bersih hijau tanam",
    "asp-teknologi": "wifi internet gratis hotspot aplikasi digital daring pelajar akses sinyal "
                     "teknologi",
    "adu-jalan-rusak": "jalan berlubang aspal rusak jembatan retak lubang bergelombang "
                       "kendaraan motor jatuh becek",
    "adu-pencemaran": "limbah sungai tercemar bau busuk pabrik ikan mati air hitam asap debu "
                      "pencemaran",
    "adu-lahan": "sengketa lahan tanah kebun batas sertifikat klaim perusahaan tambang patok "
                 "ganti rugi",
    "adu-internet": "website situs error tidak bisa dibuka server aplikasi login gangguan laman "
                    "online",
    "adu-ketenagakerjaan": "gaji upah pekerja buruh phk pesangon kontrak lembur perusahaan "
                           "karyawan tenaga kerja",
    "adu-bencana": "banjir longsor kebakaran pohon tumbang angin puting beliung pengungsi "
                   "evakuasi darurat bencana",
    "adu-ketertiban": "pedagang kaki lima parkir liar balap liar keributan minuman keras "
                      "ketertiban razia malam",
    "adu-sosial": "bantuan sosial bansos sembako pkh lansia disabilitas miskin data penerima "
                  "belum cair",
    "inf-umum": "informasi jadwal alamat kantor nomor telepon kontak jam buka cara bertanya "
                "pengumuman",
    "inf-perizinan": "izin usaha perizinan nib siup imb syarat biaya lama proses oss "
                     "persyaratan",
}
COMMON = ("mohon bapak ibu segera tolong kami warga di sekitar sudah lama tidak ada yang peduli "
          "terima kasih atas perhatiannya sejak minggu lalu kemarin pagi dan untuk dengan pada "
          "ini itu karena sangat sekali banyak masyarakat pemerintah provinsi kota kecamatan "
          "desa kelurahan rt rw gang nomor dekat depan belakang samping").split()
PLACES = ["Jl. Juanda", "Jl. Pahlawan", "Sempaja", "Loa Bakung", "Sungai Kunjang", "Tenggarong",
          "Bontang Utara", "Jl. Sudirman", "Palaran", "Samarinda Seberang", "Balikpapan Kota",
          "Sangatta", "Tanah Grogot", "Penajam", "Melak", "Berau", "Kutai Barat"]
KABUPATEN = ["Kota Samarinda", "Kota Balikpapan", "Kota Bontang", "Kabupaten Kutai Kartanegara",
             "Kabupaten Kutai Timur", "Kabupaten Berau", "Kabupaten Paser", None]


SYLLABLES = [c + v for c in "bcdghjklmnprstw" for v in "aiueo"]
# Names, local words and typing slips: a vocabulary as large as a real history's.
LEXICON = sorted({"".join(random.Random(n).choices(SYLLABLES, k=3)) for n in range(80_000)})


def synthetic(chance: random.Random, sub_code: str) -> dict:
    topic = TOPICS[sub_code].split()
    place = chance.choice(PLACES)
    perihal = " ".join(chance.sample(topic, 3)).capitalize() + f" di {place}"
    if chance.random() < 0.3:
        perihal += " " + chance.choice(LEXICON)
    words = (chance.sample(topic, 6) + [chance.choice(COMMON) for _ in range(30)]
             + chance.sample(LEXICON, 4) + [place, str(chance.randrange(1, 200))])
    chance.shuffle(words)
    return {"perihal": perihal, "body": " ".join(words).capitalize() + ".",
            "kabupaten": chance.choice(KABUPATEN)}


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--suggestions", type=int, default=200)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="aspirasi-bench-triage-")
    try:
        run(args, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run(args, folder: str) -> None:
    os.environ["INSTANCE_PATH"] = folder
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.db"

    from flask_migrate import upgrade
    from sqlalchemy import insert

    from aspirasi import create_app
    from aspirasi.cli import create_user, ensure_roles, seed_taxonomy
    from aspirasi_admin.triage_panel import current_suggestions
    from models import Message, Subcategory, db, triage_learning, utcnow
    from models.duplicates import likely_duplicates
    from services import triage_store

    app = create_app({"TRIAGE_MODEL_PATH": f"{folder}/triage-model.joblib"})
    chance = random.Random(2026)
    with app.app_context():
        upgrade()
        ensure_roles()
        seed_taxonomy()
        db.session.commit()
        subs = {sub.code: sub for sub in Subcategory.query}
        opd_ids = sorted({sub.default_opd_id for sub in subs.values()})
        codes = sorted(TOPICS)
        now = utcnow()
        started = time.perf_counter()
        batch = []
        for number in range(args.messages):
            sub = subs[chance.choice(codes)]
            created = now - timedelta(minutes=chance.randrange(365 * 24 * 60))
            opd_id = (chance.choice(opd_ids) if chance.random() < 0.1 else sub.default_opd_id)
            batch.append(dict(synthetic(chance, sub.code), tracking=f"BENCH{number:08d}",
                              status="diteruskan", channel="guest", category_id=sub.category_id,
                              subcategory_id=sub.id, opd_id=opd_id, created_at=created,
                              updated_at=created, triaged_at=created + timedelta(hours=1),
                              forwarded_at=created + timedelta(hours=1),
                              guest_phone=f"0812{chance.randrange(10**7):07d}", version=1))
            if len(batch) == 5000 or number == args.messages - 1:
                db.session.execute(insert(Message), batch)
                batch = []
        db.session.commit()
        print(f"{args.messages} messages written in {time.perf_counter() - started:.1f} s")

        started = time.perf_counter()
        decisions = triage_learning.past_decisions()
        read = time.perf_counter() - started
        model = triage_learning.train(decisions)
        fitted = time.perf_counter() - started - read
        path = triage_store.save(model)
        total = time.perf_counter() - started
        print(f"training (as triage-train): {total:.1f} s in all; reading {len(decisions)} "
              f"decisions {read:.1f} s, fitting {fitted:.1f} s, writing the file "
              f"{total - read - fitted:.1f} s ({path.stat().st_size / 1e6:.1f} MB)")
        print("classes learned: " + ", ".join(f"{name} {len(kept)}"
                                              for name, kept in model["classes"].items()))

        admin = create_user("bench-admin", "bench-admin@example.com", "Bench-Only-2026!",
                            ["admin"])
        db.session.commit()
        started = time.perf_counter()
        triage_store.current_model()  # a worker reads the file once, at its first triage page
        first = SimpleNamespace(id=0, **synthetic(chance, codes[0]))
        current_suggestions(first)
        print(f"reading the model file and the first suggestion (once per worker and file): "
              f"{(time.perf_counter() - started) * 1000:.0f} ms")
        right, took = 0, []
        for number in range(args.suggestions):
            code = chance.choice(codes)
            message = SimpleNamespace(id=-number, **synthetic(chance, code))
            started = time.perf_counter()
            suggestions = current_suggestions(message)
            took.append(time.perf_counter() - started)
            guess = suggestions.get("subcategory") if suggestions else None
            right += guess is not None and guess.id == subs[code].id
        print(f"one suggestion (model in memory, current classes read from the database): "
              f"median {statistics.median(took) * 1000:.1f} ms, "
              f"p99 {percentile(took, 0.99) * 1000:.1f} ms, max {max(took) * 1000:.1f} ms "
              f"over {len(took)}; right sub category {right}/{len(took)}")

        recent = (Message.query.filter(Message.created_at >= now - timedelta(days=2))
                  .order_by(Message.id).limit(50).all())
        took = []
        for message in recent:
            started = time.perf_counter()
            likely_duplicates(admin, message)
            took.append(time.perf_counter() - started)
        print(f"likely duplicates of one message: median {statistics.median(took) * 1000:.1f} ms, "
              f"p99 {percentile(took, 0.99) * 1000:.1f} ms over {len(took)}")


if __name__ == "__main__":
    main()
