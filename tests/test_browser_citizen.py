"""A citizen's and a guest's journeys in a real browser on a phone-sized screen."""
import re

from models import QueuedMail
from models.region import KABUPATEN_KOTA
from tests.helpers import (
    GOOD_NIK,
    OTHER_NIK,
    PASSWORD,
    browser_log_in,
    fill_guest_form,
    first_link,
    jpeg_bytes,
    screenshot,
)


def submit_first_form(page):
    page.locator("main form").first.locator("button[type=submit]").click()


def verification_link(app, recipient: str) -> str:
    with app.app_context():
        mail = QueuedMail.query.filter_by(recipient=recipient).order_by(QueuedMail.id).first()
        assert mail is not None, "no verification mail queued"
        return first_link(mail.body, "/confirm/")


def test_citizen_registers_verifies_completes_profile_submits_and_tracks(app, page, demo,
                                                                        tmp_path):
    """Can a citizen go from registration to a tracked message with a photo, in a browser?"""
    page.goto("/")
    assert "Cara menyampaikan pesan" in page.content()
    screenshot(page, "home")
    page.goto("/pesan")
    assert "Jalan berlubang di Jl. Juanda" in page.content()
    screenshot(page, "pesan-list")

    page.goto("/register")
    page.fill("#email", "nur@example.com")
    page.fill("#username", "nur")
    page.fill("#password", PASSWORD)
    page.fill("#password_confirm", PASSWORD)
    submit_first_form(page)
    page.wait_for_url("**/login*")  # registering signs nobody in: check your email, then sign in
    assert "nur@example.com" in page.content()
    screenshot(page, "daftar-selesai")
    browser_log_in(page, "nur")
    page.wait_for_url("**/verifikasi")
    assert "Verifikasi email Anda" in page.content()
    screenshot(page, "verifikasi")
    page.goto("/pesan/kirim")
    page.wait_for_url("**/verifikasi")  # nothing else until the email is verified

    page.goto(verification_link(app, "nur@example.com"))
    page.wait_for_url("**/settings")
    page.fill("#nik", OTHER_NIK)
    page.fill("#full_name", "Nur Hidayah")
    page.fill("#phone", "081377712345")
    submit_first_form(page)
    page.wait_for_url("**/settings")
    assert "Profil tersimpan" in page.content()
    screenshot(page, "settings")

    photo = tmp_path / "jalan.jpg"
    photo.write_bytes(jpeg_bytes(320, 240))
    page.goto("/pesan/kirim")
    page.fill("#perihal", "Jembatan kayu rapuh di Loa Janan")
    page.fill("#body", "Papan jembatan banyak yang patah, anak sekolah melintas setiap hari.")
    page.select_option("#kabupaten", KABUPATEN_KOTA[3])
    page.set_input_files("#lampiran", str(photo))
    screenshot(page, "kirim-pesan")
    submit_first_form(page)
    page.wait_for_url("**/pesan/terkirim/*")
    tracking = page.inner_text("#nomor-tracking").strip()
    assert re.fullmatch(r"ASP-[2-9A-Z]{8}", tracking)
    screenshot(page, "pesan-terkirim")

    page.goto("/riwayat")
    assert tracking in page.content() and "Jembatan kayu rapuh" in page.content()
    screenshot(page, "riwayat")
    page.click(f"text={tracking}")
    assert "jalan.jpg" in page.content()
    screenshot(page, "riwayat-detail")

    page.goto("/tracking")
    page.fill("#q", tracking)
    submit_first_form(page)
    assert "Belum Dikonfirmasi" in page.inner_text("#hasil")
    screenshot(page, "tracking")
    page.goto(f"/tracking?q={OTHER_NIK}")
    assert tracking in page.inner_text("#hasil")

    page.locator("header form.logout button").click()
    page.goto("/login")
    assert "Email atau username" in page.content()
    screenshot(page, "login")


def test_guest_reports_without_an_account_and_tracks_by_nik(app, page, tmp_path):
    """Can a guest send a report with a photo on /lapor and find it by tracking number and NIK?"""
    photo = tmp_path / "antrean.jpg"
    photo.write_bytes(jpeg_bytes(200, 150, (200, 120, 40)))
    page.goto("/lapor")
    fill_guest_form(page, "Pelayanan KTP lambat", "Sudah dua minggu KTP belum jadi.",
                    "2026-01-12", photo, umum=True)
    screenshot(page, "lapor")
    submit_first_form(page)
    page.wait_for_url("**/lapor/terkirim/*")
    tracking = page.inner_text("#nomor-tracking").strip()
    screenshot(page, "lapor-terkirim")

    page.goto(f"/tracking?q={tracking}")
    assert "Pelayanan KTP lambat" in page.inner_text("#hasil")
    page.goto(f"/tracking?q={GOOD_NIK}")
    assert tracking in page.inner_text("#hasil")
