"""The kabupaten/kota of East Kalimantan: one list, offered by the portal and the staff intake
and used by the demo data."""
from models.region import KABUPATEN_KOTA
from services import demo_data
from tests.helpers import gen_citizen, log_in


def options_of(page: str) -> list[str]:
    start = page.index('id="kabupaten"')
    block = page[start:page.index("</select>", start)]
    return [part.split('"')[0] for part in block.split('<option value="')[1:] if part[0] != '"']


def test_portal_and_intake_offer_the_same_ten_places(app, client, login_as):
    """Do the citizen's submit form and the staff intake offer the same ten kabupaten/kota?"""
    gen_citizen(app)
    portal = options_of(log_in(client, "siti").get("/pesan/kirim").get_data(as_text=True))
    intake = options_of(login_as("admin").get("/admin/intake/").get_data(as_text=True))
    assert len(portal) == 10 and "Kota Samarinda" in portal and "Kabupaten Mahakam Ulu" in portal
    assert intake == portal


def test_demo_messages_name_only_listed_places():
    """Does every demo message name a kabupaten/kota from the list (or none)?"""
    places = {sample[2] for sample in demo_data.SAMPLE_MESSAGES} - {None}
    assert places and places <= set(KABUPATEN_KOTA)
