"""Kolada sync benchmark: every mapped national figure for all 290 municipalities and 21
regions over 30 years, through `kolada_sync` (the bulk write path), against a local stub.

    make bench        # or: .venv/bin/python bench/kolada_sync.py [--keep]

A separate PostgreSQL database (`ekokommun_bench_kolada` on the server of DATABASE_URL, or
BENCH_DATABASE_URL) gets the reference data; `responses` serves Kolada's answers in its shape
(5 000 items a page, next_page, genders T and K, a group and Sweden's total per KPI and year).
It times the first sync (every value new) and the second (every value unchanged) and prints
the command's report. No network: the stub refuses any other URL. The goal is the bulk-load
goal, under 10 s for each run.
"""

import argparse
import io
import os
import random
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_common import database_recreate  # noqa: E402

BENCH_DB = "ekokommun_bench_kolada"
YEARS = list(range(1995, 2025))
GOAL_SECONDS = 10.0
STUB_URL = "https://kolada.stub/v2"


def bench_url() -> str:
    if os.environ.get("BENCH_DATABASE_URL"):
        return os.environ["BENCH_DATABASE_URL"].rsplit("/", 1)[0] + f"/{BENCH_DB}"
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    parts = urlsplit(base)
    if not parts.scheme.startswith("postgres"):
        sys.exit("The benchmark needs PostgreSQL: set DATABASE_URL or BENCH_DATABASE_URL.")
    return urlunsplit(parts._replace(path=f"/{BENCH_DB}"))


def kolada_pages(kpis: list[str], ids: list[str]) -> list[list[dict]]:
    rng = random.Random(1)
    items = [
        {
            "kpi": kpi,
            "municipality": where,
            "period": year,
            "values": [
                {"gender": "T", "count": 1, "status": "", "value": round(rng.uniform(1, 90), 2)},
                {"gender": "K", "count": 1, "status": "", "value": 1.0},
            ],
        }
        for kpi in kpis
        for where in [*ids, "G33979", "0000"]
        for year in YEARS
    ]
    return [items[i : i + 5000] for i in range(0, len(items), 5000)]


def serve(stub, base: str, pages: list[list[dict]]) -> None:
    from responses import matchers

    for number, page in enumerate(pages, 1):
        body = {"count": len(page), "values": page}
        if number < len(pages):
            body["next_page"] = f"{base}?page={number + 1}&per_page=5000"
        query = {"per_page": "5000"} | ({"page": str(number)} if number > 1 else {})
        stub.get(base, json=body, match=[matchers.query_param_matcher(query)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    url = bench_url()
    database_recreate(url)
    os.environ["DATABASE_URL"] = url
    os.environ["KOLADA_URL"] = STUB_URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ekokommun.settings")
    import django

    django.setup()
    import responses
    from django.core.management import call_command
    from django.db import connections

    from indicators.models import Indicator
    from indicators.services import kolada_sync
    from members.models import Municipality

    try:
        call_command("migrate", verbosity=0)
        call_command("load_reference_data", verbosity=0)
        figures = Indicator.objects.common().exclude(kolada_kpi="").filter(reported_by="national")
        kpis = sorted({figure.kolada_kpi for figure in figures})
        ids = [m.code if len(m.code) == 4 else f"00{m.code}" for m in Municipality.objects.all()]
        pages = kolada_pages(kpis, ids)
        base = f"{STUB_URL}/data/kpi/{','.join(kpis)}/year/{','.join(map(str, YEARS))}"
        print(f"Kolada stub: {len(kpis)} KPIs x {len(ids)} organisations x {len(YEARS)} years, ")
        print(f"{sum(map(len, pages))} items on {len(pages)} pages")
        for label in ("first sync (all new)", "second sync (all unchanged)"):
            with responses.RequestsMock() as stub:
                serve(stub, base, pages)
                started = time.perf_counter()
                report = kolada_sync(years=YEARS)
                seconds = time.perf_counter() - started
            verdict = "OK" if seconds < GOAL_SECONDS and report.ok else "OVER GOAL"
            print(
                f"{label}: {seconds:.1f} s, new {report.created}, changed {report.updated}, "
                f"unchanged {report.unchanged}, skipped {report.skipped_count} [{verdict}]"
            )
        with responses.RequestsMock() as stub:
            serve(stub, base, pages)
            out = io.StringIO()
            call_command("kolada_sync", "--years", f"{YEARS[0]}-{YEARS[-1]}", stdout=out)
        print(out.getvalue())
    finally:
        connections.close_all()
        if not args.keep:
            database_recreate(url, drop_only=True, force=True)


if __name__ == "__main__":
    main()
