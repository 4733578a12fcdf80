"""What one officer writes to another stays inside unless the admin publishes it, and every
text a person writes has a length a person could write."""
import html

import jinja2
import sqlalchemy as sa

from models import Message, MessageEvent, ResponseTemplate, db, utcnow
from tests.helpers import gen_message, get_sub, post_action

NOTE = "Kepala bidang minta ditangani diam-diam, pelapor sering mengeluh."


def forward(app, client, message_id, **extra):
    with app.app_context():
        sub = get_sub("adu-internet")
        ids = {"category_id": sub.category_id, "subcategory_id": sub.id}
    return post_action(client, message_id, "forward", **ids, **extra)


def text_of(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return html.unescape(response.get_data(as_text=True))


def stored(app, message_id):
    with app.app_context():
        message = db.session.get(Message, message_id)
        notes = [e.note for e in MessageEvent.query.filter_by(message_id=message_id)]
        return message.status, message.version, notes


def test_the_note_for_the_opd_stays_with_staff(app, client, login_as, outbox):
    """Is "Catatan untuk OPD" absent from the public tracking page, Open311's status_notes,
    the citizen's own pages and mail, while the OPD's operator and the admin read it?"""
    message = gen_message(app, perihal="Jaringan internet kantor desa putus")
    login_as("admin")
    assert forward(app, client, message.id, note=NOTE).status_code == 302
    assert NOTE in text_of(client, f"/admin/detail/{message.id}")
    login_as("op-diskominfo")
    assert NOTE in text_of(client, f"/admin/detail/{message.id}")

    client.post("/logout")
    public = text_of(client, f"/tracking/{message.tracking}")
    assert "Diteruskan ke OPD" in public and NOTE not in public
    api = client.get(f"/open311/v2/requests/{message.tracking}.json").get_json()
    assert api[0]["status_notes"] != NOTE and NOTE not in str(api)
    login_as("warga")
    own = text_of(client, f"/riwayat/{message.tracking}")
    assert "Diteruskan ke OPD" in own and NOTE not in own
    assert not any(NOTE in mail.body for mail in outbox)


def test_a_published_note_is_public(app, client, login_as):
    """When the admin ticks "publish", does the note show on the public tracking page?"""
    message = gen_message(app, perihal="Jaringan internet kantor desa putus")
    login_as("admin")
    assert forward(app, client, message.id, note=NOTE, publish_note="1").status_code == 302
    client.post("/logout")
    assert NOTE in text_of(client, f"/tracking/{message.tracking}")


def test_a_megabyte_note_is_refused_and_nothing_is_stored(app, client, login_as):
    """Is a 1 MB forwarding note (a plain form post) refused with a clear reason, leaving the
    message as it was?"""
    message = gen_message(app)
    before = stored(app, message.id)
    login_as("admin")
    with app.app_context():
        sub = get_sub("adu-internet")
        fields = {"category_id": sub.category_id, "subcategory_id": sub.id}
    response = client.post(f"/admin/detail/{message.id}/aksi/forward",
                           data={**fields, "note": "x" * 1_000_000})
    assert response.status_code == 400
    assert "Teks terlalu panjang: paling banyak 4000 karakter, yang dikirim 1000000 karakter." \
        in response.get_data(as_text=True)
    assert stored(app, message.id) == before


def test_an_over_long_reprimand_is_refused(app, client, login_as):
    """Is an evaluator's reprimand longer than a person writes refused, storing nothing?"""
    message = gen_message(app, status="diteruskan")
    before = stored(app, message.id)
    login_as("evaluator")
    response = post_action(client, message.id, "reprimand", note="Segera! " * 600)
    assert response.status_code == 400
    assert "Teks terlalu panjang" in response.get_data(as_text=True)
    assert stored(app, message.id) == before
    assert post_action(client, message.id, "reprimand", note="Segera tanggapi.").status_code == 302


def test_an_over_long_ready_answer_is_refused(app, client, login_as, monkeypatch):
    """Is a ready answer longer than a person writes refused on its form, with no row stored?"""
    # Flask-Admin's form template asks a text area's error list for `input_type`, which only
    # inputs have: harmless in the service, an error under the suite's StrictUndefined.
    monkeypatch.setattr(app.jinja_env, "undefined", jinja2.Undefined)
    login_as("admin")
    response = client.post("/admin/templat-jawaban/new/",
                           data={"title": "Panjang", "body": "x" * 100_000})
    assert response.status_code == 200  # the form again, with its error
    assert "Teks terlalu panjang" in html.unescape(response.get_data(as_text=True))
    with app.app_context():
        assert ResponseTemplate.query.filter_by(title="Panjang").count() == 0


def test_upgrade_moves_earlier_forwarding_notes_inside(tmp_path):
    """Does `db upgrade` take a note stored on an earlier public forwarding step off that step
    and keep it as an internal note, so the tracking page stops showing it?"""
    from flask_migrate import upgrade

    from aspirasi import create_app

    # Its own SQLite file, whatever database the suite runs on; rate limits left as they are.
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "UPLOAD_DIR": str(tmp_path / "up"),
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/earlier.db"})
    with app.app_context():
        upgrade(revision="d5f3b8e0a2c4")
        # The rows are written as that revision's tables hold them: the models describe the
        # newest schema, whose later columns the earlier tables do not have yet.
        earlier = sa.MetaData()
        earlier.reflect(bind=db.engine, only=["message", "message_event"])
        message, event = earlier.tables["message"], earlier.tables["message_event"]
        now, tracking = utcnow(), "ASP-CATATAN2"
        with db.engine.begin() as connection:
            message_id = connection.execute(message.insert().values(
                tracking=tracking, status="baru", channel="guest", perihal="Jaringan putus",
                body="Sejak kemarin.", anonim=False, rahasia=False, hidden=False, reopen_count=0,
                created_at=now, updated_at=now, version=1)).inserted_primary_key[0]
            step = {"message_id": message_id, "created_at": now, "public": True}
            connection.execute(event.insert().values(**step, action="submit", to_status="baru"))
            connection.execute(event.insert().values(**step, action="forward", note=NOTE,
                                                     from_status="baru", to_status="diteruskan"))
        upgrade()
        steps = [(e.action, e.note, e.public)
                 for e in MessageEvent.query.filter_by(message_id=message_id)]
        db.session.remove()
        db.engine.dispose()
    assert steps == [("submit", None, True), ("forward", None, True), ("note", NOTE, False)]
    assert NOTE not in app.test_client().get(f"/tracking/{tracking}").get_data(as_text=True)
