"""Benchmark: the app under load, served as in production, on large throwaway databases.

    python scripts/bench.py [--sizes 10k,100k,1m] [--db sqlite,postgres] [--duration 10]
                            [--rounds 3] [--only NAME] [--workdir DIR] [--out FILE]

For each database and size: a throwaway database gets the app's own schema (`flask db
upgrade`), the demo data (`flask seed-demo`) and N generated messages (scripts/bench_seed.py).
Then gunicorn (2 sync workers, 127.0.0.1 only) serves a "ceiling" app (one SELECT by primary
key, scripts/bench_ceiling.py) and the real app side by side, and wrk loads each endpoint with
16 connections for 10 s after a short warm-up. With --rounds N, the ceiling and every endpoint
are measured N times, interleaved (reads, then writes, each round after its own ceiling), and
each figure is the median of its rounds; the share of the ceiling is taken per round. A
separate in-process pass counts SQL statements per request (scripts/bench_sql.py). Prints, per
endpoint: requests/s, p50, p99, errors, the share of the ceiling's requests/s (with several
rounds also the least and the most), SQL statements per request and the peak RSS of the
busiest gunicorn worker; with several sizes also p99(largest)/p99(smallest). Figures only; it asserts
nothing. Servers and PostgreSQL clusters are stopped at the end, also on errors and Ctrl-C.
"""
import argparse
import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "scripts"
sys.path.insert(0, str(ROOT))

from models.paging import last_page  # noqa: E402
from public_portal.views import PER_PAGE as PUBLIC_PER_PAGE  # noqa: E402

PYTHON = sys.executable
BIN = Path(sys.executable).parent
PASSWORD = "bench-password-1"
USER_AGENT = "aspirasi-bench"
HOST = "127.0.0.1"
WARMUP_SECONDS = 2
SLOW_SECONDS = 0.5      # a probe slower than this: 2 connections instead of 16
VERY_SLOW_SECONDS = 5   # slower than this: a fixed count of sequential requests
VERY_SLOW_COUNT = 3
WRK_TIMEOUT = "30s"
START_TIMEOUT = 60      # seconds a server may take to answer its first request
REQUEST_TIMEOUT = 120   # seconds for one request outside wrk (gunicorn's worker timeout too)
SAMPLE_PATHS = 5000     # random tracking numbers and ids asked for by the endpoints below

# name, who (demo username or guest), method, path (formatted with the seeded values)
ENDPOINTS = [
    ("tracking detail", "guest", "GET", "/tracking/{tracking}"),
    # Each request a different citizen's number, chosen at random among SAMPLE_PATHS of them.
    ("tracking many numbers", "guest", "GET", "/tracking/{tracking}"),
    ("guest form", "guest", "GET", "/lapor"),
    ("home", "guest", "GET", "/"),
    # A page rendered for each request with no query of its own (the layout reads the site
    # contacts): what any page that is not stored costs at least.
    ("about page", "guest", "GET", "/tentang"),
    ("pesan p1", "guest", "GET", "/pesan"),
    # The deepest page the list offers: past it, a page number shows this same page.
    ("pesan deep page", "guest", "GET", "/pesan?page={last_page}"),
    ("pesan search", "guest", "GET", "/pesan?q=banjir"),
    ("pesan filter", "guest", "GET", "/pesan?status=selesai&opd={diskominfo_id}"),
    ("tracking by NIK", "guest", "GET", "/tracking?q={nik}"),
    ("kinerja", "guest", "GET", "/kinerja"),
    ("admin list", "admin", "GET", "/admin/pesan/"),
    ("admin inbox", "admin", "GET", "/admin/pesan-baru/"),
    ("operator list", "op-diskominfo", "GET", "/admin/pesan-opd/"),
    ("admin detail", "admin", "GET", "/admin/detail/{detail_id}"),
    ("operator detail", "op-diskominfo", "GET", "/admin/detail/{operator_detail_id}"),
    ("dashboard", "admin", "GET", "/admin/"),
    ("monitor", "op-biroekonomi", "GET", "/admin/pantauan/"),
    ("evaluator", "evaluator", "GET", "/admin/evaluasi/"),
    ("report year", "admin", "GET", "/admin/laporan/?start={year}-01-01&end={year}-12-31"),
    ("CSV export year", "admin", "GET",
     "/admin/laporan/pesan/ekspor.csv?start={year}-01-01&end={year}-12-31"),
    ("open311 list", "guest", "GET", "/open311/v2/requests.json"),
    # Writes come last so that they do not change what the reads see.
    ("POST /lapor", "guest", "POST", "/lapor"),
    ("POST /pesan/kirim", "warga", "POST", "/pesan/kirim"),
]


def forms(values: dict) -> dict:
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    return {
        "POST /lapor": {"guest_kind": "umum", "perihal": "Lampu jalan mati di Kota Bontang",
                        "body": "Lampu penerangan jalan mati sejak seminggu yang lalu.",
                        "nik": "6472011505900003", "phone": "081234567890",
                        "event_date": yesterday},
        "POST /pesan/kirim": {"perihal": "Drainase tersumbat di Kota Samarinda",
                              "body": "Saluran air tersumbat sampah sehingga jalan tergenang.",
                              "kabupaten": "Kota Samarinda"},
    }


def parse_size(text: str) -> int:
    text = text.strip().lower()
    factor = {"k": 1000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text.rstrip("km")) * factor)


def label(size: int) -> str:
    if size % 1_000_000 == 0:
        return f"{size // 1_000_000}M"
    return f"{size // 1000}k" if size % 1000 == 0 else str(size)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def log(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)


def ensure_wrk() -> None:
    if shutil.which("wrk"):
        return
    if os.geteuid() != 0:
        raise SystemExit("wrk is missing: install the Debian package `wrk` as root")
    log("installing wrk (Debian package)")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, timeout=300)
    subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", "wrk"],
                   check=True, env=env, timeout=300, stdout=subprocess.DEVNULL)


# --- servers ------------------------------------------------------------------------------------

class Server:
    """A gunicorn on a loopback port; stopped by stop(), whatever happened meanwhile."""

    def __init__(self, app: str, env: dict, port: int, workdir: Path, name: str):
        self.port, self.name = port, name
        self.log_path = workdir / f"gunicorn-{name}.log"
        self.log_file = self.log_path.open("w")
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", str(SCRIPTS / "bench_gunicorn.py"), "--chdir", str(ROOT),
             "--pythonpath", f"{ROOT},{SCRIPTS}", app],
            env=dict(env, BENCH_BIND=f"{HOST}:{port}"), stdout=self.log_file,
            stderr=subprocess.STDOUT, start_new_session=True)

    def url(self, path: str) -> str:
        return f"http://{HOST}:{self.port}{path}"

    def wait(self, path: str) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} server exited; see {self.log_path}")
            try:
                with urllib.request.urlopen(self.url(path), timeout=5):
                    return
            except (urllib.error.URLError, OSError):
                time.sleep(0.3)
        raise RuntimeError(f"{self.name} server did not answer within {START_TIMEOUT} s")

    def workers(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            return []

    def reset_peaks(self) -> None:
        for pid in self.workers():
            try:
                Path(f"/proc/{pid}/clear_refs").write_text("5")  # resets VmHWM
            except OSError:
                pass

    def peak_rss_mib(self) -> float | None:
        peaks = []
        for pid in self.workers():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
            if match:
                peaks.append(int(match.group(1)) / 1024)
        return max(peaks) if peaks else None

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)
            except ProcessLookupError:
                pass
        self.log_file.close()


class Postgres:
    def __init__(self, workdir: Path, port: int):
        self.dir = workdir / "pg"
        workdir.chmod(0o755)  # pg.sh runs the cluster as the postgres user when we are root
        # Commits wait for the disk, as in production: a submission's cost includes it.
        result = subprocess.run(["bash", str(SCRIPTS / "pg.sh"), "start", str(self.dir), str(port)],
                                capture_output=True, text=True, timeout=120,
                                env={**os.environ, "PG_FSYNC": "on"})
        if result.returncode != 0:
            self.stop()  # a half-started cluster is stopped too
            raise RuntimeError(f"PostgreSQL did not start: {result.stderr.strip()}")
        self.url = result.stdout.strip().splitlines()[-1]

    def stop(self) -> None:
        if (self.dir / "data").exists():
            subprocess.run(["bash", str(SCRIPTS / "pg.sh"), "stop", str(self.dir)],
                           timeout=60, check=False, capture_output=True)


# --- HTTP as a browser would do it ---------------------------------------------------------------

class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A cookie-keeping client that does not follow redirects (a 302 to /login must show)."""

    def __init__(self, server: Server):
        self.server = server
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar),
                                                  NoRedirect())

    def request(self, path: str, form: dict | None = None) -> tuple[int, str, float]:
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        req = urllib.request.Request(self.server.url(path), data=data,
                                     headers={"User-Agent": USER_AGENT})
        started = time.perf_counter()
        try:
            with self.opener.open(req, timeout=REQUEST_TIMEOUT) as response:
                body = response.read().decode("utf-8", "replace")
                status = response.status
        except urllib.error.HTTPError as error:
            body, status = error.read().decode("utf-8", "replace"), error.code
        except (TimeoutError, urllib.error.URLError, ConnectionError) as error:
            body, status = str(error), 0  # no answer: counted as an error
        return status, body, time.perf_counter() - started

    def csrf(self, path: str) -> str:
        status, body, _ = self.request(path)
        match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', body) or re.search(
            r'value="([^"]+)"[^>]*name="csrf_token"', body)
        if status != 200 or not match:
            raise RuntimeError(f"no CSRF token on {path} (HTTP {status})")
        return match.group(1)

    def login(self, username: str) -> None:
        token = self.csrf("/login")
        status, _, _ = self.request("/login", {"identity": username, "password": PASSWORD,
                                               "csrf_token": token})
        if status != 302:
            raise RuntimeError(f"login as {username} failed (HTTP {status})")

    def cookie_header(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)


# --- load ---------------------------------------------------------------------------------------

def wrk(url: str, seconds: float, connections: int, cookie: str, body_file: str | None,
        paths_file: str | None = None) -> dict:
    command = ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s",
               "--timeout", WRK_TIMEOUT, "-s", str(SCRIPTS / "bench_wrk.lua"),
               "-H", f"User-Agent: {USER_AGENT}"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    env = dict(os.environ, BENCH_BODY_FILE=body_file or "", BENCH_PATHS_FILE=paths_file or "")
    result = subprocess.run(command + [url], capture_output=True, text=True, env=env,
                            timeout=seconds + 90)
    match = re.search(r"^BENCH_JSON (.*)$", result.stdout, re.MULTILINE)
    if not match:
        raise RuntimeError(f"wrk gave no summary: {result.stdout} {result.stderr}")
    raw = json.loads(match.group(1))
    errors = raw["status"] + raw["connect"] + raw["read"] + raw["write"] + raw["timeout"]
    return {"rps": raw["requests"] / (raw["duration_us"] / 1e6), "p50": raw["p50_us"] / 1000,
            "p99": raw["p99_us"] / 1000, "errors": errors, "requests": raw["requests"],
            "answered": raw["requests"] - raw["status"]}


class Messages:
    """The message table as the bench checks it: a submission the app acknowledged (a redirect
    to its receipt) under load must be in it."""

    def __init__(self, url: str):
        sys.path.insert(0, str(ROOT))
        from sqlalchemy import create_engine
        from sqlalchemy.pool import NullPool

        from aspirasi.config import with_driver

        self.engine = create_engine(with_driver(url), poolclass=NullPool)

    def _scalar(self, sql: str, **values) -> int:
        from sqlalchemy import text

        with self.engine.connect() as connection:
            return connection.execute(text(sql), values).scalar_one()

    def sample(self, sql: str, count: int) -> list:
        """`count` values of `sql`'s one column, in random order."""
        from sqlalchemy import text

        with self.engine.connect() as connection:
            return list(connection.execute(text(sql + " ORDER BY random() LIMIT :count"),
                                           {"count": count}).scalars())

    def newest(self) -> int:
        return self._scalar("SELECT COALESCE(MAX(id), 0) FROM message")

    def since(self, newest: int) -> int:
        return self._scalar("SELECT COUNT(*) FROM message WHERE id > :newest", newest=newest)

    def close(self) -> None:
        self.engine.dispose()


def sequential(browser: "Browser", path: str, form: dict | None, count: int) -> dict:
    times, errors = [], 0
    for _ in range(count):
        status, _, took = browser.request(path, form)
        times.append(took * 1000)
        errors += not 200 <= status < 400
    times.sort()
    return {"rps": count / (sum(times) / 1000), "p50": times[len(times) // 2], "p99": times[-1],
            "errors": errors, "requests": count}


def measure(server: Server, browser: Browser, path: str, form: dict | None, body_file: str | None,
            args, messages: Messages | None = None, paths_file: str | None = None) -> dict:
    """Probe, then load with wrk in a way the endpoint's speed allows. With `messages` (a form
    that submits), the messages kept during the measured load are counted against the
    submissions acknowledged."""
    def load(connections: int) -> dict:
        newest = None
        if messages:
            time.sleep(0.5)  # what the warm-up left in flight is stored before the count starts
            newest = messages.newest()
        result = wrk(server.url(path), args.duration, connections, cookie, body_file, paths_file)
        if messages:
            result["kept"] = messages.since(newest)
        return result

    server.reset_peaks()
    # The first request also pays for template compilation and the like, and for counting
    # figures nobody asked for before (then kept): what follows is what visitors get.
    browser.request(path, form)
    status, _, took = browser.request(path, form)
    if took < VERY_SLOW_SECONDS:
        status, _, again = browser.request(path, form)
        took = max(took, again)
    expected = 302 if form is not None else 200
    check = "ok" if status == expected else f"HTTP {status}"
    cookie = browser.cookie_header()
    if took >= VERY_SLOW_SECONDS:
        result = sequential(browser, path, form, VERY_SLOW_COUNT)
        mode = f"{VERY_SLOW_COUNT} seq"
    else:
        connections = args.connections if took < SLOW_SECONDS else 2
        if took < SLOW_SECONDS:
            wrk(server.url(path), WARMUP_SECONDS, connections, cookie, body_file, paths_file)
        result = load(connections)
        if result["requests"] < connections and connections > 2:
            # Too slow for this many connections: hardly any request finished in time.
            connections = 2
            result = load(connections)
        mode = f"c{connections}"
    if "kept" in result and result["kept"] < result["answered"]:
        check = f"{result['answered'] - result['kept']} acknowledged, not kept"
    result.update(mode=mode, check=check, probe_ms=took * 1000, rss=server.peak_rss_mib())
    return result


# --- rounds -------------------------------------------------------------------------------------

CEILING = "ceiling (SELECT by id)"


def median(values) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def summary(measured: list[dict]) -> dict:
    """An endpoint's rounds as one figure: the medians of requests/s, p50, p99 and of its share
    of the ceiling (each round against the ceiling of that round), with the least and the most
    share; errors and requests added up, the highest RSS. Every round is kept under "rounds"."""
    shares = [r["rps"] / r["ceiling"] if r["ceiling"] else 0.0 for r in measured]
    failed = [r["check"] for r in measured if r.get("check") != "ok"]
    rss = [r["rss"] for r in measured if r.get("rss")]
    return {"rps": median(r["rps"] for r in measured), "p50": median(r["p50"] for r in measured),
            "p99": median(r["p99"] for r in measured),
            "errors": sum(max(r["errors"], 0) for r in measured),
            "requests": sum(r.get("requests", 0) for r in measured),
            "share": median(shares), "share_low": min(shares), "share_high": max(shares),
            "ceiling": median(r["ceiling"] for r in measured),
            "mode": "/".join(dict.fromkeys(r["mode"] for r in measured)),
            "check": failed[0] if failed else "ok", "rss": max(rss) if rss else None,
            **({"sql": measured[0]["sql"]} if "sql" in measured[0] else {}),
            **({"answered": sum(r["answered"] for r in measured),
                "kept": sum(r["kept"] for r in measured)}
               if all("kept" in r for r in measured) else {}),
            "rounds": measured}


# --- one database, one size ----------------------------------------------------------------------

def run(kind: str, size: int, args) -> dict:
    if args.workdir:
        # A kept database is reused as it is (only new migrations are applied): repeated runs
        # while changing the code skip the minutes of seeding.
        workdir = Path(args.workdir).resolve() / f"{kind}-{label(size)}"
        workdir.mkdir(parents=True, exist_ok=True)
    else:
        workdir = Path(tempfile.mkdtemp(prefix=f"aspirasi-bench-{kind}-{label(size)}-"))
    pg, servers, messages = None, [], None
    try:
        if kind == "postgres":
            pg = Postgres(workdir, args.pg_port)
            url = pg.url
        else:
            url = f"sqlite:///{workdir / 'bench.db'}"
        env = dict(os.environ, DATABASE_URL=url, INSTANCE_PATH=str(workdir / "instance"),
                   SECRET_KEY="bench-secret-key-not-for-production", MAIL_BACKEND="file",
                   MAIL_FILE_PATH=str(workdir / "outbox"), UPLOAD_DIR=str(workdir / "uploads"),
                   DEMO_PASSWORD=PASSWORD, PYTHONPATH=str(ROOT))
        started = time.perf_counter()
        fixtures_file = workdir / "fixtures.json"
        seeded = fixtures_file.exists()
        for command in (["db", "upgrade"], ["seed-demo"])[:1 if seeded else 2]:
            subprocess.run([str(BIN / "flask"), "--app", "wsgi", *command], cwd=ROOT, env=env,
                           check=True, capture_output=True, timeout=3600)
        if not seeded:
            subprocess.run([PYTHON, str(SCRIPTS / "bench_seed.py"), "--messages", str(size),
                            "--fixtures", str(fixtures_file)], cwd=ROOT, env=env, check=True,
                           timeout=3600)
        values = json.loads(fixtures_file.read_text())
        values["last_page"] = last_page(PUBLIC_PER_PAGE)
        log(f"{kind} {label(size)}: database {'reused' if seeded else 'ready'} in "
            f"{time.perf_counter() - started:.0f} s (bulk insert {values['insert_seconds']} s)")
        if args.seed_only:
            return {"db": kind, "size": size, "results": {}, "seed": values}

        chosen = [e for e in ENDPOINTS if not args.only or any(o in e[0] for o in args.only)]
        bodies = forms(values)
        endpoints = [{"name": name, "who": who, "method": method,
                      "path": path.format(**values), "form": bodies.get(name)}
                     for name, who, method, path in chosen]
        endpoints_file, sql_file = workdir / "endpoints.json", workdir / "sql.json"
        endpoints_file.write_text(json.dumps(endpoints))

        messages = Messages(url)
        # The ceiling reads a random message by id; "tracking many numbers" asks for random
        # trackable numbers: neither is served from a page or row read a moment before.
        ceiling_paths = str(workdir / "ceiling-paths.txt")
        Path(ceiling_paths).write_text("\n".join(
            f"/message/{i}" for i in messages.sample("SELECT id FROM message", SAMPLE_PATHS)))
        trackings = messages.sample(
            "SELECT tracking FROM message WHERE status != 'dicabut'", SAMPLE_PATHS)
        for index, endpoint in enumerate(endpoints):
            if endpoint["name"] == "tracking many numbers":
                endpoint["paths_file"] = str(workdir / f"paths-{index}.txt")
                Path(endpoint["paths_file"]).write_text(
                    "\n".join(f"/tracking/{number}" for number in trackings))
        ceiling = Server("bench_ceiling:app", env, free_port(), workdir, "ceiling")
        servers.append(ceiling)
        ceiling_path = f"/message/{values['detail_id']}"
        ceiling.wait(ceiling_path)
        app = Server("wsgi:app", dict(env, BENCH_RATELIMIT_OFF="1"), free_port(), workdir, "app")
        servers.append(app)
        app.wait("/healthz")
        browsers: dict[str, Browser] = {}
        for index, endpoint in enumerate(endpoints):
            who = endpoint["who"]
            if who not in browsers:
                browsers[who] = Browser(app)
                if who != "guest":
                    browsers[who].login(who)
            if endpoint["form"] is not None:  # one CSRF token, good for every round
                form = dict(endpoint["form"], csrf_token=browsers[who].csrf(endpoint["path"]))
                endpoint["signed_form"] = form
                endpoint["body_file"] = str(workdir / f"body-{index}.txt")
                Path(endpoint["body_file"]).write_text(urllib.parse.urlencode(form))

        rounds = {CEILING: [], **{endpoint["name"]: [] for endpoint in endpoints}}
        # Reads first, writes last, so that the reads do not see what the writes added; each
        # round of either starts with the ceiling, and each figure is taken as a share of the
        # ceiling measured in its own round: what the machine was doing meanwhile weighs on both.
        groups = [[e for e in endpoints if e["form"] is None],
                  [e for e in endpoints if e["form"] is not None]]
        for group in (g for g in groups if g):
            for number in range(1, args.rounds + 1):
                ceiling.reset_peaks()
                wrk(ceiling.url(ceiling_path), WARMUP_SECONDS, args.connections, "", None,
                    ceiling_paths)
                top = wrk(ceiling.url(ceiling_path), args.duration, args.connections, "", None,
                          ceiling_paths)
                top.update(mode=f"c{args.connections}", check="ok", rss=ceiling.peak_rss_mib(),
                           sql=1, ceiling=top["rps"])
                rounds[CEILING].append(top)
                log(f"round {number}/{args.rounds}, ceiling: {top['rps']:.0f} requests/s")
                for endpoint in group:
                    browser = browsers[endpoint["who"]]
                    try:
                        result = measure(app, browser, endpoint["path"],
                                         endpoint.get("signed_form"), endpoint.get("body_file"),
                                         args, messages if endpoint["form"] is not None else None,
                                         endpoint.get("paths_file"))
                    except (RuntimeError, subprocess.TimeoutExpired, OSError) as error:
                        result = {"rps": 0, "p50": 0, "p99": 0, "errors": -1, "mode": "failed",
                                  "check": str(error)[:60], "rss": None}
                    result["ceiling"] = top["rps"]
                    rounds[endpoint["name"]].append(result)
                    log(f"{endpoint['name']}: {result['rps']:.1f} requests/s "
                        f"({result['rps'] / top['rps']:.3f} of the ceiling), p99 "
                        f"{result['p99']:.0f} ms ({result['mode']}, {result['check']})")
        ceiling.stop()
        app.stop()
        results = {name: summary(measured) for name, measured in rounds.items() if measured}

        # After the load: the counted POSTs add a few messages, which must not be measured.
        try:
            subprocess.run([PYTHON, str(SCRIPTS / "bench_sql.py"), str(endpoints_file), PASSWORD,
                            str(sql_file)], cwd=ROOT, env=env, check=True, timeout=1800)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
            log(f"counting SQL statements failed, the figures stand without them: {error}")
        else:
            for name, counted in json.loads(sql_file.read_text()).items():
                results[name]["sql"] = counted["sql"]
        return {"db": kind, "size": size, "results": results, "seed": values}
    finally:
        for server in servers:
            server.stop()
        if messages is not None:
            messages.close()
        if pg is not None:
            pg.stop()
        if args.keep or args.workdir:
            log(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


# --- output -------------------------------------------------------------------------------------

def table(run_result: dict) -> str:
    results = run_result["results"]
    several = any(len(r.get("rounds", ())) > 1 for r in results.values())
    spread_head = f" {'least-most':>11}" if several else ""
    lines = [f"== {run_result['db']}, {label(run_result['size'])} messages "
             f"(seeded in {run_result['seed']['seed_seconds']} s) ==",
             f"{'endpoint':<24} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6} "
             f"{'x ceil':>7}{spread_head} {'SQL':>5} "
             f"{'RSS MiB':>8}  load"]
    for name, r in results.items():
        rss = f"{r['rss']:.0f}" if r.get("rss") else "-"
        note = r["mode"] + ("" if r.get("check") == "ok" else f" [{r.get('check')}]")
        if "kept" in r:
            note += f", kept {r['kept']} of {r['answered']} acknowledged"
        spread = f" {r['share_low']:>5.3f}-{r['share_high']:.3f}" if several else ""
        lines.append(f"{name:<24} {r['rps']:>8.1f} {r['p50']:>8.1f} {r['p99']:>8.1f} "
                     f"{r['errors']:>6} {r['share']:>7.3f}{spread} {r.get('sql', '-'):>5} "
                     f"{rss:>8}  {note}")
    return "\n".join(lines)


def growth(runs: list[dict]) -> str:
    lines = []
    for kind in dict.fromkeys(r["db"] for r in runs):
        mine = sorted((r for r in runs if r["db"] == kind), key=lambda r: r["size"])
        if len(mine) < 2:
            continue
        small, large = mine[0], mine[-1]
        big, base = label(large["size"]), label(small["size"])
        lines += [f"== {kind}, {big} against {base} ==",
                  f"{'endpoint':<24} {'p99 ' + big + '/' + base:>14} {'x ceil ' + big + '/' + base:>16}"]
        for name, r in large["results"].items():
            before = small["results"].get(name, {})
            ratio = f"{r['p99'] / before['p99']:.1f}" if before.get("p99") else "-"
            # Requests/s as a share of the ceiling: less at the mercy of a busy machine.
            share = f"{r['share'] / before['share']:.2f}" if before.get("share") else "-"
            # p99 under 16 connections and under 2 are not the same measure.
            note = "" if before.get("mode") == r["mode"] else f"  ({before.get('mode')} -> {r['mode']})"
            lines.append(f"{name:<24} {ratio:>14} {share:>16}{note}")
    return "\n".join(lines)


def interrupt(*_args):
    """SIGTERM ends the run like Ctrl-C does: through the cleanup in run()."""
    raise KeyboardInterrupt


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10k", help="comma-separated, e.g. 10k,100k,1m")
    parser.add_argument("--db", default="sqlite", help="sqlite, postgres or both, comma-separated")
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per endpoint")
    parser.add_argument("--rounds", type=int, default=1,
                        help="rounds of the ceiling and the endpoints; the medians are shown")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--only", action="append", help="endpoints whose name contains this")
    parser.add_argument("--pg-port", type=int, default=54339)
    parser.add_argument("--out", help="also write every figure to this JSON file")
    parser.add_argument("--keep", action="store_true", help="keep the throwaway databases")
    parser.add_argument("--workdir", help="keep the databases under this folder and reuse them "
                        "on later runs (new migrations are applied, nothing is reseeded)")
    parser.add_argument("--seed-only", action="store_true",
                        help="only build the databases and say how long that took")
    args = parser.parse_args()
    sizes = [parse_size(s) for s in args.sizes.split(",") if s.strip()]
    kinds = [k.strip() for k in args.db.split(",") if k.strip()]
    if not set(kinds) <= {"sqlite", "postgres"}:
        parser.error("--db takes sqlite and/or postgres")
    if args.rounds < 1:
        parser.error("--rounds takes 1 or more")
    ensure_wrk()
    signal.signal(signal.SIGTERM, interrupt)
    if not args.seed_only:
        print(f"gunicorn {os.environ.get('BENCH_WORKERS', '2')} sync workers on {HOST}; wrk "
              f"{args.connections} connections, {args.duration} s after {WARMUP_SECONDS} s warm-up; "
              f"pages slower than {SLOW_SECONDS} s get 2 connections (c2), slower than "
              f"{VERY_SLOW_SECONDS} s {VERY_SLOW_COUNT} sequential requests (seq); rate limits off; "
              f"{os.cpu_count()} CPUs; {args.rounds} round(s), reads then writes, each round "
              f"after its own ceiling; medians shown", flush=True)
    runs = []
    for kind in kinds:
        for size in sizes:
            runs.append(run(kind, size, args))
            if not args.seed_only:
                print(table(runs[-1]), flush=True)
    if len(sizes) > 1 and not args.seed_only:
        print(growth(runs))
    if args.out:
        Path(args.out).write_text(json.dumps(runs, indent=1, default=str))


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit("interrupted; servers stopped")
