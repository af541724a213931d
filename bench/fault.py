"""Fault run: PostgreSQL restarts in the middle of a load with reporters saving values.

Starts the production set-up (gunicorn, PostgreSQL, database ekokommun_fault with demo data),
logs in eight reporters who keep saving their member's yearly form through the site while
readers load public pages, restarts PostgreSQL a few seconds in, and then checks:
- the site answers /healthz again within 5 seconds after the database is back;
- every save the site acknowledged (a redirect after the POST) is in the database afterwards:
  the value is the current one or appears in the value's history;
- readers never get an error 500 (goal: 0): while the database is down, public pages come from
  the cache (counted as "stale") and everything else answers 503 with Retry-After.

    .venv/bin/python bench/fault.py [--seconds 12]

BENCH_PG_PORT and BENCH_PG_CLUSTER (default 5432 and "main") choose the cluster it restarts;
BENCH_REDIS_URL gives the workers a shared Redis cache, as in production.
"""

import argparse
import http.cookiejar
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

from bench_common import PG_PORT, ROOT, fresh_database, production_env, start_gunicorn

sys.path.insert(0, str(ROOT))
from tests.html_forms import form_fields  # noqa: E402  the tests' form reader

PORT = 8766
DATABASE = "ekokommun_fault"
BASE = f"http://127.0.0.1:{PORT}"
PASSWORD = "fault-run-password-1"
YEAR = 2024
CLUSTER = os.environ.get("BENCH_PG_CLUSTER", "main")
INDICATOR = "GN.9a"  # kWh per employee: no upper limit, whole numbers


def prepare(environment: dict) -> list[tuple[str, str, int]]:
    fresh_database(DATABASE, environment, members=12, years="2015-2024")
    os.environ.update(environment)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from indicators.models import Indicator
    from members.models import Membership, OrganisationAccess

    indicator = Indicator.objects.get(revision__is_current=True, code=INDICATOR)
    reporters = []
    for number, membership in enumerate(
        Membership.objects.active().order_by("organisation__code")[:8]
    ):
        email = f"rapportor{number}@example.se"
        user = get_user_model().objects.create_user(email, email, PASSWORD)
        OrganisationAccess.objects.create(user=user, organisation=membership.organisation)
        reporters.append((email, membership.organisation.code, indicator.pk))
    return reporters


class Browser:
    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )

    def get(self, path: str) -> tuple[int, str]:
        return self._open(urllib.request.Request(BASE + path))

    def post(self, path: str, fields: dict) -> tuple[int, str]:
        data = urllib.parse.urlencode(fields, doseq=True).encode()
        return self._open(urllib.request.Request(BASE + path, data=data))

    def _open(self, request) -> tuple[int, str]:
        status, body, _headers = self.open_with_headers(request)
        return status, body

    def open_with_headers(self, request) -> tuple[int, str, dict]:
        try:
            with self.opener.open(request, timeout=10) as response:
                return response.status, response.read().decode(), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, "", dict(error.headers or {})
        except OSError:
            return 0, "", {}


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def reporter(
    email: str, code: str, indicator_id: int, stop: threading.Event, acked: list, seen: dict
):
    browser = Browser()
    while not stop.is_set():
        status, html = browser.get("/konto/login/")
        fields = form_fields(html, start='<form method="post" action="/konto/login/"')
        status, _ = browser.post(
            "/konto/login/",
            {
                "csrfmiddlewaretoken": fields.get("csrfmiddlewaretoken", [""])[0],
                "username": email,
                "password": PASSWORD,
            },
        )
        if status == 302:
            break
        time.sleep(0.2)
    value = 1000
    page = f"/rapportera/{YEAR}/?org={code}"
    while not stop.is_set():
        status, html = browser.get(page)
        seen[status] = seen.get(status, 0) + 1
        if status != 200:
            time.sleep(0.1)
            continue
        fields = form_fields(html, start='<form method="post"')
        prefix = f"n{indicator_id}-"
        if prefix + "value" not in fields:
            raise SystemExit(f"{code}: the form has no field {prefix}value")
        value += 1
        fields[prefix + "value"] = [str(value)]
        fields[prefix + "numerator"] = [""]
        fields[prefix + "denominator"] = [""]
        fields[prefix + "confirm"] = ["on"]  # a large move is confirmed, as a person would
        status, _ = browser.post(page, fields)
        seen[status] = seen.get(status, 0) + 1
        if status == 302:
            acked.append((code, indicator_id, YEAR, value))


def reader(stop: threading.Event, counts: dict, outage: dict):
    browser = Browser()
    while not stop.is_set():
        for path in ("/healthz", "/kommun/0665/", "/nyckeltal/GN.6a/"):
            status, _, headers = browser.open_with_headers(urllib.request.Request(BASE + path))
            counts[status] = counts.get(status, 0) + 1
            if headers.get("X-Page-Cache") == "stale":
                outage["stale"] = outage.get("stale", 0) + 1
            if status == 503 and not headers.get("Retry-After"):
                outage["503 without Retry-After"] = outage.get("503 without Retry-After", 0) + 1


def healthy() -> bool:
    return Browser().get("/healthz")[0] == 200


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=12)
    args = parser.parse_args()
    # BENCH_REDIS_URL: the shared cache, as in production (otherwise each worker's own memory).
    extra = (
        {"REDIS_URL": os.environ["BENCH_REDIS_URL"]} if os.environ.get("BENCH_REDIS_URL") else {}
    )
    environment = production_env(DATABASE, LOG_LEVEL="ERROR", AXES_ENABLED="false", **extra)
    reporters = prepare(environment)
    server, _workers = start_gunicorn(environment, PORT)
    stop = threading.Event()
    acked: list = []
    counts: dict = {}
    outage: dict = {}
    writer_counts: dict = {}
    try:
        deadline = time.monotonic() + 30
        while not healthy():
            if time.monotonic() > deadline:
                raise SystemExit("the site did not come up")
            time.sleep(0.2)
        threads = [
            threading.Thread(target=reporter, args=(*r, stop, acked, writer_counts))
            for r in reporters
        ]
        threads += [threading.Thread(target=reader, args=(stop, counts, outage)) for _ in range(4)]
        for thread in threads:
            thread.start()
        time.sleep(args.seconds / 3)
        before_restart = len(acked)
        cluster = sorted(os.listdir("/etc/postgresql"))[-1]
        print(f"restarting PostgreSQL {cluster} with {before_restart} saves acknowledged so far")
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", cluster, CLUSTER, "restart"], check=True
        )
        ready = ["pg_isready", "-q", "-h", "127.0.0.1", "-p", PG_PORT]
        while subprocess.run(ready).returncode != 0:
            time.sleep(0.05)
        database_back = time.monotonic()
        while not healthy():
            time.sleep(0.05)
        recovery = time.monotonic() - database_back
        time.sleep(args.seconds * 2 / 3)
    finally:
        stop.set()
        for thread in threading.enumerate():
            if thread is not threading.current_thread():
                thread.join(timeout=15)
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)

    from django.db import connection

    connection.close()  # the restart closed the old one
    from indicators.models import IndicatorValue

    lost = 0
    for code, indicator_id, year, value in acked:
        found = IndicatorValue.history.filter(
            organisation__code=code, indicator_id=indicator_id, year=year, value=value
        ).exists()
        lost += not found
    after_restart = sum(1 for item in acked[before_restart:])
    print(f"site answered again {recovery:.2f} s after PostgreSQL was back (goal: within 5 s)")
    print(f"saves acknowledged: {len(acked)} ({after_restart} after the restart began)")
    print(f"reader responses by status: {dict(sorted(counts.items()))}")
    print(f"reporter responses by status: {dict(sorted(writer_counts.items()))}")
    errors = counts.get(500, 0) + writer_counts.get(500, 0)
    print(f"responses 500: {errors} (goal: 0)")
    unavailable = counts.get(503, 0) + writer_counts.get(503, 0)
    print(f"responses 503: {unavailable} (while the database was down, with Retry-After)")
    print(f"stale pages served from the cache during the outage: {outage.get('stale', 0)}")
    if outage.get("503 without Retry-After"):
        print(f"503 without Retry-After: {outage['503 without Retry-After']} (goal: 0)")
    print(f"{lost} acknowledged writes lost")
    ok = lost == 0 and recovery <= 5 and after_restart > 0 and errors == 0
    return 0 if ok and not outage.get("503 without Retry-After") else 1


if __name__ == "__main__":
    sys.exit(main())
