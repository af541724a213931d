"""One place that refuses NUL bytes in a request, before any view or query sees them.

PostgreSQL cannot store or compare a text containing NUL ("A string literal cannot contain NUL
characters"), so `/sok/?q=%00` or `/kommun/%00/` would reach the database and fail with an
error 500; SQLite happened to answer 400 or 404. No legitimate link, form or cookie of the
site carries a NUL byte, so the request is answered 400 Bad Request (the site's 400 page) when
one appears in the path, the query string, form fields or cookies. The open API (/api/)
answers in its own JSON error format instead.
"""

from django.core.exceptions import SuspiciousOperation
from django.http import JsonResponse
from django.views.defaults import bad_request

NUL = "\x00"


class NulByteInRequest(SuspiciousOperation):
    pass


def _has_nul(multivalue) -> bool:
    return bool(_names_with_nul(multivalue))


def _names_with_nul(multivalue) -> list[str]:
    return sorted(
        key.replace(NUL, "\\0")
        for key, values in multivalue.lists()
        if NUL in key or any(NUL in value for value in values)
    )


def _json_400(data: dict) -> JsonResponse:
    # The API's content type, with its charset.
    return JsonResponse(data, status=400, content_type="application/json; charset=utf-8")


def _api_error(request):
    """The API's error shape (indicators/api.py): which parameters were refused."""
    names = _names_with_nul(request.GET)
    if not names:
        return _json_400({"detail": "Ogiltig adress."})
    errors = [{"parameter": name, "message": "NUL-tecken är inte tillåtna."} for name in names]
    return _json_400({"detail": f"Ogiltiga parametrar: {', '.join(names)}.", "errors": errors})


def request_has_nul(request) -> bool:
    if NUL in request.path or NUL in request.path_info:
        return True
    if _has_nul(request.GET):
        return True
    if any(NUL in key or NUL in value for key, value in request.COOKIES.items()):
        return True
    # Form posts (urlencoded or multipart; uploaded files' contents are not text fields).
    return request.method == "POST" and _has_nul(request.POST)


class NulByteMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request_has_nul(request):
            if request.path_info.startswith("/api/"):
                return _api_error(request)
            return bad_request(request, NulByteInRequest("NUL byte in the request"))
        return self.get_response(request)
