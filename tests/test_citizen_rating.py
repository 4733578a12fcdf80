"""The end of a citizen's message: the mail that says it is finished invites the account holder
to rate it and leads to the rating form; a second rating is refused as such; a rating is drawn
as stars without font glyphs and written the reader's way (3,5 in Indonesian, 3.5 in English)."""
import re
from urllib.parse import urlsplit

from models import Message, Rating
from tests.helpers import advance, count_rows, gen_message, log_in

GLYPHS = ("★", "☆", "⯨", "⯪", "⯫")


def finished(app, reporter="warga", **fields) -> str:
    message = gen_message(app, reporter=reporter, **fields)
    advance(app, message, "forward", "accept", "reply")
    return message.tracking


def mails_to(outbox, address):
    return [mail for mail in outbox if mail.to == [address]]


def rate(client, tracking, stars, version=None):
    data = {"stars": stars, "comment": "Terima kasih"}
    if version is not None:
        data["version"] = version
    return client.post(f"/riwayat/{tracking}/nilai", data=data)


def test_finished_mail_invites_the_citizen_to_the_rating_form(app, client, demo, outbox):
    """Does the "selesai" mail to an account holder say they can rate, and does its link,
    followed while signed in, open the page with the rating form?"""
    tracking = finished(app)
    mail = [m for m in mails_to(outbox, "warga@example.com") if "Selesai" in m.subject][-1]
    assert "penilaian" in mail.body
    links = re.findall(r"https?://\S+", mail.body)
    assert len(links) == 1
    assert f"/riwayat/{tracking}" in links[0]
    assert "/tracking/" not in mail.body
    log_in(client, "warga")
    # The link's host is the installation's address (it differs between test runs).
    page = client.get(urlsplit(links[0]).path)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'action="/riwayat/{tracking}/nilai"' in html
    assert 'name="stars"' in html


def test_guest_finished_mail_keeps_the_tracking_link(app, demo, outbox):
    """A guest has no account and cannot rate: does the guest's "selesai" mail still lead to
    the public tracking page, without inviting a rating?"""
    tracking = finished(app, reporter=None, guest_email="tamu@example.com",
                        guest_nik="6471054107950002", guest_phone="081234567890",
                        guest_kind="pengaduan")
    mail = [m for m in mails_to(outbox, "tamu@example.com") if "Selesai" in m.subject][-1]
    assert f"/tracking/{tracking}" in mail.body
    assert "/riwayat/" not in mail.body
    assert "penilaian" not in mail.body


def test_rating_twice_says_it_was_already_rated(app, client, demo):
    """When the rating form is sent a second time (a double click, the back button), is the
    answer that the message is already rated (409), not that an officer changed it, with the
    first rating kept?"""
    tracking = finished(app)
    with app.app_context():
        version = Message.query.filter_by(tracking=tracking).one().version
    log_in(client, "warga")
    assert rate(client, tracking, "3.5", version).status_code == 302
    again = rate(client, tracking, "1", version)
    text = again.get_data(as_text=True)
    assert again.status_code == 409
    assert "Pesan ini sudah Anda nilai" in text
    assert "petugas lain" not in text
    with app.app_context():
        rating = Message.query.filter_by(tracking=tracking).one().rating
        assert rating.half_stars == 7
    assert count_rows(app, Rating) == 2  # the demo's own rating and this one


def test_rating_twice_in_english(app, client, demo):
    """Is the same refusal given in English to an English reader?"""
    tracking = finished(app)
    with app.app_context():
        version = Message.query.filter_by(tracking=tracking).one().version
    log_in(client, "warga")
    rate(client, tracking, "4", version)
    again = client.post(f"/riwayat/{tracking}/nilai?lang=en",
                        data={"stars": "2", "version": version})
    assert again.status_code == 409
    assert "You have already rated this message" in again.get_data(as_text=True)


def star_counts(html: str) -> tuple[int, int]:
    return html.count('class="star-full"'), html.count('class="star-half"')


def test_rating_is_drawn_without_glyphs_and_written_in_indonesian(app, client, demo):
    """Is a 3.5 rating drawn as three full and one half SVG star, with no star glyph, and
    written "3,5" in Indonesian and "3.5" in English?"""
    tracking = finished(app)
    log_in(client, "warga")
    rate(client, tracking, "3.5")
    html = client.get(f"/riwayat/{tracking}").get_data(as_text=True)
    assert not any(glyph in html for glyph in GLYPHS)
    assert star_counts(html) == (3, 1)
    assert "3,5/5" in html and "3,5 dari 5 bintang" in html
    assert "3.5/5" not in html
    english = client.get(f"/riwayat/{tracking}?lang=en").get_data(as_text=True)
    assert "3.5/5" in english and "3.5 out of 5 stars" in english


def test_whole_rating_has_no_decimal(app, client, demo):
    """Is a 4-star rating written "4/5" (not "4,0") with four full stars and no half?"""
    tracking = finished(app)
    log_in(client, "warga")
    rate(client, tracking, "4")
    html = client.get(f"/riwayat/{tracking}").get_data(as_text=True)
    assert star_counts(html) == (4, 0)
    assert "4/5" in html and "4,0" not in html


def test_staff_see_the_rating_as_stars_in_indonesian(app, client, demo):
    """Does the back office's message page show a 3.5 rating as SVG stars and "3,5", not "3.5"?"""
    tracking = finished(app)
    log_in(client, "warga")
    rate(client, tracking, "3.5")
    with app.app_context():
        message_id = Message.query.filter_by(tracking=tracking).one().id
    log_in(client, "admin")
    html = client.get(f"/admin/detail/{message_id}").get_data(as_text=True)
    assert star_counts(html) == (3, 1)
    assert "3,5/5" in html
    assert "3.5 / 5" not in html and not any(glyph in html for glyph in GLYPHS)


def test_no_score_is_preset_and_none_chosen_is_refused(app, client, demo):
    """Does the rating form open with no score chosen (not five stars), and is a rating sent
    without one refused with a clear reason, nothing stored?"""
    tracking = finished(app)
    ratings = count_rows(app, Rating)
    log_in(client, "warga")
    page = client.get(f"/riwayat/{tracking}").get_data(as_text=True)
    select = re.search(r'<select[^>]*name="stars".*?</select>', page, re.S).group(0)
    assert "required" in select.split(">")[0]
    assert re.findall(r'<option[^>]*selected[^>]*>([^<]*)</option>', select) in ([], ["— pilih —"])
    response = rate(client, tracking, "")
    assert response.status_code >= 400
    assert "Pilih nilai 0,5 sampai 5 bintang." in response.get_data(as_text=True)
    assert count_rows(app, Rating) == ratings
