"""The Celery application: configured from Django's settings (the CELERY_* names), with the
tasks of each installed app's tasks.py. `celery -A ekokommun worker` and `... beat` load it."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ekokommun.settings")

app = Celery("ekokommun")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
