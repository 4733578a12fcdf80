"""The triage model's file: written whole when the model is trained (`flask triage-train`,
the background worker, `seed-demo`: services.triage_training), read by every worker.

The file lives under the instance folder (TRIAGE_MODEL_PATH overrides). It is written under a
temporary name in the same folder and renamed over the old one, so a reader meets either the
old file or the new one, never half of one. Each worker keeps the model it read and reads
the file again when its modification time, size or inode change: a nightly retrain reaches
the running service without a restart.

A missing file means no suggestions. A file that cannot be read (corrupt, written by an
incompatible scikit-learn, not a model at all) is logged once per version of the file and
also means no suggestions: the triage page never fails because of it.
"""
import logging
import os
import tempfile
import threading
from pathlib import Path

from flask import current_app

from models.triage_learning import MODEL_FORMAT

log = logging.getLogger(__name__)

FILENAME = "triage-model.joblib"
REQUIRED_KEYS = ("format", "version", "trained_at", "count", "classes", "vectorizer",
                 "classifiers")

_lock = threading.Lock()
_loaded: dict = {}  # path -> (file stamp, model or None)


def model_path() -> Path:
    configured = current_app.config.get("TRIAGE_MODEL_PATH")
    return Path(configured) if configured else Path(current_app.instance_path) / FILENAME


def save(model: dict) -> Path:
    """Write `model` to its file atomically (temporary name, then rename)."""
    import joblib

    path = Path(model_path())
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            joblib.dump(model, stream)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o640)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def _stamp(path: Path):
    try:
        info = path.stat()
    except FileNotFoundError:
        return None
    return info.st_mtime_ns, info.st_size, info.st_ino


def _read(path: Path):
    import joblib

    model = joblib.load(path)
    if not isinstance(model, dict) or any(key not in model for key in REQUIRED_KEYS):
        raise ValueError("not a triage model")
    if model["format"] != MODEL_FORMAT:
        raise ValueError(f"model format {model['format']!r}, expected {MODEL_FORMAT}")
    return model


def current_model() -> dict | None:
    """The model in the file now, read once per version of the file; None without one."""
    path = model_path()
    stamp = _stamp(path)
    if stamp is None:
        return None
    key = str(path)
    kept = _loaded.get(key)
    if kept is not None and kept[0] == stamp:
        return kept[1]
    with _lock:
        kept = _loaded.get(key)
        if kept is not None and kept[0] == stamp:
            return kept[1]
        try:
            model = _read(path)
        except Exception:  # any failure to read means no suggestions, never a broken page
            log.exception("triage model %s cannot be read; no suggestions until it is retrained",
                          path)
            model = None
        _loaded[key] = (stamp, model)
        return model
