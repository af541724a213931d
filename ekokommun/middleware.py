import logging
import time

from django.http import HttpResponse, JsonResponse

logger = logging.getLogger("ekokommun.requests")


class RequestLogMiddleware:
    """One log line per request: method, path, status and time taken, for any server."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        elapsed_ms = (time.perf_counter() - started) * 1000
        logger.info(
            "%s %s %s %.1fms",
            request.method,
            request.get_full_path(),
            response.status_code,
            elapsed_ms,
        )
        return response


class ChosenLanguageMiddleware:
    """Swedish unless the visitor chose English with the site's language link.

    Unlike Django's LocaleMiddleware this ignores the browser's Accept-Language: many Swedish
    users run English browsers, and the association's site speaks Swedish first.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


def outage_response(request) -> HttpResponse:
    """503 "tillfälligt otillgänglig" with Retry-After, built without touching the database
    (no session, no context processors): what every request gets while the database is down,
    unless a cached public page can stand in (members.cache.public_page)."""
    from django.conf import settings
    from django.template import loader
    from django.utils.translation import gettext as _

    message = _("Tjänsten är tillfälligt otillgänglig. Försök igen om en stund.")
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message, "errors": []}, status=503)
    else:
        html = loader.get_template("503.html").render({"retry_after": settings.OUTAGE_RETRY_AFTER})
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(settings.OUTAGE_RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseOutageMiddleware:
    """A database that cannot be reached answers 503 with Retry-After, never 500.

    Errors raised by views come through process_exception; those raised later, in other
    middleware (a session saved after the view), reach ekokommun.views.server_error, which
    gives the same answer.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from common.data_version import OUTAGE_ERRORS

        if isinstance(exception, OUTAGE_ERRORS):
            logger.error("database unavailable: %s %s: %s", request.method, request.path, exception)
            return outage_response(request)
        return None
