"""Page weight: what a first visit to a member page transfers, compressed, in production mode.

Runs the production static set-up (hashed names, gzip and brotli through whitenoise) against a
temporary SQLite database with demo data, then fetches a member page and every stylesheet and
script it references, asking for brotli as a browser does. Prints the bytes per file and the total
against the 450 KB goal, and checks that a repeat visit re-downloads nothing (hashed names with a
long, immutable cache lifetime).

    .venv/bin/python bench/page_weight.py
"""

import gzip
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL_BYTES = 450 * 1024


def main() -> int:
    workdir = Path(tempfile.mkdtemp(prefix="ekokommun-weight-"))
    env = {
        **os.environ,
        "DJANGO_ENV": "production",
        "SECRET_KEY": "bench-secret-" + "0123456789abcdef" * 3,
        "ALLOWED_HOSTS": "testserver",
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
        "STATIC_ROOT": str(workdir / "static"),
        "DJANGO_SETTINGS_MODULE": "ekokommun.settings",
        "LOG_LEVEL": "WARNING",
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    for command in (
        ["migrate", "-v0"],
        ["load_reference_data", "-v0"],
        ["seed_demo", "-v0", "--members", "100"],
        ["collectstatic", "--noinput", "-v0"],
    ):
        subprocess.run(manage + command, env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)

    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.test import Client

    client = Client(HTTP_ACCEPT_ENCODING="br, gzip")
    page = client.get("/kommun/0665/", secure=True)
    assert page.status_code == 200, page.status_code
    html = page.content
    # Django leaves HTML compression to the proxy in front of it; count it gzipped, as served.
    rows = [("/kommun/0665/ (HTML, gzip)", len(gzip.compress(html, 6)))]
    assets = re.findall(rb'<(?:script|link)[^>]+(?:src|href)="(/static/[^"]+)"', html)
    repeat_ok = True
    for url in (a.decode() for a in assets):
        response = client.get(url, secure=True)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        encoding = response.get("Content-Encoding", "identity")
        rows.append((f"{url} ({encoding})", len(body)))
        cache = response.get("Cache-Control", "")
        if "immutable" not in cache or "max-age=315360000" not in cache:
            repeat_ok = False
            print(f"  not cached for good: {url}: {cache!r}")
    total = sum(size for _, size in rows)
    width = max(len(name) for name, _ in rows)
    print("First visit to a member page (production static set-up):")
    for name, size in rows:
        print(f"  {name:<{width}}  {size / 1024:8.1f} KB")
    print(f"  {'total':<{width}}  {total / 1024:8.1f} KB  (goal: at most {GOAL_BYTES // 1024} KB)")
    print(f"Repeat visit re-downloads static files: {'no' if repeat_ok else 'YES'}")
    return 0 if total <= GOAL_BYTES and repeat_ok else 1


if __name__ == "__main__":
    sys.exit(main())
