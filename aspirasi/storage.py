"""Attachment storage: files checked by content, kept under UPLOAD_DIR outside the web root."""
import io
import secrets
from pathlib import Path

from flask import current_app, send_file
from flask_babel import lazy_gettext as _l

from models import Attachment, db
from models.errors import DomainError

JPEG, PDF = "image/jpeg", "application/pdf"
EXTENSIONS = {JPEG: ".jpg", PDF: ".pdf"}


class UploadError(DomainError, ValueError):
    """A file the service refuses; `str(error)` is shown to the user."""


def sniff(data: bytes) -> str | None:
    """The real type of `data` (JPEG or PDF), whatever its name says; None otherwise."""
    if data.startswith(b"\xff\xd8\xff"):
        from PIL import Image, UnidentifiedImageError

        try:
            with Image.open(io.BytesIO(data)) as image:
                image.verify()
                return JPEG if image.format == "JPEG" else None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            return None
    if data.startswith(b"%PDF-") and b"%%EOF" in data[-2048:]:
        return PDF
    return None


def read_uploads(files, allowed=(JPEG, PDF)) -> list[tuple[str, bytes, str]]:
    """Check every uploaded file; returns (filename, data, content type) or raises UploadError.

    All files are checked before any is kept, so a bad sixth file changes nothing.
    """
    files = [f for f in files if f is not None and getattr(f, "filename", "")]
    max_files = current_app.config["MAX_UPLOAD_FILES"]
    max_bytes = current_app.config["MAX_UPLOAD_BYTES"]
    if len(files) > max_files:
        raise UploadError(_l("Paling banyak %(n)s berkas lampiran.", n=max_files))
    result = []
    for storage in files:
        data = storage.read(max_bytes + 1)
        name = Path(storage.filename).name[:200] or "berkas"
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
        result.append((name, data, kind))
    return result


def upload_dir() -> Path:
    path = Path(current_app.config["UPLOAD_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def store(message, filename: str, data: bytes, content_type: str, kind="lampiran",
          uploaded_by=None) -> Attachment:
    """Write the bytes and add the Attachment row to the session (the caller commits)."""
    stored_name = secrets.token_hex(16) + EXTENSIONS[content_type]
    (upload_dir() / stored_name).write_bytes(data)
    attachment = Attachment(message=message, kind=kind, filename=filename,
                            stored_name=stored_name, content_type=content_type, size=len(data),
                            uploaded_by_id=getattr(uploaded_by, "id", None))
    db.session.add(attachment)
    return attachment


def path_of(attachment: Attachment) -> Path:
    return upload_dir() / attachment.stored_name


def send(attachment: Attachment):
    """Serve an attachment. The caller has already checked the viewer may see it."""
    inline = attachment.content_type in (JPEG, PDF)
    return send_file(path_of(attachment), mimetype=attachment.content_type,
                     download_name=attachment.filename, as_attachment=not inline,
                     max_age=0)
