"""The outgoing mail queue.

Every mail, Flask-Security's included, becomes a `QueuedMail` row in the transaction of the
action that caused it. Delivery happens after that transaction (right after the request in
the embedded default, or by `flask --app wsgi mail-deliver`), with retries and back-off, so a
broken mail server never loses or blocks a submission or a transition.
"""
from datetime import timedelta

from flask import current_app, g, render_template
from flask_mailman import EmailMultiAlternatives
from flask_security import MailUtil
from jinja2 import TemplateNotFound

from models import QueuedMail, db, utcnow


def enqueue(recipient: str, subject: str, body: str, html: str | None = None) -> QueuedMail | None:
    """Queue one mail in the current session; the caller's commit makes it real."""
    if not recipient:
        return None
    row = QueuedMail(recipient=recipient, subject=str(subject), body=body, html=html)
    db.session.add(row)
    g.mail_queued = True
    return row


def enqueue_template(recipient: str, subject: str, template: str, **context) -> QueuedMail | None:
    """Queue a mail rendered from templates/mail/<template>.txt (and .html when it exists)."""
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
    """Flask-Security's mails go through the same queue as ours."""

    def send_mail(self, template, subject, recipient, sender, body, html, **kwargs):
        enqueue(str(recipient), str(subject), body or "", html)
        db.session.commit()


def _backoff(attempts: int) -> timedelta:
    return timedelta(minutes=min(60, 2 ** attempts))


def deliver_pending(limit: int = 50) -> tuple[int, int]:
    """Send queued mails that are due; returns (sent, failed). Safe to run concurrently:
    each row is claimed by bumping its attempt counter before sending."""
    sent = failed = 0
    mail = current_app.extensions["mailman"]
    max_attempts = current_app.config.get("MAIL_MAX_ATTEMPTS", 5)
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    due = (QueuedMail.query.filter(QueuedMail.sent_at.is_(None),
                                   QueuedMail.attempts < max_attempts,
                                   QueuedMail.next_attempt_at <= utcnow())
           .order_by(QueuedMail.id).limit(limit).all())
    for row in due:
        claimed = (QueuedMail.query.filter_by(id=row.id, attempts=row.attempts, sent_at=None)
                   .update({"attempts": row.attempts + 1,
                            "next_attempt_at": utcnow() + _backoff(row.attempts + 1)}))
        db.session.commit()
        if not claimed:
            continue
        try:
            with mail.get_connection() as connection:
                msg = EmailMultiAlternatives(row.subject, body=row.body, from_email=sender,
                                             to=[row.recipient], connection=connection)
                if row.html:
                    msg.attach_alternative(row.html, "text/html")
                msg.send()
        except Exception as exc:  # noqa: BLE001 - any transport error is retried later
            row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            failed += 1
            current_app.logger.warning("mail %s to %s failed: %s", row.id, row.recipient, exc)
        else:
            row.sent_at = utcnow()
            row.last_error = None
            sent += 1
        db.session.commit()
    return sent, failed


def register_delivery(app):
    """Deliver what a request queued once its transaction is over (embedded default)."""

    @app.teardown_appcontext
    def deliver_after_request(exc):
        if exc is not None or not g.pop("mail_queued", False):
            return
        if not app.config.get("MAIL_DELIVER_AFTER_REQUEST"):
            return
        # Anything not committed by now was not meant to happen: drop it before sending.
        db.session.remove()
        try:
            deliver_pending()
        except Exception:  # noqa: BLE001 - delivery must never break the response
            app.logger.exception("mail delivery after request failed")
        finally:
            db.session.remove()
