"""The lifecycle rules (which step is allowed from which status, and to whom), checked on
the module every door calls."""
from datetime import datetime, timedelta

import pytest

from models import Message, MessageEvent, Subcategory, User, db, lifecycle, utcnow
from models.sla import add_workdays, workdays_between
from tests.helpers import advance, gen_message


def _finished_message(app, people):
    """A message answered by Diskominfo (status selesai), and that OPD's operator."""
    return gen_message(app, status="selesai"), people["op-diskominfo"]


class Actor:
    """A stand-in for flask_login's current_user built from a real User row."""

    def __init__(self, user):
        self._user = user

    def __getattr__(self, name):
        return getattr(self._user, name)

    is_authenticated = True


@pytest.fixture
def people(demo, db_session):
    """The demo accounts as actors, inside one app context shared with the test."""
    return {user.username: Actor(user) for user in User.query.all()}


def test_full_happy_path_appends_one_event_per_step(app, people):
    """Does a message go baru → diteruskan → diproses → selesai with a timeline event each?"""
    message = gen_message(app, status="diteruskan")
    op = people["op-diskominfo"]
    lifecycle.perform(message, "accept", op)
    lifecycle.perform(message, "update", op, note="Teknisi dijadwalkan.")
    lifecycle.perform(message, "reply", op, answer="Sudah diperbaiki.")
    db.session.commit()
    assert message.status == "selesai"
    actions = [e.action for e in MessageEvent.query.filter_by(message_id=message.id)
               .order_by(MessageEvent.id)]
    # The note written for the OPD when forwarding is an internal step of its own.
    assert actions == ["submit", "forward", "note", "accept", "update", "reply"]
    assert message.answer == "Sudah diperbaiki."


def test_reply_is_refused_before_the_operator_accepts(app, people):
    """Can an operator reply to a message it has not accepted yet (status diteruskan)?"""
    message = gen_message(app, status="diteruskan")
    with pytest.raises(lifecycle.TransitionError) as error:
        lifecycle.perform(message, "reply", people["op-diskominfo"], answer="x")
    assert error.value.status_code == 409
    assert message.status == "diteruskan"


def test_operator_of_another_opd_may_not_act(app, people):
    """Can op-dlh accept a message forwarded to Diskominfo?"""
    message = gen_message(app, status="diteruskan")
    with pytest.raises(lifecycle.Forbidden):
        lifecycle.perform(message, "accept", people["op-dlh"])
    assert message.status == "diteruskan"


def test_forward_requires_category_subcategory_and_opd(app, people):
    """Is forwarding without an OPD refused with a clear message?"""
    message = gen_message(app)
    sub = Subcategory.query.filter_by(code="adu-internet").one()
    with pytest.raises(lifecycle.TransitionError, match="OPD"):
        lifecycle.perform(message, "forward", people["admin"], category=sub.category,
                          subcategory=sub)
    db.session.rollback()
    assert db.session.get(Message, message.id).status == "baru"


def test_stale_version_is_refused(app, people):
    """Does an action built on an old version of the message fail without changing it?"""
    message = gen_message(app)
    seen = message.version
    advance(app, message, "forward")
    with pytest.raises(lifecycle.StaleError):
        lifecycle.perform(message, "close", people["admin"], expected_version=seen,
                          reason="spam", note="iklan")
    assert message.status == "diteruskan"


def test_withdraw_only_while_baru_and_only_by_reporter(app, people):
    """May the reporter withdraw a new message, and nobody else, and not after triage?"""
    message = gen_message(app)
    with pytest.raises(lifecycle.Forbidden):
        lifecycle.perform(message, "withdraw", people["admin"])
    advance(app, message, "forward")
    with pytest.raises(lifecycle.TransitionError):
        lifecycle.perform(message, "withdraw", people["warga"])
    assert message.status == "diteruskan"


def test_rating_half_steps_once(app, people):
    """Is a rating of 4.5 stored, and are 4.3, 0 and a second rating refused?"""
    message, op = _finished_message(app, people)
    for bad in ("4.3", "0", "5.5", "abc"):
        with pytest.raises(lifecycle.TransitionError):
            lifecycle.perform(message, "rate", people["warga"], stars=bad)
    lifecycle.perform(message, "rate", people["warga"], stars="4.5", note="Baik")
    db.session.commit()
    assert message.rating.half_stars == 9 and message.rating.stars == 4.5
    with pytest.raises(lifecycle.TransitionError):
        lifecycle.perform(message, "rate", people["warga"], stars="5")


def test_reopen_once_back_at_the_same_opd(app, people):
    """Does a reopened message return to diproses at the same OPD, and only once?"""
    message, op = _finished_message(app, people)
    with pytest.raises(lifecycle.TransitionError):
        lifecycle.perform(message, "reopen", people["warga"], note="  ")
    lifecycle.perform(message, "reopen", people["warga"], note="Belum diperbaiki.")
    assert message.status == "diproses" and message.opd.code == "DISKOMINFO"
    lifecycle.perform(message, "reply", op, answer="Kini benar-benar selesai.")
    with pytest.raises(lifecycle.TransitionError, match="satu kali"):
        lifecycle.perform(message, "reopen", people["warga"], note="Masih belum.")


def test_reopen_refused_after_ten_working_days(app, people):
    """Is reopening refused when the answer is more than 10 working days old?"""
    message, op = _finished_message(app, people)
    message.finished_at = utcnow() - timedelta(days=20)
    with pytest.raises(lifecycle.TransitionError, match="10 hari kerja"):
        lifecycle.perform(message, "reopen", people["warga"], note="Belum.")
    assert message.status == "selesai"


def test_return_to_admin_clears_the_opd(app, people):
    """When an operator returns a misrouted message, does it leave the OPD's hands?"""
    message = gen_message(app, status="diteruskan")
    lifecycle.perform(message, "return", people["op-diskominfo"], note="Bukan kewenangan kami")
    db.session.commit()
    assert message.status == "baru" and message.opd_id is None
    assert not lifecycle.is_operator_of(people["op-diskominfo"], message)


def test_working_days_skip_weekends():
    """Does the SLA clock count Monday to Friday only?"""
    friday = datetime(2026, 11, 20, 9, 0)  # a Friday
    assert add_workdays(friday, 2) == datetime(2026, 11, 24, 9, 0)  # Tuesday
    saturday = datetime(2026, 11, 21, 9, 0)
    assert add_workdays(saturday, 1) == datetime(2026, 11, 24, 9, 0)
    assert workdays_between(friday, datetime(2026, 11, 23, 8, 0)) == 1


def test_submit_never_reuses_a_tracking_number(app, people, monkeypatch):
    """If the random generator repeats a number already given, does the new message get another?"""
    from models import message as message_module

    first = gen_message(app)
    numbers = iter([first.tracking, "ASP-NEWNUMB2"])
    monkeypatch.setattr(message_module, "new_tracking_number", lambda: next(numbers))
    monkeypatch.setattr(lifecycle, "new_tracking_number", lambda: next(numbers))
    second = gen_message(app)
    assert second.tracking == "ASP-NEWNUMB2"
    assert Message.query.filter_by(tracking=first.tracking).count() == 1


def test_working_days_skip_public_holidays():
    """Is a public holiday skipped like a weekend?"""
    from datetime import date

    thursday = datetime(2026, 12, 24, 2, 0)  # 10:00 WITA, Thursday 24 December
    christmas = frozenset({date(2026, 12, 25)})
    assert add_workdays(thursday, 1) == datetime(2026, 12, 25, 2, 0)
    assert add_workdays(thursday, 1, christmas) == datetime(2026, 12, 28, 2, 0)  # Monday


def test_working_days_follow_the_local_calendar():
    """Is Monday 07:00 WITA (Sunday 23:00 UTC) counted as a Monday, not a Sunday?"""
    monday_early = datetime(2026, 11, 22, 23, 0)  # = Monday 23 Nov 07:00 WITA
    assert add_workdays(monday_early, 2) == datetime(2026, 11, 24, 23, 0)  # Wednesday 07:00 WITA


def test_answer_deadline_uses_the_holidays_the_superadmin_keeps(app, people):
    """With Thursday 19 March recorded as a holiday, does a Wednesday forwarding get a Monday
    deadline instead of a Friday one?"""
    from datetime import date

    from models import Holiday
    from models.sla import answer_deadline

    wednesday = datetime(2026, 3, 18, 2, 0)
    assert answer_deadline(wednesday) == datetime(2026, 3, 20, 2, 0)
    db.session.add(Holiday(day=date(2026, 3, 19), name="Hari libur uji"))
    db.session.commit()
    assert answer_deadline(wednesday) == datetime(2026, 3, 23, 2, 0)  # Thu off, Fri, weekend, Mon
