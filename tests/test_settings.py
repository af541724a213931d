"""What `ekokommun/settings.py` makes of the environment: the production posture refuses to start
without a real secret and hosts, passes Django's deploy checks, and sends the security headers;
staff need a second factor in production only.

The settings are read once per process, so the checks of other environments import them in a
fresh Python process with the variables under test.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REAL_SECRET = "a-real-secret-4b9f2c7e1d8a6035-e2c9f71b3a5d4086-7c1e9b2f5a3d8064"
# Variables of the machine running the tests that would change what is being checked.
UNDER_TEST = {"SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "OTP_REQUIRED_FOR_STAFF"}


def run_python(program: str, env: dict) -> subprocess.CompletedProcess:
    """Run `program` in a fresh interpreter whose environment is this one's with `env` set."""
    clean = {k: v for k, v in os.environ.items() if k not in UNDER_TEST}
    return subprocess.run(
        [sys.executable, "-c", program],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "ekokommun.settings", **env},
        capture_output=True,
        text=True,
    )


def _import_settings(env: dict) -> subprocess.CompletedProcess:
    return run_python("import ekokommun.settings as s; print(s.DEBUG)", env)


def test_production_refuses_to_start_without_a_real_secret():
    result = _import_settings({"DJANGO_ENV": "production", "ALLOWED_HOSTS": "ekokommun.se"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_a_short_or_repetitive_secret():
    for weak in ("x" * 80, "short-secret"):
        result = _import_settings(
            {"DJANGO_ENV": "production", "SECRET_KEY": weak, "ALLOWED_HOSTS": "ekokommun.se"}
        )
        assert result.returncode != 0
        assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = _import_settings({"DJANGO_ENV": "production", "SECRET_KEY": REAL_SECRET})
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set" in result.stderr


def test_production_starts_with_real_settings_and_debug_off():
    result = _import_settings(
        {"DJANGO_ENV": "production", "SECRET_KEY": REAL_SECRET, "ALLOWED_HOSTS": "ekokommun.se"}
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_check_deploy_reports_nothing_with_production_settings():
    env = {
        **os.environ,
        "DJANGO_ENV": "production",
        "SECRET_KEY": "k" * 20 + "-production-secret-for-the-check-" + "9" * 20,
        "ALLOWED_HOSTS": "ekokommun.se",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def setting_in(environment: str) -> str:
    program = "import django; django.setup(); from django.conf import settings; "
    program += "print(settings.OTP_REQUIRED_FOR_STAFF, settings.STAFF_SESSION_IDLE_SECONDS)"
    result = run_python(
        program,
        {
            "DJANGO_ENV": environment,
            "SECRET_KEY": "s" * 20 + "-production-secret-for-the-check-" + "7" * 20,
            "ALLOWED_HOSTS": "ekokommun.se",
        },
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_production_requires_the_second_factor_for_staff_and_development_does_not():
    assert setting_in("production") == "True 28800"
    assert setting_in("development") == "False 28800"


@pytest.mark.django_db
def test_content_security_policy_allows_only_the_sites_own_scripts_and_styles(client):
    policy = client.get("/").headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in directives["script-src"]


@pytest.mark.django_db
def test_security_headers(client):
    response = client.get("/")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
