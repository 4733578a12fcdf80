"""A server installed without the `triage` extra (no scikit-learn, numpy, scipy, joblib): the
service starts and serves the triage page, which says that suggestions and similar subjects
are unavailable, in the reader's language; `flask triage-train` fails and says why.

Each test runs the app in a fresh Python process in which those packages cannot be imported,
as on such a server: any module importing one of them at import time fails the test."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
WITHOUT_TRIAGE = ("import sys\n"
                  "for name in ('sklearn', 'numpy', 'scipy', 'joblib'):\n"
                  "    sys.modules[name] = None  # import raises ImportError\n")

TRIAGE_PAGE = WITHOUT_TRIAGE + """
import json
from flask_migrate import upgrade
from aspirasi import create_app
from aspirasi.cli import seed_demo
from tests.helpers import PASSWORD, app_config, gen_message, log_in

app = create_app(app_config(sys.argv[1]))
with app.app_context():
    upgrade()
    seed_demo(PASSWORD)
mid = gen_message(app, perihal="Jalan berlubang di Jl. Juanda").id
client = log_in(app.test_client(), "admin")
pages = {}
for lang in ("id", "en"):
    response = client.get(f"/admin/detail/{mid}?lang={lang}")
    pages[lang] = [response.status_code, response.get_data(as_text=True)]
print(json.dumps(pages))
"""

FLASK = WITHOUT_TRIAGE + "sys.argv[0] = 'flask'\nfrom flask.cli import main\nmain()\n"


def run(script, *args, tmp_path):
    env = {**os.environ, "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "no-triage-secret",
           "DATABASE_URL": f"sqlite:///{tmp_path}/aspirasi.db"}
    env.pop("TEST_DATABASE_URL", None)  # its own SQLite file: the session's database is busy
    return subprocess.run([sys.executable, "-c", script, *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


def test_triage_page_says_suggestions_are_unavailable(tmp_path):
    """Without scikit-learn, does the admin's triage page still open, saying that suggestions
    and the search for similar subjects are not installed, in Indonesian and in English?"""
    result = run(TRIAGE_PAGE, str(tmp_path), tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    pages = json.loads(result.stdout.splitlines()[-1])
    status, page = pages["id"]
    assert status == 200
    assert 'id="form-forward"' in page and 'data-field="' not in page
    assert "Saran triase tidak tersedia: fitur saran tidak terpasang di server ini." in page
    assert "pencarian perihal mirip tidak terpasang di server ini" in page
    status, page = pages["en"]
    assert status == 200
    assert ("Triage suggestions are unavailable: the suggestion feature is not installed on this "
            "server.") in page
    assert "the search for similar subjects is not installed on this server" in page


def test_triage_train_fails_and_says_the_extra_is_missing(tmp_path):
    """Without scikit-learn, does `flask triage-train` exit non-zero, write no model, and
    say that the triage extra is what is missing?"""
    result = run(FLASK, "--app", "wsgi", "triage-train", tmp_path=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "scikit-learn tidak terpasang" in result.stderr
    assert "pip install -r requirements/triage.txt" in result.stderr
    assert not list(tmp_path.glob("triage-model*"))


def test_seed_demo_and_the_worker_train_nothing_and_still_succeed(tmp_path):
    """Without scikit-learn, do `seed-demo` and a worker round (`mail-deliver`), which train a
    model when one is due, finish as usual and write no model?"""
    for command in (["db", "upgrade"], ["seed-demo", "--password", "Mahakam-Senja-Perahu-41"],
                    ["mail-deliver"]):
        result = run(FLASK, "--app", "wsgi", *command, tmp_path=tmp_path)
        assert result.returncode == 0, (command, result.stdout + result.stderr[-3000:])
    assert not list(tmp_path.glob("triage-model*"))
