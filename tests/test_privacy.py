"""Who learns what about a reporter: staff by role, strangers by tracking number or NIK, and
flag changes that are always explicit and on record."""
from models import AuditLog, Message, db
from tests.helpers import (
    GOOD_NIK,
    OTHER_NIK,
    count_rows,
    fresh,
    gen_citizen,
    gen_message,
    log_in,
    post_action,
)


def forward_data(app):
    from tests.helpers import get_sub

    with app.app_context():
        sub = get_sub("adu-internet")
        return {"category_id": sub.category_id, "subcategory_id": sub.id}


def test_forwarding_without_the_flag_fields_keeps_anonim(app, client, login_as):
    """Does a forward posted without the privacy checkboxes leave anonim and rahasia as they
    were, with no flag step in the timeline?"""
    mid = gen_message(app, anonim=True, rahasia=True).id
    login_as("admin")
    assert post_action(client, mid, "forward", **forward_data(app)).status_code == 302
    state = fresh(app, mid)
    assert state["status"] == "diteruskan"
    assert state["anonim"] is True and state["rahasia"] is True
    assert "flags" not in state["events"]


def test_unticking_anonim_in_the_forward_form_is_recorded(app, client, login_as):
    """When the admin unticks anonim on the forward form (which showed it ticked), is the change
    a `flags` step in the timeline and an audit row, not a silent clear?"""
    mid = gen_message(app, anonim=True).id
    login_as("admin")
    page = client.get(f"/admin/detail/{mid}").get_data(as_text=True)
    assert 'id="fw-anonim" value="1" checked' in page  # the form shows the current value
    response = post_action(client, mid, "forward", flags_shown="1", **forward_data(app))
    assert response.status_code == 302
    state = fresh(app, mid)
    assert state["anonim"] is False and state["events"] == ["submit", "flags", "forward"]
    with app.app_context():
        message = db.session.get(Message, mid)
        assert message.events[1].note == "anonim=tidak"
        audit = AuditLog.query.filter_by(action="pesan.flags", object_id=message.tracking).one()
        assert audit.detail == "anonim=tidak" and audit.username == "admin"


def test_operator_monitor_and_evaluator_never_see_a_nik(app, client, demo):
    """Do staff other than admins see a (non-anonim) reporter's name but never the NIK, phone
    or email, masked or not?"""
    from tests.helpers import advance

    message = gen_message(app, perihal="Tanah longsor di bukit")
    advance(app, message.tracking, "forward", opd="DLH", sub="adu-lahan")
    mid = message.id
    for role in ("op-dlh", "op-biroekonomi", "evaluator"):
        page = log_in(client, role).get(f"/admin/detail/{mid}").get_data(as_text=True)
        assert "Tanah longsor di bukit" in page and "Budi Santoso" in page, role
        for secret in ("6472011505900003", "6472********0003", "081234567890",
                       "warga@example.com"):
            assert secret not in page, (role, secret)
        assert 'id="reveal-nik"' not in page
        assert client.post(f"/admin/detail/{mid}/nik").status_code == 403, role
    assert count_rows(app, AuditLog, action="pesan.lihat_nik") == 0


def test_admin_sees_the_nik_masked_and_reveals_it_with_an_audited_action(app, client, demo):
    """Does an admin see the NIK masked, and the whole NIK only after asking, each look
    leaving an audit row?"""
    mid = gen_message(app).id
    log_in(client, "admin")
    page = client.get(f"/admin/detail/{mid}").get_data(as_text=True)
    assert "6472********0003" in page and "6472011505900003" not in page
    assert 'id="reveal-nik"' in page
    assert count_rows(app, AuditLog, action="pesan.lihat_nik") == 0
    revealed = client.post(f"/admin/detail/{mid}/nik")
    assert revealed.status_code == 200
    assert "6472011505900003" in revealed.get_data(as_text=True)
    with app.app_context():
        row = AuditLog.query.filter_by(action="pesan.lihat_nik").one()
        assert row.username == "admin" and row.object_id == db.session.get(Message, mid).tracking


# --- strangers -------------------------------------------------------------------------------

def test_public_pages_show_initials_or_anonim_never_the_name(app, client, demo):
    """Does the public page of a message name a non-anonim reporter by initials only, and an
    anonim one "Anonim"?"""
    named = gen_message(app, perihal="Jembatan retak").tracking
    hidden = gen_message(app, perihal="Jembatan ambles", anonim=True).tracking
    page = client.get(f"/tracking/{named}").get_data(as_text=True)
    assert "Jembatan retak" in page and "B. S." in page and "Budi" not in page
    page = client.get(f"/tracking/{hidden}").get_data(as_text=True)
    assert "Anonim" in page and "B. S." not in page and "Budi" not in page
    listing = client.get("/pesan").get_data(as_text=True)
    assert "Jembatan retak" in listing and "Budi" not in listing


def test_nik_lookup_lists_no_rahasia_message_at_all(app, client):
    """Does a NIK lookup list the NIK's open messages by number, date and status, and leave
    out a rahasia one entirely (number, subject and all)?"""
    gen_citizen(app, "siti", nik=GOOD_NIK)
    shown = gen_message(app, reporter="siti", perihal="Sampah menumpuk").tracking
    secret = gen_message(app, reporter="siti", perihal="Dugaan suap", rahasia=True).tracking
    page = client.get(f"/tracking?q={GOOD_NIK}").get_data(as_text=True)
    assert shown in page
    assert secret not in page and "Dugaan suap" not in page
    assert "Siti" not in page  # a lookup never names the person


def test_settings_does_not_confirm_that_a_nik_has_an_account(app, client):
    """Is a NIK taken by another account refused with a neutral message that does not say it
    is registered, and kept off this profile?"""
    gen_citizen(app, "siti", nik=GOOD_NIK)
    gen_citizen(app, "andi", nik=OTHER_NIK)
    log_in(client, "andi")
    response = client.post("/settings", data={"nik": GOOD_NIK, "full_name": "Andi"})
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "NIK ini tidak dapat digunakan" in text
    assert "terdaftar" not in text
    with app.app_context():
        from tests.helpers import get_user
        assert get_user("andi").nik == OTHER_NIK


def test_open311_never_names_the_reporter(app, client, demo):
    """Does the Open311 output of a public message carry neither the reporter's name nor
    their initials, NIK, phone or email?"""
    tracking = gen_message(app, perihal="Trotoar rusak").tracking
    response = client.get(f"/open311/v2/requests/{tracking}.json")
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "Trotoar rusak" in text
    for trace in ("Budi", "Santoso", "B. S.", "6472011505900003", "081234567890",
                  "warga@example.com", '"warga"'):
        assert trace not in text, trace


def test_only_admins_find_a_message_by_the_reporters_name(app, client, demo):
    """Can an evaluator or the OPD's operator confirm who sent an anonim guest message by
    searching the message list for a name? (Admins, who see every reporter, can.)"""
    message = gen_message(app, reporter=None, perihal="Jalan berlubang di Loa Janan",
                          guest_name="Rahmat Hidayat", guest_nik=OTHER_NIK,
                          guest_phone="081311112222", anonim=True, status="diteruskan")
    searches = {"evaluator": "/admin/pesan/?q=Hidayat",
                "op-diskominfo": "/admin/pesan-opd/?q=Hidayat",
                "admin": "/admin/pesan/?q=Hidayat"}
    found = {who: message.tracking in log_in(client, who).get(url).get_data(as_text=True)
             for who, url in searches.items()}
    assert found == {"evaluator": False, "op-diskominfo": False, "admin": True}
    # The subject stays searchable for everyone who may see the message.
    page = log_in(client, "evaluator").get("/admin/pesan/?q=Berlubang").get_data(as_text=True)
    assert message.tracking in page


def test_a_guest_without_a_name_is_named_as_such(app, client, demo):
    """Does a guest report sent without a name show "Tamu tanpa nama" as its sender to the
    admin and to the OPD's operator, rather than a blank?"""
    import re

    message = gen_message(app, reporter=None, guest_phone="081355500011", status="diteruskan")
    for username in ("admin", "op-diskominfo"):
        page = log_in(app.test_client(), username).get(f"/admin/detail/{message.id}")
        sender = re.search(r'id="reporter-name">([^<]*)<', page.get_data(as_text=True)).group(1)
        assert sender.strip() == "Tamu tanpa nama", username
