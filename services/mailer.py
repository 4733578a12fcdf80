"""The outgoing mail queue and its delivery worker.

Every mail, Flask-Security's included, becomes a `QueuedMail` row in the transaction of the
action that caused it; no request ever talks to a mail server. A separate process delivers
the queue (`services.worker`): `flask --app wsgi mail-deliver --loop` (a service), or
`mail-deliver` without `--loop` from cron, which drains what is due once. A broken or
silent mail server therefore never slows, loses or fails a submission or a transition.

Delivery is at-least-once; a mail goes out twice only after a crash at one precise moment:
- a row is claimed before sending by a compare-and-swap on its attempt counter (an UPDATE
  that matches only the counter value the worker read, committed on its own), so of two
  workers that read the same row only one sends it;
- the claim also pushes `next_attempt_at` forward by the back-off (two minutes at least), a
  lease far longer than a send can take (MAIL_TIMEOUT, 10 s, bounds each step of it), so
  nobody else picks the row up while it is being sent;
- `sent_at` is set right after the server accepted the mail, and a row with `sent_at` is
  never selected again.
If the worker dies between the server's "accepted" and that commit, the row is sent again
once its lease runs out: a rare duplicate is preferred to a verification or reset mail that
silently never arrives (at-most-once would need to give those up).

Mail a stranger can cause (account mails, the receipt of a guest or API submission) is
limited per recipient address, each kind of mail counted apart: see `recipient_saturated`.
"""
from datetime import timedelta

from flask import current_app, render_template
from flask_mailman import EmailMultiAlternatives
from flask_security import MailUtil
from jinja2 import TemplateNotFound
from sqlalchemy import func

from models import QueuedMail, db, utcnow

# The kinds of mail the per-recipient limit counts apart, each with the setting that bounds it
# in the window. Notices about a message (a guest's receipt, a status change) can be caused by
# anyone who types the address; they never use up the share of the mail a person asks for
# about their own account. A reset has a kind of its own: /reset is also limited per address
# typed (RATE_LIMITS["reset_address"], below this share), so a reset that page accepts is
# always queued, and a refused one is told on the page.
MAIL_KINDS = {"notice": "MAIL_PER_RECIPIENT_LIMIT",
              "account": "MAIL_ACCOUNT_PER_RECIPIENT_LIMIT",
              "reset": "MAIL_ACCOUNT_PER_RECIPIENT_LIMIT"}
# Flask-Security's mails by template name; every other one of its mails is an "account" mail.
SECURITY_MAIL_KINDS = {"reset_instructions": "reset"}


def recipient_saturated(recipient: str, kind: str = "notice") -> bool:
    """Has this address already been queued its share of mail of this `kind` in the window?

    Every queued row of the kind to the address counts, whatever caused it, so a stranger
    cannot turn the service into a mail cannon aimed at one inbox, from however many client
    addresses.
    """
    most = current_app.config[MAIL_KINDS[kind]]
    since = utcnow() - current_app.config["MAIL_PER_RECIPIENT_WINDOW"]
    queued = (QueuedMail.query
              .filter(func.lower(QueuedMail.recipient) == recipient.strip().lower(),
                      QueuedMail.created_at >= since, QueuedMail.kind == kind)
              .count())
    return queued >= most


def _over_limit(recipient: str, limited: bool, kind: str) -> bool:
    if limited and recipient_saturated(recipient, kind):
        current_app.logger.warning("%s mail to %s not queued: per-recipient limit reached",
                                   kind, recipient)
        return True
    return False


def enqueue(recipient: str, subject: str, body: str, html: str | None = None,
            limited: bool = False, kind: str = "notice") -> QueuedMail | None:
    """Queue one mail of `kind` (MAIL_KINDS) in the current session; the caller's commit makes
    it real.

    `limited` mail (caused by someone who has not proven they own the address) is dropped,
    with a log line, once the address has had its share of that kind; the action itself goes
    on.
    """
    if not recipient or _over_limit(recipient, limited, kind):
        return None
    row = QueuedMail(recipient=recipient, subject=str(subject), body=body, html=html, kind=kind)
    db.session.add(row)
    return row


def enqueue_template(recipient: str, subject: str, template: str, limited: bool = False,
                     **context) -> QueuedMail | None:
    """Queue a mail rendered from templates/mail/<template>.txt (and .html when it exists)."""
    if not recipient or _over_limit(recipient, limited, "notice"):
        return None
    body = render_template(f"mail/{template}.txt", **context)
    html_name = f"mail/{template}.html"
    try:
        html = render_template(html_name, **context)
    except TemplateNotFound as missing:
        if missing.name != html_name:
            raise  # the HTML part exists but includes something missing: a bug to see
        html = None  # the HTML part is optional; a broken one raises like any template
    return enqueue(recipient, subject, body, html)


class QueuedMailUtil(MailUtil):
    """Flask-Security's mails go through the same queue as ours.

    They are all limited per recipient: registration, verification, reset and their notices
    can be set off by anyone who types an address. They are counted apart from the notices
    about messages (`MAIL_KINDS`), which anyone can cause with someone else's address. The
    form's answer stays the same whether or not a mail was queued, so the limit reveals
    nothing about accounts.
    """

    def send_mail(self, template, subject, recipient, sender, body, html, **kwargs):
        kind = SECURITY_MAIL_KINDS.get(template, "account")
        if enqueue(str(recipient), str(subject), body or "", html, limited=True,
                   kind=kind) is not None:
            # Flask-Security sends after its own commit; the row needs one of its own.
            db.session.commit()


def _backoff(attempts: int) -> timedelta:
    return timedelta(minutes=min(60, 2 ** attempts))


def _claim(row_id: int, attempts: int) -> bool:
    """Take the row for this worker; False when another worker was first.

    `attempts` must be the value read when the row was found due, not a fresh read: a fresh
    read would see another worker's claim and happily claim the row a second time.
    """
    claimed = (QueuedMail.query
               .filter_by(id=row_id, attempts=attempts, sent_at=None)
               .update({"attempts": attempts + 1,
                        "next_attempt_at": utcnow() + _backoff(attempts + 1)},
                       synchronize_session=False))
    db.session.commit()
    return bool(claimed)


def _send(row: QueuedMail) -> None:
    mail = current_app.extensions["mailman"]
    with mail.get_connection() as connection:
        msg = EmailMultiAlternatives(row.subject, body=row.body,
                                     from_email=current_app.config["MAIL_DEFAULT_SENDER"],
                                     to=[row.recipient], connection=connection)
        if row.html:
            msg.attach_alternative(row.html, "text/html")
        msg.send()


def deliver_pending(limit: int = 50, stop=lambda: False) -> tuple[int, int]:
    """Send up to `limit` queued mails that are due; returns (sent, failed).

    Safe to run in several processes at once (see the module docstring). Stops early, between
    two mails, when `stop()` turns true; a silent server costs each mail its MAIL_TIMEOUT.
    """
    sent, failed, _found = _deliver_batch(limit, stop)
    return sent, failed


def _deliver_batch(limit: int, stop) -> tuple[int, int, int]:
    """One batch: (sent, failed, how many were due), the due rows another worker took included."""
    sent = failed = 0
    max_attempts = current_app.config.get("MAIL_MAX_ATTEMPTS", 5)
    due = (db.session.query(QueuedMail.id, QueuedMail.attempts)
           .filter(QueuedMail.sent_at.is_(None), QueuedMail.attempts < max_attempts,
                   QueuedMail.next_attempt_at <= utcnow())
           .order_by(QueuedMail.id).limit(limit).all())
    db.session.commit()  # end the read: each claim below is its own short transaction
    for row_id, attempts in due:
        if stop():
            break
        if not _claim(row_id, attempts):
            continue
        row = db.session.get(QueuedMail, row_id)
        try:
            _send(row)
        except Exception as exc:  # noqa: BLE001 - any transport error is retried later
            failed += 1
            current_app.logger.warning("mail %s failed: %s", row_id, exc)
            (QueuedMail.query.filter_by(id=row_id)
             .update({"last_error": f"{type(exc).__name__}: {exc}"[:2000]},
                     synchronize_session=False))
            db.session.commit()
        else:
            sent += 1
            (QueuedMail.query.filter_by(id=row_id, sent_at=None)
             .update({"sent_at": utcnow(), "last_error": None}, synchronize_session=False))
            db.session.commit()
    return sent, failed, len(due)


def drain(batch: int = 50, max_batches: int = 100, stop=lambda: False) -> tuple[int, int]:
    """Deliver batch after batch until nothing is due, a batch fails, or `stop()`."""
    sent = failed = 0
    for _ in range(max_batches):
        batch_sent, batch_failed, found = _deliver_batch(batch, stop)
        sent, failed = sent + batch_sent, failed + batch_failed
        if batch_failed or found < batch or stop():
            break
    return sent, failed
