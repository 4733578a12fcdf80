"""Backup and restore of one installation: the database and every uploaded file.

An archive is a single tar.gz holding `manifest.json`, the database snapshot under
`database/` and the upload folder under `uploads/`. The manifest lists every other member
with its size and SHA-256, so `verify` can tell what is missing, altered or extra.

The snapshot is consistent while the service keeps running: SQLite is copied with its online
backup API, PostgreSQL with pg_dump inside one exported snapshot, and the counts written in
the manifest are read from that same snapshot. The database is copied before the files:
an attachment is written (under a temporary name) before the row that names it is committed,
moved to its name right after, and never changed afterwards; the backup waits for moves still
under way, so every file the snapshot refers to is there when the folder is read. Temporary
files belong to no committed row and are left out.

The manifest is signed (HMAC-SHA256, `manifest.sig`) with a key kept outside the archive:
BACKUP_SIGNING_KEY, else the file BACKUP_SIGNING_KEY_FILE made at the first backup. The
checksums only show that the members match the manifest, and anyone who alters a member can
compute them again; the signature shows that the manifest is the one this installation
wrote. `verify` and `restore` refuse an archive the key did not sign unless the operator
vouches for it (`--trust`).

The archive, every member in it, and what a restore writes (the database file, the upload
files and folders) are readable by the service's own user only: they hold every citizen's
data.
"""
import hashlib
import hmac
import io
import json
import os
import secrets
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import inspect, text
from sqlalchemy.exc import SQLAlchemyError

from models import db
from services import storage

MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
SIGNATURE_ALGORITHM = "HMAC-SHA256"
FORMAT = 1
DB_MEMBERS = {"sqlite": "database/aspirasi.sqlite3", "postgresql": "database/aspirasi.pgdump"}
UPLOADS = "uploads/"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A refusal or failure; `str(error)` is the Indonesian message shown to the operator."""


@dataclass
class Snapshot:
    path: Path
    kind: str
    revision: str | None
    counts: dict


# -- the database, per kind ------------------------------------------------------------

def database_kind(engine=None) -> str:
    name = (engine or db.engine).dialect.name
    if name not in DB_MEMBERS:
        raise BackupError(f"Jenis basis data '{name}' tidak didukung (hanya SQLite dan PostgreSQL).")
    return name


def _sqlite_connect(url, read_only=False) -> sqlite3.Connection:
    """A plain sqlite3 connection to the file SQLAlchemy's URL names (also `file:` URIs)."""
    database = url.database or ""
    uri = url.query.get("uri") in ("true", "1") or database.startswith("file:")
    if not database or database == ":memory:":
        raise BackupError("Basis data SQLite di memori tidak bisa dicadangkan atau dipulihkan.")
    if uri:
        return sqlite3.connect(database, uri=True)
    if read_only:
        return sqlite3.connect(f"file:{Path(database).resolve()}?mode=ro", uri=True)
    return sqlite3.connect(database)


def _app_counts(conn_execute) -> tuple[str | None, dict]:
    """The Alembic revision and the number of messages and users, read by `conn_execute(sql)`."""
    revision = conn_execute("SELECT version_num FROM alembic_version")
    messages = conn_execute("SELECT COUNT(*) FROM message")
    users = conn_execute('SELECT COUNT(*) FROM "user"')
    return revision, {"messages": int(messages or 0), "users": int(users or 0)}


def _snapshot_sqlite(workdir: Path) -> Snapshot:
    target = workdir / "db.sqlite3"
    source = _sqlite_connect(db.engine.url, read_only=True)
    copy = sqlite3.connect(target)
    try:
        # One step copies every page under one read lock: a consistent picture, and writers
        # elsewhere only wait for the copy to finish (they are never lost or half-copied).
        source.backup(copy)
        revision, counts = _app_counts(lambda sql: copy.execute(sql).fetchone()[0])
    finally:
        copy.close()
        source.close()
    return Snapshot(target, "sqlite", revision, counts)


def pg_tool(name: str) -> str:
    """pg_dump / pg_restore from PATH, else the newest Debian-installed server's bin folder."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
                        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0)
    if not candidates:
        raise BackupError(f"Program {name} tidak ditemukan (pasang paket postgresql-client).")
    return str(candidates[-1])


def _libpq_target(url) -> tuple[str, dict]:
    """A libpq connection URI for the command-line tools; the password goes in the environment."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    conninfo = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return conninfo, env


def _run(args: list[str], env: dict, what: str) -> None:
    result = subprocess.run(args, check=False, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{what} gagal: {result.stderr.strip() or result.stdout.strip()}")


def _snapshot_postgresql(workdir: Path) -> Snapshot:
    target = workdir / "db.pgdump"
    conninfo, env = _libpq_target(db.engine.url)
    repeatable = db.engine.connect().execution_options(isolation_level="REPEATABLE READ")
    with repeatable as conn, conn.begin():
        # pg_dump joins this transaction's snapshot, so the dump and the counts agree.
        snapshot_id = conn.execute(text("SELECT pg_export_snapshot()")).scalar()
        revision, counts = _app_counts(lambda sql: conn.execute(text(sql)).scalar())
        _run([pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
              f"--snapshot={snapshot_id}", f"--file={target}", f"--dbname={conninfo}"],
             env, "pg_dump")
    return Snapshot(target, "postgresql", revision, counts)


def take_snapshot(workdir: Path) -> Snapshot:
    if database_kind() == "sqlite":
        return _snapshot_sqlite(workdir)
    return _snapshot_postgresql(workdir)


def target_row_counts() -> dict:
    """Messages and users already in the configured database (zero when it has no tables)."""
    tables = set(inspect(db.engine).get_table_names())
    counts = {}
    with db.engine.connect() as conn:
        for key, table in (("messages", "message"), ("users", "user")):
            counts[key] = (conn.execute(text(f'SELECT COUNT(*) FROM "{table}"')).scalar()
                           if table in tables else 0)
    return counts


def _restore_sqlite(dump: Path) -> None:
    db.session.remove()
    db.engine.dispose()  # pooled connections would keep the old schema cached
    source = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
    _narrow_sqlite_files(db.engine.url)
    target = _sqlite_connect(db.engine.url)
    try:
        # The backup API replaces the whole target file in one transaction.
        source.backup(target)
    finally:
        target.close()
        source.close()


def _narrow_sqlite_files(url) -> None:
    """The restored database file, and its write-ahead log beside it, readable by this user
    only (a file named by a `file:` URI is left as it is)."""
    database = url.database or ""
    if database.startswith("file:") or url.query.get("uri") in ("true", "1"):
        return
    path = Path(database)
    storage.create_private_file(path)
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if file.exists():
            os.chmod(file, storage.PRIVATE_FILE)


def _restore_postgresql(dump: Path) -> None:
    db.session.remove()
    db.engine.dispose()
    conninfo, env = _libpq_target(db.engine.url)
    _run([pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
          "--single-transaction", "--exit-on-error", f"--dbname={conninfo}", str(dump)],
         env, "pg_restore")


# -- the archive -------------------------------------------------------------------------

def _sha256_of_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _size_and_sha256(handle) -> tuple[int, str]:
    digest, size = hashlib.sha256(), 0
    for chunk in iter(lambda: handle.read(CHUNK), b""):
        digest.update(chunk)
        size += len(chunk)
    return size, digest.hexdigest()


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = storage.PRIVATE_FILE
    info.mtime = int(datetime.now(UTC).timestamp())
    tar.addfile(info, io.BytesIO(data))


def _add_file(tar: tarfile.TarFile, name: str, path: Path) -> None:
    info = tar.gettarinfo(path, arcname=name)
    info.mode = storage.PRIVATE_FILE
    with path.open("rb") as handle:
        tar.addfile(info, handle)


def upload_files() -> list[tuple[str, Path]]:
    """Every file under UPLOAD_DIR (profile photos in profil/ included), as (relative name, path)."""
    root = Path(current_app.config["UPLOAD_DIR"])
    if not root.is_dir():
        return []
    return sorted((path.relative_to(root).as_posix(), path)
                  for path in root.rglob("*") if path.is_file() and not path.is_symlink()
                  and not path.name.startswith((".healthz-", storage.TEMP_PREFIX)))


# -- the signature -----------------------------------------------------------------------

def _key_file() -> Path:
    return Path(current_app.config["BACKUP_SIGNING_KEY_FILE"])


def _make_key_file(path: Path) -> None:
    """Write a new random key to `path`, readable by this user only. Two backups starting
    together on a fresh installation agree on one key: each writes its own whole under another
    name and links it into place, which fails for all but the first."""
    storage.private_folder(path.parent)
    own = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    try:
        with os.fdopen(storage.open_private(own, exclusive=True), "w") as handle:
            handle.write(secrets.token_hex(32) + "\n")
        try:
            os.link(own, path)
        except FileExistsError:
            pass  # another backup was first: its key is the one read
    finally:
        own.unlink(missing_ok=True)


def signing_key(make: bool = False) -> bytes | None:
    """This installation's key: BACKUP_SIGNING_KEY, else the key file's text; None when there
    is neither, unless `make` (a backup being written), which makes the file."""
    configured = current_app.config.get("BACKUP_SIGNING_KEY")
    if configured:
        return configured.strip().encode()
    path = _key_file()
    if not path.exists():
        if not make:
            return None
        _make_key_file(path)
    key = path.read_text().strip()
    if not key:
        raise BackupError(f"Berkas kunci tanda tangan cadangan {path} kosong.")
    return key.encode()


def key_id(key: bytes) -> str:
    """A short name of a key that tells two keys apart without revealing either."""
    return hmac.new(key, b"aspirasi backup key id", hashlib.sha256).hexdigest()[:16]


def _signature(key: bytes, manifest: bytes) -> bytes:
    return json.dumps({"algorithm": SIGNATURE_ALGORITHM, "key_id": key_id(key),
                       "signature": hmac.new(key, manifest, hashlib.sha256).hexdigest()},
                      indent=2).encode()


_TRUST_HINT = ("Pastikan asal arsip ini; bila Anda yakin arsip ini asli dan utuh, ulangi "
               "dengan --trust.")


def signature_problem(manifest: bytes, signature: bytes | None) -> str | None:
    """Why the manifest's bytes are not known to be this installation's (None: they are)."""
    if signature is None:
        return ("Arsip tidak bertanda tangan: tidak dapat dipastikan bahwa manifest-nya "
                "dibuat oleh instalasi ini.")
    key = signing_key()
    if key is None:
        return ("Instalasi ini belum punya kunci tanda tangan cadangan (BACKUP_SIGNING_KEY "
                f"atau berkas {_key_file()}). Pasang kunci dari instalasi asal arsip ini "
                "(lihat docs/operations.md).")
    try:
        signed = json.loads(signature)
        claimed, digest = str(signed["key_id"]), str(signed["signature"])
    except (ValueError, TypeError, KeyError):
        return f"Tanda tangan arsip ({SIGNATURE}) rusak."
    if claimed != key_id(key):
        return (f"Arsip ditandatangani dengan kunci lain (kunci {claimed}; kunci instalasi ini "
                f"{key_id(key)}).")
    if not hmac.compare_digest(digest, hmac.new(key, manifest, hashlib.sha256).hexdigest()):
        return "Tanda tangan manifest tidak cocok: manifest diubah setelah arsip dibuat."
    return None


# -- create, verify, restore --------------------------------------------------------------

def create(destination: Path) -> dict:
    """Write the archive to `destination` (atomically) and return its manifest."""
    destination = Path(destination).resolve()
    key = signing_key(make=True)
    storage.private_folder(destination.parent)
    members = []
    with tempfile.TemporaryDirectory(prefix="aspirasi-backup-") as work:
        snapshot = take_snapshot(Path(work))
        partial = destination.with_name(f".{destination.name}.{os.getpid()}.partial")
        try:
            with (os.fdopen(storage.open_private(partial), "wb") as raw,
                  tarfile.open(fileobj=raw, mode="w:gz") as tar):
                db_member = DB_MEMBERS[snapshot.kind]
                members.append({"name": db_member, "size": snapshot.path.stat().st_size,
                                "sha256": _sha256_of_file(snapshot.path)})
                _add_file(tar, db_member, snapshot.path)
                storage.wait_for_moves()
                for relative, path in upload_files():
                    # Read once: the bytes hashed are the bytes archived.
                    data = path.read_bytes()
                    name = UPLOADS + relative
                    members.append({"name": name, "size": len(data),
                                    "sha256": hashlib.sha256(data).hexdigest()})
                    _add_bytes(tar, name, data)
                manifest = {
                    "format": FORMAT,
                    "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                    "database": {"kind": snapshot.kind, "member": db_member},
                    "alembic_revision": snapshot.revision,
                    "counts": snapshot.counts,
                    "members": members,
                }
                written = json.dumps(manifest, indent=2).encode()
                _add_bytes(tar, MANIFEST, written)
                _add_bytes(tar, SIGNATURE, _signature(key, written))
            os.replace(partial, destination)
        finally:
            partial.unlink(missing_ok=True)
    return manifest


def _safe_member_name(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and name == path.as_posix()


def _member_bytes(tar: tarfile.TarFile, name: str) -> bytes | None:
    try:
        handle = tar.extractfile(name)
    except KeyError:
        return None
    return handle.read() if handle is not None else None


def read_manifest(archive: Path) -> tuple[dict, str | None]:
    """The manifest, and why its signature does not hold (None when it does)."""
    try:
        with tarfile.open(archive, "r:gz") as tar:
            written = _member_bytes(tar, MANIFEST)
            if written is None:
                raise KeyError(MANIFEST)
            signature = _member_bytes(tar, SIGNATURE)
            manifest = json.loads(written)
    except FileNotFoundError:
        raise BackupError(f"Arsip {archive} tidak ditemukan.") from None
    except KeyError:
        raise BackupError(f"Arsip {archive} tidak memuat {MANIFEST}.") from None
    except (tarfile.TarError, OSError, EOFError) as error:
        raise BackupError(f"Arsip {archive} rusak atau bukan tar.gz: {error}") from None
    except ValueError:
        raise BackupError(f"{MANIFEST} dalam arsip bukan JSON yang sah.") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("members"), list):
        raise BackupError(f"{MANIFEST} dalam arsip tidak berisi daftar anggota.")
    return manifest, signature_problem(written, signature)


def verify(archive: Path, trust: bool = False) -> tuple[dict, list[str], str | None]:
    """The manifest, the list of problems (empty when every member matches it and the key
    signed it) and the signature's problem. With `trust` the operator vouches for the
    archive: the signature's problem is returned but is not one of the problems."""
    manifest, unsigned = read_manifest(archive)
    expected = {m["name"]: m for m in manifest["members"]}
    problems, seen = [] if trust or unsigned is None else [f"{unsigned} {_TRUST_HINT}"], set()
    db_member = (manifest.get("database") or {}).get("member")
    if db_member not in expected:
        problems.append("manifest tidak mencantumkan snapshot basis data")
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for info in tar:
                if info.name in (MANIFEST, SIGNATURE):
                    continue
                if not info.isfile() or not _safe_member_name(info.name):
                    problems.append(f"anggota tidak sah: {info.name}")
                    continue
                seen.add(info.name)
                if info.name not in expected:
                    problems.append(f"berlebih (tidak ada di manifest): {info.name}")
                    continue
                size, digest = _size_and_sha256(tar.extractfile(info))
                wanted = expected[info.name]
                if size != wanted["size"] or digest != wanted["sha256"]:
                    problems.append(f"berubah (checksum tidak cocok): {info.name}")
    except (tarfile.TarError, OSError, EOFError) as error:
        problems.append(f"arsip rusak: {error}")
    for name in sorted(set(expected) - seen):
        problems.append(f"hilang: {name}")
    return manifest, problems, unsigned


def restore(archive: Path, force: bool = False, trust: bool = False) -> dict:
    """Rebuild the configured database and upload folder from a verified archive (`trust`:
    one the key did not sign, see `verify`)."""
    manifest, problems, unsigned = verify(archive, trust=trust)
    if problems:
        raise BackupError("Arsip gagal diperiksa, pemulihan dibatalkan:\n  - "
                          + "\n  - ".join(problems))
    kind = manifest["database"]["kind"]
    target_kind = database_kind()
    if kind != target_kind:
        raise BackupError(f"Arsip berisi basis data {kind}, sedangkan basis data tujuan adalah "
                          f"{target_kind}. Pemulihan hanya bisa ke jenis basis data yang sama.")
    existing = target_row_counts()
    if any(existing.values()) and not force:
        raise BackupError(
            f"Basis data tujuan tidak kosong ({existing['messages']} pesan, {existing['users']} "
            "pengguna). Pemulihan akan menimpanya; ulangi dengan --force bila memang itu maksudnya.")
    upload_root = Path(current_app.config["UPLOAD_DIR"])
    storage.private_folder(upload_root)
    files = 0
    with tempfile.TemporaryDirectory(prefix="aspirasi-restore-") as work:
        dump = Path(work) / "database"
        with tarfile.open(archive, "r:gz") as tar:
            for entry in manifest["members"]:
                name = entry["name"]
                if name == manifest["database"]["member"]:
                    _extract_checked(tar, entry, dump)
                elif name.startswith(UPLOADS):
                    _extract_checked(tar, entry, upload_root / name[len(UPLOADS):])
                    files += 1
        # Files first: if the database step then fails, the folder only holds extra files,
        # never a database that points at files that are not there.
        if kind == "sqlite":
            _restore_sqlite(dump)
        else:
            _restore_postgresql(dump)
    return {"kind": kind, "revision": manifest.get("alembic_revision"),
            "counts": manifest.get("counts", {}), "files": files, "upload_dir": str(upload_root),
            "created_at": manifest.get("created_at"), "unsigned": unsigned}


def _extract_checked(tar: tarfile.TarFile, entry: dict, destination: Path) -> None:
    """Write one member under a temporary name, check its SHA-256, then move it into place."""
    storage.private_folder(destination.parent)
    handle = tar.extractfile(entry["name"])
    temporary = destination.with_name(f".{destination.name}.restoring")
    digest = hashlib.sha256()
    try:
        with os.fdopen(storage.open_private(temporary), "wb") as out:
            for chunk in iter(lambda: handle.read(CHUNK), b""):
                digest.update(chunk)
                out.write(chunk)
        if digest.hexdigest() != entry["sha256"]:
            raise BackupError(f"Checksum tidak cocok saat memulihkan {entry['name']}.")
        os.replace(temporary, destination)
    finally:
        temporary.unlink(missing_ok=True)


# -- the commands ------------------------------------------------------------------------

# What the database, the disk or a half-written archive can throw, shown as one clear line.
FAILURES = (BackupError, OSError, sqlite3.Error, SQLAlchemyError, tarfile.TarError, EOFError)


def _refuse(error: Exception) -> click.ClickException:
    if isinstance(error, BackupError):
        return click.ClickException(str(error))
    return click.ClickException(f"Gagal: {error}")


backup_commands = AppGroup("backup", help="Back up, check and restore the database and uploads.")


@backup_commands.command("create")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def create_command(file):
    """Write one archive: database snapshot, every uploaded file, a manifest of checksums."""
    try:
        manifest = create(file)
    except FAILURES as error:
        raise _refuse(error) from None
    counts = manifest["counts"]
    uploads = sum(1 for m in manifest["members"] if m["name"].startswith(UPLOADS))
    click.echo(f"Cadangan dibuat: {file}")
    click.echo(f"  basis data {manifest['database']['kind']} (revisi "
               f"{manifest['alembic_revision']}): {counts['messages']} pesan, "
               f"{counts['users']} pengguna")
    click.echo(f"  berkas unggahan: {uploads}")


TRUST = click.option("--trust", is_flag=True,
                     help="Take an archive this installation's key did not sign.")


def _warn_trusted(unsigned: str | None) -> None:
    if unsigned:
        click.echo(f"Peringatan (--trust): {unsigned}", err=True)


@backup_commands.command("verify")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@TRUST
def verify_command(file, trust):
    """Check an archive's signature and every member against its manifest; exit 1 on any
    difference."""
    try:
        manifest, problems, unsigned = verify(file, trust=trust)
    except FAILURES as error:
        raise _refuse(error) from None
    if trust:
        _warn_trusted(unsigned)
    if problems:
        click.echo(f"Arsip {file} TIDAK utuh ({len(problems)} masalah):", err=True)
        for problem in problems:
            click.echo(f"  - {problem}", err=True)
        raise SystemExit(1)
    signed = ("tanda tangan tidak diandalkan (--trust)" if unsigned
              else "ditandatangani dengan kunci instalasi ini")
    click.echo(f"Arsip {file} utuh: {len(manifest['members'])} anggota cocok dengan manifest, "
               f"{signed} (dibuat {manifest.get('created_at')}).")


@backup_commands.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite a database that already holds data.")
@TRUST
def restore_command(file, force, trust):
    """Rebuild the database and the upload folder from a verified archive."""
    target = db.engine.url.render_as_string(hide_password=True)
    try:
        result = restore(file, force=force, trust=trust)
    except FAILURES as error:
        raise _refuse(error) from None
    if trust:
        _warn_trusted(result["unsigned"])
    counts = result["counts"]
    click.echo(f"Dipulihkan dari {file} (dibuat {result['created_at']}):")
    click.echo(f"  basis data {result['kind']} {target} (revisi {result['revision']}): "
               f"{counts.get('messages')} pesan, {counts.get('users')} pengguna")
    click.echo(f"  berkas unggahan: {result['files']} ke {result['upload_dir']}")
    click.echo("Jalankan `flask --app wsgi db upgrade` bila aplikasi ini lebih baru dari cadangannya.")
