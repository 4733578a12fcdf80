"""Language choice: Indonesian by default, English with ?lang=en (catalogs in translations/en/).

The English texts asserted here come from translations/en/LC_MESSAGES/*.mo: without those
compiled catalogs (`make translations`) the pages stay Indonesian and these tests fail.
"""
import pytest
from flask import render_template_string
from flask_babel import force_locale

from models import User
from tests.helpers import PASSWORD, gen_citizen, log_in


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def test_pages_speak_indonesian_by_default(client):
    """Does a visitor who chose no language get the home and login pages in Indonesian?"""
    home = page(client, "/")
    assert "Sampaikan aspirasi dan pengaduan Anda" in home
    assert "Lapor tanpa akun" in home
    assert "Share your aspirations" not in home
    login = page(client, "/login")
    assert "Ingat saya di perangkat ini" in login
    assert "Remember me on this device" not in login


def test_lang_en_shows_home_login_and_guest_form_in_english(client):
    """Does ?lang=en turn the home page, the login page and the guest form into English?"""
    home = page(client, "/?lang=en")
    assert ("Share your aspirations and complaints with the Government of East Kalimantan "
            "Province") in home
    assert "Report without an account" in home and "Lapor tanpa akun" not in home
    login = page(client, "/login?lang=en")
    assert "Email or username" in login and "Remember me on this device" in login
    assert "No account yet? Register" in login
    guest = page(client, "/lapor?lang=en")
    assert "<h1>Report without an account</h1>" in guest
    assert "Date of the incident" in guest and "Name (optional)" in guest
    assert "Send report" in guest and "Kirim laporan" not in guest


def test_english_choice_is_kept_for_the_next_requests(client):
    """Once a visitor picks English, do later pages without ?lang stay English until ?lang=id?"""
    page(client, "/?lang=en")
    tracking = page(client, "/tracking")
    assert "Track a Message" in tracking and "Lacak Pesan" not in tracking
    back = page(client, "/?lang=id")
    assert "Sampaikan aspirasi dan pengaduan Anda" in back
    assert "Lacak Pesan" in page(client, "/tracking")


def test_submit_and_profile_forms_of_a_citizen_in_english(app, client):
    """Are the logged-in citizen's submit form and profile choices (gender, religion) in English?"""
    gen_citizen(app)
    log_in(client, "siti")
    submit = page(client, "/pesan/kirim?lang=en")
    assert "<h1>Send a Message</h1>" in submit
    assert "Anonymous: my name is not shown to the public or to the agency (OPD)" in submit
    assert "Location address" in submit
    settings = page(client, "/settings")
    assert ">Male<" in settings and ">Female<" in settings
    assert ">Protestant Christianity<" in settings and "Laki-laki" not in settings
    assert 'value="Kristen Protestan"' in settings  # the stored value itself is unchanged


def register_mismatched(client, url):
    return client.post(url, data={"email": "rina@example.com", "username": "rina",
                                  "password": PASSWORD, "password_confirm": PASSWORD + "x"})


def test_flask_security_message_follows_the_chosen_language(app, client):
    """Is the 'passwords do not match' message English under ?lang=en and Indonesian by default?"""
    english = register_mismatched(client, "/register?lang=en").get_data(as_text=True)
    assert "The two passwords do not match." in english
    assert "Kedua kata sandi tidak sama." not in english
    other_visitor = app.test_client()
    indonesian = register_mismatched(other_visitor, "/register").get_data(as_text=True)
    assert "Kedua kata sandi tidak sama." in indonesian
    assert "The two passwords do not match." not in indonesian
    with app.app_context():
        assert User.query.count() == 0


def test_verification_mail_subject_follows_the_chosen_language(app, client, outbox):
    """Does a visitor registering in English get an English subject, and in Indonesian by default?"""
    data = {"password": PASSWORD, "password_confirm": PASSWORD}
    client.post("/register?lang=en", data={**data, "email": "eng@example.com", "username": "eng"})
    app.test_client().post("/register", data={**data, "email": "ind@example.com",
                                              "username": "ind"})
    subjects = {mail.to[0]: mail.subject for mail in outbox}
    assert subjects["eng@example.com"] == "Welcome to Aspirasi Kaltim: please verify your email"
    assert subjects["ind@example.com"] == "Selamat datang di Aspirasi Kaltim: verifikasi email Anda"


@pytest.mark.slow
def test_every_source_string_has_an_english_translation(tmp_path):
    """Is every string the project marks for translation translated in the English catalog?"""
    import subprocess
    import sys
    from pathlib import Path

    from babel.messages.pofile import read_po

    root = Path(__file__).resolve().parent.parent
    template = tmp_path / "messages.pot"
    subprocess.run([str(Path(sys.executable).parent / "pybabel"), "extract", "-F", "babel.cfg",
                    "-k", "_l", "-k", "lazy_gettext", "-k", "N_", "-o", str(template), "."],
                   cwd=root, check=True, capture_output=True)
    with template.open("rb") as handle:
        wanted = {message.id for message in read_po(handle) if message.id}
    with (root / "translations/en/LC_MESSAGES/messages.po").open("rb") as handle:
        translated = {message.id for message in read_po(handle) if message.id and message.string}
    assert len(wanted) > 500
    assert sorted(wanted - translated, key=str) == []


def test_template_strings_follow_the_request_language_and_a_forced_one(app):
    """Does `_()` in a template speak the request's language, the one `force_locale` sets
    inside it (a mail in its reader's language), and the request's again after; with its
    variables formatted in, HTML-escaped in an HTML template and not in a text one? Both in a
    page Flask renders and in a template rendered on its own; `{% trans %}` alike."""
    source = ("{{ _('Keluar') }}|{{ _('butuh %(took)s', took='<b>') }}|"
              "{{ _('Perihal mirip (%(p)s %%)', p=5) }}|{% trans %}Keluar{% endtrans %}")
    html = app.jinja_env.from_string(source)
    text = app.jinja_env.overlay(autoescape=False).from_string(source)
    with app.test_request_context("/?lang=en"):
        app.preprocess_request()
        english = html.render()
        english_page = render_template_string(source)
        with force_locale("id"):
            indonesian = html.render()
            indonesian_page = render_template_string(source)
            indonesian_text = text.render()
        english_again = html.render()
        english_page_again = render_template_string(source)
    assert english == english_again == "Log out|took &lt;b&gt;|Similar subject (5 %)|Log out"
    assert english_page == english_page_again == english
    assert indonesian == indonesian_page == "Keluar|butuh &lt;b&gt;|Perihal mirip (5 %)|Keluar"
    assert indonesian_text == "Keluar|butuh <b>|Perihal mirip (5 %)|Keluar"


def test_an_attachment_s_size_is_written_the_reader_s_way(app, client, demo):
    """Is a 234.4 KB attachment listed as "(lampiran, 234,4 KB)" in Indonesian and as
    "(attachment, 234.4 KB)" in English on the staff's page, and "234,4 KB" on the
    reporter's own page?"""
    from models import Attachment, db
    from tests.helpers import gen_message

    message = gen_message(app)
    with app.app_context():
        db.session.add(Attachment(message_id=message.id, filename="bukti.jpg",
                                  stored_name="ukuran-bukti.jpg", content_type="image/jpeg",
                                  size=240_026))
        db.session.commit()
    staff = log_in(app.test_client(), "admin")
    assert "(lampiran, 234,4 KB)" in page(staff, f"/admin/detail/{message.id}")
    assert "(attachment, 234.4 KB)" in page(staff, f"/admin/detail/{message.id}?lang=en")
    assert "(234,4 KB)" in page(log_in(client, "warga"), f"/riwayat/{message.tracking}")
