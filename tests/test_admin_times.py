"""Times in the back office read in the province's own time zone (WITA, UTC+8)."""
import re
from datetime import datetime

from models import Message, db
from tests.helpers import gen_message


def test_message_list_shows_wita_times(app, login_as):
    """Is a message received at 02:00 UTC listed as received at 10:00 WITA?"""
    with app.app_context():
        mid = gen_message(app, perihal="Pesan dini hari").id
        db.session.get(Message, mid).created_at = datetime(2026, 11, 20, 2, 0)
        db.session.commit()
    page = login_as("admin").get("/admin/pesan/").get_data(as_text=True)
    assert "20 Nov 2026 10:00" in page
    assert "20-11-2026 02:00" not in page


def test_user_list_shows_readable_times(app, login_as):
    """Does the superadmin's user list show verification times without raw seconds and microseconds?"""
    page = login_as("superadmin").get("/admin/pengguna/").get_data(as_text=True)
    assert "Email terverifikasi" in page
    assert re.search(r"\d{1,2} \w{3} \d{4} \d{2}:\d{2}", page)
    assert not re.search(r"\d{2}:\d{2}:\d{2}\.\d{6}", page)
