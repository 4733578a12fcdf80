"""Choosing a category and a sub category when forwarding: the page offers only the chosen
category's sub categories, and the server refuses a pair that does not belong together."""
from models import Category, Subcategory
from tests.helpers import browser_log_in, fresh, gen_message, get_opd, get_sub, post_action


def ids(app):
    with app.app_context():
        return ({c.code: c.id for c in Category.query},
                {s.code: s.id for s in Subcategory.query},
                get_opd("DISKOMINFO").id)


def test_forward_with_a_sub_category_of_another_category_is_refused(app, demo, login_as):
    """Does forwarding with category Aspirasi and a sub category of Aduan fail with a clear
    Indonesian reason, leaving the message as it was?"""
    message = gen_message(app, perihal="Sinyal hilang")
    categories, subs, opd = ids(app)
    client = login_as("admin")
    response = post_action(client, message.id, "forward", category_id=categories["aspirasi"],
                           subcategory_id=subs["adu-internet"], opd_id=opd)
    assert response.status_code == 400
    assert "Sub kategori tidak termasuk dalam kategori yang dipilih." in response.get_data(
        as_text=True)
    after = fresh(app, message.id)
    assert (after["status"], after["opd"], after["events"]) == ("baru", None, ["submit"])
    with app.app_context():
        from models import Message, db

        stored = db.session.get(Message, message.id)
        assert (stored.category_id, stored.subcategory_id) == (None, None)


def test_each_sub_category_option_names_its_category(app, demo, login_as):
    """Does the forward form tell the page which category each sub category belongs to (what
    the narrowing script reads), while still listing all of them for a browser without it?"""
    message = gen_message(app, perihal="Sinyal hilang")
    html = login_as("admin").get(f"/admin/detail/{message.id}").get_data(as_text=True)
    assert 'data-narrows="subcategory_id"' in html
    with app.app_context():
        for code in ("adu-internet", "asp-infrastruktur", "inf-umum"):
            sub = get_sub(code)
            assert f'value="{sub.id}" data-category="{sub.category_id}"' in html, code


def test_sub_category_list_follows_the_chosen_category(app, demo, page):
    """In a browser, does choosing a category leave only its sub categories in the list, and
    does switching category drop a sub category that no longer fits?"""
    message = gen_message(app, perihal="Sinyal hilang")
    browser_log_in(page, "admin")
    page.goto(f"/admin/detail/{message.id}")

    def offered():
        return [label.strip() for label in
                page.locator("#subcategory_id option").all_inner_texts() if label.strip() != "—"]

    page.select_option("#category_id", label="Aspirasi")
    shown = offered()
    assert shown and all(label.startswith("Aspirasi / ") for label in shown), shown
    page.select_option("#subcategory_id", label="Aspirasi / Infrastruktur")
    page.select_option("#category_id", label="Aduan")
    shown = offered()
    assert "Aduan / Layanan Internet dan Website Pemerintah" in shown
    assert all(label.startswith("Aduan / ") for label in shown), shown
    assert page.input_value("#subcategory_id") == ""
