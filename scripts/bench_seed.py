"""Benchmark data: N generated messages, with everything around them, bulk-inserted.

    python scripts/bench_seed.py --messages 100000 --fixtures out.json

Reads DATABASE_URL (and INSTANCE_PATH) from the environment, like the app. The database must
already hold the schema and the demo data (`flask db upgrade` and `flask seed-demo`). Rows are
written with SQLAlchemy Core `insert()` in chunks (executemany), never through the ORM, with the
columns the lifecycle would have set for each status: timeline events, SLA deadlines,
notifications for the staff who would have received them, ratings on part of the finished ones.
Writes a JSON file of values the benchmark needs (a tracking number, message ids, a NIK...).
"""
import argparse
import json
import random
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, func, insert, select, text

from aspirasi.config import database_url
from models import Category, Message, MessageEvent, Notification, Opd, Rating, Role, Subcategory, User
from models.base import utcnow
from models.message import TRACKING_ALPHABET, TRACKING_PREFIX
from models.region import KABUPATEN_KOTA
from models.sla import add_workdays
from models.user import roles_users
from models.vocabulary import INTAKE_CHANNELS

CHUNK = 5000
CITIZENS = 50_000
DAYS = 730
TRIAGE_MINUTES = 120
ANSWER_WORKDAYS = 2

WORDS = ["jalan", "rusak", "banjir", "lampu", "sampah", "air", "bersih", "internet", "lahan",
         "izin", "sekolah", "puskesmas", "jembatan", "drainase", "pasar", "bantuan", "sosial",
         "tambang", "hutan", "nelayan", "pelabuhan", "parkir", "listrik", "macet", "limbah"]
SUBJECTS = ["Jalan berlubang di {k}", "Banjir setiap hujan di {k}", "Lampu jalan mati di {k}",
            "Sampah menumpuk di {k}", "Air PDAM tidak mengalir di {k}", "Website dinas tidak bisa dibuka",
            "Izin usaha lama diproses", "Bantuan sosial belum diterima", "Limbah tambang di {k}",
            "Sengketa lahan warga di {k}", "Drainase tersumbat di {k}", "Jembatan rusak di {k}"]
# Old messages have mostly run their course; recent ones are still moving.
OLD_WEIGHTS = {"selesai": 80, "ditutup": 8, "dicabut": 3, "diproses": 4, "diteruskan": 3, "baru": 2}
RECENT_WEIGHTS = {"selesai": 25, "ditutup": 5, "dicabut": 3, "diproses": 25, "diteruskan": 17,
                  "baru": 25}


def tables():
    return {m: m.__table__ for m in (Message, MessageEvent, Notification, Rating, User, Opd,
                                     Subcategory, Category, Role)}


class Ids:
    """Explicit primary keys, so no row has to be read back after insertion."""

    def __init__(self, conn, table):
        self.next = (conn.execute(select(func.max(table.c.id))).scalar() or 0) + 1

    def take(self) -> int:
        value = self.next
        self.next += 1
        return value


def bulk(conn, table, rows: list, report: dict) -> None:
    for start in range(0, len(rows), CHUNK):
        conn.execute(insert(table), rows[start:start + CHUNK])
    report[table.name] = report.get(table.name, 0) + len(rows)
    rows.clear()


def make_nik(rng: random.Random, serial: int) -> str:
    # Province 64 (Kalimantan Timur), a regency code, a valid birth date, a serial.
    day = rng.randint(1, 28) + (40 if rng.random() < 0.5 else 0)
    return (f"64{rng.randint(1, 11):02d}{rng.randint(1, 20):02d}{day:02d}"
            f"{rng.randint(1, 12):02d}{rng.randint(60, 99):02d}{serial % 9999 + 1:04d}")


def seed_citizens(conn, t, rng, count, report) -> list[int]:
    """`count` confirmed citizen accounts (all with the demo password) and their role."""
    users = t[User]
    template = conn.execute(select(users.c.password).where(users.c.username == "warga")).scalar()
    role_id = conn.execute(select(t[Role].c.id).where(t[Role].c.name == "user")).scalar()
    taken = set(conn.execute(select(users.c.nik).where(users.c.nik.isnot(None))).scalars())
    ids, rows, links = Ids(conn, users), [], []
    now = utcnow()
    created = []
    for index in range(count):
        nik = make_nik(rng, index)
        while nik in taken:
            nik = make_nik(rng, rng.randint(0, 9998))
        taken.add(nik)
        user_id = ids.take()
        joined = now - timedelta(days=DAYS + 30) + timedelta(minutes=rng.randint(0, (DAYS + 29) * 1440))
        rows.append({
            "id": user_id, "email": f"warga{index}@bench.example", "username": f"warga{index}",
            "password": template, "active": True, "fs_uniquifier": f"bench-{index:07d}",
            "confirmed_at": joined, "create_datetime": joined, "update_datetime": joined,
            "nik": nik, "full_name": f"Warga Uji {index}", "phone": f"0812{index:08d}",
            "confirm_resend_count": 0, "login_count": 0,
        })
        links.append({"user_id": user_id, "role_id": role_id})
        created.append((user_id, joined))
    bulk(conn, users, rows, report)
    bulk(conn, roles_users, links, report)
    return created


def seed_operators(conn, t, rng, report) -> dict[int, list[int]]:
    """One operator for each OPD that has none (every OPD answers its messages)."""
    users = t[User]
    role_id = conn.execute(select(t[Role].c.id).where(t[Role].c.name == "operator")).scalar()
    template = conn.execute(select(users.c.password).where(users.c.username == "warga")).scalar()
    operator_rows = conn.execute(
        select(users.c.id, users.c.opd_id).join(roles_users, roles_users.c.user_id == users.c.id)
        .where(roles_users.c.role_id == role_id, users.c.opd_id.isnot(None))).all()
    by_opd: dict[int, list[int]] = {}
    for user_id, opd_id in operator_rows:
        by_opd.setdefault(opd_id, []).append(user_id)
    ids, rows, links, now = Ids(conn, users), [], [], utcnow()
    for opd_id, code in conn.execute(select(t[Opd].c.id, t[Opd].c.code)).all():
        if opd_id in by_opd:
            continue
        user_id = ids.take()
        name = f"op-{code.lower()}"
        rows.append({"id": user_id, "email": f"{name}@aspirasi.kaltimprov.go.id", "username": name,
                     "password": template, "active": True, "fs_uniquifier": f"bench-{name}",
                     "confirmed_at": now, "create_datetime": now, "update_datetime": now,
                     "full_name": f"Operator {code}", "opd_id": opd_id, "confirm_resend_count": 0})
        links.append({"user_id": user_id, "role_id": role_id})
        by_opd[opd_id] = [user_id]
    bulk(conn, users, rows, report)
    bulk(conn, roles_users, links, report)
    return by_opd


def tracking_numbers(conn, table, rng):
    taken = set(conn.execute(select(table.c.tracking)).scalars())
    while True:
        candidate = TRACKING_PREFIX + "".join(rng.choices(TRACKING_ALPHABET, k=8))
        if candidate not in taken:
            taken.add(candidate)
            yield candidate


def seed_messages(conn, t, rng, count, citizens, operators, report) -> None:
    msg_t, ev_t, notif_t, rating_t = t[Message], t[MessageEvent], t[Notification], t[Rating]
    users = t[User]
    admin_role = conn.execute(select(t[Role].c.id).where(t[Role].c.name == "admin")).scalar()
    admins = list(conn.execute(select(roles_users.c.user_id)
                               .where(roles_users.c.role_id == admin_role)).scalars())
    admin_actor = admins[0]
    subs = conn.execute(select(t[Subcategory].c.id, t[Subcategory].c.category_id,
                               t[Subcategory].c.default_opd_id, t[Category].c.is_informasi)
                        .join(t[Category], t[Category].c.id == t[Subcategory].c.category_id)).all()
    opd_ids = list(conn.execute(select(t[Opd].c.id)).scalars())
    warga = conn.execute(select(users.c.id).where(users.c.username == "warga")).scalar()
    message_ids, event_ids = Ids(conn, msg_t), Ids(conn, ev_t)
    notif_ids, rating_ids = Ids(conn, notif_t), Ids(conn, rating_t)
    numbers = tracking_numbers(conn, msg_t, rng)
    now = utcnow()
    span = DAYS * 1440
    old_statuses, old_w = zip(*OLD_WEIGHTS.items(), strict=True)
    new_statuses, new_w = zip(*RECENT_WEIGHTS.items(), strict=True)
    messages, events, notifications, ratings = [], [], [], []
    guest_serial = 0
    warga_every = max(1, count // 25)

    def clamp(previous: datetime, candidate: datetime) -> datetime:
        return max(previous, min(candidate, now - timedelta(minutes=1)))

    # Growth over two years: more messages lately (a power of a uniform draw). Stored oldest
    # first, as a real installation stores them when they arrive: ids grow with the date, so a
    # period's messages sit together in the table, as the export and the report find them.
    ages = sorted((int(span * (1 - rng.random() ** 0.8)) for _ in range(count)), reverse=True)
    for index, age in enumerate(ages):
        created = now - timedelta(minutes=age, seconds=rng.randint(0, 59))
        statuses, weights = (new_statuses, new_w) if age < 21 * 1440 else (old_statuses, old_w)
        status = rng.choices(statuses, weights)[0]
        sub_id, category_id, default_opd, informasi = rng.choice(subs)
        roll = rng.random()
        channel = ("web" if roll < 0.7 else "guest" if roll < 0.9 else
                   rng.choice(("api", "phone", "walkin", "letter")))
        reporter, guest = None, {}
        if channel == "web":
            # The demo citizen gets about as many messages as a busy citizen has.
            reporter, joined = (warga, None) if index % warga_every == 0 else rng.choice(citizens)
            if joined and joined > created:
                created = joined + timedelta(minutes=5)
        else:
            guest_serial += 1
            guest = {"guest_name": f"Tamu {guest_serial}", "guest_phone": f"0813{guest_serial:08d}",
                     "guest_nik": make_nik(rng, guest_serial),
                     "guest_kind": rng.choice(("umum", "layanan")) if channel == "guest" else None}
        if status == "dicabut" and reporter is None:
            status = "ditutup"  # only an account can withdraw its message
        if informasi and status in ("diteruskan", "diproses"):
            status = "selesai"  # an informasi is answered by the admin, never forwarded
        kab = rng.choice(KABUPATEN_KOTA)
        message_id = message_ids.take()
        tracking = next(numbers)
        row = {
            "id": message_id, "tracking": tracking, "status": status, "channel": channel,
            "perihal": rng.choice(SUBJECTS).format(k=kab), "kabupaten": kab,
            "body": " ".join(rng.choices(WORDS, k=rng.randint(20, 80))).capitalize() + ".",
            "anonim": rng.random() < 0.1, "rahasia": rng.random() < 0.05, "hidden": False,
            "reporter_id": reporter, "guest_name": None, "guest_phone": None, "guest_nik": None,
            "guest_kind": None, "category_id": None, "subcategory_id": None, "opd_id": None,
            "answer": None, "close_reason": None, "reopen_count": 0, "version": 1,
            "created_at": created, "triaged_at": None, "forwarded_at": None, "accepted_at": None,
            "finished_at": None, "triage_due_at": created + timedelta(minutes=TRIAGE_MINUTES),
            "answer_due_at": None,
            "created_by_id": admin_actor if channel in INTAKE_CHANNELS else None,
        }
        row.update(guest)
        citizen_actor = reporter

        # Defaults bind this message: the helpers are called only within this iteration.
        def event(action, when, actor, from_status, to_status, opd_id, public=True, note=None,
                  message_id=message_id):
            events.append({"id": event_ids.take(), "message_id": message_id, "created_at": when,
                           "actor_id": actor, "action": action, "from_status": from_status,
                           "to_status": to_status, "note": note, "public": public,
                           "opd_id": opd_id})

        def notify(user_ids, kind, when, read_at, words, message_id=message_id, tracking=tracking,
                   perihal=row["perihal"]):
            for user_id in user_ids:
                notifications.append({"id": notif_ids.take(), "user_id": user_id,
                                      "message_id": message_id, "kind": kind,
                                      "text": f"{words} {tracking}: {perihal}"[:255],
                                      "created_at": when, "read_at": read_at})

        event("submit", created, citizen_actor, None, "baru", None)
        last = created
        triaged = clamp(created, created + timedelta(minutes=rng.randint(10, 4 * 1440)))
        notify(admins, "baru", created, None if status == "baru" else triaged, "Pesan baru")
        if status == "dicabut":
            last = clamp(created, created + timedelta(minutes=rng.randint(5, 600)))
            event("withdraw", last, citizen_actor, "baru", "dicabut", None, public=False)
        elif status == "ditutup":
            last = triaged
            spam = rng.random() < 0.2
            row["hidden"] = spam
            row["close_reason"] = "Spam" if spam else "Di luar kewenangan: ditangani pemerintah kabupaten."
            row["triaged_at"] = triaged
            event("close", triaged, admin_actor, "baru", "ditutup", None, note=row["close_reason"])
        elif status == "selesai" and informasi:
            last = triaged
            row.update(category_id=category_id, subcategory_id=sub_id, triaged_at=triaged,
                       finished_at=triaged, answer="Informasi telah kami sampaikan melalui email.")
            event("answer", triaged, admin_actor, "baru", "selesai", None, note=row["answer"])
        elif status != "baru":
            opd_id = default_opd if rng.random() < 0.85 and default_opd else rng.choice(opd_ids)
            operator = rng.choice(operators[opd_id])
            row.update(category_id=category_id, subcategory_id=sub_id, opd_id=opd_id,
                       triaged_at=triaged, forwarded_at=triaged,
                       answer_due_at=add_workdays(triaged, ANSWER_WORKDAYS))
            event("forward", triaged, admin_actor, "baru", "diteruskan", opd_id,
                  note="Mohon ditindaklanjuti sesuai SOP.")
            last = triaged
            accepted = clamp(triaged, triaged + timedelta(minutes=rng.randint(10, 3 * 1440)))
            notify(operators[opd_id], "diteruskan", triaged,
                   None if status == "diteruskan" else accepted, "Pesan diteruskan ke OPD Anda")
            if status in ("diproses", "selesai"):
                row["accepted_at"] = last = accepted
                event("accept", accepted, operator, "diteruskan", "diproses", opd_id)
                if rng.random() < 0.5:
                    last = clamp(last, last + timedelta(minutes=rng.randint(30, 2 * 1440)))
                    event("update", last, operator, "diproses", "diproses", opd_id,
                          note="Tim sudah dijadwalkan meninjau lokasi.")
            if status == "selesai":
                last = clamp(last, last + timedelta(minutes=rng.randint(60, 8 * 1440)))
                row.update(finished_at=last, answer="Sudah ditindaklanjuti. Terima kasih atas laporannya.")
                event("reply", last, operator, "diproses", "selesai", opd_id, note=row["answer"])
                if reporter is not None and rng.random() < 0.4:
                    rated = clamp(last, last + timedelta(minutes=rng.randint(30, 5 * 1440)))
                    half = rng.choices(range(1, 11), (1, 1, 1, 2, 3, 4, 6, 8, 9, 10))[0]
                    ratings.append({"id": rating_ids.take(), "message_id": message_id,
                                    "user_id": reporter, "half_stars": half, "created_at": rated,
                                    "comment": "Terima kasih." if half > 6 else "Lambat."})
                    event("rate", rated, reporter, "selesai", "selesai", opd_id, public=False,
                          note=f"{half / 2} bintang")
                    last = rated
        row["updated_at"] = last
        messages.append(row)
        if len(messages) >= CHUNK:
            flush(conn, t, messages, events, notifications, ratings, report)
    flush(conn, t, messages, events, notifications, ratings, report)


def flush(conn, t, messages, events, notifications, ratings, report):
    bulk(conn, t[Message], messages, report)
    bulk(conn, t[MessageEvent], events, report)
    bulk(conn, t[Notification], notifications, report)
    bulk(conn, t[Rating], ratings, report)


def fix_sequences(conn, names) -> None:
    """PostgreSQL: move each id sequence past the explicit ids, so later inserts work."""
    for name in names:
        conn.execute(text(f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), "
                          f"(SELECT max(id) FROM \"{name}\"))"))


def fixtures(conn, t) -> dict:
    """Values the benchmark requests with: real rows of the seeded data."""
    msg, users = t[Message], t[User]
    diskominfo = conn.execute(select(t[Opd].c.id).where(t[Opd].c.code == "DISKOMINFO")).scalar()
    public = (msg.c.rahasia.is_(False), msg.c.hidden.is_(False), msg.c.status != "dicabut")
    total_public = conn.execute(select(func.count()).select_from(msg).where(*public)).scalar()
    newest = conn.execute(select(func.max(msg.c.created_at))).scalar()
    rich = conn.execute(select(msg.c.tracking).where(*public, msg.c.status == "selesai")
                        .order_by(msg.c.id.desc()).limit(1)).scalar()
    detail = conn.execute(select(msg.c.id).where(msg.c.status == "diproses")
                          .order_by(msg.c.id.desc()).limit(1)).scalar()
    op_detail = conn.execute(select(msg.c.id).where(msg.c.opd_id == diskominfo,
                                                    msg.c.status == "diproses")
                             .order_by(msg.c.id.desc()).limit(1)).scalar()
    # A citizen with several messages, for the NIK lookup.
    busy = conn.execute(select(msg.c.reporter_id).where(msg.c.reporter_id.isnot(None))
                        .group_by(msg.c.reporter_id).order_by(func.count().desc()).limit(1)).scalar()
    nik = conn.execute(select(users.c.nik).where(users.c.id == busy)).scalar()
    year = (newest or utcnow()).year - 1
    return {"tracking": rich, "detail_id": detail, "operator_detail_id": op_detail, "nik": nik,
            "public_messages": total_public,
            "year": year, "diskominfo_id": diskominfo,
            "messages": conn.execute(select(func.count()).select_from(msg)).scalar()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, required=True)
    parser.add_argument("--citizens", type=int, default=None,
                        help=f"citizen accounts (default {CITIZENS})")
    parser.add_argument("--fixtures", required=True, help="where to write the JSON of values")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    # The same citizens at every size: only the number of messages differs between runs.
    citizens_wanted = args.citizens if args.citizens is not None else CITIZENS
    engine = create_engine(database_url())
    rng = random.Random(args.seed)
    t = tables()
    report: dict[str, int] = {}
    started = time.perf_counter()
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            # This connection only: a crash while seeding just means seeding again.
            conn.execute(text("PRAGMA synchronous=OFF"))
            conn.execute(text("PRAGMA cache_size=-200000"))
        citizens = seed_citizens(conn, t, rng, citizens_wanted, report)
        operators = seed_operators(conn, t, rng, report)
        seed_messages(conn, t, rng, args.messages, citizens, operators, report)
        if engine.dialect.name == "postgresql":
            fix_sequences(conn, ["user", "message", "message_event", "notification", "rating"])
    inserted = time.perf_counter() - started
    # Fresh planner statistics, as a database in service would have.
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    else:
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    with engine.connect() as conn:
        values = fixtures(conn, t)
    values["seed_seconds"] = round(time.perf_counter() - started, 1)
    values["insert_seconds"] = round(inserted, 1)
    values["rows"] = report
    Path(args.fixtures).write_text(json.dumps(values, indent=1, default=str))
    print(f"seeded {args.messages} messages in {values['seed_seconds']} s "
          f"({engine.dialect.name}): " + ", ".join(f"{k} {v}" for k, v in report.items()))
    engine.dispose()


if __name__ == "__main__":
    main()
