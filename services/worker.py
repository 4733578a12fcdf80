"""The background service beside the web workers: `flask --app wsgi mail-deliver [--loop]`.

It has five duties: announcing the recorded submissions (`notify.announce_pending`: the
admins' notifications and mails, the citizen's receipt; in a burst, once it pauses),
delivering the mail that is due (`mailer.drain`), counting again the most asked-for figures
when the data changed (`models.cache.refresh_cached_figures`, every FIGURES_REFRESH seconds),
training the triage model when it is due (`triage_training.train_when_due`, looked at every
TRIAGE_TRAIN_EVERY seconds) and removing expired files from the cache folder
(`models.cache.sweep_cache_files`, hourly).
Requests only record what is to be done, in their own transaction. In the service each duty
runs in its own thread, so a hung mail server (each mail may wait MAIL_TIMEOUT) never delays
the staff's notifications, nor a long count either; one run without `--loop` does each once.
"""
import logging
import os
import signal
import threading
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func

from models import PendingAnnouncement, db
from models.base import utcnow
from models.cache import refresh_cached_figures, sweep_cache_files
from services import mailer, notify, triage_training

NICENESS = 10  # added to the service's scheduling niceness (lower CPU priority)
# In a burst of submissions the announcing waits until they pause for BURST_QUIET seconds, so
# the web workers have the CPU and the database's write lock to themselves while citizens
# wait for their tracking numbers; never longer than BURST_PATIENCE after the oldest, so a
# steady stream is announced all the same.
BURST_QUIET = timedelta(seconds=1)
BURST_PATIENCE = timedelta(seconds=10)
SWEEP_SECONDS = 3600  # how often expired files leave the cache folder


def announce_after_burst(now: datetime | None = None) -> int:
    """The service's announcing: `notify.announce_pending` once the submissions pause."""
    now = now or utcnow()
    oldest, newest = db.session.query(func.min(PendingAnnouncement.created_at),
                                      func.max(PendingAnnouncement.created_at)).one()
    db.session.commit()
    if newest is None:
        return 0
    if now - newest < BURST_QUIET and now - oldest < BURST_PATIENCE:
        return 0  # still arriving: the next round looks again
    return notify.announce_pending()


def one_round(batch: int = 50) -> tuple[int, int, int]:
    """Announce what is pending, drain the mail queue, count changed figures again, train
    the triage model when due, sweep the cache folder; (announced, sent, failed)."""
    announced = notify.announce_pending()
    sent, failed = mailer.drain(batch)
    if current_app.config["FIGURES_REFRESH"] > 0:
        refresh_cached_figures()
    if current_app.config["TRIAGE_TRAIN_EVERY"] > 0:
        triage_training.train_when_due()
    sweep_cache_files()
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
    """The service: its duties, each in its thread, every `interval` seconds (the figures
    every FIGURES_REFRESH) until SIGTERM or SIGINT.

    A signal lets the mail being sent finish (its SMTP timeout bounds that), then returns.
    """
    # Behind the web workers for the CPU: in a burst of submissions the citizens' requests
    # are served first and the worker catches up after (seconds, not requests, later).
    os.nice(NICENESS)
    stopping = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopping.set())
    app = current_app._get_current_object()
    if app.logger.level == logging.NOTSET:
        app.logger.setLevel(logging.INFO)  # a service says what it does in its journal
    app.logger.info("worker started (every %.1f s, %d mails per batch)", interval, batch)

    def beside(every: float, duty, name: str) -> threading.Thread:
        def loop():
            with app.app_context():
                _every(every, stopping, duty, name)
        thread = threading.Thread(target=loop, name=name, daemon=True)
        thread.start()
        return thread

    threads = [beside(interval, announce_after_burst, "submissions announced"),
               beside(SWEEP_SECONDS, sweep_cache_files, "expired cache files removed")]
    if app.config["FIGURES_REFRESH"] > 0:
        threads.append(beside(app.config["FIGURES_REFRESH"], refresh_cached_figures,
                              "figures refreshed"))
    if app.config["TRIAGE_TRAIN_EVERY"] > 0:
        threads.append(beside(app.config["TRIAGE_TRAIN_EVERY"], triage_training.train_when_due,
                              "triage model trained on decisions"))
    _every(interval, stopping,
           lambda: mailer.drain(batch, stop=stopping.is_set), "mail sent, failed")
    for thread in threads:
        thread.join(timeout=30)
    app.logger.info("worker stopped")
