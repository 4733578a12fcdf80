"""What a stranger may see of a message: one rule for listing, tracking and NIK lookups."""
import itertools

import pytest

from models import Message, db, lifecycle
from tests.helpers import GOOD_NIK, gen_citizen, gen_message, get_opd, get_sub, get_user

STATUSES = ("baru", "diteruskan", "diproses", "selesai", "ditutup", "dicabut")
# Every combination of the three things that decide visibility, written out by hand.
COMBINATIONS = list(itertools.product((False, True), (False, True), STATUSES))


@pytest.fixture
def every_combination(app):
    """One message per (rahasia, hidden, status); {combination: tracking number}."""
    made = {}
    with app.app_context():
        for rahasia, hidden, status in COMBINATIONS:
            message = Message(perihal=f"Uji {int(rahasia)}{int(hidden)} {status}", body="Isi",
                              channel="guest", guest_name="Warga Uji", guest_nik=GOOD_NIK,
                              rahasia=rahasia, hidden=hidden, status=status)
            db.session.add(message)
            db.session.flush()
            made[(rahasia, hidden, status)] = message.tracking
        db.session.commit()
    return made


def test_is_public_and_the_public_clause_agree_on_every_combination(app, every_combination):
    """Do the SQL clause that lists public messages and the check on one loaded message say
    the same for every rahasia × hidden × status, and is that "neither flag, not withdrawn"?"""
    from models import access

    expected = {(False, False, s) for s in ("baru", "diteruskan", "diproses", "selesai", "ditutup")}
    with app.app_context():
        listed = {m.tracking for m in access.public_messages()}
        for combination, tracking in every_combination.items():
            message = Message.query.filter_by(tracking=tracking).one()
            assert access.is_public(message) == (tracking in listed), combination
            assert (tracking in listed) == (combination in expected), combination


def test_tracking_finds_every_message_but_withdrawn_ones(client, every_combination):
    """Does /tracking/<nomor> answer every rahasia/hidden/status combination but a withdrawn
    message, and show the subject of public ones only?"""
    for (rahasia, hidden, status), tracking in every_combination.items():
        response = client.get(f"/tracking/{tracking}")
        if status == "dicabut":
            assert response.status_code == 404, tracking
            continue
        assert response.status_code == 200, tracking
        page = response.get_data(as_text=True)
        subject = f"Uji {int(rahasia)}{int(hidden)} {status}"
        assert (subject in page) == (not rahasia and not hidden), (rahasia, hidden, status)


def test_tracking_lookup_and_nik_lookup_show_subjects_of_public_messages_only(
        client, every_combination):
    """Does a number lookup and a NIK lookup show the subject of a public message only, and
    leave withdrawn ones out?"""
    nik_page = client.get(f"/tracking?q={GOOD_NIK}").get_data(as_text=True)
    for (rahasia, hidden, status), tracking in every_combination.items():
        subject = f"Uji {int(rahasia)}{int(hidden)} {status}"
        shown = not rahasia and not hidden and status != "dicabut"
        assert (tracking in nik_page) == (status != "dicabut" and not rahasia), tracking
        assert (subject in nik_page) == shown, tracking
        number_page = client.get(f"/tracking?q={tracking}").get_data(as_text=True)
        assert (subject in number_page) == shown, tracking
        assert ("tidak ditemukan" in number_page) == (status == "dicabut"), tracking


def forward_with_a_published_note(app, tracking):
    with app.app_context():
        message = Message.query.filter_by(tracking=tracking).one()
        sub = get_sub("adu-pencemaran")
        lifecycle.perform(message, "forward", get_user("admin"), category=sub.category,
                          subcategory=sub, opd=get_opd("DLH"), note="Mohon segera ditinjau.",
                          publish_note=True)
        db.session.commit()


def test_a_confidential_message_shows_no_timeline_notes(app, client, demo):
    """Does the public log of a rahasia message list its steps without their notes, while a
    public one shows the forwarding note the admin published?"""
    gen_citizen(app)
    secret = gen_message(app, reporter="siti", perihal="Rahasia diteruskan", rahasia=True).tracking
    public = gen_message(app, reporter="siti", perihal="Terbuka diteruskan").tracking
    forward_with_a_published_note(app, secret)
    forward_with_a_published_note(app, public)
    secret_page = client.get(f"/tracking/{secret}").get_data(as_text=True)
    public_page = client.get(f"/tracking/{public}").get_data(as_text=True)
    assert "Diteruskan ke OPD" in secret_page and "Mohon segera ditinjau." not in secret_page
    assert "Mohon segera ditinjau." in public_page
    assert "Dinas Lingkungan Hidup" in public_page


def test_a_duplicate_links_its_original_only_when_the_original_is_public(app, client):
    """Does a duplicate's public page link to its original when that is public, and keep
    quiet about a confidential original?"""
    with app.app_context():
        def add(perihal, **fields):
            message = Message(perihal=perihal, body="Isi", channel="guest", guest_name="A",
                              **fields)
            db.session.add(message)
            db.session.flush()
            return message
        open_original = add("Asli terbuka")
        secret_original = add("Asli rahasia", rahasia=True)
        first = add("Duplikat satu", status="ditutup", duplicate_of=open_original)
        second = add("Duplikat dua", status="ditutup", duplicate_of=secret_original)
        numbers = [(m.tracking, o.tracking) for m, o in ((first, open_original),
                                                          (second, secret_original))]
        db.session.commit()
    (first, open_number), (second, secret_number) = numbers
    assert f'href="/tracking/{open_number}"' in client.get(f"/tracking/{first}").get_data(
        as_text=True)
    assert secret_number not in client.get(f"/tracking/{second}").get_data(as_text=True)


def test_anonim_sender_is_anonymous_in_english(app, client):
    """Does the public log of an anonim message name its sender "Anonymous" in English?"""
    name = gen_citizen(app).display_name
    tracking = gen_message(app, reporter="siti", perihal="Anonim dalam bahasa Inggris",
                           anonim=True).tracking
    page = client.get(f"/tracking/{tracking}?lang=en").get_data(as_text=True)
    assert "Anonymous" in page and name not in page
