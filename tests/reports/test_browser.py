"""The HTML report and the dashboard in a real headless browser (Debian's
`chromium`): they load, show the table and the chart, and no request leaves
127.0.0.1.

Every page is opened by a fresh chromium process with its own profile and a
network log (`--log-net-log`); host names other than 127.0.0.1 resolve to
nothing (`--host-resolver-rules`). After each run the log is read: every URL the
page asked for must be on 127.0.0.1 (or data:), and every TCP connection the
browser opened or tried must go to a loopback address, and every socket that
sent bytes must be connected to one (the IPv6 reachability probe connects a UDP
socket to a public address without sending anything). Chromium's own
background requests (time, component updates, accounts; initiator "not an
origin") are not the page's: they are kept out of the page check, but the
connection check covers them too. A control page that does fetch from other
hosts proves the check finds such requests.
"""

from __future__ import annotations

import contextlib
import functools
import ipaddress
import itertools
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from PIL import Image
from typer.testing import CliRunner

from agent.dashboard import CANNED
from tests.reports import builders as b

pytestmark = pytest.mark.integration

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
RESOLVER = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"
VIEWS = ["v_results", "v_acceptance_model_week", "v_acceptance_model_contest", "v_acceptance_difficulty",
         "v_verdict_mix", "v_contamination", "v_usage"]
PAPER_CELLS = ["16/16", "16/16", "15/16", "16/16", "15/16", "15/16", "15/16", "15/16"]
_runs = itertools.count()


# ------------------------------------------------------------------ the browser


def chromium_path() -> str:
    path = shutil.which("chromium")
    if path is None:
        pytest.fail("Debian's chromium is not installed: `apt-get install -y chromium` "
                    "(scripts/ensure-test-tools.sh does it for `make test`)", pytrace=False)
    return path


@dataclass
class NetLog:
    navigations: list[str] = field(default_factory=list)  # what the browser was told to open
    page_requests: list[tuple[str, str]] = field(default_factory=list)  # (url, initiator) asked for by pages
    internal: list[str] = field(default_factory=list)  # chromium's own background requests
    connections: list[str] = field(default_factory=list)  # TCP addresses connected to or tried
    sent_to: list[str | None] = field(default_factory=list)  # the peer of every socket that sent bytes

    def outside(self) -> list[str]:
        """Everything that went, or tried to go, beyond loopback."""
        bad = [f"page request {u} (initiator {i})" for u, i in self.page_requests if not local_url(u)]
        bad += [f"navigation to {u}" for u in self.navigations if not local_url(u)]
        bad += [f"connection to {a}" for a in self.connections if not loopback(a)]
        bad += [f"bytes sent to {a or 'an unknown peer'}" for a in self.sent_to if a is None or not loopback(a)]
        return bad


def local_url(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about", "file"):
        return True
    return parts.hostname in ("127.0.0.1", "localhost", "::1")


def loopback(address: str) -> bool:
    """`127.0.0.1:8001`, `[::1]:80`: is the host a loopback IP address?"""
    host = address[1:address.index("]")] if address.startswith("[") else address.rsplit(":", 1)[0]
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def read_netlog(path: Path) -> NetLog:
    text = path.read_text(encoding="utf-8")
    try:
        doc = json.loads(text)
    except json.JSONDecodeError:  # not closed (the browser did not get to finish it)
        doc = json.loads(text.rstrip().rstrip(",") + "]}")
    names = {v: k for k, v in doc["constants"]["logEventTypes"].items()}
    log = NetLog()
    peer: dict[int, str] = {}  # socket (net log source) -> the address it is connected to
    for event in doc["events"]:
        params = event.get("params") or {}
        if names.get(event["type"]) in ("TCP_CONNECT", "UDP_CONNECT"):
            address = params.get("remote_address") or params.get("address")
            if address:
                peer[event["source"]["id"]] = address
    for event in doc["events"]:
        kind, params = names.get(event["type"], ""), event.get("params") or {}
        if kind == "URL_REQUEST_START_JOB" and "url" in params:
            initiator = str(params.get("initiator"))
            if initiator == "not an origin":
                (log.navigations if local_url(params["url"]) else log.internal).append(params["url"])
            else:
                log.page_requests.append((params["url"], initiator))
        elif kind in ("TCP_CONNECT", "TCP_CONNECT_ATTEMPT", "TCP_CONNECT_JOB_CONNECTOR_CONNECT_START"):
            for key in ("address", "remote_address"):
                if key in params:
                    log.connections.append(params[key])
            log.connections += params.get("address_list", [])
        elif kind in ("SOCKET_BYTES_SENT", "UDP_BYTES_SENT"):  # a UDP connect alone sends nothing
            log.sent_to.append(peer.get(event["source"]["id"]))
    return log


@dataclass
class Visit:
    stdout: str
    log: NetLog
    stderr: str


def browse(tmp: Path, url: str, *args: str, window: tuple[int, int] = (1280, 1400)) -> Visit:
    """One chromium process on one URL, with a fresh profile and a network log."""
    n = next(_runs)
    netlog = tmp / f"netlog-{n}.json"
    cmd = [chromium_path(), *FLAGS, f"--user-data-dir={tmp / f'profile-{n}'}", RESOLVER,
           f"--log-net-log={netlog}", f"--window-size={window[0]},{window[1]}", *args, url]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0, f"chromium failed ({proc.returncode}): {proc.stderr[-3000:]}"
    return Visit(proc.stdout, read_netlog(netlog), proc.stderr)


def dump_dom(tmp: Path, url: str) -> Visit:
    visit = browse(tmp, url, "--virtual-time-budget=5000", "--dump-dom")
    assert re.match(r"\s*(<!doctype html>\s*)?<html", visit.stdout, re.I), visit.stdout[:500]
    return visit


def assert_stayed_local(visit: Visit, url: str) -> None:
    assert url in visit.log.navigations, f"the network log does not show {url}: {visit.log}"
    assert visit.log.connections and visit.log.sent_to, "the network log shows no traffic at all"
    assert visit.log.outside() == [], f"requests left 127.0.0.1 (chromium's own: {visit.log.internal})"


# ------------------------------------------------------------------ local servers


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def lcagent_env(db: Path, data: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LCAGENT_")}
    return {**env, "LCAGENT_DATABASE_URL": f"sqlite:///{db}", "LCAGENT_DATA_DIR": str(data),
            "LCAGENT_CACHE_DIR": str(data / "cache")}


@contextlib.contextmanager
def serving(cmd: list[str], env: dict[str, str], cwd: Path, log: Path, port: int) -> Iterator[str]:
    """A server process (the dashboard, Datasette) on 127.0.0.1:`port`, once it
    answers; stopped afterwards. Its output goes to `log`."""
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    with urllib.request.urlopen(base + "/-/versions.json", timeout=2) as r:
                        if r.status == 200:
                            break
                except OSError:
                    pass
                assert proc.poll() is None, log.read_text(errors="replace")
                assert time.monotonic() < deadline, f"{cmd[0]} did not start within 30 s"
                time.sleep(0.2)
            yield base
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)


PROBE = """<!doctype html>
<html><head><meta charset="utf-8"><title>probe</title></head><body>
<iframe id="report" src="report.html" style="width:1280px;height:2000px"></iframe>
<script>
function probe() {
  const d = document.getElementById("report").contentDocument;
  const img = d.getElementById("trend-chart");
  const rows = [...d.querySelectorAll("#contest-matrix tr")].map(
      tr => [...tr.children].map(c => c.textContent.trim()));
  const out = document.createElement("pre");
  out.id = "probe";
  out.textContent = JSON.stringify({title: d.title, rows: rows, chart: img && {
      complete: img.complete, width: img.naturalWidth, height: img.naturalHeight,
      shown: img.getBoundingClientRect().width}});
  document.body.appendChild(out);
}
const frame = document.getElementById("report");
if (frame.contentDocument && frame.contentDocument.readyState === "complete"
    && frame.contentDocument.getElementById("trend-chart")) { probe(); }
else { frame.addEventListener("load", probe); }
</script></body></html>
"""


@pytest.fixture(scope="module")
def module_tmp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("browser")


@pytest.fixture(scope="module")
def report_site(module_tmp: Path, paper_sqlite_template: Path) -> Iterator[str]:
    """The paper's HTML report, written by `lcagent report --format html --out`,
    served from 127.0.0.1 with a probe page next to it."""
    from agent.cli import app

    site = module_tmp / "site"
    site.mkdir()
    db = module_tmp / "report.sqlite3"
    shutil.copyfile(paper_sqlite_template, db)
    env = {k: v for k, v in lcagent_env(db, module_tmp / "data").items() if k.startswith("LCAGENT_")}
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(module_tmp)
        mp.delenv("LCAGENT_CONFIG", raising=False)
        result = CliRunner().invoke(app, ["report", "--from", "2026-04-25", "--to", "2026-06-01", "--format", "html",
                                          "--out", str(site / "report.html")], env=env)
    assert result.exit_code == 0, (result.output, result.exception)
    (site / "probe.html").write_text(PROBE, encoding="utf-8")
    with serve(site) as base:
        yield base


@pytest.fixture(scope="module")
def dashboard(module_tmp: Path, paper_sqlite_template: Path) -> Iterator[str]:
    """`lcagent dashboard` on a free port, serving a copy of the paper's database
    (the file's stem, `paper`, names it in Datasette)."""
    folder = module_tmp / "dash"
    (folder / "data").mkdir(parents=True)
    db = folder / "paper.sqlite3"
    shutil.copyfile(paper_sqlite_template, db)
    port = free_port()
    lcagent = str(Path(sys.executable).with_name("lcagent"))
    with serving([lcagent, "dashboard", "--host", "127.0.0.1", "--port", str(port)],
                 lcagent_env(db, folder / "data"), folder, folder / "dashboard.log", port) as base:
        yield base


# ------------------------------------------------------------------ the HTML report


def test_report_shows_the_table_and_the_chart(report_site: str, module_tmp: Path) -> None:
    url = f"{report_site}/report.html"
    visit = dump_dom(module_tmp, url)
    matrix = b.html_table(visit.stdout, "contest-matrix")
    assert matrix[0] == ["Model", "Biweekly Contest 181", "Weekly Contest 499", "Weekly Contest 500",
                         "Biweekly Contest 182", "Weekly Contest 502", "Biweekly Contest 183", "Weekly Contest 503",
                         "Weekly Contest 504", "Overall", "95% CI"]
    assert ["paper-3b", *PAPER_CELLS[:-1], PAPER_CELLS[-1] + "†", "96.1% (123/128)†", "[91.2, 98.3]"] in matrix
    charts = [img for img in b.html_images(visit.stdout) if img.get("id") == "trend-chart"]
    assert len(charts) == 1 and (charts[0]["src"] or "").startswith("data:image/svg+xml;base64,")
    assert_stayed_local(visit, url)


def test_a_failure_link_opens_the_attempt_with_its_code(report_site: str, module_tmp: Path) -> None:
    """From the report's failure list to the failed attempt's page: the link
    resolves, the attempt is there with its verdict, test and code."""
    url = f"{report_site}/report.html"
    visit = dump_dom(module_tmp, url)
    links = re.findall(r'<a class="attempt" href="(report-attempts\.html#u\d+)">attempt 2</a>:\s*Wrong Answer on test 6',
                       visit.stdout)
    assert links, "no link from a wrong answer to its attempt"
    target = f"{report_site}/{links[0]}"
    page = dump_dom(module_tmp, target)
    anchor = links[0].split("#", 1)[1]
    body = page.stdout.split(f'<article id="{anchor}">', 1)[1].split("</article>", 1)[0]
    assert "Wrong Answer on test 6" in body
    assert "return</span> a + b" in body  # the extracted code, highlighted
    assert_stayed_local(page, target)


def test_report_chart_decodes_in_the_browser(report_site: str, module_tmp: Path) -> None:
    url = f"{report_site}/probe.html"
    visit = dump_dom(module_tmp, url)
    pre = [line for line in visit.stdout.splitlines() if 'id="probe"' in line]
    assert pre, f"the probe did not run: {visit.stdout[-2000:]}"
    text = pre[0].split('id="probe">', 1)[1].rsplit("</pre>", 1)[0]
    found = json.loads(text.replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"))
    assert found["title"] == "lcagent acceptance report"
    assert ["paper-3b", *PAPER_CELLS[:-1], PAPER_CELLS[-1] + "†", "96.1% (123/128)†", "[91.2, 98.3]"] in found["rows"]
    chart = found["chart"]
    assert chart["complete"] and chart["width"] > 400 and chart["height"] > 200, chart  # the SVG decoded
    assert chart["shown"] > 400, chart  # and is laid out on the page
    assert_stayed_local(visit, url)


def test_report_screenshot_shows_the_chart(report_site: str, module_tmp: Path) -> None:
    url = f"{report_site}/report.html"
    png = module_tmp / "report.png"
    visit = browse(module_tmp, url, f"--screenshot={png}", "--virtual-time-budget=5000", window=(1280, 3000))
    image = Image.open(png).convert("RGB")
    assert image.size == (1280, 3000)
    colours = image.getcolors(maxcolors=1 << 20) or []
    counts = {c: n for n, c in colours}

    def near(target: tuple[int, int, int]) -> int:
        return sum(n for c, n in counts.items() if all(abs(x - y) <= 12 for x, y in zip(c, target, strict=True)))

    # matplotlib's first two colours: the two models' points and error bars
    assert near((31, 119, 180)) > 100, "no blue series in the screenshot"
    assert near((255, 127, 14)) > 100, "no orange series in the screenshot"
    assert len(counts) > 50, "a blank page"
    assert_stayed_local(visit, url)


# ------------------------------------------------------------------ the dashboard


def test_dashboard_index(dashboard: str, module_tmp: Path) -> None:
    url = f"{dashboard}/"
    visit = dump_dom(module_tmp, url)
    assert "lcagent results" in visit.stdout
    assert 'href="/paper"' in visit.stdout
    assert_stayed_local(visit, url)


def test_dashboard_database_page_lists_canned_queries_and_views(dashboard: str, module_tmp: Path) -> None:
    url = f"{dashboard}/paper"
    visit = dump_dom(module_tmp, url)
    for name, query in CANNED.items():
        assert f'href="/paper/{name}"' in visit.stdout, name
        assert query["title"].replace("/", "/") in visit.stdout.replace("&amp;", "&"), name
    for name in VIEWS:
        assert f'href="/paper/{name}"' in visit.stdout, name
    assert_stayed_local(visit, url)


def test_dashboard_home_leads_with_canned_queries_and_views(dashboard: str, module_tmp: Path) -> None:
    from agent.dashboard import CHARTS, MATRIX
    from agent.dashboard import VIEWS as DOCUMENTED

    for url, first_table in ((f"{dashboard}/", 'href="/paper"'), (f"{dashboard}/paper", 'href="/paper/contest"')):
        visit = dump_dom(module_tmp, url)
        home = visit.stdout.find('id="lcagent-home"')
        assert 0 <= home < visit.stdout.find(first_table), url  # first, before the database's tables
        block = visit.stdout[home:].split("</div>", 1)[0]
        for name in [*CANNED, MATRIX, *DOCUMENTED]:
            assert f'href="/paper/{name}"' in block, (url, name)
        for name in CHARTS:
            assert f'href="/paper/{name}#g.mark=' in block, (url, name)
        assert_stayed_local(visit, url)


def test_dashboard_problem_matrix_and_confidence_intervals(dashboard: str) -> None:
    with urllib.request.urlopen(f"{dashboard}/paper/problem_matrix.json?_shape=array", timeout=20) as r:
        rows = json.loads(r.read())
    assert len(rows) == 32 and list(rows[0]) == ["problem", "contest", "difficulty", "baseline-7b", "paper-3b"]
    assert {r["problem"]: r["paper-3b"] for r in rows}["w500-q4"] == "3/4"
    with urllib.request.urlopen(f"{dashboard}/paper/contest_matrix.json?_shape=array", timeout=20) as r:
        mine = [r for r in json.loads(r.read()) if r["model_config"] == "paper-3b"]
    low, high = b.wilson_interval(15, 16)
    assert (mine[2]["ci_low"], mine[2]["ci_high"]) == (round(100 * low, 1), round(100 * high, 1))


def test_dashboard_vega_chart_of_acceptance_over_weeks(dashboard: str, module_tmp: Path) -> None:
    from agent.dashboard import chart_fragment

    url = f"{dashboard}/paper/acceptance_by_week{chart_fragment('acceptance_by_week')}"
    visit = dump_dom(module_tmp, url)
    assert "vega-embed" in visit.stdout, visit.stdout[-3000:]  # datasette-vega drew the chart
    assert re.search(r"<(canvas|svg)[^>]*class=\"marks\"", visit.stdout), "no chart drawn"
    assert_stayed_local(visit, url)


def test_dashboard_v_results_rows_link_to_their_attempt(dashboard: str, module_tmp: Path,
                                                        paper_sqlite_template: Path) -> None:
    import sqlite3

    conn = sqlite3.connect(paper_sqlite_template)
    unit_id, gen_id = conn.execute(
        "SELECT u.id, g.id FROM unit u JOIN model_config mc ON mc.id = u.model_config_id JOIN problem p "
        "ON p.id = u.problem_id JOIN generation g ON g.unit_id = u.id WHERE mc.name = 'paper-3b' "
        "AND p.slug = 'w500-q4' AND u.attempt = 2").fetchone()
    conn.close()
    url = f"{dashboard}/paper/v_results?unit_id={unit_id}"
    visit = dump_dom(module_tmp, url)
    assert f'<a href="/paper/attempt?unit_id={unit_id}">{unit_id}</a>' in visit.stdout
    assert_stayed_local(visit, url)
    attempt = dump_dom(module_tmp, f"{dashboard}/paper/attempt?unit_id={unit_id}")
    rows = [rows for _, rows in b.html_tables(attempt.stdout) if rows and "failing_test" in rows[0]]
    assert rows, attempt.stdout[-2000:]
    row = dict(zip(rows[0][0], rows[0][1], strict=True))
    assert (row["generation_id"], row["result"], row["failing_test"]) == (str(gen_id), "Wrong Answer", "6")
    assert "return a + b" in row["extracted_code"] and "Return a + b (w500-q4)." in row["statement"]
    assert "Thinking about attempt 2" in row["reasoning"]


def datasette_rows(dom: str) -> list[dict[str, str]]:
    tables = [rows for _, rows in b.html_tables(dom) if rows and "model_config" in rows[0]]
    assert tables, "no result table on the page"
    header, *rows = tables[0]
    return [dict(zip(header, r, strict=True)) for r in rows]


def test_dashboard_canned_query_page(dashboard: str, module_tmp: Path) -> None:
    url = f"{dashboard}/paper/contest_matrix"
    visit = dump_dom(module_tmp, url)
    rows = datasette_rows(visit.stdout)
    assert len(rows) == 16
    mine = [r for r in rows if r["model_config"] == "paper-3b"]
    assert [r["contest"] for r in mine] == [c.slug for c in b.PAPER_CONTESTS]
    assert [f"{r['accepted']}/{r['attempts']}" for r in mine] == PAPER_CELLS
    assert [r["percent"] for r in mine] == ["100.0", "100.0", "93.8", "100.0", "93.8", "93.8", "93.8", "93.8"]
    assert sum(int(r["accepted"]) for r in mine) == 123 and sum(int(r["attempts"]) for r in mine) == 128
    base = [r for r in rows if r["model_config"] == "baseline-7b"]
    assert [f"{r['accepted']}/{r['attempts']}" for r in base] == [
        "16/16", "15/16", "16/16", "15/16", "12/16", "11/16", "12/16", "9/13"]
    assert_stayed_local(visit, url)


def test_dashboard_view_page(dashboard: str, module_tmp: Path) -> None:
    url = f"{dashboard}/paper/v_contamination"
    visit = dump_dom(module_tmp, url)
    rows = datasette_rows(visit.stdout)
    got = {(r["model_config"], r["after_cutoff"]): (r["accepted"], r["attempts"]) for r in rows}
    assert got == {("paper-3b", "0"): ("47", "48"), ("paper-3b", "1"): ("76", "80"),
                   ("baseline-7b", "0"): ("62", "64"), ("baseline-7b", "1"): ("44", "61")}
    assert_stayed_local(visit, url)


def test_dashboard_refuses_writes_and_arbitrary_sql(dashboard: str) -> None:
    """No SQL of the visitor's own, a write least of all (tests/reports/
    test_dashboard_exposure.py tries every other way to the hidden tests)."""
    for sql, refused in (("DELETE FROM unit", (400, 403)), ("select count(*) as n from unit", (403,))):
        query = urllib.parse.urlencode({"sql": sql, "_shape": "array"})
        try:
            with urllib.request.urlopen(f"{dashboard}/paper.json?{query}", timeout=10) as r:
                status = r.status
        except urllib.error.HTTPError as e:
            status = e.code
        assert status in refused, sql
    with urllib.request.urlopen(f"{dashboard}/paper/unit.json?_size=1&_shape=objects", timeout=10) as r:
        assert json.loads(r.read())["filtered_table_rows_count"] == 256  # the data is all still there


def test_dashboard_starts_when_the_data_directory_does_not_exist_yet(module_tmp: Path,
                                                                     paper_sqlite_template: Path) -> None:
    """With LCAGENT_DATABASE_URL set, nothing else creates the data directory; the
    dashboard writes its Datasette metadata there."""
    folder = module_tmp / "fresh-install"
    folder.mkdir()
    db = folder / "paper.sqlite3"
    shutil.copyfile(paper_sqlite_template, db)
    port = free_port()
    with serving([str(Path(sys.executable).with_name("lcagent")), "dashboard", "--port", str(port)],
                 lcagent_env(db, folder / "no-such-dir"), folder, folder / "dashboard.log", port) as base:
        rows = json.loads(urllib.request.urlopen(f"{base}/paper/contest_matrix.json?_shape=array", timeout=10).read())
    assert len(rows) == 16
    assert (folder / "no-such-dir" / "datasette-metadata.json").is_file()


# ------------------------------------------------------------------ the check itself


def test_the_network_check_finds_requests_to_other_hosts(module_tmp: Path) -> None:
    """A control page that fetches from other hosts (names and an IP literal):
    the same check must report each of them, and nothing may connect."""
    site = module_tmp / "control"
    site.mkdir()
    (site / "leaky.html").write_text(
        '<!doctype html><html><head><link rel="stylesheet" href="https://cdn.example.org/x.css">'
        '<script src="https://cdn.jsdelivr.net/npm/vega@5"></script></head><body>'
        '<img src="http://example.com/a.png"><img src="http://10.1.2.3/b.png">'
        '<script>fetch("https://api.example.net/q").catch(() => {});</script></body></html>', encoding="utf-8")
    with serve(site) as base:
        visit = dump_dom(module_tmp, f"{base}/leaky.html")
    outside = " ".join(visit.log.outside())
    for url in ("https://cdn.example.org/x.css", "https://cdn.jsdelivr.net/npm/vega@5", "http://example.com/a.png",
                "http://10.1.2.3/b.png", "https://api.example.net/q"):
        assert url in outside, url
    assert all(loopback(a) for a in visit.log.connections), visit.log.connections  # the resolver rule held


def test_loopback_addresses() -> None:
    assert loopback("127.0.0.1:8001") and loopback("[::1]:80") and loopback("127.0.0.5:1")
    assert not loopback("10.1.2.3:80") and not loopback("[2001:4860:4860::8888]:443")
    assert not loopback("93.184.216.34:443") and not loopback("example.com:80")
    assert local_url("http://127.0.0.1:1/x") and local_url("data:image/svg+xml;base64,AA")
    assert not local_url("https://cdn.example.org/x.css") and not local_url("http://10.0.0.1/")


def test_the_network_log_reader_flags_connections_and_sends(tmp_path: Path) -> None:
    """A hand-written net log: a TCP connection to a public address that sent
    bytes, a UDP probe that sent nothing, and loopback traffic."""
    types = {"TCP_CONNECT": 1, "UDP_CONNECT": 2, "SOCKET_BYTES_SENT": 3, "URL_REQUEST_START_JOB": 4}
    events = [
        {"type": 4, "source": {"id": 1}, "params": {"url": "http://127.0.0.1:9/x", "initiator": "not an origin"}},
        {"type": 1, "source": {"id": 2}, "params": {"address_list": ["127.0.0.1:9"]}},
        {"type": 1, "source": {"id": 2}, "params": {"remote_address": "127.0.0.1:9"}},
        {"type": 3, "source": {"id": 2}, "params": {"byte_count": 10}},
        {"type": 2, "source": {"id": 3}, "params": {"address": "[2001:4860:4860::8888]:443"}},
        {"type": 1, "source": {"id": 4}, "params": {"remote_address": "93.184.216.34:443"}},
        {"type": 3, "source": {"id": 4}, "params": {"byte_count": 517}},
    ]
    path = tmp_path / "netlog.json"
    path.write_text(json.dumps({"constants": {"logEventTypes": types}, "events": events})[:-2], encoding="utf-8")
    log = read_netlog(path)  # also: a log the browser did not close
    assert log.navigations == ["http://127.0.0.1:9/x"]
    assert log.outside() == ["connection to 93.184.216.34:443", "bytes sent to 93.184.216.34:443"]
