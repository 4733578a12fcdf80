"""Ready answers (jawaban siap): the demo's, and the ones each answer form offers."""
import re

import pytest

from models import Message
from tests.helpers import PASSWORD, log_in

INFORMASI = "Jam layanan kantor"
ADUAN = "Aduan selesai ditangani"
ASPIRASI = "Aspirasi diterima sebagai masukan"
GENERAL = "Terima kasih, sedang ditindaklanjuti"


def _offered(page: str, target: str) -> list:
    """The titles of the ready answers in the select that fills the textarea `target`."""
    select = re.search(rf'<select[^>]*data-template-target="{target}".*?</select>', page, re.S)
    assert select, f"no ready answers offered for {target}"
    return re.findall(r'data-body="[^"]*">([^<]*)</option>', select.group(0))


def _seeded(app, runner, perihal):
    assert runner.invoke(args=["seed-demo", "--password", PASSWORD]).exit_code == 0
    with app.app_context():
        return Message.query.filter_by(perihal=perihal).one().id


@pytest.mark.parametrize("perihal, staff, target, fits, unfit", [
    ("Lampu jalan padam di Tenggarong", "admin", "answer-text", INFORMASI, (ADUAN, ASPIRASI)),
    ("Website dinas tidak bisa dibuka", "op-diskominfo", "reply-text", ADUAN,
     (INFORMASI, ASPIRASI)),
])
def test_each_answer_form_offers_the_ready_answers_that_fit(app, runner, client, perihal, staff,
                                                           target, fits, unfit):
    """After `seed-demo`, does the admin's direct answer to a new message without a category
    offer the Informasi ready answers, and the operator's reply to an Aduan message the Aduan
    ones, each with the general ones and none of another category?"""
    message_id = _seeded(app, runner, perihal)
    log_in(client, staff)
    offered = _offered(client.get(f"/admin/detail/{message_id}").get_data(as_text=True), target)
    assert fits in offered and GENERAL in offered
    assert not set(unfit) & set(offered)


def test_seed_demo_adds_its_ready_answers_once(app, runner, client):
    """Does running `seed-demo` twice leave each demo ready answer once?"""
    _seeded(app, runner, "Lampu jalan padam di Tenggarong")
    new = _seeded(app, runner, "Lampu jalan padam di Tenggarong")
    log_in(client, "admin")
    offered = _offered(client.get(f"/admin/detail/{new}").get_data(as_text=True), "answer-text")
    assert offered.count(INFORMASI) == 1 and offered.count(GENERAL) == 1
