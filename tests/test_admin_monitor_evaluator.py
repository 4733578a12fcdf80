"""The monitor's read-only watch and the evaluator's report, drill-down and teguran."""
from models import Reprimand
from tests.helpers import fresh, gen_message


def test_monitor_sees_monitored_subcategory_across_opds(app, client, login_as):
    """Does op-biroekonomi's monitor list show 'Permasalahan Lahan' messages of any OPD only?"""
    other = gen_message(app, status="diteruskan", opd="DISKOMINFO", sub="adu-lahan",
                        perihal="Lahan kedua").id
    login_as("op-biroekonomi")
    page = client.get("/admin/pantauan/").get_data(as_text=True)
    assert "Sengketa batas lahan kebun warga" in page and "Lahan kedua" in page
    assert "Website dinas tidak bisa dibuka" not in page
    detail = client.get(f"/admin/detail/{other}").get_data(as_text=True)
    assert 'id="timeline"' in detail and "Diteruskan ke OPD" in detail
    # As operator of Biro Perekonomian it has no message of its own yet.
    assert "Lahan kedua" not in client.get("/admin/pesan-opd/").get_data(as_text=True)


def test_evaluator_report_counts_by_status_and_opd(app, client, login_as):
    """Does the status × OPD table show the demo's counts, with drill-down links that filter?"""
    login_as("evaluator")
    page = client.get("/admin/evaluasi/").get_data(as_text=True)
    row = page.split('data-opd="Dinas Lingkungan Hidup"')[1].split("</tr>")[0]
    # DLH: 0 baru, 1 diteruskan, 1 diproses, 0 selesai, 0 overdue
    cells = [c.split("</td>")[0] for c in row.split("<td>")[2:]]
    assert [c.split(">")[-2].split("<")[0] if "<a" in c else c for c in cells] == ["0", "1", "1", "0", "0"]
    link = row.split('href="')[2].split('"')[0].replace("&amp;", "&")
    listing = client.get(link).get_data(as_text=True)
    assert "Limbah di Sungai Karang Mumus" in listing
    assert "Sengketa batas lahan" not in listing and "Website dinas" not in listing


def test_evaluator_sends_teguran_and_sees_acknowledgement(app, client, login_as):
    """Can the evaluator send a teguran from the message page and see it acknowledged?"""
    mid = gen_message(app, status="diteruskan").id
    version = fresh(app, mid)["version"]
    login_as("evaluator")
    assert 'id="form-reprimand"' in client.get(f"/admin/detail/{mid}").get_data(as_text=True)
    response = client.post(f"/admin/detail/{mid}/aksi/reprimand",
                           data={"version": version, "note": "Belum ada tindak lanjut"})
    assert response.status_code == 302
    assert fresh(app, mid)["status"] == "diteruskan"  # a teguran changes no status
    listing = client.get("/admin/evaluasi/teguran").get_data(as_text=True)
    assert "Belum ada tindak lanjut" in listing and "belum" in listing
    login_as("op-diskominfo")
    with app.app_context():
        reprimand_id = Reprimand.query.one().id
    client.post(f"/admin/teguran/{reprimand_id}/terima")
    login_as("evaluator")
    listing = client.get("/admin/evaluasi/teguran").get_data(as_text=True)
    assert '<td class="ack">ya' in listing


def test_evaluator_cannot_change_a_message(app, client, login_as):
    """Can the evaluator forward, accept or note a message?"""
    mid = gen_message(app).id
    before = fresh(app, mid)
    login_as("evaluator")
    for action in ("forward", "close", "note", "flags"):
        response = client.post(f"/admin/detail/{mid}/aksi/{action}",
                               data={"version": before["version"], "note": "x", "reason": "spam"})
        assert response.status_code == 403, action
    assert fresh(app, mid) == before
