"""The task queue (ekokommun/celery.py, the CELERY_* settings): eager without a broker, the
site's Redis as broker when set, the beat schedule and its tasks registered. Settings are read
once per process, so the environments are checked in fresh interpreters."""

import json

from celery.schedules import crontab

from ekokommun.celery import app
from tests.test_settings import run_python

UNSET = {"REDIS_URL": "", "CELERY_BROKER_URL": "", "CELERY_TASK_ALWAYS_EAGER": ""}


def celery_settings(env: dict) -> dict:
    program = (
        "import json, django; django.setup(); from ekokommun.celery import app; "
        "c = app.conf; print(json.dumps([c.broker_url, c.task_always_eager, c.timezone, "
        "c.task_acks_late, c.worker_prefetch_multiplier, c.task_ignore_result]))"
    )
    result = run_python(program, {**UNSET, **env})
    assert result.returncode == 0, result.stderr
    broker, eager, zone, acks_late, prefetch, ignore = json.loads(result.stdout.splitlines()[-1])
    return {
        "broker": broker,
        "eager": eager,
        "timezone": zone,
        "acks_late": acks_late,
        "prefetch": prefetch,
        "ignore_result": ignore,
    }


def test_without_a_broker_tasks_run_eagerly():
    found = celery_settings({})
    assert found["eager"] is True
    assert found["timezone"] == "Europe/Stockholm"


def test_the_sites_redis_is_the_broker_when_set_and_tasks_then_go_to_the_queue():
    found = celery_settings({"REDIS_URL": "redis://cache.example:6379/0"})
    assert found["broker"] == "redis://cache.example:6379/0"
    assert found["eager"] is False
    assert (found["acks_late"], found["prefetch"], found["ignore_result"]) == (True, 1, True)


def test_celery_broker_url_wins_over_the_cache_redis():
    found = celery_settings(
        {"REDIS_URL": "redis://cache.example:6379/0", "CELERY_BROKER_URL": "redis://q:6379/1"}
    )
    assert (found["broker"], found["eager"]) == ("redis://q:6379/1", False)


def test_eager_can_be_forced_with_a_broker_set():
    found = celery_settings(
        {"CELERY_BROKER_URL": "redis://q:6379/1", "CELERY_TASK_ALWAYS_EAGER": "1"}
    )
    assert found["eager"] is True


def test_a_queue_without_a_broker_refuses_to_start():
    result = run_python("import ekokommun.settings", {**UNSET, "CELERY_TASK_ALWAYS_EAGER": "false"})
    assert result.returncode != 0
    assert "CELERY_TASK_ALWAYS_EAGER=false needs a broker" in result.stderr


def test_production_without_a_broker_still_starts_and_runs_tasks_in_process():
    from tests.test_settings import REAL_SECRET

    found = celery_settings(
        {"DJANGO_ENV": "production", "SECRET_KEY": REAL_SECRET, "ALLOWED_HOSTS": "ekokommun.se"}
    )
    assert found["eager"] is True


def test_the_tasks_are_registered_under_their_names():
    app.loader.import_default_modules()
    assert {
        "common.tasks.send_email",
        "indicators.tasks.kolada_sync",
        "indicators.tasks.remind_reporters",
        "members.tasks.apply_retention",
        "conversations.tasks.expire_question_texts",
        "conversations.tasks.year_summaries_send",
        "conversations.tasks.digest_send",
    } <= set(app.tasks)


def test_the_beat_schedule_syncs_kolada_weekly_and_reminds_and_retains_daily():
    schedule = app.conf.beat_schedule
    by_task = {entry["task"]: entry["schedule"] for entry in schedule.values()}
    assert by_task["indicators.tasks.kolada_sync"] == crontab(minute=0, hour=3, day_of_week="mon")
    assert by_task["indicators.tasks.remind_reporters"] == crontab(minute=0, hour=8)
    assert by_task["members.tasks.apply_retention"] == crontab(minute=30, hour=2)
    assert by_task["conversations.tasks.expire_question_texts"] == crontab(minute=45, hour=2)
    assert by_task["conversations.tasks.digest_send"] == crontab(
        minute=0, hour=9, day_of_month=15, month_of_year=4
    )
    app.loader.import_default_modules()
    assert set(by_task) <= set(app.tasks)
