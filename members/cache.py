"""Caching of public pages, keyed by the site's data version.

Every write that changes public data gives `SiteState.data_version` a new value
(members.services.site_data_changed). Keys carry that version, so an entry can never be served
after the data it was built from changed, whichever process or machine cached it; old entries
simply expire.
"""

import hashlib
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.translation import get_language

from members.selectors import site_state

PAGE_SECONDS = getattr(settings, "PAGE_CACHE_SECONDS", 24 * 3600)


def versioned(name: str, *, version: int | None, compute: Callable, parts: tuple = ()):
    """Return compute(), cached under `name`, `parts` and the data version (if given)."""
    if version is None:
        return compute()
    detail = hashlib.sha256(":".join(str(part) for part in parts).encode()).hexdigest()[:32]
    key = f"data:{version}:{name}:{detail}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, PAGE_SECONDS)
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
        cached = cache.get(key)
        if cached is not None:
            content_type, content = cached
            response = HttpResponse(content, content_type=content_type)
            response["X-Page-Cache"] = "hit"
            return response
        response = view(request, *args, **kwargs)
        if hasattr(response, "render"):
            response = response.render()
        if response.status_code == 200 and not response.streaming and not response.cookies:
            cache.set(key, (response["Content-Type"], response.content), PAGE_SECONDS)
        response["X-Page-Cache"] = "miss"
        return response

    return wrapper
