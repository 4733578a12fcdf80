"""Forwarding to an OPD that has no active operator: warned before, told after."""
import re

from models import Notification, Opd, Subcategory, User, db
from tests.helpers import gen_message, post_action


def _warning(page: str) -> str:
    found = re.search(r'id="unstaffed-opds">(.*?)</div>', page, re.S)
    return found.group(1) if found else ""


def _told(app, username, kind, message_id):
    """How many notifications of `kind` about the message `username` got (read or not: the
    admin's own page reads them)."""
    with app.app_context():
        user = User.query.filter_by(username=username).one()
        return Notification.query.filter_by(user_id=user.id, kind=kind,
                                            message_id=message_id).count()


def test_forward_form_names_the_opds_without_an_operator(app, client, login_as):
    """Does the admin's forwarding form name the OPDs no active operator answers for (Dinas
    Kehutanan in the demo), and not those with one, and does a deactivated operator count as
    none?"""
    message_id = gen_message(app).id
    login_as("admin")
    warning = _warning(client.get(f"/admin/detail/{message_id}").get_data(as_text=True))
    assert "Dinas Kehutanan" in warning
    assert "Dinas Lingkungan Hidup" not in warning and "Dinas Komunikasi" not in warning
    with app.app_context():
        User.query.filter_by(username="op-dlh").one().active = False
        db.session.commit()
    warning = _warning(client.get(f"/admin/detail/{message_id}").get_data(as_text=True))
    assert "Dinas Lingkungan Hidup" in warning


def test_forwarding_there_anyway_tells_the_admins_and_the_monitors(app, client, login_as):
    """When a message is forwarded to an OPD without an operator anyway, does the page say
    nobody received it, and do the admins and the sub category's monitor get a notification
    (and nobody does when the OPD has an operator)?"""
    message_id = gen_message(app).id
    login_as("admin")
    with app.app_context():
        lahan = Subcategory.query.filter_by(code="adu-lahan").one()
        ids = {"category_id": lahan.category_id, "subcategory_id": lahan.id,
               "dishut": Opd.query.filter_by(code="DISHUT").one().id,
               "dlh": Opd.query.filter_by(code="DLH").one().id}
    response = post_action(client, message_id, "forward", category_id=ids["category_id"],
                           subcategory_id=ids["subcategory_id"], opd_id=ids["dishut"])
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "belum punya operator aktif" in page
    assert _told(app, "admin", "tanpa_operator", message_id) == 1
    assert _told(app, "op-biroekonomi", "tanpa_operator", message_id) == 1  # monitors Lahan

    other = gen_message(app, perihal="Ke DLH").id
    post_action(client, other, "forward", category_id=ids["category_id"],
                subcategory_id=ids["subcategory_id"], opd_id=ids["dlh"])
    assert _told(app, "admin", "tanpa_operator", other) == 0
    assert _told(app, "op-biroekonomi", "tanpa_operator", other) == 0
