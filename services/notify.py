"""Who hears about a change: in-app notifications for staff, mail for staff and citizens.

Connected to `lifecycle.message_changed`, so it runs inside the transaction of the change:
the notification and the queued mail exist exactly when the change does. A submission is
the exception (`ANNOUNCED_LATER`): it records a `PendingAnnouncement` in its transaction and
the background worker writes its notifications and receipt (`announce_pending`), so the
citizen's request never waits on the fan-out to staff.
"""
from contextlib import nullcontext

from flask import current_app, has_request_context, request, url_for
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _

from models import Notification, PendingAnnouncement, Role, User, db, utcnow
from models.cache import cached_for_request
from models.lifecycle import RULES, allowed_actions, message_changed
from models.user import roles_users
from models.vocabulary import ACTION_LABELS, IN_REVIEW, STATUS_LABELS
from services import mailer

# Outside a request, with no PUBLIC_BASE_URL, a link can only guess: the development server.
FALLBACK_BASE_URL = "http://localhost:5000"


def external_url(endpoint: str, **values) -> str:
    """An absolute link for a mail, on the address the service is reached at: PUBLIC_BASE_URL
    when the installation sets it; otherwise, during a request, the address that request came
    to (what the person sees in their browser); else `public_url`'s fallback."""
    if not current_app.config.get("PUBLIC_BASE_URL") and has_request_context():
        return url_for(endpoint, _external=True, **values)
    return public_url(endpoint, **values)


def public_url(endpoint: str, **values) -> str:
    """An absolute link on PUBLIC_BASE_URL, never on the Host a request names (anyone can send
    any Host). Without PUBLIC_BASE_URL it can only fall back to the development server's
    address, and says so in the log."""
    base = current_app.config.get("PUBLIC_BASE_URL")
    if not base:
        current_app.logger.warning("PUBLIC_BASE_URL is not set: links point to %s",
                                   FALLBACK_BASE_URL)
        base = FALLBACK_BASE_URL
    with current_app.test_request_context(base_url=base.rstrip("/") + "/"):
        return url_for(endpoint, _external=True, **values)


def staff_with_role(role: str, opd_id=None):
    # From the role to its holders: a handful of rows, however many citizens have accounts.
    holders = db.select(roles_users.c.user_id).join(Role).where(Role.name == role)
    query = User.query.filter(User.id.in_(holders), User.active.is_(True))
    if opd_id is not None:
        query = query.filter(User.opd_id == opd_id)
    return query.all()


def _monitors_of(message):
    subcategory = message.subcategory
    return [user for user in (subcategory.monitors if subcategory else ()) if user.active]


def _notify(users, message, kind: str, text: str, mail_subject: str | None = None):
    link = external_url("admin.index")
    for user in users:
        db.session.add(Notification(user_id=user.id, message=message, kind=kind, text=text[:255]))
        if mail_subject:
            mailer.enqueue_template(user.email, mail_subject, "staff", user=user, message=message,
                                    text=text, link=link)


def _mail_citizen(message, event, anonymous: bool):
    """The citizen's mail about a public change. When nobody signed in caused it (a guest's
    or an API client's submission), the address and the text are a stranger's choice, so
    the mail counts against the address's limit."""
    recipient = message.reporter.email if message.reporter else message.guest_email
    if not recipient:
        return
    subject = _("[%(tracking)s] %(status)s", tracking=message.tracking,
                status=STATUS_LABELS[message.status])
    # Only the account that sent a message may rate it: that citizen's mail leads to the
    # rating form on its own page; a guest's mail leads to the public tracking page.
    invite_rating = message.reporter is not None and "rate" in allowed_actions(message.reporter,
                                                                               message)
    if invite_rating:
        link = external_url("portal.history_detail", nomor=message.tracking, _anchor="nilai")
    else:
        link = external_url("portal.tracking_detail", nomor=message.tracking)
    row = mailer.enqueue_template(recipient, subject, "status", limited=anonymous,
                                  message=message, event=event,
                                  status_label=STATUS_LABELS[message.status],
                                  action_label=ACTION_LABELS.get(event.action, event.action),
                                  link=link, invite_rating=invite_rating)
    if row is not None:
        row.event = event  # the publish step ends when this notice goes out


def settle_notifications(message, action) -> None:
    """Notifications that ask for an action are done once that action has happened, whoever
    did it: a new message stops waiting for the admins when one of them triages it, and so on.
    Which kinds each action settles is part of its rule (`Rule.settles`)."""
    rule = RULES.get(action)
    kinds = rule.settles if rule else ()
    if kinds and message.id is not None:
        (Notification.query
         .filter(Notification.message_id == message.id, Notification.kind.in_(kinds),
                 Notification.read_at.is_(None))
         .update({"read_at": utcnow()}, synchronize_session=False))


# Citizens and API clients submit in bulk; staff act one message at a time, and an officer's
# next page should already show what their action set off.
ANNOUNCED_LATER = frozenset({"submit"})


@message_changed.connect
def on_message_changed(message, action, actor=None, event=None, **_extra):
    if action in ANNOUNCED_LATER:
        db.session.add(PendingAnnouncement(
            message=message, event=event, action=action, by_stranger=actor is None,
            base_url=request.host_url if has_request_context() else None,
            locale=str(get_locale() or "") or None))
        return
    announce(message, action, event, by_stranger=actor is None)


def announce(message, action, event=None, by_stranger: bool = False) -> None:
    """Write the notifications and mails a change sets off, in the current transaction."""
    settle_notifications(message, action)
    # Announced later, a submission may already be triaged or withdrawn: then nobody waits.
    if action == "submit" and message.status == "baru":
        _notify(staff_with_role("admin"), message, "baru",
                _("Pesan baru %(t)s: %(p)s", t=message.tracking, p=message.perihal),
                _("Pesan baru masuk: %(t)s", t=message.tracking))
    elif action in ("forward", "reroute"):
        operators = staff_with_role("operator", message.opd_id)
        _notify(operators, message, "diteruskan",
                _("Pesan %(t)s diteruskan ke OPD Anda: %(p)s", t=message.tracking, p=message.perihal),
                _("Pesan diteruskan ke OPD Anda: %(t)s", t=message.tracking))
        if not operators:
            unheard = {user.id: user for user in [*staff_with_role("admin"), *_monitors_of(message)]}
            _notify(unheard.values(), message, "tanpa_operator",
                    _("Pesan %(t)s diteruskan ke %(o)s, yang belum punya operator aktif: tidak "
                      "ada yang menerimanya.", t=message.tracking, o=message.opd.name),
                    _("Pesan %(t)s diteruskan ke OPD tanpa operator aktif", t=message.tracking))
    elif action == "return":
        _notify(staff_with_role("admin"), message, "dikembalikan",
                _("Pesan %(t)s dikembalikan OPD: %(n)s", t=message.tracking, n=event.note or ""),
                _("Pesan dikembalikan OPD: %(t)s", t=message.tracking))
    elif action == "reply" and message.status == IN_REVIEW:
        _notify(staff_with_role("admin"), message, IN_REVIEW,
                _("Tanggapan OPD untuk pesan %(t)s menunggu pemeriksaan", t=message.tracking),
                _("Tanggapan OPD menunggu pemeriksaan: %(t)s", t=message.tracking))
    elif action == "send_back":
        _notify(staff_with_role("operator", message.opd_id), message, "perbaiki",
                _("Tanggapan untuk pesan %(t)s dikembalikan untuk diperbaiki: %(n)s",
                  t=message.tracking, n=event.note or ""),
                _("Tanggapan dikembalikan untuk diperbaiki: %(t)s", t=message.tracking))
    elif action == "reopen":
        _notify(staff_with_role("operator", message.opd_id), message, "dibuka",
                _("Pesan %(t)s dibuka kembali oleh pelapor", t=message.tracking),
                _("Pesan dibuka kembali: %(t)s", t=message.tracking))
    elif action == "reprimand":
        _notify(staff_with_role("operator", message.opd_id), message, "teguran",
                _("Teguran untuk pesan %(t)s: %(n)s", t=message.tracking, n=event.note or ""),
                _("Teguran atas pesan %(t)s", t=message.tracking))
    if event is not None and event.public:
        _mail_citizen(message, event, anonymous=by_stranger)


def announce_pending(limit: int = 200) -> int:
    """Announce up to `limit` recorded changes, oldest first; returns how many this call did.

    Each is announced in its own transaction, which also deletes its row: a row another
    worker deleted first matches nothing and is skipped, so every change is announced once.
    """
    due = [row_id for (row_id,) in db.session.query(PendingAnnouncement.id)
           .order_by(PendingAnnouncement.id).limit(limit)]
    db.session.commit()  # end the read: each announcement below is its own transaction
    done = 0
    for row_id in due:
        row = db.session.get(PendingAnnouncement, row_id)
        taken = (row is not None and PendingAnnouncement.query.filter_by(id=row_id)
                 .delete(synchronize_session=False) == 1)
        if not taken:
            db.session.rollback()
            continue
        # Links and words as the request that caused it would have written them.
        base = current_app.config.get("PUBLIC_BASE_URL") or row.base_url
        place = (current_app.test_request_context(base_url=base.rstrip("/") + "/") if base
                 else nullcontext())  # a command's submission: `external_url` says what it does
        with place, force_locale(row.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
            if row.message is not None:
                announce(row.message, row.action, row.event, by_stranger=row.by_stranger)
        db.session.commit()
        done += 1
    return done


BADGE_CAP = 99  # the badge shows "99+" beyond this; counting further only costs time

# Every back-office page asks: a statement built once and asked of the table, not through the ORM.
_notifications = Notification.__table__
_UNREAD_COUNT = db.select(db.func.count()).select_from(
    db.select(_notifications.c.id)
    .where(_notifications.c.user_id == db.bindparam("user_id"), _notifications.c.read_at.is_(None))
    .limit(BADGE_CAP + 1).subquery())


def unread_count(user) -> int:
    """The badge: how many notifications the dashboard lists as unread, at most BADGE_CAP + 1.

    A teguran's notification stays unread until the OPD acknowledges the teguran
    (`settle_teguran`), so the badge and the list always agree.
    """
    if not user.is_authenticated:
        return 0
    return cached_for_request(f"unread:{user.id}", lambda: db.session.connection().execute(
        _UNREAD_COUNT, {"user_id": user.id}).scalar_one())


def badge_text(count: int) -> str:
    return f"{BADGE_CAP}+" if count > BADGE_CAP else str(count)


def unread_notifications(user, limit: int = 20):
    return (Notification.query.filter_by(user_id=user.id, read_at=None)
            .order_by(Notification.id.desc()).limit(limit).all())


def mark_read(user, notification_id=None) -> int:
    """Mark one of the user's notifications (or all, with no id) read; returns how many.

    Another user's notification id matches nothing, so it stays untouched.
    """
    query = Notification.query.filter_by(user_id=user.id, read_at=None)
    if notification_id is not None:
        query = query.filter_by(id=notification_id)
    return query.update({"read_at": utcnow()}, synchronize_session=False)


# A message's unread notifications for one user (teguran stay until acknowledged), asked on
# every opening of a message: the statements are built once.
# (The parameters are not named after columns: an UPDATE's parameter so named would be a SET.)
_UNREAD_OF_MESSAGE = (_notifications.c.user_id == db.bindparam("reader"),
                      _notifications.c.message_id == db.bindparam("opened"),
                      _notifications.c.read_at.is_(None), _notifications.c.kind != "teguran")
# With the badge's count in the same statement: the page shows it next.
_ANY_UNREAD_OF_MESSAGE_AND_BADGE = db.select(db.exists().where(*_UNREAD_OF_MESSAGE),
                                             _UNREAD_COUNT.scalar_subquery())
_READ_ALL_OF_MESSAGE = (_notifications.update().where(*_UNREAD_OF_MESSAGE)
                        .values(read_at=db.bindparam("now")))


def mark_read_for_message(user, message) -> int:
    """Opening a message reads its notifications (teguran stay until acknowledged).

    Most openings find nothing unread: that is asked first, so a page view writes (and on
    SQLite takes the database's write lock) only when it has something to mark. The same
    statement counts the reader's badge, which the page then shows without asking again
    (until a write: `cached_for_request`); when something was marked, the badge is counted anew.
    """
    which = {"reader": user.id, "opened": message.id}
    connection = db.session.connection()
    any_unread, badge = connection.execute(_ANY_UNREAD_OF_MESSAGE_AND_BADGE,
                                           {**which, "user_id": user.id}).one()
    if not any_unread:
        cached_for_request(f"unread:{user.id}", lambda: badge)
        return 0
    return connection.execute(_READ_ALL_OF_MESSAGE, {**which, "now": utcnow()}).rowcount


def settle_teguran(message) -> int:
    """A teguran acknowledged by its OPD is read for every operator it was sent to."""
    return (Notification.query
            .filter_by(message_id=message.id, kind="teguran", read_at=None)
            .update({"read_at": utcnow()}, synchronize_session=False))
