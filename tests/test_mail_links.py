"""Links in mail lead to the address the service is reached at, not to a fixed development one."""
import pytest

from models import QueuedMail
from tests.helpers import GOOD_NIK, PASSWORD, announce_submissions, links_in

GUEST = {"guest_kind": "umum", "perihal": "Lampu taman mati", "body": "Sudah dua minggu gelap.",
         "nik": GOOD_NIK, "phone": "081234500011", "email": "tamu@example.com",
         "event_date": "2026-01-05"}


@pytest.fixture
def public_base_url(app):
    """Lets a test set PUBLIC_BASE_URL and puts the session app's value back afterwards."""
    before = app.config.get("PUBLIC_BASE_URL")
    yield lambda value: app.config.__setitem__("PUBLIC_BASE_URL", value)
    app.config["PUBLIC_BASE_URL"] = before


def receipt_links(app) -> list[str]:
    """The links in the guest's receipt, as the worker writes it."""
    announce_submissions(app)
    with app.app_context():
        mail = QueuedMail.query.filter_by(recipient="tamu@example.com").one()
        return links_in(mail.body)


def test_receipt_link_uses_the_host_the_request_came_to(app, client, public_base_url):
    """Without PUBLIC_BASE_URL, does a guest's receipt link point to the host they sent from?"""
    public_base_url(None)
    response = client.post("/lapor", data=GUEST, base_url="http://aspirasi.example:8080")
    assert response.status_code == 302
    links = receipt_links(app)
    assert links and all(link.startswith("http://aspirasi.example:8080/") for link in links)
    assert not any("localhost" in link for link in links)


def test_public_base_url_wins_over_the_request_host(app, client, public_base_url):
    """With PUBLIC_BASE_URL set, does a mail queued during a request to another host (an
    internal address behind the proxy) link to the public address?"""
    public_base_url("https://aspirasi.kaltimprov.go.id")
    response = client.post("/lapor", data=GUEST, base_url="http://10.0.0.7:5000")
    assert response.status_code == 302
    links = receipt_links(app)
    assert links and all(link.startswith("https://aspirasi.kaltimprov.go.id/") for link in links)


@pytest.mark.slow
def test_cli_mail_links_use_public_base_url(app, runner, public_base_url):
    """Do the mails a CLI command queues (the demo's) link to PUBLIC_BASE_URL?"""
    public_base_url("https://demo.aspirasi.example")
    result = runner.invoke(args=["seed-demo", "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    with app.app_context():
        bodies = [mail.body for mail in QueuedMail.query.all()]
    links = [link for body in bodies for link in links_in(body)]
    assert links
    assert all(link.startswith("https://demo.aspirasi.example/") for link in links), links
