"""Attachment storage: files checked by content, kept under UPLOAD_DIR outside the web root.

A file joins the folder only together with the row that names it. `store` writes the bytes to
a hidden temporary name (synced to disk) and notes it on the database session; when that
session commits, the file is moved to its real name, and when it rolls back, the temporary
file is removed. A crash between the two leaves only a temporary file, which `storage-sweep`
finishes (its row was committed) or removes (it was not).

Uploads, like backups and the database, are readable by the service's own user only: files
0600, folders 0700 (`private_folder`, `open_private`), since they hold citizens' documents.

Photos are cleaned on the way in: a JPEG carrying metadata (EXIF with a phone's GPS position,
comments, anything after the image) or more pixels than needed is re-encoded, turned upright
first, so nothing but the picture is kept.
"""
import contextlib
import io
import os
import secrets
from pathlib import Path

from flask import abort, current_app, send_file
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import event
from sqlalchemy.orm import Session

from models import Attachment, db
from models.control_chars import CONTROL_IN_NAMES
from models.errors import DomainError

JPEG, PDF = "image/jpeg", "application/pdf"
EXTENSIONS = {JPEG: ".jpg", PDF: ".pdf"}
TEMP_PREFIX = ".tmp-"
MAX_PIXELS = 40_000_000   # a phone photo is ~12 MP; more is a mistake or an attack
MAX_PIXELS_PER_REQUEST = 100_000_000  # what the photos of one request may claim together
PIXELS_PER_BYTE = 1024    # at most, for a JPEG: half of what its smallest coding can hold
MAX_SIDE = 2560           # plenty to read a photo of a road or a letter
PENDING = "aspirasi_pending_files"


class UploadError(DomainError, ValueError):
    """A file the service refuses; `str(error)` is shown to the user."""


class StorageUnavailable(DomainError):
    """The upload folder cannot take the file now (disk full, read-only); nothing was kept."""

    status_code = 503

    def __init__(self):
        super().__init__(_l("Berkas tidak dapat disimpan saat ini; pesan Anda belum terkirim. "
                            "Coba lagi nanti."))


def sniff(data: bytes) -> str | None:
    """The real type of `data` (JPEG or PDF), whatever its name says; None otherwise."""
    if data.startswith(b"\xff\xd8\xff"):
        try:
            with Image.open(io.BytesIO(data)) as image:
                image.verify()
                return JPEG if image.format == "JPEG" else None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError,
                Image.DecompressionBombError):
            return None
    if data.startswith(b"%PDF-") and b"%%EOF" in data[-2048:]:
        return PDF
    return None


def _claimed_size(data: bytes) -> tuple[int, int]:
    """The width and height a JPEG's header claims (read without decoding the picture)."""
    with Image.open(io.BytesIO(data)) as image:
        return image.size


def clean_name(filename: str) -> str:
    """The name shown for a file: its last path part without control characters."""
    name = CONTROL_IN_NAMES.sub("", Path(filename.replace("\\", "/")).name).strip()
    return name[:200] or "berkas"


def read_uploads(files, allowed=(JPEG, PDF)) -> list[tuple[str, bytes, str]]:
    """Check every uploaded file; returns (filename, data, content type) or raises UploadError.

    All files are checked before any is kept, so a bad sixth file changes nothing. JPEGs come
    back cleaned of their metadata.
    """
    files = [f for f in files if f is not None and getattr(f, "filename", "")]
    max_files = current_app.config["MAX_UPLOAD_FILES"]
    max_bytes = current_app.config["MAX_UPLOAD_BYTES"]
    if len(files) > max_files:
        raise UploadError(_l("Paling banyak %(n)s berkas lampiran.", n=max_files))
    checked, pixels = [], 0
    for storage in files:
        data = storage.read(max_bytes + 1)
        name = clean_name(storage.filename)
        if len(data) > max_bytes:
            raise UploadError(_l("Berkas \"%(name)s\" lebih dari %(mb)s MB.", name=name,
                                 mb=max_bytes // (1024 * 1024)))
        if not data:
            raise UploadError(_l("Berkas \"%(name)s\" kosong.", name=name))
        kind = sniff(data)
        if kind not in allowed:
            kinds = " / ".join("JPG" if k == JPEG else "PDF" for k in allowed)
            raise UploadError(_l("Berkas \"%(name)s\" bukan %(kinds)s yang sah. Hanya %(kinds)s "
                                 "yang diterima.", name=name, kinds=kinds))
        if kind == JPEG:
            pixels += _check_claimed_size(name, data)
        checked.append((name, data, kind))
    # Every header is read before any picture is decoded: what a request may cost is known first.
    if pixels > MAX_PIXELS_PER_REQUEST:
        raise UploadError(_l("Foto-foto dalam satu kiriman terlalu besar bersama-sama (lebih dari "
                             "%(mp)s megapiksel). Kirim lebih sedikit foto atau foto yang lebih "
                             "kecil.", mp=MAX_PIXELS_PER_REQUEST // 1_000_000))
    result = []
    for name, data, kind in checked:
        if kind == JPEG:
            try:
                data = clean_jpeg(data)
            except (OSError, ValueError, SyntaxError):
                raise UploadError(_l("Berkas \"%(name)s\" bukan JPG yang sah.", name=name)) from None
        result.append((name, data, kind))
    return result


def _check_claimed_size(name: str, data: bytes) -> int:
    """The pixels a JPEG claims, refused (UploadError) when too many, or when its bytes are too
    few to hold them: a JPEG spends at least one bit on every 8×8 block (one byte for 512
    pixels), so data below half of that ends before its picture does."""
    width, height = _claimed_size(data)
    pixels = width * height
    if pixels > MAX_PIXELS:
        raise UploadError(_l("Foto \"%(name)s\" terlalu besar (lebih dari %(mp)s "
                             "megapiksel).", name=name, mp=MAX_PIXELS // 1_000_000))
    if pixels > len(data) * PIXELS_PER_BYTE:
        raise UploadError(_l("Foto \"%(name)s\" rusak: isinya terlalu sedikit untuk gambar "
                             "%(width)s×%(height)s piksel yang disebutkannya.", name=name,
                             width=width, height=height))
    return pixels


# --- cleaning photos --------------------------------------------------------------------------

def _carries_more_than_pixels(data: bytes) -> bool:
    """Whether a JPEG holds metadata segments (APP1..APP15, comments) or bytes after its end."""
    i = 2
    while i + 4 <= len(data):
        if data[i] != 0xFF:
            return True
        marker = data[i + 1]
        if marker == 0xFF:
            i += 1
            continue
        if marker == 0xDA:  # start of scan: the headers are over
            break
        if 0xE1 <= marker <= 0xEF or marker == 0xFE:
            return True
        i += 2 + int.from_bytes(data[i + 2:i + 4], "big")
    end = data.rfind(b"\xff\xd9")
    return end == -1 or data[end + 2:].strip(b"\x00\r\n") != b""


def clean_jpeg(data: bytes) -> bytes:
    """The photo without metadata, upright and at most MAX_SIDE on its longer side.

    A plain JPEG (only its image segments) is returned as it came; anything else is re-encoded.
    """
    with Image.open(io.BytesIO(data)) as image:
        if not _carries_more_than_pixels(data) and max(image.size) <= MAX_SIDE:
            return data
        if max(image.size) > MAX_SIDE:
            # Decoded straight at a half, quarter or eighth of its size where that still
            # leaves MAX_SIDE: a fraction of the memory and time of the full picture.
            longest = max(image.size)
            image.draft(None, (-(-image.width * MAX_SIDE // longest),
                               -(-image.height * MAX_SIDE // longest)))
        image = ImageOps.exif_transpose(image)
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        if max(image.size) > MAX_SIDE:
            image.thumbnail((MAX_SIDE, MAX_SIDE))
        image.info = {}  # Pillow would carry the comment over otherwise
        out = io.BytesIO()
        image.save(out, "JPEG", quality=88, optimize=True)
        return out.getvalue()


# --- owner-only files and folders ------------------------------------------------------------

PRIVATE_FILE, PRIVATE_FOLDER = 0o600, 0o700


def private_folder(path: Path) -> None:
    """`path` as a folder, each level this call creates readable by this user only; folders
    that already exist keep their mode (the operator chose it)."""
    path = Path(path)
    missing = []
    while not path.exists() and path != path.parent:
        missing.append(path)
        path = path.parent
    for folder in reversed(missing):
        with contextlib.suppress(FileExistsError):  # another process made it meanwhile
            folder.mkdir(mode=PRIVATE_FOLDER)


def open_private(path: Path, exclusive: bool = False) -> int:
    """A descriptor writing `path` from its start, a file readable by this user only: a new
    file is created so, one already there (a restore's target) is narrowed to it."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_EXCL if exclusive else os.O_TRUNC)
    fd = os.open(path, flags, PRIVATE_FILE)
    try:
        os.fchmod(fd, PRIVATE_FILE)
    except OSError:
        os.close(fd)
        raise
    return fd


def create_private_file(path: Path) -> None:
    """Create `path` empty and readable by this user only, unless it exists (then it is left
    as it is): a database file made so before SQLite first opens it keeps that mode. A missing
    or read-only folder is left alone: whoever opens the file then reports it."""
    with contextlib.suppress(OSError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))


# --- writing with the transaction ------------------------------------------------------------

def upload_dir() -> Path:
    path = Path(current_app.config["UPLOAD_DIR"])
    private_folder(path)
    return path


def _write_synced(path: Path, data: bytes) -> None:
    fd = open_private(path, exclusive=True)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)


def keep_file(relative_name: str, data: bytes) -> None:
    """Write `data` so that it appears as `relative_name` once the session commits.

    Raises StorageUnavailable (and leaves nothing behind) when the folder cannot take it.
    """
    final = upload_dir() / relative_name
    temp = final.with_name(TEMP_PREFIX + final.name)
    try:
        private_folder(final.parent)
        _write_synced(temp, data)
    except OSError:
        current_app.logger.exception("upload folder cannot take %s", relative_name)
        with contextlib.suppress(OSError):  # a read-only folder holds no partial file anyway
            temp.unlink(missing_ok=True)
        raise StorageUnavailable() from None
    db.session().info.setdefault(PENDING, []).append((temp, final))


def store(message, filename: str, data: bytes, content_type: str, kind="lampiran",
          uploaded_by=None) -> Attachment:
    """Keep the bytes and add the Attachment row to the session (the caller commits)."""
    stored_name = secrets.token_hex(16) + EXTENSIONS[content_type]
    keep_file(stored_name, data)
    attachment = Attachment(message=message, kind=kind, filename=filename,
                            stored_name=stored_name, content_type=content_type, size=len(data),
                            uploaded_by_id=getattr(uploaded_by, "id", None))
    db.session.add(attachment)
    return attachment


@event.listens_for(Session, "after_commit")
def _move_into_place(session):
    for temp, final in session.info.pop(PENDING, ()):
        try:
            os.replace(temp, final)
        except OSError:
            # The row is committed; the sweep finishes the move from the temporary name.
            pass


@event.listens_for(Session, "after_transaction_end")
def _drop_pending(session, transaction):
    """A transaction that ended without commit (rollback, close, error) keeps no file."""
    if transaction.parent is not None:
        return
    for temp, _final in session.info.pop(PENDING, ()):
        try:
            temp.unlink(missing_ok=True)
        except OSError:
            pass


def wait_for_moves(seconds: float = 2.0, young: float = 10.0) -> None:
    """Wait (bounded) while a recent temporary file may still be moved to its name."""
    import time

    def ages():
        for path in root.rglob(TEMP_PREFIX + "*"):
            with contextlib.suppress(OSError):  # moved meanwhile
                yield time.time() - path.stat().st_mtime

    root = Path(current_app.config["UPLOAD_DIR"])
    deadline = time.monotonic() + seconds
    while root.is_dir() and time.monotonic() < deadline:
        if not any(age < young for age in ages()):
            return
        time.sleep(0.05)


def path_of(attachment: Attachment) -> Path:
    return upload_dir() / attachment.stored_name


def send(attachment: Attachment):
    """Serve an attachment. The caller has already checked the viewer may see it.

    Only photos (already re-encoded, served as image/jpeg with nosniff) open in the browser;
    everything else, PDFs included, is a download, so a script inside a PDF never runs in the
    service's own origin.
    """
    inline = attachment.content_type == JPEG
    response = send_file(path_of(attachment), mimetype=attachment.content_type,
                         download_name=attachment.filename, as_attachment=not inline,
                         max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def send_public_picture(relative_name: str):
    """Serve a home picture (a cleaned JPEG anyone may see); the caller checked a row names it."""
    path = upload_dir() / relative_name
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=JPEG, max_age=86400)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def discard_file(relative_name: str) -> None:
    """Remove a file whose row is gone (after the commit); one left behind is an orphan the
    sweep reports."""
    with contextlib.suppress(OSError):
        (upload_dir() / relative_name).unlink(missing_ok=True)


# --- the sweep -------------------------------------------------------------------------------

def _referenced_names() -> set[str]:
    from models import User
    from models.settings import home_pictures

    names = {row[0] for row in db.session.query(Attachment.stored_name)}
    names |= {row[0] for row in db.session.query(User.photo_path).filter(User.photo_path.isnot(None))}
    names |= {picture.stored_name for picture in home_pictures()}
    return names


def sweep(older_than_minutes: float = 60, delete_orphans: bool = False) -> dict:
    """Tidy the upload folder after crashes; returns what was found and done.

    A temporary file older than the limit is finished (moved to its name) when a committed row
    names it, else removed. Files no row names are orphans (removed only on request); rows
    whose file is gone are reported as missing.
    """
    import time

    root = upload_dir()
    referenced = _referenced_names()
    cutoff = time.time() - older_than_minutes * 60
    report = {"finished": [], "removed_temp": [], "orphans": [], "orphans_removed": [],
              "missing": []}
    for path in sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink()):
        relative = path.relative_to(root).as_posix()
        if path.name.startswith(".healthz-"):
            continue
        if path.name.startswith(TEMP_PREFIX):
            if path.stat().st_mtime > cutoff:
                continue  # may belong to a request still running
            final = path.with_name(path.name[len(TEMP_PREFIX):])
            final_relative = final.relative_to(root).as_posix()
            if final_relative in referenced and not final.exists():
                os.replace(path, final)
                report["finished"].append(final_relative)
            else:
                path.unlink()
                report["removed_temp"].append(relative)
        elif relative not in referenced:
            report["orphans"].append(relative)
            if delete_orphans:
                path.unlink()
                report["orphans_removed"].append(relative)
    report["missing"] = sorted(name for name in referenced if not (root / name).is_file())
    return report
