"""The foundation: app factory, schema, health, demo data, commands."""
import pytest

from models import Message, Opd, User
from tests.helpers import PASSWORD, log_in


def test_healthz_reports_ok_when_database_answers(client):
    """Does /healthz answer 200 with status ok when the database is reachable?"""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "checks": {
        "database": "ok", "database_write": "ok", "uploads": "ok"},
        "worker": {"waiting": 0, "oldest_seconds": 0}}


def test_seed_demo_creates_accounts_opds_and_messages(app, runner):
    """Does `seed-demo` create the demo accounts, the OPDs and sample messages?"""
    result = runner.invoke(args=["seed-demo", "--password", "Rahasia-12345"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        names = {u.username for u in User.query.all()}
        for account in ("superadmin", "admin", "op-diskominfo", "op-dlh", "op-biroekonomi",
                        "evaluator", "warga"):
            assert account in names
        assert Opd.query.filter_by(name="Biro Perekonomian").one()
        assert Opd.query.filter_by(name="Dinas Lingkungan Hidup").one()
        assert Message.query.count() >= 5
        biro = User.query.filter_by(username="op-biroekonomi").one()
        assert {"operator", "monitor"} <= biro.role_names
        assert [s.name for s in biro.monitored_subcategories] == ["Permasalahan Lahan"]
        warga = User.query.filter_by(username="warga").one()
        assert warga.confirmed_at is not None and len(warga.nik) == 16


def test_seed_demo_prints_a_random_password_when_none_given(runner, monkeypatch):
    """Without DEMO_PASSWORD, does seed-demo print the random password it chose?"""
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "Kata sandi semua akun demo:" in result.output


def test_create_superadmin_by_options(app, runner):
    """Does `create-superadmin` create a confirmed superadmin, and refuse a duplicate?"""
    args = ["create-superadmin", "--username", "kepala", "--email", "kepala@kaltimprov.go.id",
            "--password", "Sangat-Rahasia-1"]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = User.query.filter_by(username="kepala").one()
        assert user.role_names == {"superadmin"}
        assert user.password.startswith("$argon2")
    again = runner.invoke(args=args)
    assert again.exit_code != 0
    assert "sudah terdaftar" in again.output
    with app.app_context():
        assert User.query.filter_by(username="kepala").count() == 1


def test_login_by_username_and_by_email(client, demo):
    """Can a demo account log in both by username and by email?"""
    log_in(client, "admin")
    client.post("/logout")
    log_in(client, "admin@aspirasi.kaltimprov.go.id")


def test_default_language_is_indonesian_and_english_is_selectable(client):
    """Are pages Indonesian by default, and English when chosen?"""
    page = client.get("/").get_data(as_text=True)
    assert "Pemerintah Provinsi Kalimantan Timur" in page
    assert 'lang="id"' in page
    english = client.get("/?lang=en").get_data(as_text=True)
    assert 'lang="en"' in english


def test_security_headers_on_every_page(client):
    """Do pages forbid framing, sniffing and foreign scripts, so no one can deface them?"""
    response = client.get("/healthz")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "script-src 'self';" in policy  # no inline or foreign scripts on the portal


def test_healthz_reports_failure_when_database_is_unreachable(tmp_path):
    """Does /healthz answer 503 (not 200) when the database cannot be reached?"""
    from aspirasi import create_app

    broken = create_app({"TESTING": True, "SECRET_KEY": "x",
                         "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/missing/dir/db.sqlite"})
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "error"


def test_no_page_loads_anything_from_another_host(client):
    """Does the home page reference only assets served by the app itself (closed networks)?"""
    import re

    page = client.get("/").get_data(as_text=True)
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sources, "the page links its stylesheet and logo"
    external = [s for s in sources if s.startswith(("http://", "https://", "//"))]
    assert external == []


def test_forged_forwarded_for_header_is_not_believed_without_a_proxy(app, client, demo):
    """Can a client write a false address into the audit log with an X-Forwarded-For header?"""
    from models import AuditLog

    client.post("/login", data={"identity": "admin", "password": PASSWORD},
                headers={"X-Forwarded-For": "203.0.113.9"})
    with app.app_context():
        row = AuditLog.query.filter_by(action="login").one()
    assert row.ip == "127.0.0.1"


def test_behind_a_declared_proxy_the_client_address_is_used(tmp_path):
    """With PROXY_FIX_HOPS=1, is the address the proxy reports the one the app sees?"""
    from flask import request

    from aspirasi import create_app

    proxied = create_app({"TESTING": True, "SECRET_KEY": "x", "PROXY_FIX_HOPS": 1,
                          "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/p.db"})
    proxied.add_url_rule("/_addr", "addr", lambda: request.remote_addr)
    seen = proxied.test_client().get("/_addr", headers={"X-Forwarded-For": "198.51.100.7"})
    assert seen.get_data(as_text=True) == "198.51.100.7"


def test_create_superadmin_interactively(app, runner):
    """Does `create-superadmin` ask for what it needs when given no options?"""
    from models import User

    answers = "kepala2\nkepala2@kaltimprov.go.id\nSangat-Rahasia-2\nSangat-Rahasia-2\n"
    result = runner.invoke(args=["create-superadmin"], input=answers)
    assert result.exit_code == 0, result.output
    assert "Username" in result.output and "Kata sandi" in result.output
    with app.app_context():
        assert User.query.filter_by(username="kepala2").one().role_names == {"superadmin"}


def test_create_superadmin_refuses_a_bad_email_and_a_short_password(app, runner):
    """Are a malformed email and a 5-character password refused, creating nobody?"""
    from models import User

    bad_email = runner.invoke(args=["create-superadmin", "--username", "x1", "--email",
                                    "bukan-email", "--password", "Panjang-sekali-1"])
    short = runner.invoke(args=["create-superadmin", "--username", "x2", "--email",
                                "x2@kaltimprov.go.id", "--password", "abc12"])
    assert bad_email.exit_code != 0 and "Email tidak valid" in bad_email.output
    assert short.exit_code != 0 and "minimal 8" in short.output
    with app.app_context():
        assert User.query.count() == 0


# Each process reads the configuration at the same instant, as gunicorn's workers do when they
# start together on a fresh machine, and prints the secrets it will use.
_READ_CONFIG_AT = """
import json, sys, time
from aspirasi.config import Config
time.sleep(max(0.0, float(sys.argv[1]) - time.time()))
values = Config.load()
print(json.dumps([values["SECRET_KEY"], values["SECURITY_TOTP_SECRETS"],
                  values["SECURITY_MULTI_FACTOR_RECOVERY_CODES_KEYS"]]))
"""


@pytest.mark.slow
def test_workers_starting_together_on_a_fresh_machine_share_one_set_of_secrets(tmp_path):
    """When several workers start at once with no secrets configured, do they all sign sessions
    and encrypt second factors with the same generated keys, the ones kept under instance/
    (not one worker's key lost, or a half-written file read)?"""
    import json
    import os
    import subprocess
    import sys
    import time
    from pathlib import Path

    env = {key: value for key, value in os.environ.items()
           if key not in ("SECRET_KEY", "SECURITY_TOTP_SECRETS", "SECURITY_RECOVERY_CODES_KEYS")}
    root = Path(__file__).resolve().parent.parent
    for attempt in range(3):  # the processes meet within a millisecond; three fresh machines
        instance = tmp_path / f"instance-{attempt}"
        env["INSTANCE_PATH"] = str(instance)
        start = f"{time.time() + 2.5:.3f}"
        workers = [subprocess.Popen([sys.executable, "-c", _READ_CONFIG_AT, start], cwd=root,
                                    env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    text=True) for _ in range(8)]
        outputs = [worker.communicate(timeout=60) for worker in workers]
        assert [worker.returncode for worker in workers] == [0] * 8, [e[-800:] for _o, e in outputs]
        seen = {out for out, _err in outputs}
        assert len(seen) == 1, seen
        secret_key, totp, recovery = json.loads(seen.pop())
        assert (instance / "secret_key").read_text().strip() == secret_key
        assert json.loads((instance / "totp_secrets.json").read_text()) == totp
        assert json.loads((instance / "recovery_code_keys.json").read_text()) == recovery
        assert sorted(path.name for path in instance.iterdir()) == [
            "recovery_code_keys.json", "secret_key", "totp_secrets.json"]
        assert all(path.stat().st_mode & 0o777 == 0o600 for path in instance.iterdir())


def test_errors_are_json_for_json_clients_and_a_page_for_browsers(client, citizen, csrf_enabled):
    """Is an error (a missing page, a form without its CSRF token) answered as JSON to a client
    asking for JSON, and as the page in the reader's language to a browser?"""
    json_only = {"Accept": "application/json"}
    for response, status in ((client.get("/tidak-ada", headers=json_only), 404),
                             (client.post("/pesan/kirim", data={}, headers=json_only), 400)):
        assert response.status_code == status
        assert response.mimetype == "application/json"
        assert response.get_json()["status"] == status
    missing = client.get("/tidak-ada")
    assert missing.status_code == 404 and missing.mimetype == "text/html"
    assert "Halaman tidak ditemukan" in missing.get_data(as_text=True)
    refused = client.post("/pesan/kirim", data={})
    assert refused.status_code == 400 and "Formulir kedaluwarsa" in refused.get_data(as_text=True)
