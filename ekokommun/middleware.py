import logging
import time

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
