"""One answer per question: the buttons offered are the actions the rules then accept."""
from datetime import timedelta

import pytest
from jinja2 import ChoiceLoader, DictLoader, TemplateNotFound, TemplateSyntaxError

from models import (
    Category,
    Message,
    Opd,
    Setting,
    Subcategory,
    User,
    db,
    lifecycle,
    utcnow,
)
from tests.helpers import gen_message

ROLES = ("superadmin", "admin", "op-diskominfo", "op-dlh", "op-biroekonomi", "evaluator", "warga")


def _users():
    return {u.username: u for u in User.query.filter(User.username.in_(ROLES))}


def _sample_data(action, message):
    """Complete, valid input for each action, so only the rules can refuse it."""
    sub = Subcategory.query.filter_by(code="adu-internet").one()
    other_opd = Opd.query.filter(Opd.active.is_(True), Opd.id != message.opd_id).first()
    informasi = next(c for c in Category.query.all() if c.is_informasi)
    return {
        "forward": {"category": sub.category, "subcategory": sub,
                    "opd": Opd.query.filter_by(code="DISKOMINFO").one()},
        "reroute": {"opd": other_opd},
        "answer": {"category": informasi, "answer": "Loket buka sampai pukul 16.00."},
        "close": {"reason": "spam", "note": "Iklan."},
        "return": {"note": "Bukan kewenangan kami."},
        "update": {"note": "Teknisi dijadwalkan."},
        "reply": {"answer": "Sudah diperbaiki."},
        "reopen": {"note": "Belum diperbaiki."},
        "note": {"note": "Catatan."},
        "flags": {"anonim": not message.anonim},
        "rate": {"stars": 4},
        "reprimand": {"note": "Segera tanggapi."},
        "send_back": {"note": "Lengkapi jadwal perbaikan."},
    }.get(action, {})


def _message_in_every_state(app):
    """The demo messages (every status) plus the states the preconditions care about."""
    with app.app_context():
        warga = User.query.filter_by(username="warga").one()
        withdrawn = db.session.get(Message, gen_message(app, perihal="Dicabut").id)
        lifecycle.perform(withdrawn, "withdraw", warga)
        closed = db.session.get(Message, gen_message(app, perihal="Ditutup").id)
        lifecycle.perform(closed, "close", User.query.filter_by(username="admin").one(),
                          reason="spam", note="Iklan.")
        db.session.commit()
    rated = gen_message(app, status="diproses", perihal="Dinilai").id
    reopened = gen_message(app, status="diproses", perihal="Dibuka kembali").id
    too_late = gen_message(app, status="diproses", perihal="Terlambat dibuka").id
    with app.app_context():
        operator = User.query.filter_by(username="op-diskominfo").one()
        warga = User.query.filter_by(username="warga").one()
        for message_id in (rated, reopened, too_late):
            lifecycle.perform(db.session.get(Message, message_id), "reply", operator, answer="Ok.")
        lifecycle.perform(db.session.get(Message, rated), "rate", warga, stars=5)
        again = db.session.get(Message, reopened)
        lifecycle.perform(again, "reopen", warga, note="Belum.")
        lifecycle.perform(again, "reply", operator, answer="Sekarang sudah.")
        db.session.get(Message, too_late).finished_at = utcnow() - timedelta(days=60)
        db.session.commit()
    in_review = gen_message(app, status="diproses", perihal="Diperiksa").id
    with app.app_context():
        db.session.add(Setting(key="review_answers", value="1"))
        lifecycle.perform(db.session.get(Message, in_review), "reply",
                          User.query.filter_by(username="op-diskominfo").one(), answer="Ok.")
        db.session.delete(db.session.get(Setting, "review_answers"))
        db.session.commit()
        return [m.id for m in Message.query.all()], (rated, reopened, too_late)


@pytest.mark.slow
def test_every_listed_action_succeeds_and_every_other_is_refused(app, demo):
    """For every message state and every role: does perform accept exactly what
    allowed_actions lists (given complete input), and refuse every action it does not list?"""
    ids, _special = _message_in_every_state(app)
    with app.app_context():
        statuses = {db.session.get(Message, i).status for i in ids}
        assert statuses == {"baru", "diteruskan", "diproses", "diperiksa", "selesai", "ditutup",
                            "dicabut"}
        listed_somewhere = set()
        for message_id in ids:
            for name in ROLES:
                db.session.rollback()
                user, message = _users()[name], db.session.get(Message, message_id)
                allowed = lifecycle.allowed_actions(user, message)
                listed_somewhere.update(allowed)
                for action in lifecycle.RULES:
                    message = db.session.get(Message, message_id)
                    data = _sample_data(action, message)
                    if action in allowed:
                        lifecycle.perform(message, action, user, **data)  # must not raise
                    else:
                        with pytest.raises(lifecycle.TransitionError):
                            lifecycle.perform(message, action, user, **data)
                    db.session.rollback()
        assert listed_somewhere == set(lifecycle.RULES)  # every rule was exercised


def test_rate_and_reopen_leave_the_list_once_used_or_too_late(app, demo):
    """Is rating offered only before the first rating, and reopening only once and only
    within the reopen_workdays limit?"""
    _ids, (rated, reopened, too_late) = _message_in_every_state(app)
    with app.app_context():
        warga = _users()["warga"]

        def offered(message_id):
            return lifecycle.allowed_actions(warga, db.session.get(Message, message_id))

        assert "rate" not in offered(rated) and "reopen" in offered(rated)
        assert "reopen" not in offered(reopened) and "rate" in offered(reopened)
        assert "reopen" not in offered(too_late)
        with pytest.raises(lifecycle.TransitionError, match="hari kerja") as error:
            lifecycle.perform(db.session.get(Message, too_late), "reopen", warga, note="x")
        assert error.value.status_code == 409
        db.session.add(Setting(key="reopen_workdays", value="100"))
        db.session.commit()
        assert "reopen" in offered(too_late)


def test_citizen_page_hides_reopen_after_the_limit(app, client, login_as):
    """Does the citizen's page stop offering "Buka kembali" once the limit has passed
    (it used to offer it, and only the click was refused)?"""
    message_id = gen_message(app, status="diproses").id
    with app.app_context():
        message = db.session.get(Message, message_id)
        lifecycle.perform(message, "reply", User.query.filter_by(username="op-diskominfo").one(),
                          answer="Ok.")
        tracking = message.tracking
        db.session.commit()
    login_as("warga")
    assert "Buka kembali" in client.get(f"/riwayat/{tracking}").get_data(as_text=True)
    with app.app_context():
        db.session.get(Message, message_id).finished_at = utcnow() - timedelta(days=60)
        db.session.commit()
    assert "Buka kembali" not in client.get(f"/riwayat/{tracking}").get_data(as_text=True)


@pytest.mark.parametrize("days", ["7", "15"])
def test_reopen_limit_text_follows_the_setting(app, client, login_as, days):
    """Does the citizen's page state the reopen limit the superadmin set, not a fixed 10?"""
    message_id = gen_message(app, status="diproses").id
    with app.app_context():
        message = db.session.get(Message, message_id)
        lifecycle.perform(message, "reply", User.query.filter_by(username="op-diskominfo").one(),
                          answer="Ok.")
        db.session.add(Setting(key="reopen_workdays", value=days))
        tracking = message.tracking
        db.session.commit()
    login_as("warga")
    page = client.get(f"/riwayat/{tracking}").get_data(as_text=True)
    assert f"paling lambat {days} hari kerja" in page
    assert "paling lambat 10 hari kerja" not in page


def test_superadmin_s_own_opd_list_is_empty(app, client, login_as):
    """Does "Pesan OPD saya" show a user without an OPD no rows at all (it used to list the
    messages that have no OPD yet)?"""
    with app.app_context():
        gen_message(app, perihal="Belum diteruskan ke mana pun")
    login_as("superadmin")
    everything = client.get("/admin/pesan/").get_data(as_text=True)
    assert "Belum diteruskan ke mana pun" in everything
    response = client.get("/admin/pesan-opd/")
    assert response.status_code == 200
    assert "Belum diteruskan ke mana pun" not in response.get_data(as_text=True)
    assert "Lampu jalan padam di Tenggarong" not in response.get_data(as_text=True)


def test_operator_s_own_opd_list_still_shows_its_messages(app, client, login_as):
    """Does an operator's "Pesan OPD saya" still list its OPD's messages and only those?"""
    login_as("op-diskominfo")
    page = client.get("/admin/pesan-opd/").get_data(as_text=True)
    assert "Website dinas tidak bisa dibuka" in page
    assert "Sengketa batas lahan kebun warga" not in page  # DLH's


@pytest.mark.parametrize("username", ["superadmin", "admin", "op-diskominfo", "evaluator",
                                      "op-biroekonomi"])
def test_letter_button_shown_exactly_when_the_letter_is_given(app, client, login_as, username):
    """Is the "Surat penerusan" button on the page exactly when the PDF route hands it out?"""
    forwarded_id = gen_message(app, status="diteruskan").id
    with app.app_context():
        waiting_id = gen_message(app, perihal="Menunggu triase").id
    login_as(username)
    for message_id in (forwarded_id, waiting_id):
        page = client.get(f"/admin/detail/{message_id}")
        if page.status_code == 404:
            continue  # not visible to this user at all
        button = "Surat penerusan (PDF)" in page.get_data(as_text=True)
        letter = client.get(f"/admin/detail/{message_id}/surat.pdf")
        gives_pdf = letter.status_code == 200 and letter.mimetype == "application/pdf"
        assert button == gives_pdf, (username, message_id, letter.status_code)
    if username in ("admin", "superadmin", "op-diskominfo"):
        assert client.get(f"/admin/detail/{forwarded_id}/surat.pdf").status_code == 200


def test_staff_actions_and_citizen_actions_come_from_the_rules(app):
    """Are the back office's and the portal's actions exactly the rules of each side?"""
    from public_portal.citizen import ACTIONS

    assert {action for action, _form, _text in ACTIONS.values()} == set(lifecycle.CITIZEN_ACTIONS)
    assert set(lifecycle.STAFF_ACTIONS) | set(lifecycle.CITIZEN_ACTIONS) == set(lifecycle.RULES)
    assert "withdraw" not in lifecycle.STAFF_ACTIONS and "forward" in lifecycle.STAFF_ACTIONS


def test_staff_cannot_post_a_citizen_action(app, client, login_as):
    """Is a citizen's action (withdraw) unknown at the back office's action URL?"""
    with app.app_context():
        message_id = gen_message(app).id
    login_as("admin")
    assert client.post(f"/admin/detail/{message_id}/aksi/withdraw").status_code == 404


def test_forged_opd_on_reroute_is_refused_clearly(app, client, login_as):
    """Does a reroute naming no OPD, or one that does not exist, say so with a 400?"""
    message_id = gen_message(app, status="diteruskan").id
    login_as("admin")
    missing = client.post(f"/admin/detail/{message_id}/aksi/reroute", data={"opd_id": ""})
    assert missing.status_code == 400
    assert "Pilih OPD tujuan yang baru." in missing.get_data(as_text=True)
    forged = client.post(f"/admin/detail/{message_id}/aksi/reroute", data={"opd_id": "99999"})
    assert forged.status_code == 400
    assert "Pilihan &#34;opd_id&#34; tidak ditemukan." in forged.get_data(as_text=True) \
        or 'Pilihan "opd_id" tidak ditemukan.' in forged.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Message, message_id).opd.code == "DISKOMINFO"


@pytest.fixture
def mail_templates(app):
    """Extra mail templates for one test, in front of the real ones."""
    templates = {}
    original = app.jinja_env.loader
    app.jinja_env.loader = ChoiceLoader([DictLoader(templates), original])
    app.jinja_env.cache.clear()
    yield templates
    app.jinja_env.loader = original
    app.jinja_env.cache.clear()


def test_mail_without_html_part_is_text_only(app, mail_templates):
    """Is a mail whose template has no HTML part queued as plain text?"""
    from services import mailer

    mail_templates["mail/only-text.txt"] = "Halo {{ name }}."
    with app.test_request_context():
        row = mailer.enqueue_template("a@example.com", "Tes", "only-text", name="Budi")
        assert row.body == "Halo Budi." and row.html is None
        db.session.rollback()


def test_broken_html_mail_template_raises(app, mail_templates):
    """Does a broken HTML mail template raise, instead of silently sending text only?"""
    from services import mailer

    mail_templates["mail/broken.txt"] = "Halo."
    mail_templates["mail/broken.html"] = "<p>{{ name | nosuchfilter }}</p>"
    mail_templates["mail/includes.txt"] = "Halo."
    mail_templates["mail/includes.html"] = "{% include 'mail/not-there.html' %}"
    with app.test_request_context():
        with pytest.raises(TemplateSyntaxError):
            mailer.enqueue_template("a@example.com", "Tes", "broken", name="Budi")
        with pytest.raises(TemplateNotFound):
            mailer.enqueue_template("a@example.com", "Tes", "includes")
        db.session.rollback()


def test_open311_error_does_not_shadow_werkzeug(app, client, demo):
    """Does Open311 answer a refusal with its error array and status, through an error type
    of its own (not a class named like Werkzeug's BadRequest)?"""
    from open311 import georeport

    assert not hasattr(georeport, "BadRequest")
    response = client.get("/open311/v2/services/tidak-ada.json")
    assert response.status_code == 404
    assert response.get_json()[0]["code"] == 404
    refused = client.post("/open311/v2/requests.json", data={"api_key": "salah"})
    assert refused.status_code == 403 and refused.get_json()[0]["code"] == 403


def test_domain_errors_share_one_base(app):
    """Do every door's refusals derive from the one domain error, carrying a status?"""
    from models.errors import DomainError
    from open311.georeport import GeoReportError
    from services.report_figures import FilterError
    from services.storage import UploadError

    for kind in (lifecycle.TransitionError, lifecycle.Forbidden, lifecycle.StaleError,
                 UploadError, FilterError, GeoReportError):
        assert issubclass(kind, DomainError)
    assert lifecycle.Forbidden().status_code == 403
    assert lifecycle.StaleError().status_code == 409
    assert UploadError("x").status_code == 400
