import os

import pytest
from django.core.management import call_command
from hypothesis import settings as hypothesis_settings

# CI runs the property and fuzz tests with a fixed sequence of examples, so that a submission
# is judged on the same inputs it was tested with; on a developer's machine they explore anew.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


def pytest_collection_modifyitems(config, items):
    # Browser tests use the live server and flush the database afterwards; run them last so
    # the reference data loaded once per session serves every other test.
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache (locmem outlives the rolled-back database)."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()
    yield
    for cache in caches.all():
        cache.clear()


@pytest.fixture(autouse=True)
def _default_language_afterwards():
    """A request leaves its language active in the thread; the next test expects Swedish."""
    from django.utils import translation

    yield
    translation.deactivate()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_reference_data", verbosity=0)


@pytest.fixture
def reference_data(db):
    """Counties, municipalities, regions and the catalogue (reloaded after a flush)."""
    from indicators.models import Revision

    if not Revision.objects.exists():
        call_command("load_reference_data", verbosity=0)


@pytest.fixture(autouse=True)
def _prepared_queries_checked(settings):
    """Every prepared read (common.prepared) is checked against the ORM's own SQL."""
    settings.PREPARED_QUERIES_CHECK = True


@pytest.fixture(autouse=True)
def _login_lockout_off(settings):
    # django-axes needs the request, which client.login() does not pass; the tests of the
    # lockout itself turn it back on.
    settings.AXES_ENABLED = False


@pytest.fixture(autouse=True, scope="session")
def _tasks_run_eagerly():
    """Tasks run in the test's own process even where the shell names a broker (REDIS_URL):
    a test never leaves work in a real queue. ekokommun/settings.py decides this for `make run`
    (tests/test_tasks.py checks it in fresh processes)."""
    from ekokommun.celery import app

    app.conf.update(task_always_eager=True, task_eager_propagates=True)
