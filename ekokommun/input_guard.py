"""One place that refuses NUL bytes in a request, before any view or query sees them.

PostgreSQL cannot store or compare a text containing NUL ("A string literal cannot contain NUL
characters"), so `/sok/?q=%00` or `/kommun/%00/` would reach the database and fail with an
error 500; SQLite happened to answer 400 or 404. No legitimate link, form or cookie of the
site carries a NUL byte, so the request is answered 400 Bad Request (the site's 400 page) when
one appears in the path, the query string, form fields or cookies. The open API (/api/)
answers in its own JSON error format instead.

The same place refuses a whole number in the query string that no database column can hold
(more than 64 bits): SQLite raises OverflowError for it (`/admin/…/?id__in=9999…`, found by
the route fuzz test), and no link of the site carries one. Typed text (form posts) may hold
long numbers and is left to the forms.
"""

import re

from django.core.exceptions import SuspiciousOperation
from django.http import JsonResponse
from django.views.defaults import bad_request

NUL = "\x00"
LONG_DIGITS = re.compile(r"\d{19,}")
BIGGEST_INTEGER = 2**63 - 1  # a signed 64-bit column, as on PostgreSQL and SQLite


class NulByteInRequest(SuspiciousOperation):
    pass


def _has_nul(multivalue) -> bool:
    return bool(_names_with_nul(multivalue))


def _too_big(text: str) -> bool:
    return any(int(digits) > BIGGEST_INTEGER for digits in LONG_DIGITS.findall(text))


def _names_with_nul(multivalue) -> list[str]:
    return sorted(
        key.replace(NUL, "\\0")
        for key, values in multivalue.lists()
        if NUL in key or any(NUL in value for value in values)
    )


def query_has_unstorable_number(query) -> bool:
    return any(
        _too_big(key) or any(_too_big(value) for value in values) for key, values in query.lists()
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
        api = request.path_info.startswith("/api/")
        if request_has_nul(request):
            if api:
                return _api_error(request)
            return bad_request(request, NulByteInRequest("NUL byte in the request"))
        # The API validates its own parameters (and answers in its schema's terms).
        if not api and query_has_unstorable_number(request.GET):
            return bad_request(request, NulByteInRequest("a number no column can hold"))
        return self.get_response(request)
