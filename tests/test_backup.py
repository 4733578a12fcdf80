"""`flask --app wsgi backup create|verify|restore`: one archive rebuilds an installation.

Runs on SQLite and, with TEST_DATABASE_URL, on PostgreSQL; there the fresh installation
restored into is a second database created on the same server and dropped afterwards.
"""
import io
import json
import secrets
import tarfile
from pathlib import Path

import pytest
from sqlalchemy import MetaData, text
from sqlalchemy.engine import make_url

from aspirasi import create_app
from models import Message, User, db
from tests.helpers import app_config, log_in

PDF_BYTES = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def jpeg_bytes(color) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (24, 16), color).save(buffer, "JPEG")
    return buffer.getvalue()


def all_rows(app) -> dict:
    """Every row of every table (the Alembic table included), in a stable order."""
    with app.app_context():
        meta = MetaData()
        meta.reflect(db.engine)
        with db.engine.connect() as conn:
            return {name: sorted((tuple(row) for row in conn.execute(table.select())), key=repr)
                    for name, table in meta.tables.items()}


def all_files(folder) -> dict:
    folder = Path(folder)
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def members_of(archive) -> dict:
    with tarfile.open(archive, "r:gz") as tar:
        return {info.name: tar.extractfile(info).read() for info in tar if info.isfile()}


def write_archive(path, members: dict) -> None:
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


@pytest.fixture
def installation(app, demo):
    """The demo data plus a message carrying a JPG and a PDF, and a citizen's profile photo."""
    from services import storage

    with app.app_context():
        message = Message.query.order_by(Message.id).first()
        storage.store(message, "jalan-rusak.jpg", jpeg_bytes("red"), storage.JPEG)
        storage.store(message, "surat.pdf", PDF_BYTES, storage.PDF)
        warga = db.session.get(User, demo["warga"])
        (storage.upload_dir() / "profil").mkdir(exist_ok=True)
        warga.photo_path = f"profil/{secrets.token_hex(8)}.jpg"
        (storage.upload_dir() / warga.photo_path).write_bytes(jpeg_bytes("blue"))
        db.session.commit()
        return {"photo": warga.photo_path, "upload_dir": app.config["UPLOAD_DIR"]}


@pytest.fixture
def fresh_target(app, tmp_path):
    """A second, empty installation: a new database (no tables) and a new upload folder."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    postgres = url.get_backend_name() == "postgresql"
    if postgres:
        name = f"aspirasi_restore_{secrets.token_hex(4)}"
        with app.app_context(), db.engine.connect().execution_options(
                isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        target_url = url.set(database=name).render_as_string(hide_password=False)
    else:
        target_url = f"sqlite:///{tmp_path}/restored.db"
    # The same settings as the original (secret key and salt included, as an operator would
    # carry them over); only the database and the upload folder are new.
    config = app_config(str(tmp_path))
    config.update(SQLALCHEMY_DATABASE_URI=target_url,
                  UPLOAD_DIR=str(tmp_path / "restored-uploads"))
    target = create_app(config)
    yield target
    with target.app_context():
        db.session.remove()
        db.engine.dispose()
    if postgres:
        with app.app_context(), db.engine.connect().execution_options(
                isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def archive(app, runner, installation, tmp_path):
    path = tmp_path / "cadangan.tar.gz"
    result = runner.invoke(args=["backup", "create", str(path)])
    assert result.exit_code == 0, result.output
    return path


def test_backup_taken_while_serving_restores_every_row_and_file(app, runner, installation,
                                                                fresh_target, tmp_path):
    """Taken while a reader and an unfinished write hold the database, does the archive verify
    and rebuild a fresh installation with exactly the rows and file bytes of that moment?"""
    before_rows = all_rows(app)
    before_files = all_files(installation["upload_dir"])
    assert installation["photo"] in before_files
    assert any(name.endswith(".pdf") for name in before_files)
    path = tmp_path / "saat-melayani.tar.gz"
    with app.app_context():
        reader = db.engine.connect()
        writer = db.engine.connect()
        reading = reader.begin()
        reader.execute(text("SELECT COUNT(*) FROM message")).scalar()
        writing = writer.begin()
        writer.execute(text("INSERT INTO opd (code, name, active) VALUES (:c, :n, :a)"),
                       {"c": "TENGAH", "n": "Ditulis di tengah pencadangan", "a": True})
        try:
            result = runner.invoke(args=["backup", "create", str(path)])
        finally:
            reading.rollback()
            reader.close()
        writing.commit()  # the write lands after the snapshot and must not be in it
        writer.close()
    assert result.exit_code == 0, result.output
    assert "Cadangan dibuat" in result.output

    manifest = json.loads(members_of(path)["manifest.json"])
    assert manifest["counts"] == {"messages": len(before_rows["message"]),
                                  "users": len(before_rows["user"])}
    assert manifest["alembic_revision"] == before_rows["alembic_version"][0][0]
    assert manifest["database"]["kind"] == make_url(
        app.config["SQLALCHEMY_DATABASE_URI"]).get_backend_name()
    listed = {m["name"] for m in manifest["members"]}
    assert {"uploads/" + name for name in before_files} <= listed
    assert manifest["created_at"]

    verified = runner.invoke(args=["backup", "verify", str(path)])
    assert verified.exit_code == 0, verified.output
    assert "utuh" in verified.output

    restored = fresh_target.test_cli_runner().invoke(args=["backup", "restore", str(path)])
    assert restored.exit_code == 0, restored.output
    assert "Dipulihkan" in restored.output
    assert all_rows(fresh_target) == before_rows
    assert all_files(fresh_target.config["UPLOAD_DIR"]) == before_files
    # The write made during the backup is in the live database, not in the restored one.
    with app.app_context():
        assert db.session.execute(text("SELECT COUNT(*) FROM opd WHERE code = 'TENGAH'")).scalar() == 1


def test_restored_installation_serves_the_restored_data(installation, archive, fresh_target):
    """After a restore, can the citizen log in and see the profile photo from the archive?"""
    result = fresh_target.test_cli_runner().invoke(args=["backup", "restore", str(archive)])
    assert result.exit_code == 0, result.output
    client = fresh_target.test_client()
    log_in(client, "warga")  # asserts the sign-in redirect
    photo = client.get("/settings/foto")
    assert photo.status_code == 200
    assert photo.data == (Path(installation["upload_dir"]) / installation["photo"]).read_bytes()


def test_verify_names_a_member_altered_by_one_byte(runner, archive, fresh_target, tmp_path):
    """When one byte of an attachment in the archive changes, does verify fail naming it,
    and does restore refuse the archive, writing nothing?"""
    members = members_of(archive)
    victim = next(name for name in members if name.startswith("uploads/") and name.endswith(".pdf"))
    altered = bytearray(members[victim])
    altered[10] ^= 0x01
    members[victim] = bytes(altered)
    tampered = tmp_path / "diubah.tar.gz"
    write_archive(tampered, members)

    result = runner.invoke(args=["backup", "verify", str(tampered)])
    assert result.exit_code != 0
    assert victim in result.output and "berubah" in result.output
    assert len([line for line in result.output.splitlines() if line.strip().startswith("-")]) == 1

    restore = fresh_target.test_cli_runner().invoke(args=["backup", "restore", str(tampered)])
    assert restore.exit_code != 0
    assert "gagal diperiksa" in restore.output and victim in restore.output
    assert not Path(fresh_target.config["UPLOAD_DIR"]).exists() or not any(
        Path(fresh_target.config["UPLOAD_DIR"]).rglob("*"))
    with fresh_target.app_context():
        from sqlalchemy import inspect

        assert inspect(db.engine).get_table_names() == []


def test_verify_names_missing_and_extra_members(runner, installation, archive, tmp_path):
    """Does verify report a member the manifest lists but the archive lacks, and one it does not list?"""
    members = members_of(archive)
    missing = "uploads/" + installation["photo"]
    del members[missing]
    members["uploads/tambahan.txt"] = b"tidak tercatat"
    broken = tmp_path / "kurang-lebih.tar.gz"
    write_archive(broken, members)
    result = runner.invoke(args=["backup", "verify", str(broken)])
    assert result.exit_code != 0
    assert f"hilang: {missing}" in result.output
    assert "berlebih (tidak ada di manifest): uploads/tambahan.txt" in result.output


def test_verify_refuses_a_file_that_is_not_an_archive(runner, tmp_path):
    """Is a file that is not a backup archive refused with a clear message and a non-zero exit?"""
    junk = tmp_path / "bukan-arsip.tar.gz"
    junk.write_bytes(b"ini bukan arsip")
    result = runner.invoke(args=["backup", "verify", str(junk)])
    assert result.exit_code != 0
    assert "rusak atau bukan tar.gz" in result.output


def test_restore_into_a_non_empty_database_needs_force(runner, installation, archive,
                                                       fresh_target):
    """Is a restore over data refused without --force, and with --force does it bring back
    exactly the archived rows, dropping what was added since?"""
    target_runner = fresh_target.test_cli_runner()
    first = target_runner.invoke(args=["backup", "restore", str(archive)])
    assert first.exit_code == 0, first.output
    archived_rows = all_rows(fresh_target)
    with fresh_target.app_context():
        db.session.execute(text("UPDATE message SET perihal = 'Diubah setelah pemulihan'"))
        db.session.commit()

    refused = target_runner.invoke(args=["backup", "restore", str(archive)])
    assert refused.exit_code != 0
    assert "tidak kosong" in refused.output and "--force" in refused.output
    with fresh_target.app_context():
        assert Message.query.filter_by(perihal="Diubah setelah pemulihan").count() > 0

    forced = target_runner.invoke(args=["backup", "restore", str(archive), "--force"])
    assert forced.exit_code == 0, forced.output
    assert all_rows(fresh_target) == archived_rows


def test_restore_refuses_an_archive_of_another_database_kind(archive, fresh_target, tmp_path):
    """Is an archive made from another kind of database refused, saying both kinds?"""
    members = members_of(archive)
    manifest = json.loads(members["manifest.json"])
    own_kind = manifest["database"]["kind"]
    other_kind = "postgresql" if own_kind == "sqlite" else "sqlite"
    manifest["database"]["kind"] = other_kind
    members["manifest.json"] = json.dumps(manifest).encode()
    foreign = tmp_path / "lain-jenis.tar.gz"
    write_archive(foreign, members)
    # Its manifest changed, so its signature no longer holds: the operator vouches for it.
    result = fresh_target.test_cli_runner().invoke(
        args=["backup", "restore", str(foreign), "--trust"])
    assert result.exit_code != 0
    assert f"basis data {other_kind}" in result.output
    assert f"tujuan adalah {own_kind}" in result.output


def mode_of(path) -> int:
    return Path(path).stat().st_mode & 0o777


@pytest.fixture
def usual_umask():
    """The umask most systems give (0022): what is owner-only must be so by its own doing."""
    import os

    before = os.umask(0o022)
    yield
    os.umask(before)


def test_archive_and_restore_are_readable_by_the_owner_only(runner, installation, fresh_target,
                                                           tmp_path, usual_umask):
    """Are the archive (in the folder `backup create` makes), every member in it, and what a
    restore writes (database file, upload files and folders) owner-only: 0600 files, 0700
    folders, even where the target database file was readable by others before?"""
    path = tmp_path / "cadangan-baru" / "cadangan.tar.gz"
    created = runner.invoke(args=["backup", "create", str(path)])
    assert created.exit_code == 0, created.output
    assert mode_of(path) == 0o600 and mode_of(path.parent) == 0o700
    with tarfile.open(path, "r:gz") as tar:
        modes = {info.name: info.mode for info in tar}
    assert set(modes.values()) == {0o600}, modes
    assert any(name.startswith("database/") for name in modes)

    target_url = make_url(fresh_target.config["SQLALCHEMY_DATABASE_URI"])
    sqlite_file = Path(target_url.database) if target_url.get_backend_name() == "sqlite" else None
    if sqlite_file:
        sqlite_file.chmod(0o644)
    restored = fresh_target.test_cli_runner().invoke(args=["backup", "restore", str(path)])
    assert restored.exit_code == 0, restored.output
    uploads = Path(fresh_target.config["UPLOAD_DIR"])
    files = [p for p in uploads.rglob("*") if p.is_file()]
    folders = [uploads, *(p for p in uploads.rglob("*") if p.is_dir())]
    assert len(files) >= 3 and any(p.parent != uploads for p in files)
    assert {mode_of(p) for p in files} == {0o600}
    assert {mode_of(p) for p in folders} == {0o700}
    if sqlite_file:
        assert mode_of(sqlite_file) == 0o600


def test_db_upgrade_makes_an_owner_only_database(tmp_path, usual_umask):
    """Does `flask db upgrade` on a fresh installation create instance/ as 0700 and its
    SQLite database as 0600?"""
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    instance = tmp_path / "instance"
    env = {key: value for key, value in os.environ.items()
           if key not in ("DATABASE_URL", "SECRET_KEY", "UPLOAD_DIR", "CACHE_REDIS_URL")}
    env["INSTANCE_PATH"] = str(instance)
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"],
                            cwd=root, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    database = instance / "aspirasi.db"
    assert database.stat().st_size > 0
    assert mode_of(instance) == 0o700 and mode_of(database) == 0o600


def rehashed(archive, tmp_path, change) -> Path:
    """A copy of `archive` whose database was altered by `change(sqlite_connection)`, with the
    manifest's checksums computed again, as someone who altered it would: every checksum
    matches, only the signature can tell. A PostgreSQL dump is compressed, and a restore of
    an altered byte would fail for that alone: there the manifest's own text is altered."""
    import hashlib
    import sqlite3

    members = members_of(archive)
    manifest = json.loads(members["manifest.json"])
    member = manifest["database"]["member"]
    if manifest["database"]["kind"] == "sqlite":
        copy = tmp_path / "ubah.sqlite3"
        copy.write_bytes(members[member])
        with sqlite3.connect(copy) as conn:
            change(conn)
        conn.close()
        members[member] = copy.read_bytes()
    else:
        manifest["created_at"] = "2000-01-01T00:00:00+00:00"
    for entry in manifest["members"]:
        if entry["name"] == member:
            entry["size"] = len(members[member])
            entry["sha256"] = hashlib.sha256(members[member]).hexdigest()
    members["manifest.json"] = json.dumps(manifest, indent=2).encode()
    path = tmp_path / "dihitung-ulang.tar.gz"
    write_archive(path, members)
    return path


def nothing_restored(target) -> bool:
    uploads = Path(target.config["UPLOAD_DIR"])
    with target.app_context():
        from sqlalchemy import inspect

        return (inspect(db.engine).get_table_names() == []
                and (not uploads.exists() or not any(uploads.rglob("*"))))


def test_a_tampered_archive_with_checksums_computed_again_is_refused(
        runner, archive, fresh_target, tmp_path):
    """When a row is changed and the manifest's checksums are computed again, do verify and
    restore refuse the archive (non-zero exit, a message naming the signature and --trust,
    nothing restored), while the untouched archive passes both?"""
    tampered = rehashed(archive, tmp_path, lambda conn: conn.execute(
        "UPDATE message SET perihal = 'Diubah diam-diam'"))

    verified = runner.invoke(args=["backup", "verify", str(tampered)])
    assert verified.exit_code != 0
    assert "tanda tangan" in verified.output.lower() and "--trust" in verified.output

    restored = fresh_target.test_cli_runner().invoke(args=["backup", "restore", str(tampered)])
    assert restored.exit_code != 0
    assert "tanda tangan" in restored.output.lower() and "--trust" in restored.output
    assert nothing_restored(fresh_target)

    untouched = runner.invoke(args=["backup", "verify", str(archive)])
    assert untouched.exit_code == 0, untouched.output
    assert "ditandatangani" in untouched.output
    restored = fresh_target.test_cli_runner().invoke(args=["backup", "restore", str(archive)])
    assert restored.exit_code == 0, restored.output


def test_trust_lets_the_operator_take_an_archive_the_key_does_not_sign(
        runner, archive, fresh_target, tmp_path):
    """With --trust, do verify and restore proceed with an archive whose signature does not
    match, saying that the signature was not relied on?"""
    tampered = rehashed(archive, tmp_path, lambda conn: conn.execute(
        "UPDATE message SET perihal = 'Diubah diam-diam'"))
    verified = runner.invoke(args=["backup", "verify", str(tampered), "--trust"])
    assert verified.exit_code == 0, verified.output
    assert "--trust" in verified.output

    restored = fresh_target.test_cli_runner().invoke(
        args=["backup", "restore", str(tampered), "--trust"])
    assert restored.exit_code == 0, restored.output
    assert "Dipulihkan" in restored.output
    if make_url(fresh_target.config["SQLALCHEMY_DATABASE_URI"]).get_backend_name() == "sqlite":
        with fresh_target.app_context():
            assert Message.query.filter_by(perihal="Diubah diam-diam").count() > 0


def test_an_unsigned_archive_and_another_installations_key_are_refused(
        runner, archive, fresh_target, tmp_path):
    """Is an archive without a signature refused, and is a signed archive refused by an
    installation holding another key, or none (a rebuilt machine before its key is back)?"""
    members = members_of(archive)
    del members["manifest.sig"]
    unsigned = tmp_path / "tanpa-tanda-tangan.tar.gz"
    write_archive(unsigned, members)
    result = runner.invoke(args=["backup", "verify", str(unsigned)])
    assert result.exit_code != 0
    assert "tidak bertanda tangan" in result.output and "--trust" in result.output

    target_runner = fresh_target.test_cli_runner()
    fresh_target.config["BACKUP_SIGNING_KEY_FILE"] = str(tmp_path / "kunci-baru" / "kunci")
    result = target_runner.invoke(args=["backup", "restore", str(archive)])
    assert result.exit_code != 0
    assert "belum punya kunci" in result.output and "--trust" in result.output
    fresh_target.config["BACKUP_SIGNING_KEY"] = "kunci-instalasi-lain"
    result = target_runner.invoke(args=["backup", "verify", str(archive)])
    assert result.exit_code != 0
    assert "kunci lain" in result.output and "--trust" in result.output
    assert nothing_restored(fresh_target)


def test_the_signing_key_is_made_owner_only_at_the_first_backup(app, runner, installation,
                                                                  tmp_path, usual_umask):
    """Without a configured key, does the first backup make the key file readable by its
    owner only, and do later backups sign with that same key?"""
    key_file = tmp_path / "instance-baru" / "backup_signing_key"
    saved = {name: app.config.get(name) for name in ("BACKUP_SIGNING_KEY",
                                                      "BACKUP_SIGNING_KEY_FILE")}
    app.config.update(BACKUP_SIGNING_KEY=None, BACKUP_SIGNING_KEY_FILE=str(key_file))
    try:
        first = runner.invoke(args=["backup", "create", str(tmp_path / "a.tar.gz")])
        assert first.exit_code == 0, first.output
        assert mode_of(key_file) == 0o600 and mode_of(key_file.parent) == 0o700
        key = key_file.read_bytes()
        second = runner.invoke(args=["backup", "create", str(tmp_path / "b.tar.gz")])
        assert second.exit_code == 0, second.output
        assert key_file.read_bytes() == key
        for name in ("a.tar.gz", "b.tar.gz"):
            verified = runner.invoke(args=["backup", "verify", str(tmp_path / name)])
            assert verified.exit_code == 0, verified.output
    finally:
        app.config.update(saved)
