"""The public list's search by subject (models/search.py): any piece of the subject as typed,
whatever its case; never a message the public may not see; the index follows every change."""
import re

import pytest

from models import Message, db, lifecycle
from tests.helpers import gen_message, get_opd, get_user, in_app


def found(client, words: str, **filters) -> list[str]:
    response = client.get("/pesan", query_string={"q": words, **filters})
    assert response.status_code == 200
    return re.findall(r"/tracking/(ASP-[A-Z0-9]+)", response.get_data(as_text=True))


def test_a_search_finds_any_piece_of_a_subject_whatever_its_case(app, client, demo):
    """Are pieces inside and across words found, in any case, newest first; are a short
    piece and characters with a meaning elsewhere (% _ " * ') taken as typed?"""
    road = gen_message(app, perihal="Jembatan Kayumanis RUSAK di Sempaja Q7").tracking
    flood = gen_message(app, perihal="Genangan 50% terendam_lagi \"parah\"* Kayumanis").tracking
    lamp = gen_message(app, perihal="Lampu kayumanis padam", status="diteruskan").tracking
    assert found(client, "manis rus") == [road]
    assert found(client, "KAYUMANIS") == [lamp, flood, road]
    assert found(client, "q7") == [road]  # shorter than the index's pieces
    for typed in ("50%", "terendam_", '"parah"*', "%", "_"):
        assert found(client, typed) == [flood], typed
    assert found(client, "a%n") == [] and found(client, "kayumanis  rusak") == []
    assert found(client, "tidak ada di mana pun") == []
    # With a filter as well, the filter's own index leads: the same rows.
    with in_app(app):
        opd = get_opd("DISKOMINFO").id
    assert found(client, "kayumanis", opd=opd) == [lamp]
    assert found(client, "kayumanis", status="diteruskan") == [lamp]
    assert found(client, "q7", opd=opd) == []


def test_a_search_never_shows_what_the_public_may_not_see(app, client, demo):
    """Are confidential, hidden and withdrawn messages left out of a search?"""
    gen_message(app, perihal="Sampah menumpuk rahasia", rahasia=True)
    gen_message(app, perihal="Sampah menumpuk tersembunyi", hidden=True)
    withdrawn = gen_message(app, perihal="Sampah menumpuk dicabut")
    shown = gen_message(app, perihal="Sampah menumpuk terbuka").tracking
    with in_app(app):
        lifecycle.perform(db.session.get(Message, withdrawn.id), "withdraw",
                          get_user("warga"))
        lifecycle.commit()
    assert found(client, "sampah menumpuk") == [shown]


def test_the_search_follows_a_changed_subject(app, client, demo):
    """After a subject is changed, does the search find the new words and no longer the old?"""
    first = gen_message(app, perihal="Pohon tumbang di Jl. Pahlawan")
    second = gen_message(app, perihal="Pohon tumbang di Jl. Juanda")
    assert found(client, "pohon tumbang") == [second.tracking, first.tracking]
    with in_app(app):
        db.session.get(Message, first.id).perihal = "Kabel listrik putus"
        db.session.commit()
    assert found(client, "pohon tumbang") == [second.tracking]
    assert found(client, "listrik putus") == [first.tracking]


def test_the_index_keeps_its_triggers_at_the_newest_revision(app, client, demo):
    """On SQLite, does the newest schema hold the triggers that keep the search index (a
    migration copying `message` in batch mode would drop them), and does a removed message
    leave the index?"""
    with in_app(app):
        if db.engine.dialect.name != "sqlite":
            pytest.skip("the index is SQLite's")
        triggers = set(db.session.execute(db.text(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'message'"
        )).scalars())
    assert {"message_search_insert", "message_search_update",
            "message_search_delete"} <= triggers
    gone = gen_message(app, perihal="Pohon tumbang di Jl. Juanda")
    assert found(client, "pohon tumbang") == [gone.tracking]
    with in_app(app):
        db.session.delete(db.session.get(Message, gone.id))
        db.session.commit()
    assert found(client, "pohon tumbang") == []


def test_searches_are_limited_per_client_and_the_list_stays_open(app, client, demo,
                                                                  rate_limits_enabled):
    """Past the searches one client may make in a minute, is a search refused with a plain
    429 page (in the reader's language) while the list without a search and other clients'
    searches still answer?"""
    limit = int(app.config["RATE_LIMITS"]["search"].split()[0])
    answers = [client.get("/pesan", query_string={"q": f"jalan {n}"}).status_code
               for n in range(limit + 1)]
    assert answers == [200] * limit + [429]
    refused = client.get("/pesan", query_string={"q": "lampu", "lang": "en"})
    assert refused.status_code == 429 and "Too many searches" in refused.get_data(as_text=True)
    assert client.get("/pesan").status_code == 200
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.9.8.7"
    assert other.get("/pesan", query_string={"q": "lampu"}).status_code == 200
