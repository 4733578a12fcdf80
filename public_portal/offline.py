"""The portal as an installable app for places with weak signal: the web app manifest, the
service worker (served from the root so it covers every page) and the page shown when a page
never opened before is asked for without signal.

What the service worker keeps is decided here, in `worker_settings`: the public pages and the
two submission forms (network first, the kept copy when the network fails), the static files
(kept first, under a cache name that changes with their content), the home pictures the
superadmin uploaded (kept first: an upload never changes under its address). Nothing else is kept: not
the back office, not a signed-in person's own pages, not the answer to any POST. A form whose
post fails for want of signal is kept on the phone and sent later (static/js/offline-store.js);
the server keeps it once thanks to its client key (models.client_key).
"""
import hashlib
import json
from functools import cache
from pathlib import Path

from flask import Response, current_app, render_template, url_for
from flask_babel import gettext as _

from public_portal import bp

THEME_COLOUR = "#0b5d46"       # the header's green
BACKGROUND_COLOUR = "#f5f7f6"  # the page's background
ICONS = (("img/app/icon-192.png", 192, "any"), ("img/app/icon-512.png", 512, "any"),
         ("img/app/icon-maskable-512.png", 512, "maskable"))
# Pages a visitor may open again without signal. Each is public, or a form that shows
# nothing of the person but their menu.
OFFLINE_PAGES = ("portal.index", "portal.messages", "portal.kinerja", "portal.about",
                 "portal.tracking", "portal.guest_report", "portal.submit")
# Files every page needs, kept when the worker is installed.
PRECACHED_FILES = ("css/aspirasi.css", "js/offline-store.js", "js/offline-queue.js",
                   "img/logo.svg") + tuple(path for path, _size, _purpose in ICONS)
WORKER_SOURCE = "js/sw.js"
# Home pictures kept on a phone (the newest ones seen); a gallery holds a handful.
PICTURES_KEPT = 12


@cache
def _static_version(folder: str) -> str:
    """A short digest of every static file: a new release names a new cache, and the worker
    drops the old one, so a phone never mixes old and new files."""
    digest = hashlib.sha256()
    root = Path(folder)
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def static_version() -> str:
    return _static_version(current_app.static_folder)


def worker_settings() -> dict:
    # A tracking page's address is its prefix plus the number.
    tracking_prefix = url_for("portal.tracking_detail", nomor="X")[:-1]
    return {
        "version": static_version(),
        "offlinePage": url_for("portal.offline_page"),
        "pages": [url_for(endpoint) for endpoint in OFFLINE_PAGES],
        "pagePrefixes": [tracking_prefix],
        # Posted while the connection fails, these are kept on the phone and sent later.
        "forms": [url_for("portal.guest_report"), url_for("portal.submit")],
        "keptFragment": "#antrean-tersimpan",
        "staticPrefix": url_for("static", filename=""),
        # The superadmin's home pictures: each upload has an address of its own, never reused.
        "picturePrefix": url_for("portal.home_picture", picture_id="X")[:-len("X.jpg")],
        "picturesKept": PICTURES_KEPT,
        "storeScript": url_for("static", filename="js/offline-store.js"),
        # The back office is never answered by the worker, not even with the offline page.
        "never": [url_for("admin.index").rstrip("/")],
        "precache": [url_for("static", filename=path) for path in PRECACHED_FILES],
    }


@bp.get("/manifest.webmanifest")
def manifest():
    body = {
        "name": _("Aspirasi Kaltim: Layanan Aspirasi dan Pengaduan"),
        "short_name": "Aspirasi Kaltim",
        "description": _("Sampaikan aspirasi dan pengaduan kepada Pemerintah Provinsi "
                         "Kalimantan Timur, juga saat sinyal lemah."),
        "lang": "id",
        "dir": "ltr",
        "start_url": url_for("portal.index"),
        "scope": url_for("portal.index"),
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": [{"src": url_for("static", filename=path), "sizes": f"{size}x{size}",
                   "type": "image/png", "purpose": purpose} for path, size, purpose in ICONS],
    }
    return Response(json.dumps(body, ensure_ascii=False),
                    content_type="application/manifest+json; charset=utf-8")


@cache
def _worker_source(folder: str) -> str:
    """The service worker's code, read once (like the static version)."""
    return Path(folder, WORKER_SOURCE).read_text(encoding="utf-8")


@bp.get("/sw.js")
def service_worker():
    source = _worker_source(current_app.static_folder)
    # The settings come first as one JSON value, so the worker's own code stays a static file.
    body = f"self.ASPIRASI = {json.dumps(worker_settings())};\n{source}"
    response = Response(body, content_type="text/javascript; charset=utf-8")
    # The browser must ask each time, so a new release reaches the phone at its next visit.
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/offline")
def offline_page():
    return render_template("portal/offline.html")
