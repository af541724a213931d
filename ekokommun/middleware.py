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
