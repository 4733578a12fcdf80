"""SQL statements per request, counted in-process with Flask's test client.

    python scripts/bench_sql.py ENDPOINTS.json PASSWORD OUT.json

Reads DATABASE_URL and INSTANCE_PATH from the environment, like the app. ENDPOINTS.json is a
list of {"name", "who", "method", "path", "form"}; each is requested twice as `who` (a demo
username, or "guest"), and the statements of the second request are counted with a
`before_cursor_execute` listener (the first pays for one-time work such as loading templates).
CSRF and rate limits are off here: this pass counts queries, it does not measure time.
"""
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    endpoints_file, password, out_file = sys.argv[1:4]
    from sqlalchemy import event

    from aspirasi import create_app
    from aspirasi.extensions import limiter
    from models import db

    app = create_app({"WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False})
    limiter.enabled = False
    counter = [0]
    with app.app_context():
        @event.listens_for(db.engine, "before_cursor_execute")
        def count(*_args):
            counter[0] += 1

    clients, results = {}, {}
    for endpoint in json.loads(Path(endpoints_file).read_text()):
        who = endpoint["who"]
        if who not in clients:
            client = app.test_client()
            if who != "guest":
                response = client.post("/login", data={"identity": who, "password": password})
                if response.status_code != 302:
                    raise SystemExit(f"login as {who} failed: HTTP {response.status_code}")
            clients[who] = client
        client = clients[who]
        status = None
        for _ in range(2):
            counter[0] = 0
            if endpoint["method"] == "POST":
                response = client.post(endpoint["path"], data=endpoint["form"])
            else:
                response = client.get(endpoint["path"])
            response.get_data()  # a streamed body runs its queries while it is read
            response.close()
            status = response.status_code
        results[endpoint["name"]] = {"sql": counter[0], "status": status}
    Path(out_file).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
