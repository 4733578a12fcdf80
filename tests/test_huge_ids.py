"""A number too large for an id column is an id that names no row: 404, never a database
error. Every route with an `<int:...>` part and every back-office list's `?id=` is asked, as
read from the app's own URL map, so a route added later is asked too."""
import re
import tempfile

import pytest

from tests.helpers import app_config, gen_message, log_in

# Just past PostgreSQL's integer, just past a 64-bit integer, and far past both.
HUGE = ("2147483648", "9223372036854775808", "99999999999999999999")
# Flask-Admin's views that read rows by id: `?id=` (one row), `rowid` (a bulk action's rows).
ROW_VIEWS = ("edit_view", "details_view", "delete_view", "action_view")


def _url_map():
    from aspirasi import create_app

    return create_app(app_config(tempfile.mkdtemp(prefix="aspirasi-urlmap-"))).url_map


def _routes():
    """(rule, method) for every rule with an `<int:...>` part, and every row view."""
    found = []
    for rule in _url_map().iter_rules():
        methods = sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
        if "<int:" in rule.rule or rule.endpoint.rsplit(".", 1)[-1] in ROW_VIEWS:
            found += [(rule.rule, method) for method in methods]
    return found


ROUTES = _routes()


def test_the_routes_are_found():
    """Does the list hold the routes the issue named (so the test below asks something)?"""
    rules = {rule for rule, _method in ROUTES}
    assert "/admin/detail/<int:message_id>" in rules
    assert "/riwayat/<nomor>/lampiran/<int:attachment_id>" in rules
    assert any(rule.endswith("/edit/") for rule in rules)


@pytest.mark.parametrize("rule,method", ROUTES)
def test_a_huge_id_is_not_found(app, client, demo, rule, method):
    """Does a number no id column can hold answer 404 (a back-office row view: its usual
    "no such record"), never 500?"""
    nomor = gen_message(app).tracking if "<nomor>" in rule else None
    # The citizen owns the message; staff pages are asked by the superadmin, who sees all.
    log_in(client, "warga" if nomor else "superadmin")
    row_view = rule.endswith(("/edit/", "/details/", "/delete/", "/action/"))
    for number in HUGE:
        url = re.sub(r"<int:\w+>", number, rule).replace("<action>", "note")
        url = url.replace("<nomor>", nomor or "")
        assert "<" not in url, url
        response = client.open(url, method=method, query_string={"id": number},
                               data={"id": number, "action": "delete", "rowid": number})
        expected = (302, 404) if row_view else (404,)
        assert response.status_code in expected, (url, method, response.status_code)
