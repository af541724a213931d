"""Memory: a gunicorn worker's resident size after a crawl of every public page at full size.

    .venv/bin/python bench/memory.py [--members 290] [--workers 1]

The production set-up of load.py (gunicorn, DEBUG off, PostgreSQL, Redis as the shared cache,
each worker's local-memory tier in front of it) on a database of its own (`ekokommun_memory`,
290 members x every indicator x 30 years). One worker by default, so that it alone serves every
request: the worst case for its caches. It asks for every member page, council report and
download (CSV and XLSX), every indicator page and download, as a browser would (gzip), and
prints the worker's resident set size (VmRSS) at start, the highest seen during the crawl and
at the end. Goal (issue 16): under 200 MB. Exits 0 either way (a benchmark, not a test).
"""

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg2
from bench_common import PG_PORT, ROOT, bench_database, fresh_database, production_env

PORT = 8767
DATABASE = bench_database("ekokommun_memory")
YEAR = 2024
GOAL_MB = 200


def start_gunicorn(env: dict, workers: int) -> subprocess.Popen:
    return subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "ekokommun.wsgi",
         "--workers", str(workers), "--bind", f"127.0.0.1:{PORT}", "--log-level", "critical"],
        env=env, cwd=ROOT, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def get(url: str) -> int:
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def wait_until_up(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if get(url) == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the site did not come up at {url}")


def crawl_paths() -> list[str]:
    """Every member's page, council report and downloads; every indicator's page and files."""
    connection = psycopg2.connect(f"postgres://postgres@127.0.0.1:{PG_PORT}/{DATABASE}")
    with connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT m.code FROM members_municipality m JOIN members_membership s "
            "ON s.organisation_id = m.id AND s.status = 'active' ORDER BY m.code"
        )
        members = [code for (code,) in cursor.fetchall()]
        cursor.execute(
            "SELECT i.code FROM indicators_indicator i JOIN indicators_revision r "
            "ON r.id = i.revision_id WHERE r.is_current AND i.owner_id IS NULL "
            # a figure with parts has no page of its own: its parts do
            "AND NOT EXISTS (SELECT 1 FROM indicators_indicator c WHERE c.parent_id = i.id) "
            "ORDER BY i.code"
        )
        indicators = [code for (code,) in cursor.fetchall()]
    connection.close()
    paths = []
    for code in members:
        paths += [
            f"/kommun/{code}/",
            f"/kommun/{code}/rapport/{YEAR}/",
            f"/kommun/{code}/data.csv",
            f"/kommun/{code}/data.xlsx",
        ]
    for code in indicators:
        paths += [f"/nyckeltal/{code}/", f"/nyckeltal/{code}/data.csv"]
        paths += [f"/nyckeltal/{code}/data.xlsx"]
    return ["/", *paths]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, default=290, help="fewer while developing")
    parser.add_argument("--workers", type=int, default=1, help="gunicorn workers")
    args = parser.parse_args()
    env = production_env(
        DATABASE,
        LOG_LEVEL="WARNING",
        REDIS_URL=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/3"),
        STATIC_ROOT=str(Path(tempfile.gettempdir()) / f"ekokommun-memory-static{PORT}"),
    )
    fresh_database(DATABASE, env, members=args.members, years="1995-2024")
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "rebuild_figures", "-v0"],
        env=env, cwd=ROOT, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    server = start_gunicorn(env, args.workers)
    base = f"http://127.0.0.1:{PORT}"
    try:
        wait_until_up(base + "/healthz")
        time.sleep(1)
        pids = worker_pids(server.pid)
        start = {pid: rss_mb(pid) for pid in pids}
        highest = dict(start)
        paths = crawl_paths()
        statuses: dict[int, int] = {}
        started = time.perf_counter()
        for n, path in enumerate(paths):
            status = get(base + path)
            statuses[status] = statuses.get(status, 0) + 1
            if status != 200:
                print(f"  {status} {path}")
            if n % 10 == 0:
                for pid in pids:
                    highest[pid] = max(highest[pid], rss_mb(pid))
        seconds = time.perf_counter() - started
        end = {pid: rss_mb(pid) for pid in pids}
        for pid in pids:
            highest[pid] = max(highest[pid], end[pid])
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
    print(
        f"Memory: gunicorn with {args.workers} worker(s), {args.members} members x 30 years, "
        f"{len(paths)} pages and downloads in {seconds:.0f} s, answers {statuses}"
    )
    print(f"{'worker':>8} {'start MB':>9} {'highest MB':>11} {'end MB':>8}")
    for pid in pids:
        print(f"{pid:>8} {start[pid]:9.1f} {highest[pid]:11.1f} {end[pid]:8.1f}")
    worst = max(highest.values())
    verdict = "PASS" if worst < GOAL_MB else "MISS"
    print(f"  worker resident size  {worst:.1f} MB highest   goal < {GOAL_MB} MB   {verdict}")
    if os.environ.get("BENCH_KEEP") != "1":
        subprocess.run(
            ["dropdb", "-h", "127.0.0.1", "-p", PG_PORT, "-U", "postgres", "--if-exists",
             DATABASE],
            check=False,
        )  # fmt: skip


if __name__ == "__main__":
    main()
