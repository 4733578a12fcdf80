"""The project's commands: `seed-demo`, `create-superadmin`, `mail-deliver`, `backup`,
`storage-sweep`, `triage-train`."""
import secrets
from datetime import date, timedelta

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_security import hash_password

from models import (
    Category,
    Holiday,
    Message,
    Notification,
    Opd,
    QueuedMail,
    ResponseTemplate,
    Role,
    Setting,
    Subcategory,
    User,
    db,
    lifecycle,
    utcnow,
)
from models.sla import answer_deadline, triage_deadline
from models.user import ALL_ROLES
from models.vocabulary import local_midnight_utc
from services import demo_data

ROLE_DESCRIPTIONS = {
    "superadmin": "Pengelola sistem", "admin": "Admin triase pesan",
    "operator": "Operator Perangkat Daerah", "monitor": "Pemantau sub kategori",
    "evaluator": "Evaluator dan pengawas", "user": "Warga",
}


def ensure_roles():
    roles = {}
    for name in ALL_ROLES:
        role = Role.query.filter_by(name=name).first()
        if role is None:
            role = Role(name=name, description=ROLE_DESCRIPTIONS[name])
            db.session.add(role)
        roles[name] = role
    return roles


def create_user(username, email, password, role_names, opd=None, full_name=None, confirmed=True):
    datastore = current_app.extensions["security"].datastore
    user = datastore.create_user(username=username, email=email,
                                 password=hash_password(password), full_name=full_name,
                                 roles=role_names, opd=opd,
                                 confirmed_at=utcnow() if confirmed else None)
    return user


def seed_taxonomy():
    opds = {}
    for code, name in demo_data.OPDS:
        opd = Opd.query.filter_by(code=code).first() or Opd(code=code, name=name)
        opd.email = opd.email or f"{code.lower()}@kaltimprov.go.id"
        db.session.add(opd)
        opds[code] = opd
    subcategories = {}
    for code, name, informasi, subs in demo_data.TAXONOMY:
        category = Category.query.filter_by(code=code).first() or Category(
            code=code, name=name, is_informasi=informasi)
        db.session.add(category)
        for sub_code, sub_name, opd_code in subs:
            sub = Subcategory.query.filter_by(code=sub_code).first() or Subcategory(
                code=sub_code, name=sub_name, category=category, default_opd=opds[opd_code])
            db.session.add(sub)
            subcategories[sub_code] = sub
    db.session.flush()
    return opds, subcategories


def seed_messages(opds, subcategories, users):
    admin, warga = users["admin"], users["warga"]
    operators = {"DISKOMINFO": users["op-diskominfo"], "DLH": users["op-dlh"]}
    for index, (perihal, body, kab, sub_code, opd_code, final) in enumerate(demo_data.SAMPLE_MESSAGES):
        message = Message(perihal=perihal, body=body, kabupaten=kab, channel="web", reporter=warga)
        lifecycle.submit(message, actor=warga)
        db.session.flush()
        if final == "baru":
            continue
        sub = subcategories[sub_code]
        if sub.category.is_informasi:
            lifecycle.perform(message, "answer", admin, category=sub.category, subcategory=sub,
                              answer="Loket perizinan buka pukul 08.00 sampai 11.00 WITA pada hari Jumat.")
            continue
        # The OPDs that answer in the demo have their operator before the message arrives.
        operator = (None if final == "diteruskan" else
                    operators.get(opd_code) or create_operator_for(opd_code, opds, users))
        lifecycle.perform(message, "forward", admin, category=sub.category, subcategory=sub,
                          opd=opds[opd_code], note="Mohon ditindaklanjuti sesuai SOP.")
        if final == "diteruskan":
            continue
        lifecycle.perform(message, "accept", operator)
        lifecycle.perform(message, "update", operator, note="Tim sudah dijadwalkan meninjau lokasi.")
        if final == "selesai":
            lifecycle.perform(message, "reply", operator,
                              answer="Perbaikan telah selesai dilaksanakan. Terima kasih atas laporannya.")
            if index == 0:
                lifecycle.perform(message, "rate", warga, stars="4.5", note="Cepat ditangani.")


def seed_holidays():
    """The fixed-date national holidays of this year and the next."""
    this_year = utcnow().year
    for year in (this_year, this_year + 1):
        for (month, day), name in demo_data.FIXED_HOLIDAYS:
            when = date(year, month, day)
            if not Holiday.query.filter_by(day=when).first():
                db.session.add(Holiday(day=when, name=name))


def create_operator_for(opd_code, opds, users):
    username = f"op-{opd_code.lower()}"
    if username not in users:
        users[username] = (User.query.filter_by(username=username).first() or create_user(
            username, f"{username}@aspirasi.kaltimprov.go.id", secrets.token_urlsafe(16),
            ["operator"], opd=opds[opd_code], full_name=f"Operator {opds[opd_code].name}"))
        db.session.flush()
    return users[username]


def seed_site_settings() -> None:
    """The demo's footer contacts and social links, where the superadmin has set none."""
    for key, value in demo_data.SITE_SETTINGS.items():
        if db.session.get(Setting, key) is None:
            db.session.add(Setting(key=key, value=value))
    db.session.commit()


def seed_ready_answers() -> None:
    """The demo's ready answers per category, each added once (by its title)."""
    categories = {c.code: c for c in Category.query.all()}
    known = set(db.session.scalars(db.select(ResponseTemplate.title)))
    for code, title, body in demo_data.READY_ANSWERS:
        if title not in known:
            db.session.add(ResponseTemplate(title=title, body=body,
                                            category=categories[code] if code else None))
    db.session.commit()


def seed_demo(password: str) -> dict:
    """Load the demo data set into an empty database; returns the demo users by username."""
    ensure_roles()
    db.session.flush()
    opds, subcategories = seed_taxonomy()
    users = {}
    for username, email, roles, opd_code, name in demo_data.ACCOUNTS:
        user = User.query.filter_by(username=username).first()
        if user is None:
            user = create_user(username, email, password, roles,
                               opd=opds.get(opd_code) if opd_code else None, full_name=name)
        else:
            # Seeding again sets the demo password just printed, so it always works.
            user.password = hash_password(password)
        users[username] = user
    users["warga"].nik = demo_data.WARGA_NIK
    users["warga"].birth_place = "Samarinda"
    users["warga"].birth_date = date(1990, 5, 15)
    users["warga"].phone = "081234567890"
    users["warga"].gender = "L"
    lahan = subcategories[demo_data.MONITORED_SUBCATEGORY]
    if users["op-biroekonomi"] not in lahan.monitors:
        lahan.monitors.append(users["op-biroekonomi"])
    seed_holidays()
    db.session.flush()
    if Message.query.count() == 0:
        seed_messages(opds, subcategories, users)
    db.session.commit()
    # The demo opens with its notifications in place, as if the worker had run already.
    from services.notify import announce_pending
    while announce_pending():
        pass
    return users


def seed_report_messages() -> int:
    """Load the 2019 provincial report's 42 messages, dated in its period, so the report page
    for that period shows the report's own figures. Loaded once; returns how many were added.

    They go through the lifecycle like any message (the timeline is complete), then get the
    report period's dates; the notifications and mail they raised are history, not work, and
    are dropped.
    """
    first, last = (date(*day) for day in demo_data.REPORT_PERIOD)
    start = local_midnight_utc(first)
    if Message.query.filter(Message.created_at >= start,
                            Message.created_at < local_midnight_utc(last + timedelta(days=1))
                            ).count():
        return 0
    admin = User.query.filter_by(username="admin").one()
    opds = {opd.code: opd for opd in Opd.query}
    subcategories = {sub.code: sub for sub in Subcategory.query}
    users = {user.username: user for user in User.query.filter(User.opd_id.isnot(None))}
    first_mail = db.session.query(db.func.max(QueuedMail.id)).scalar() or 0
    made = []
    for opd_code, (aspirasi, aduan, still_open, *topics) in demo_data.REPORT_MESSAGES.items():
        kinds = [0] * aspirasi + [1] * aduan
        for number, kind in enumerate(kinds):
            sub = subcategories[demo_data.REPORT_SUBCATEGORIES[opd_code][kind]]
            # 09.00 WITA on a weekday, four days apart.
            created = start + timedelta(days=4 * len(made) + 5, hours=9)
            if created.weekday() > 4:
                created += timedelta(days=7 - created.weekday())
            message = Message(perihal=f"{topics[kind]} ({number + 1})",
                              body=f"{topics[kind]}. Mohon ditindaklanjuti.", channel="guest",
                              guest_name=f"Warga pelapor {len(made) + 1}")
            operator = (next((u for u in users.values() if u.opd_id == opds[opd_code].id), None)
                        or create_operator_for(opd_code, opds, users))
            lifecycle.submit(message)
            lifecycle.perform(message, "forward", admin, category=sub.category, subcategory=sub,
                              opd=opds[opd_code], note="Mohon ditindaklanjuti sesuai SOP.")
            lifecycle.perform(message, "accept", operator)
            done = number >= still_open  # the first `still_open` of each OPD stay open
            if done:
                lifecycle.perform(message, "reply", operator,
                                  answer="Telah ditindaklanjuti. Terima kasih atas laporannya.")
            _date_in_the_past(message, created, done)
            made.append(message)
    ids = [message.id for message in made]
    Notification.query.filter(Notification.message_id.in_(ids)).delete(synchronize_session=False)
    QueuedMail.query.filter(QueuedMail.id > first_mail).delete(synchronize_session=False)
    return len(made)


def _date_in_the_past(message, created, done):
    """The report's messages: received at `created`, forwarded an hour later, accepted three
    hours later and (when done) answered the next day."""
    when = {"submit": created, "forward": created + timedelta(hours=1),
            "accept": created + timedelta(hours=3), "reply": created + timedelta(days=1)}
    when["note"] = when["forward"]  # the note for the OPD, written as it was forwarded
    db.session.flush()
    for event in message.events:
        event.created_at = when[event.action]
    message.created_at = created
    message.triage_due_at = triage_deadline(created)
    message.triaged_at = message.forwarded_at = when["forward"]
    message.answer_due_at = answer_deadline(when["forward"], message.subcategory)
    message.accepted_at = when["accept"]
    message.finished_at = when["reply"] if done else None
    message.updated_at = message.finished_at or when["accept"]


@click.command("storage-sweep")
@click.option("--older-than", "minutes", type=float, default=60, show_default=True,
              help="Only temporary files older than this many minutes are touched.")
@click.option("--delete-orphans", is_flag=True, help="Also remove files no row refers to.")
@with_appcontext
def storage_sweep_command(minutes, delete_orphans):
    """Finish or remove leftover temporary uploads; report orphan and missing files."""
    from services.storage import sweep

    report = sweep(minutes, delete_orphans)
    for key, label in (("finished", "selesai dipindahkan"), ("removed_temp", "sementara dihapus"),
                       ("orphans", "yatim (tanpa baris)"), ("orphans_removed", "yatim dihapus"),
                       ("missing", "hilang (baris tanpa berkas)")):
        click.echo(f"{label}: {len(report[key])}")
        for name in report[key]:
            click.echo(f"  {name}")
    if report["missing"]:
        raise SystemExit(1)


@click.command("triage-train")
@click.option("--limit", default=None, type=click.IntRange(min=1),
              help="Learn from at most this many of the newest decisions.")
@with_appcontext
def triage_train_command(limit):
    """Learn triage suggestions from the admins' past decisions and store the model.

    With too little history nothing is written (and a model already there is kept); the exit
    status is 0 then too, so a nightly timer does not report a failure every night. Without
    scikit-learn installed (the `triage` extra) nothing can be learned: that is a fault of the
    installation, so the exit status is 1."""
    import time

    from models import triage_learning
    from services import triage_store, triage_training

    if not triage_learning.available():
        raise click.ClickException(
            "Saran triase tidak tersedia di server ini: scikit-learn tidak terpasang. Pasang "
            "tambahan `triage` (pip install -r requirements/triage.txt), lalu ulangi.")
    started = time.monotonic()
    try:
        model = triage_training.train_and_save(limit or triage_learning.TRAINING_LIMIT)
    except triage_learning.NotEnoughHistory:
        found = min(triage_training.decision_count(), limit or triage_learning.TRAINING_LIMIT)
        click.echo(f"Belum cukup riwayat untuk saran: {found} "
                   f"keputusan triase (perlu {triage_learning.MIN_DECISIONS}, dan "
                   f"{triage_learning.MIN_PER_CLASS} contoh per pilihan). Model tidak diubah.")
        return
    click.echo(f"Model saran triase {model['version']} disimpan di {triage_store.model_path()}")
    click.echo(f"dilatih pada {model['count']} keputusan, {model['trained_at']:%d/%m/%Y %H:%M} "
               f"UTC, dalam {time.monotonic() - started:.1f} detik")
    for name, label in (("category", "kategori"), ("subcategory", "sub kategori"), ("opd", "OPD")):
        classes = model["classes"].get(name)
        click.echo(f"{label}: {len(classes)} pilihan" if classes
                   else f"{label}: tidak dipelajari (kurang contoh)")


def register(app):
    from services.backup import backup_commands

    app.cli.add_command(backup_commands)
    app.cli.add_command(storage_sweep_command)
    app.cli.add_command(triage_train_command)

    @app.cli.command("seed-demo")
    @click.option("--password", envvar="DEMO_PASSWORD", default=None,
                  help="Password of every demo account (default: DEMO_PASSWORD, else random).")
    def seed_demo_command(password):
        """Load East Kalimantan's OPDs, categories, sample messages and demo accounts."""
        from aspirasi.accounts import check_password

        generated = not password
        password = password or secrets.token_urlsafe(12)  # zxcvbn scores such keys 4 of 4
        problems = check_password(password)
        if problems:
            raise click.ClickException("DEMO_PASSWORD: " + " ".join(str(p) for p in problems))
        seed_demo(password)
        seed_site_settings()
        seed_ready_answers()
        seed_report_messages()
        db.session.commit()
        if current_app.config["TRIAGE_TRAIN_EVERY"] > 0:
            from services.triage_training import train_when_due

            learned = train_when_due()  # the demo opens with suggestions, as the worker would
            if learned:
                click.echo(f"Model saran triase dilatih pada {learned} keputusan.")
        click.echo("Data demo dimuat. Akun: " + ", ".join(a[0] for a in demo_data.ACCOUNTS))
        if generated:
            click.echo(f"Kata sandi semua akun demo: {password}")

    @app.cli.command("create-superadmin")
    @click.option("--username", prompt="Username")
    @click.option("--email", prompt="Email")
    @click.option("--password", prompt="Kata sandi", hide_input=True, confirmation_prompt=True)
    def create_superadmin_command(username, email, password):
        """Create the first real superadmin account."""
        from models.contact import email_problem, normalise_email

        if not email.strip() or email_problem(email):
            raise click.ClickException(f"Email tidak valid: {email!r}")
        email = normalise_email(email)
        from aspirasi.accounts import check_password

        problems = check_password(password, username=username, email=email)  # every door's rule
        if problems:
            raise click.ClickException(" ".join(str(p) for p in problems))
        if User.query.filter((User.username == username) | (User.email == email)).first():
            raise click.ClickException("Username atau email sudah terdaftar.")
        ensure_roles()
        db.session.flush()
        create_user(username, email, password, ["superadmin"], full_name=username)
        from models.audit import record
        record("create_superadmin", detail=f"{username} <{email}> dibuat lewat CLI")
        db.session.commit()
        click.echo(f"Superadmin {username} dibuat.")

    @app.cli.command("mail-deliver")
    @click.option("--loop", is_flag=True,
                  help="Keep delivering until SIGTERM/SIGINT (the mail service).")
    @click.option("--interval", default=2.0, show_default=True,
                  help="Seconds between rounds with --loop.")
    @click.option("--limit", default=50, show_default=True, help="Mails per batch.")
    def mail_deliver_command(loop, interval, limit):
        """Announce new submissions to the staff, then send the queued mails that are due,
        retrying failed ones with back-off.

        Without --loop: one round (for cron) and exit, 1 if a mail failed."""
        from services import worker

        if loop:
            worker.run(interval=interval, batch=limit)
            return
        announced, sent, failed = worker.one_round(limit)
        click.echo(f"diumumkan: {announced}, terkirim: {sent}, gagal: {failed}")
        if failed:
            raise SystemExit(1)
