"""What the benchmark scripts share: the production environment, a fresh database, gunicorn."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The PostgreSQL the benchmarks use; another port (a cluster of their own) keeps the fault run's
# restart away from anyone else using this machine's main cluster.
PG_PORT = os.environ.get("BENCH_PG_PORT", "5432")
# Appended to every benchmark database's name, so that two people (or agents) benchmarking on
# one machine do not drop each other's database; empty by default.
DB_SUFFIX = os.environ.get("BENCH_DB_SUFFIX", "")


def bench_database(name: str) -> str:
    """The benchmark database called `name`, with BENCH_DB_SUFFIX appended."""
    return name + DB_SUFFIX


def production_env(database: str, **extra: str) -> dict:
    """The production settings on plain http, against `database` on this machine's PostgreSQL."""
    return {
        **os.environ,
        "DJANGO_ENV": "production",
        "DJANGO_SETTINGS_MODULE": "ekokommun.settings",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{PG_PORT}/{database}",
        "SECRET_KEY": "bench-secret-" + "0123456789abcdef" * 3,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        **extra,
    }


def database_recreate(url: str, *, drop_only: bool = False, force: bool = False) -> None:
    """Drop the PostgreSQL database `url` names and, unless `drop_only`, create it empty;
    `force` drops it even while others are connected."""
    from urllib.parse import urlsplit, urlunsplit

    import psycopg2

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"' + (" WITH (FORCE)" if force else ""))
        if not drop_only:
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def fresh_database(database: str, env: dict, *, members: int, years: str) -> None:
    """Drop and recreate `database`, then migrate and load reference and demo data."""
    for tool, options in (("dropdb", ["--if-exists"]), ("createdb", [])):
        subprocess.run(
            [tool, "-h", "127.0.0.1", "-p", PG_PORT, "-U", "postgres", *options, database],
            check=True,
        )
    manage = [sys.executable, str(ROOT / "manage.py")]
    for command in (
        ["migrate", "-v0"],
        ["load_reference_data", "-v0"],
        ["seed_demo", "-v0", "--members", str(members), "--years", years],
        ["collectstatic", "--noinput", "-v0"],
    ):
        subprocess.run(manage + command, env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


def start_gunicorn(env: dict, port: int) -> tuple[subprocess.Popen, int]:
    """gunicorn with workers sized to the machine (2 x cores + 1), in its own process group."""
    workers = 2 * (os.cpu_count() or 1) + 1
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "ekokommun.wsgi",
         "--workers", str(workers), "--bind", f"127.0.0.1:{port}", "--log-level", "critical"],
        env=env, cwd=ROOT, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    return server, workers
