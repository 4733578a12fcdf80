"""The background service beside the web workers: `flask --app wsgi mail-deliver [--loop]`.

It has two duties: announcing the recorded submissions (`notify.announce_pending`: the
admins' notifications and mails, the citizen's receipt) and delivering the mail that is due
(`mailer.drain`). Requests only record what is to be done, in their own transaction. In the
service each duty runs in its own thread, so a hung mail server (each mail may wait
MAIL_TIMEOUT) never delays the staff's notifications; one run without `--loop` does both once.
"""
import logging
import signal
import threading

from flask import current_app

from aspirasi import mailer, notify
from models import db


def one_round(batch: int = 50) -> tuple[int, int, int]:
    """Announce what is pending, then drain the mail queue; (announced, sent, failed)."""
    announced = notify.announce_pending()
    sent, failed = mailer.drain(batch)
    return announced, sent, failed


def _every(interval: float, stopping: threading.Event, duty, name: str) -> None:
    """Run `duty()` every `interval` seconds until `stopping` is set; log what it did."""
    logger = current_app.logger
    while not stopping.is_set():
        try:
            done = duty()
        except Exception:  # noqa: BLE001 - a database hiccup must not end the service
            logger.exception("%s failed", name)
            db.session.rollback()
        else:
            if any(done if isinstance(done, tuple) else (done,)):
                logger.info("%s: %s", name, done)
        finally:
            db.session.remove()
        stopping.wait(interval)


def run(interval: float = 2.0, batch: int = 50) -> None:
    """The service: both duties every `interval` seconds until SIGTERM or SIGINT.

    A signal lets the mail being sent finish (its SMTP timeout bounds that), then returns.
    """
    stopping = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopping.set())
    app = current_app._get_current_object()
    if app.logger.level == logging.NOTSET:
        app.logger.setLevel(logging.INFO)  # a service says what it does in its journal
    app.logger.info("worker started (every %.1f s, %d mails per batch)", interval, batch)

    def announcing():
        with app.app_context():
            _every(interval, stopping, notify.announce_pending, "submissions announced")

    announcer = threading.Thread(target=announcing, name="announce", daemon=True)
    announcer.start()
    _every(interval, stopping,
           lambda: mailer.drain(batch, stop=stopping.is_set), "mail sent, failed")
    announcer.join(timeout=30)
    app.logger.info("worker stopped")
