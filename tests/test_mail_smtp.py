"""Mail through a real SMTP server: registration mail delivered over SMTP, link followed."""
import email
from email import policy

import pytest

from aspirasi.extensions import mail
from models import QueuedMail, User
from tests.helpers import PASSWORD, deliver_queue, first_link, free_port


@pytest.mark.slow
def test_registration_mail_travels_over_smtp_and_its_link_confirms(app, client, smtp_server):
    """Does the verification mail reach a real SMTP server, and does its link confirm the account?"""
    response = client.post("/register", data={"email": "dewi@example.com", "username": "dewi",
                                              "password": PASSWORD, "password_confirm": PASSWORD})
    assert response.status_code == 302
    assert smtp_server.messages == []  # the request only queues; the worker delivers
    assert deliver_queue(app) == (1, 0)
    assert len(smtp_server.messages) == 1
    recipients, raw = smtp_server.messages[0]
    assert recipients == ["dewi@example.com"]
    parsed = email.message_from_bytes(raw, policy=policy.default)
    assert parsed["To"] == "dewi@example.com"
    assert "Aspirasi Kaltim" in parsed["From"]
    assert "Selamat datang di Aspirasi Kaltim" in parsed["Subject"]
    body = parsed.get_body(preferencelist=("plain",)).get_content()
    link = first_link(body, "/confirm/")
    with app.app_context():
        assert User.query.filter_by(username="dewi").one().confirmed_at is None
        assert QueuedMail.query.filter(QueuedMail.sent_at.isnot(None)).count() == 1
    client.get(link.replace("http://localhost", ""))
    with app.app_context():
        assert User.query.filter_by(username="dewi").one().confirmed_at is not None


@pytest.mark.slow
def test_a_dead_smtp_server_never_blocks_registration(app, client, smtp_server):
    """With the SMTP server unreachable, is the account still created and the mail kept queued?"""
    app.config["MAIL_PORT"] = free_port()  # nothing listens there
    mail.init_app(app)
    response = client.post("/register", data={"email": "eko@example.com", "username": "eko",
                                              "password": PASSWORD, "password_confirm": PASSWORD})
    assert response.status_code == 302
    assert deliver_queue(app) == (0, 1)
    with app.app_context():
        assert User.query.filter_by(username="eko").count() == 1
        queued = QueuedMail.query.filter_by(recipient="eko@example.com").one()
        assert queued.sent_at is None and queued.last_error
