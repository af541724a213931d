"""Public pages are cached by data version: fast for visitors, never stale after a change."""

from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import reverse

from indicators.models import Indicator, Target
from indicators.services import ValueInput, values_upsert
from members.selectors import site_state
from tests.members.factories import MembershipFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def vaggeryd():
    return MembershipFactory(organisation=MunicipalityFactory(code="0665")).organisation


@pytest.fixture
def waste():
    return Indicator.objects.get(revision__is_current=True, code="GN.6a")


def _save(organisation, indicator, value):
    values_upsert(
        rows=[
            ValueInput(
                organisation_id=organisation.pk,
                indicator=indicator,
                year=2023,
                value=Decimal(value),
            )
        ]
    )


def test_a_repeat_visit_is_served_from_the_cache_with_one_query(
    client, vaggeryd, waste, django_assert_num_queries
):
    _save(vaggeryd, waste, "491")
    url = reverse("member_detail", args=["0665"])
    assert client.get(url)["X-Page-Cache"] == "miss"
    with django_assert_num_queries(1):  # the data version, as cheap as /healthz
        response = client.get(url)
    assert response.status_code == 200
    assert response["X-Page-Cache"] == "hit"
    assert "491 kg/person" in response.content.decode()


def test_a_cached_page_is_served_compressed_to_clients_that_accept_it(
    client, vaggeryd, waste, django_assert_num_queries
):
    import gzip
    from unittest import mock

    import brotli

    _save(vaggeryd, waste, "491")
    url = reverse("member_detail", args=["0665"])
    with (
        mock.patch("common.data_version.gzip.compress", wraps=gzip.compress) as gzipped,
        mock.patch("common.data_version.brotli.compress", wraps=brotli.compress) as brotlied,
    ):
        first = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
        assert first["X-Page-Cache"] == "miss"
        assert "Content-Encoding" not in first  # the first answer is the page as rendered
        assert "Accept-Encoding" in first["Vary"]
        assert gzipped.call_count == brotlied.call_count == 0  # its visitor waits no more
        with django_assert_num_queries(1):
            hit = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
        again = client.get(url, HTTP_ACCEPT_ENCODING="br;q=1.0, gzip;q=0.5")
        assert brotlied.call_count == 1  # compressed on the first hit that asked, then kept
        # A client without Brotli (or refusing it) gets gzip, also compressed once.
        gzip_hit = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
        gzip_again = client.get(url, HTTP_ACCEPT_ENCODING="gzip, br;q=0")
        assert gzipped.call_count == 1
    assert hit["X-Page-Cache"] == "hit" and hit["Content-Encoding"] == "br"
    assert again.content == hit.content and again["Content-Encoding"] == "br"
    assert "Accept-Encoding" in hit["Vary"]
    assert brotli.decompress(hit.content) == first.content
    assert gzip_hit["Content-Encoding"] == gzip_again["Content-Encoding"] == "gzip"
    assert gzip.decompress(gzip_hit.content) == first.content == gzip.decompress(gzip_again.content)
    # Brotli writes the page smaller than gzip, and both far smaller than the page.
    assert len(hit.content) < len(gzip_hit.content) < len(first.content) / 3
    # Without an encoding we have, or refusing both, the same page uncompressed.
    for header in (
        {},
        {"HTTP_ACCEPT_ENCODING": "deflate"},
        {"HTTP_ACCEPT_ENCODING": "gzip;q=0, br;q=0.0"},
    ):
        plain = client.get(url, **header)
        assert plain["X-Page-Cache"] == "hit"
        assert "Content-Encoding" not in plain, header
        assert plain.content == first.content
        assert "Accept-Encoding" in plain["Vary"]


def test_a_saved_value_shows_on_the_next_page_view(client, vaggeryd, waste):
    url = reverse("member_detail", args=["0665"])
    _save(vaggeryd, waste, "491")
    assert "491 kg/person" in client.get(url).content.decode()
    _save(vaggeryd, waste, "452")
    response = client.get(url)
    assert response["X-Page-Cache"] == "miss"
    assert "452 kg/person" in response.content.decode()
    assert "491 kg/person" not in response.content.decode()
    home = client.get(reverse("home")).content.decode()
    assert "452" in home


def test_changes_made_in_the_admin_invalidate_too(client, vaggeryd, waste):
    url = reverse("member_detail", args=["0665"])
    _save(vaggeryd, waste, "491")
    client.get(url)
    Target.objects.create(organisation=vaggeryd, indicator=waste, year=2030, value=400)
    response = client.get(url)
    assert response["X-Page-Cache"] == "miss"
    assert "Eget m\\u00e5l" in response.content.decode()  # the trace name, JSON-escaped


def test_a_rolled_back_write_leaves_the_version_alone(vaggeryd, waste):
    before = site_state().data_version
    with pytest.raises(RuntimeError), transaction.atomic():
        _save(vaggeryd, waste, "491")
        raise RuntimeError("avbrutet")
    assert site_state().data_version == before


def test_logged_in_users_always_get_a_fresh_page(client, vaggeryd, django_user_model):
    client.force_login(django_user_model.objects.create_user("politiker"))
    response = client.get(reverse("member_detail", args=["0665"]))
    assert "X-Page-Cache" not in response


def test_the_language_link_sets_a_preference_and_only_returns_to_this_site(client):
    response = client.get(reverse("language_switch", args=["en"]), {"next": "/kommun/0665/"})
    assert response.status_code == 302
    assert response["Location"] == "/kommun/0665/"
    assert response.cookies["django_language"].value == "en"
    away = client.get(reverse("language_switch", args=["en"]), {"next": "https://evil.example/"})
    assert away["Location"] == "/"
    unknown = client.get(reverse("language_switch", args=["xx"]))
    assert "django_language" not in unknown.cookies


def test_the_shared_redis_cache_serves_and_invalidates_the_same_way(
    client, vaggeryd, waste, settings
):
    # The machine runs Redis at 127.0.0.1:6379 (REDIS_URL in production); a key prefix of its
    # own keeps this test apart from anything else there.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/1",
            "KEY_PREFIX": f"ekokommun-test-{vaggeryd.pk}-{site_state().data_version}",
        },
        "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    from django.core.cache import cache, caches

    cache.clear()
    url = reverse("member_detail", args=["0665"])
    _save(vaggeryd, waste, "491")
    assert client.get(url)["X-Page-Cache"] == "miss"
    assert client.get(url)["X-Page-Cache"] == "hit"
    caches["local"].clear()  # another process: nothing local, the page comes from Redis
    assert client.get(url)["X-Page-Cache"] == "hit"
    assert any(b"page:" in key for key in _redis_keys())
    _save(vaggeryd, waste, "452")
    response = client.get(url)
    assert response["X-Page-Cache"] == "miss"
    assert "452 kg/person" in response.content.decode()
    cache.clear()


def _redis_keys() -> list[bytes]:
    import redis

    return redis.Redis.from_url("redis://127.0.0.1:6379/1").keys("*")
