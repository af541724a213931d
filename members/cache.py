"""Caching of public pages and computed figures, keyed by the site's data version.

Every write that changes public data gives `SiteState.data_version` a new value
(members.services.site_data_changed). Keys carry that version, so an entry can never be served
after the data it was built from changed, whichever process or machine cached it; old entries
simply expire. Because an entry never changes under its key, each process may also keep a
small local copy in front of the shared cache (Redis when REDIS_URL is set) without any
invalidation: the "local" cache in settings.
"""

import hashlib
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.utils.translation import get_language

from members.selectors import site_state

SECONDS = getattr(settings, "PAGE_CACHE_SECONDS", 24 * 3600)


def _tiers() -> list:
    configured = settings.CACHES
    if "local" not in configured or configured["local"] == configured["default"]:
        return [caches["default"]]  # one local-memory cache: no second tier
    return [caches["local"], caches["default"]]


def _get(key: str):
    tiers = _tiers()
    for position, tier in enumerate(tiers):
        value = tier.get(key)
        if value is not None:
            for nearer in tiers[:position]:
                nearer.set(key, value, SECONDS)
            return value
    return None


def _set(key: str, value) -> None:
    for tier in _tiers():
        tier.set(key, value, SECONDS)


def versioned(name: str, *, version: int | None, compute: Callable, parts: tuple = ()):
    """Return compute(), cached under `name`, `parts` and the data version (if given)."""
    if version is None:
        return compute()
    detail = hashlib.sha256(":".join(str(part) for part in parts).encode()).hexdigest()[:32]
    key = f"data:{version}:{name}:{detail}"
    value = _get(key)
    if value is None:
        value = compute()
        _set(key, value)
    return value


def public_page(view):
    """Serve anonymous GETs of a public page from the cache while the data is unchanged.

    Logged-in users always get a fresh page: theirs may show contact persons or staff links.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        version = site_state(request).data_version
        if request.method != "GET" or request.user.is_authenticated or version is None:
            return view(request, *args, **kwargs)
        path = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
        key = f"page:{version}:{get_language()}:{path}"
        cached = _get(key)
        if cached is not None:
            status, content_type, content = cached
            response = HttpResponse(content, content_type=content_type, status=status)
            response["X-Page-Cache"] = "hit"
            return response
        response = view(request, *args, **kwargs)
        if hasattr(response, "render"):
            response = response.render()
        # 200 pages, and the API's 400 answers to bad parameters, which are just as stable.
        if response.status_code in (200, 400) and not response.streaming and not response.cookies:
            _set(key, (response.status_code, response["Content-Type"], response.content))
        response["X-Page-Cache"] = "miss"
        return response

    return wrapper
