"""Benchmark: response time and SQL statements per page on a large data set.

    .venv/bin/python scripts/bench.py [--messages 20000] [--runs 5]

Builds a throwaway database (SQLite under a temp folder, or BENCH_DATABASE_URL), loads the
demo data plus N generated messages, then requests the main public and staff pages through the
app and prints, per page: HTTP status, median and worst time, and the number of SQL statements
(a growing count with N would mean a query per row). Prints figures only; it asserts nothing.
"""
import argparse
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PAGES = [
    ("citizen", "/"),
    ("citizen", "/pesan"),
    ("citizen", "/pesan?q=jalan&page=3"),
    ("citizen", "/tracking?q={tracking}"),
    ("citizen", "/tracking/{tracking}"),
    ("citizen", "/open311/v2/requests.json"),
    ("admin", "/admin/"),
    ("admin", "/admin/pesan/"),
    ("admin", "/admin/laporan/"),
    ("admin", "/admin/laporan/pesan/ekspor.csv"),
    ("admin", "/admin/laporan/pesan/ekspor.xlsx"),
    ("op-diskominfo", "/admin/"),
    ("evaluator", "/admin/evaluasi/"),
]


def generate(count: int):
    from models import Message, MessageEvent, Opd, Subcategory, User, db, utcnow
    from models.message import new_tracking_number

    rng = random.Random(2026)
    opds = Opd.query.all()
    subs = Subcategory.query.all()
    warga = User.query.filter_by(username="warga").one()
    statuses = ["baru", "diteruskan", "diproses", "selesai", "selesai", "selesai", "ditutup"]
    now = utcnow()
    words = ["jalan", "banjir", "lampu", "sampah", "air", "internet", "lahan", "izin", "sekolah"]
    rows, events = [], []
    for index in range(count):
        created = now - timedelta(minutes=rng.randint(0, 60 * 24 * 365))
        status = rng.choice(statuses)
        sub = rng.choice(subs)
        triaged = status != "baru"
        rows.append({
            "tracking": new_tracking_number(), "status": status, "channel": "web",
            "perihal": f"{rng.choice(words).title()} {index}",
            "body": " ".join(rng.choice(words) for _ in range(40)),
            "kabupaten": "Kota Samarinda", "anonim": False, "rahasia": index % 17 == 0,
            "hidden": False, "reporter_id": warga.id, "reopen_count": 0, "version": 1,
            "category_id": sub.category_id if triaged else None,
            "subcategory_id": sub.id if triaged else None,
            "opd_id": rng.choice(opds).id if triaged else None,
            "created_at": created, "updated_at": created,
            "triaged_at": created + timedelta(minutes=rng.randint(5, 400)) if triaged else None,
            "forwarded_at": created + timedelta(minutes=rng.randint(5, 400)) if triaged else None,
            "finished_at": created + timedelta(days=rng.randint(1, 6)) if status == "selesai" else None,
            "triage_due_at": created + timedelta(minutes=120),
            "answer_due_at": created + timedelta(days=3) if triaged else None,
        })
    db.session.execute(db.insert(Message), rows)
    db.session.commit()
    ids = [m for (m,) in db.session.execute(db.select(Message.id))]
    for message_id in ids:
        events.append({"message_id": message_id, "action": "submit", "to_status": "baru",
                       "public": True, "created_at": now})
    db.session.execute(db.insert(MessageEvent), events)
    db.session.commit()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="aspirasi-bench-")
    os.environ.setdefault("INSTANCE_PATH", tmp)
    from flask_migrate import upgrade
    from sqlalchemy import event

    from aspirasi import create_app
    from aspirasi.cli import seed_demo
    from aspirasi.extensions import limiter
    from models import Message, db

    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp}/bench.db"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False,
                      "MAIL_BACKEND": "locmem", "UPLOAD_DIR": f"{tmp}/uploads"})
    limiter.enabled = False
    statements = [0]
    with app.app_context():
        upgrade()
        seed_demo("bench-password-1")
        started = time.perf_counter()
        generate(args.messages)
        print(f"loaded {args.messages} messages in {time.perf_counter() - started:.1f} s "
              f"({db.engine.dialect.name})")
        tracking = Message.query.filter_by(rahasia=False).first().tracking

        @event.listens_for(db.engine, "before_cursor_execute")
        def count(*_args):
            statements[0] += 1

    clients = {}
    print(f"{'who':<14} {'page':<34} {'status':>6} {'median ms':>10} {'max ms':>8} {'SQL':>5}")
    for who, path in PAGES:
        if who not in clients:
            client = app.test_client()
            if who != "citizen":
                client.post("/login", data={"identity": who, "password": "bench-password-1"})
            clients[who] = client
        client = clients[who]
        path = path.format(tracking=tracking)
        times, status, sql = [], None, 0
        for _ in range(args.runs):
            statements[0] = 0
            started = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - started) * 1000)
            status, sql = response.status_code, statements[0]
        print(f"{who:<14} {path[:34]:<34} {status:>6} {statistics.median(times):>10.1f} "
              f"{max(times):>8.1f} {sql:>5}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of this process: {peak:.0f} MiB")


if __name__ == "__main__":
    main()
