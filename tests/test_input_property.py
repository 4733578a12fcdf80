"""Property: whatever text arrives in any field of any public or staff form, the answer is
never a server error.

Hypothesis draws a form and a value for each of its fields, from ordinary words to NUL bytes,
any non-surrogate unicode, 5,000-digit numbers, absurd dates and over-long strings. The number
of examples is bounded so the whole property stays within a few tens of seconds.
"""
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models import ApiKey, db, lifecycle
from tests.helpers import GOOD_NIK, advance, gen_citizen, gen_message, log_in

EXAMPLES_PER_FORM = 12

SPECIAL = ["", " ", "\x00", "a\x00b", "\x1b[31m", "nan", "inf", "-1", "0", "1e309",
           "9" * 30, "9" * 5000, "0001-01-01", "9999-12-31", "31/02/2026",
           "9999-12-31T23:59:59-14:00", "2026-01-05", "y", "umum", "web", "phone", "x" * 300,
           "<script>alert(1)</script>", "' OR 1=1 --", "%", "\ud7ff\uffff", "🌧️" * 70]
TEXT = st.one_of(
    st.sampled_from(SPECIAL),
    st.sampled_from(SPECIAL),
    st.sampled_from(SPECIAL),
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=40),
    st.integers().map(str),
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=250, max_size=400),
)

# A form built on the stored version, or on none, reaches the rule itself.
VERSION = st.sampled_from(["", "1", "2", "3", "4", "x", "9" * 30])

GUEST = ["guest_kind", "perihal", "body", "guest_name", "nik", "phone", "email", "event_date"]
STAFF_FIELDS = ["version", "note", "category_id", "subcategory_id", "opd_id", "answer", "reason",
                "duplicate_of", "anonim", "rahasia", "hidden"]


def forms(tracking: str, mid: int) -> list[tuple[str, str, str, list[str]]]:
    """(who, method, url, fields) for every form of the two doors and the API."""
    return [
        ("anon", "POST", "/lapor", GUEST),
        ("anon", "POST", "/register", ["email", "username", "password", "password_confirm"]),
        ("anon", "POST", "/login", ["identity", "password"]),
        ("anon", "GET", "/tracking", ["q"]),
        ("anon", "GET", "/pesan", ["status", "kategori", "opd", "q", "page"]),
        ("anon", "POST", "/open311/v2/requests.json",
         ["api_key", "service_code", "description", "lat", "long", "address_string", "email",
          "phone", "first_name", "last_name"]),
        ("anon", "GET", "/open311/v2/requests.json",
         ["service_request_id", "service_code", "start_date", "end_date", "status", "page",
          "page_size"]),
        ("citizen", "POST", "/pesan/kirim", ["perihal", "body", "kabupaten", "address", "anonim",
                                            "rahasia"]),
        ("citizen", "POST", "/settings", ["nik", "full_name", "birth_place", "birth_date",
                                          "religion", "gender", "phone", "address"]),
        ("citizen", "POST", f"/riwayat/{tracking}/nilai", ["version", "stars", "comment"]),
        ("citizen", "POST", f"/riwayat/{tracking}/buka-kembali", ["version", "reason"]),
        *[("staff", "POST", f"/admin/detail/{mid}/aksi/{action}", STAFF_FIELDS)
          for action in lifecycle.STAFF_ACTIONS],
        ("staff", "POST", "/admin/intake/", ["channel", "guest_name", "guest_nik", "guest_phone",
                                             "guest_email", "perihal", "body", "kabupaten",
                                             "address", "anonim", "rahasia"]),
        ("staff", "GET", "/admin/laporan/", ["start", "end"]),
        ("staff", "GET", "/admin/laporan/pesan/", ["start", "end", "status", "opd", "category",
                                                   "channel", "q"]),
        ("staff", "GET", "/admin/pesan/", ["status", "opd", "category", "channel", "start",
                                            "end", "overdue", "q", "sort", "page", "page_size"]),
        ("superadmin", "POST", "/admin/pengaturan/", ["sla_triage_minutes", "sla_answer_workdays",
                                                      "reopen_workdays", "letter_signatory_title",
                                                      "letter_signatory_name",
                                                      "letter_signatory_nip"]),
    ]


@pytest.mark.slow
def test_no_form_answers_a_server_error_whatever_it_is_sent(app, demo):
    """For arbitrary text in every field of every form, is the answer always below 500?"""
    gen_citizen(app, "siti", nik=GOOD_NIK)
    tracking = gen_message(app, reporter="siti").tracking
    advance(app, tracking, "forward", "accept", "reply", opd="DLH", sub="adu-pencemaran")
    mid = gen_message(app).id
    with app.app_context():
        _row, api_key = ApiKey.issue("Uji sifat")
        db.session.commit()
    clients = {"anon": app.test_client(), "citizen": log_in(app.test_client(), "siti"),
               "staff": log_in(app.test_client(), "admin"),
               "superadmin": log_in(app.test_client(), "superadmin")}
    seen = {}

    def property_for(who, method, url, fields):
        client = clients[who]

        @settings(max_examples=EXAMPLES_PER_FORM, deadline=None, derandomize=True,
                  database=None, suppress_health_check=[HealthCheck.too_slow,
                                                        HealthCheck.data_too_large])
        @given(st.data())
        def never_a_server_error(data):
            values = data.draw(st.fixed_dictionaries(
                {name: VERSION if name == "version" else TEXT for name in fields}))
            if "api_key" in values and data.draw(st.booleans(), label="real key"):
                values["api_key"] = api_key
            if method == "GET":
                response = client.get(url, query_string=values)
            else:
                response = client.post(url, data=values)
            seen[method, url] = seen.get((method, url), 0) + 1
            assert response.status_code < 500, (method, url, values, response.status_code)
            if who != "anon" and response.status_code == 302 and "/login" in response.location:
                log_in(client, {"citizen": "siti", "staff": "admin"}.get(who, who))

        return never_a_server_error

    targets = forms(tracking, mid)
    for target in targets:
        property_for(*target)()
    assert len(seen) == len(targets)  # every form was tried
