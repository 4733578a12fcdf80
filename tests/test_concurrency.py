"""Two staff acting on one message with the same stale page: one wins, nothing is overwritten."""
from models import AuditLog, Message, db
from tests.helpers import fresh, gen_message, get_opd, get_sub, get_user, log_in


def test_two_admins_conflicting_actions_one_wins(app, demo):
    """When two staff submit conflicting actions built on the same version, does exactly one win
    and the other get a clear 'changed meanwhile' message?"""
    with app.app_context():
        mid = gen_message(app).id
        internet = get_sub("adu-internet")
        forward = {"category_id": internet.category_id, "subcategory_id": internet.id,
                   "opd_id": get_opd("DISKOMINFO").id}
    version = fresh(app, mid)["version"]
    first, second = app.test_client(), app.test_client()
    log_in(first, "admin")
    log_in(second, "superadmin")
    page_one = first.get(f"/admin/detail/{mid}")
    page_two = second.get(f"/admin/detail/{mid}")
    assert page_one.status_code == page_two.status_code == 200
    won = first.post(f"/admin/detail/{mid}/aksi/forward", data={"version": version, **forward})
    lost = second.post(f"/admin/detail/{mid}/aksi/close",
                       data={"version": version, "reason": "spam", "note": "iklan"})
    assert won.status_code == 302
    assert lost.status_code == 409
    assert "diubah oleh petugas lain" in lost.get_data(as_text=True)
    state = fresh(app, mid)
    assert state["status"] == "diteruskan" and state["hidden"] is False
    assert state["events"] == ["submit", "forward"]
    with app.app_context():
        tracking = db.session.get(Message, mid).tracking
        assert [a.action for a in AuditLog.query.filter_by(object_id=tracking)] == ["pesan.forward"]


def test_database_version_check_catches_a_race(app, demo):
    """If two sessions load the same version and both commit, is the second refused?"""
    from sqlalchemy.orm import Session

    from models import lifecycle

    with app.app_context():
        mid = gen_message(app).id
        with Session(db.engine) as other:
            copy = other.get(Message, mid)
            copy.perihal = "Diubah sesi lain"
            message = db.session.get(Message, mid)
            lifecycle.perform(message, "note", get_user("admin"), expected_version=message.version,
                              note="catatan")
            other.commit()
            try:
                lifecycle.commit()
            except lifecycle.StaleError as error:
                assert "diubah oleh petugas lain" in str(error)
            else:
                raise AssertionError("a concurrent change was overwritten silently")
    state = fresh(app, mid)
    assert state["events"] == ["submit"]
