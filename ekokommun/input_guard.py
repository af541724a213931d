"""One place that refuses NUL bytes in a request, before any view or query sees them.

PostgreSQL cannot store or compare a text containing NUL ("A string literal cannot contain NUL
characters"), so `/sok/?q=%00` or `/kommun/%00/` would reach the database and fail with an
error 500; SQLite happened to answer 400 or 404. No legitimate link, form or cookie of the
site carries a NUL byte, so the request is answered 400 Bad Request (the site's 400 page) when
one appears in the path, the query string, form fields or cookies.
"""

from django.core.exceptions import SuspiciousOperation
from django.views.defaults import bad_request

NUL = "\x00"


class NulByteInRequest(SuspiciousOperation):
    pass


def _has_nul(multivalue) -> bool:
    return any(
        NUL in key or any(NUL in value for value in values) for key, values in multivalue.lists()
    )


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
            return bad_request(request, NulByteInRequest("NUL byte in the request"))
        return self.get_response(request)
