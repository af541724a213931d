"""Cache plumbing keyed by a data version: computed figures (`versioned`), whole public pages
(`page_cache`) and the stale copy served during a database outage (`OUTAGE_ERRORS`).

The site gives its data a new version number on every write that changes public data (in this
project `SiteState.data_version`, bumped by members.services.site_data_changed; members/cache.py
plugs it in). Keys carry that version, so an entry can never be served after the data it was
built from changed, whichever process or machine cached it; old entries simply expire. Because
an entry never changes under its key, each process may also keep a small local copy in front
of the shared cache (Redis when REDIS_URL is set) without any invalidation: the "local" cache
in settings.

Domain-free: the caller says where the version comes from; nothing here knows the models.
"""

import gzip
import hashlib
import logging
import re
from collections.abc import Callable
from functools import wraps

import brotli
from django.conf import settings
from django.core.cache import caches
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _

SECONDS = getattr(settings, "PAGE_CACHE_SECONDS", 24 * 3600)
logger = logging.getLogger(__name__)


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


# What a database outage looks like from Django: the server is unreachable or the connection
# dropped. Other database errors (integrity, programming) are bugs and stay errors 500.
OUTAGE_ERRORS = (OperationalError, InterfaceError)

STALE_NOTICE = '<p class="stale-notice" role="status">{}</p>'


def _page_key(request, *, version) -> str:
    """The cache key of an anonymous page: scheme, host, language and full path, and the data
    version (or "last" for the pointer to the newest copy, used during a database outage).

    Host and scheme are part of the key because pages and API answers may contain absolute
    links (the API's `next`), which must never be served to another host.
    """
    where = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    digest = hashlib.sha256(where.encode()).hexdigest()[:32]
    return f"page:{version}:{get_language()}:{digest}"


def _stale_response(request) -> HttpResponse | None:
    """The newest cached copy of this page, marked as possibly out of date, or None."""
    key = _get(_page_key(request, version="last"))
    cached = _get(key) if key else None
    if cached is None:
        return None
    status, content_type, content = cached
    if content_type.startswith("text/html"):
        notice = STALE_NOTICE.format(
            escape(
                _(
                    "Sidan visas från en sparad kopia och kan vara inaktuell. "
                    "Försök igen om en stund."
                )
            )
        )
        content = re.sub(
            rb"(<main\b[^>]*>)", lambda m: m.group(1) + notice.encode(), content, count=1
        )
    response = HttpResponse(content, content_type=content_type, status=status)
    response["X-Page-Cache"] = "stale"
    response["Warning"] = '110 - "Response is Stale"'
    response["Cache-Control"] = "no-store"
    return response


# A cached page is also kept compressed, Brotli and gzip, and served so to clients that accept
# it (every browser does). Brotli's fifth quality writes a member page ~15 % smaller than gzip
# in about the same time; gzip stays for clients without Brotli. Anonymous public pages hold no
# secret of the visitor's, so compressing them reveals nothing (BREACH needs one).
COMPRESS_MIN_BYTES = 1024
_COMPRESSORS = {  # best first
    "br": lambda body: brotli.compress(body, mode=brotli.MODE_TEXT, quality=5),
    "gzip": lambda body: gzip.compress(body, compresslevel=6, mtime=0),
}


def _compressed_copy(key: str, cached: tuple, encoding: str) -> tuple[tuple, str | None]:
    """((status, content type, body), encoding or None) for a client that accepts `encoding`,
    from the plain copy: compressed once (a member page is ~200 KB of HTML) and kept beside
    it; a small page stays plain."""
    status, content_type, content = cached
    if len(content) < COMPRESS_MIN_BYTES:
        return cached, None
    body = _COMPRESSORS[encoding](content)
    _set(f"{key}:{encoding}", (status, content_type, body))
    return (status, content_type, body), encoding


def _chosen_encoding(request) -> str | None:
    """The best of our encodings that the request's Accept-Encoding accepts ("br;q=0" refuses
    Brotli), or None."""
    accepted = set()
    for part in request.META.get("HTTP_ACCEPT_ENCODING", "").split(","):
        name, _sep, parameters = part.partition(";")
        quality = parameters.strip().lower().removeprefix("q=")
        if not re.fullmatch(r"0(\.0*)?", quality.strip()):
            accepted.add(name.strip().lower())
    return next((encoding for encoding in _COMPRESSORS if encoding in accepted), None)


def _vary_on_encoding(response) -> None:
    # Shared caches in front of the site must keep the two encodings apart.
    patch_vary_headers(response, ("Accept-Encoding",))


def _anonymous_by_cookie(request) -> bool:
    # During an outage the session table cannot tell who is logged in; without a session cookie
    # the visitor is anonymous for certain.
    return settings.SESSION_COOKIE_NAME not in request.COOKIES


def page_cache(*, version_of: Callable[[HttpRequest], int | None]):
    """A decorator that serves anonymous GETs of a public page from the cache while the data
    is unchanged; `version_of(request)` reads the current data version (None: do not cache).

    Logged-in users always get a fresh page: theirs may show contact persons or staff links.
    When the database is unreachable, an anonymous visitor gets the newest cached copy, marked
    as such; without one the outage error goes on to the site's 503 page.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method != "GET":
                return view(request, *args, **kwargs)
            try:
                version = version_of(request)
                if request.user.is_authenticated or version is None:
                    return view(request, *args, **kwargs)
                key = _page_key(request, version=version)
                encoding = _chosen_encoding(request)
                cached = _get(f"{key}:{encoding}") if encoding else None
                if cached is None:
                    cached = _get(key)
                    if cached is not None and encoding:
                        cached, encoding = _compressed_copy(key, cached, encoding)
                    else:
                        encoding = None
                if cached is not None:
                    status, content_type, content = cached
                    response = HttpResponse(content, content_type=content_type, status=status)
                    if encoding:
                        response["Content-Encoding"] = encoding
                    _vary_on_encoding(response)
                    response["X-Page-Cache"] = "hit"
                    return response
                response = view(request, *args, **kwargs)
                if hasattr(response, "render"):
                    response = response.render()
            except OUTAGE_ERRORS:
                stale = _stale_response(request) if _anonymous_by_cookie(request) else None
                if stale is None:
                    raise
                logger.warning("database unavailable: served a cached copy of %s", request.path)
                return stale
            # 200 pages, and the API's 400 answers to bad parameters, which are just as stable.
            if (
                response.status_code in (200, 400)
                and not response.streaming
                and not response.cookies
            ):
                # Compressed on the first hit that asks for it (_compressed_copy), not here:
                # the visitor who paid for the page's computation does not wait for it too.
                _set(key, (response.status_code, response["Content-Type"], response.content))
                if response.status_code == 200:
                    _set(_page_key(request, version="last"), key)
            _vary_on_encoding(response)
            response["X-Page-Cache"] = "miss"
            return response

        return wrapper

    return decorator
