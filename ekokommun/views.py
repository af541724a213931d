import datetime
import sys

from django.conf import settings
from django.db import connection
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from ekokommun.middleware import outage_response

# When the accessibility statement was last assessed and updated (DIGG asks for the date).
ACCESSIBILITY_ASSESSED_ON = datetime.date(2026, 12, 1)


@never_cache
@require_safe
def healthz(request):
    """200 after one trivial database query; the baseline for load tests."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return JsonResponse({"status": "ok"})


@require_safe
def language_switch(request, code: str):
    """Choose the interface language with a plain link (a GET: it only sets a preference).

    A link instead of Django's POST form keeps CSRF tokens out of public pages, which are
    cached and served to everyone.
    """
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    if code in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            code,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


def server_error(request):
    """The site's 500 page, except for a database outage met outside a view (a session saved
    by middleware after the view): that is a 503 with Retry-After, like every other outage."""
    from common.data_version import OUTAGE_ERRORS

    if isinstance(sys.exc_info()[1], OUTAGE_ERRORS):
        return outage_response(request)
    return defaults.server_error(request)


@require_safe
def accessibility_statement(request):
    """The tillgänglighetsredogörelse, in the structure DIGG recommends."""
    return render(request, "pages/accessibility.html", {"assessed_on": ACCESSIBILITY_ASSESSED_ON})
