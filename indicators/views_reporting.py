"""The reporting pages: where members enter their yearly values, and the office follows up.

URLs (all under /rapportera/, login required):
- ``/rapportera/``: the reporter's organisations and which years are complete, preliminary or
  missing; ``?org=<code>`` shows one organisation, ``?year=<year>`` opens that year's form.
- ``/rapportera/<year>/?org=<code>``: the form for one organisation and year. ``org`` may be
  left out by a user with a single organisation.
- ``/rapportera/<year>/historik/<indicator id>/?org=<code>``: one value's history.
- ``/rapportera/oversikt/<year>/`` (staff): completeness of every member; ``.../csv/`` exports it.

Who may do what is decided in one place, `members.access`: reporters write their own
organisations, readers only read, staff do everything; anything else answers 403.
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from common.spreadsheets import csv_bytes, spreadsheet_response
from indicators import selectors
from indicators.forms import YearForm
from indicators.models import Indicator
from indicators.services import values_save_year
from indicators.validation import year_error
from members import access
from members.models import FIRST_YEAR, Municipality

# The landing page lists at least this many recent years; older ones are one choice away.
RECENT_YEARS = 6


def _check_year(year: int) -> None:
    problem = year_error(year)
    if problem:
        raise Http404(problem)


def _year_url(year: int, code: str) -> str:
    return f"{reverse('reporting_year', args=[year])}?{urlencode({'org': code})}"


def _organisation(request, *, required_level: str) -> tuple[Municipality | None, str | None]:
    """The organisation named by ?org= (or the user's only one), and the user's access to it.

    (None, None) when the user has to choose among several first. PermissionDenied (403) when
    the user may not read it, or `required_level` is WRITE and they may only read.
    """
    code = request.GET.get("org", "").strip()
    if code:
        organisation = get_object_or_404(Municipality.objects.select_related("county"), code=code)
    else:
        choices = selectors.organisations_for_user(user=request.user)
        if access.acts_as_office(user=request.user) or len(choices) != 1:
            return None, None
        organisation = Municipality.objects.select_related("county").get(pk=choices[0]["id"])
    level = access.access_level(user=request.user, organisation=organisation)
    if level is None or (required_level == access.WRITE and level != access.WRITE):
        raise PermissionDenied(_("Du har inte behörighet till %(name)s.") % {"name": organisation})
    return organisation, level


@login_required
@require_safe
def landing(request):
    today = datetime.date.today()
    year = request.GET.get("year", "").strip()
    if year:
        # The "another year" form: open that year's page.
        if not year.isdigit() or year_error(int(year)):
            messages.error(
                request,
                _("Välj ett år mellan %(first)s och %(last)s.")
                % {"first": FIRST_YEAR, "last": today.year},
            )
            return redirect(
                f"{reverse('reporting_landing')}?{urlencode({'org': request.GET.get('org', '')})}"
            )
        code = request.GET.get("org", "").strip()
        url = reverse("reporting_year", args=[int(year)])
        return redirect(_year_url(int(year), code) if code else url)

    user_organisations = selectors.organisations_for_user(user=request.user)
    code = request.GET.get("org", "").strip()
    if code:
        organisation = get_object_or_404(Municipality.objects.with_is_member(), code=code)
        level = access.access_level(user=request.user, organisation=organisation)
        if level is None:
            raise PermissionDenied(
                _("Du har inte behörighet till %(name)s.") % {"name": organisation}
            )
        shown = [
            {
                "id": organisation.pk,
                "code": organisation.code,
                "name": organisation.name,
                "can_write": level == access.WRITE,
                "is_member": organisation.is_member,
            }
        ]
    elif access.acts_as_office(user=request.user):
        shown = []  # Staff choose an organisation, or use the overview.
    else:
        shown = user_organisations

    ids = [o["id"] for o in shown]
    first = selectors.first_reported_year(organisation_ids=ids) if ids else None
    oldest = min(first or today.year, today.year - RECENT_YEARS + 1)
    years = list(range(oldest, today.year + 1))
    tables = selectors.reporting_years(organisation_ids=ids, years=years) if ids else {}
    return render(
        request,
        "indicators/reporting/landing.html",
        {
            "organisations": [{**o, "years": tables[o["id"]]} for o in shown],
            "choices": user_organisations,
            "chosen": code,
            "first_year": FIRST_YEAR,
            "this_year": today.year,
            "default_year": today.year - 1,
            # A reporter whose member left is told so, not that the account is new.
            "ended_access": (
                selectors.organisations_access_ended(user=request.user) if not shown else []
            ),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def report_year(request, year: int):
    _check_year(year)
    organisation, level = _organisation(
        request, required_level=access.WRITE if request.method == "POST" else access.READ
    )
    if organisation is None:
        choices = selectors.organisations_for_user(user=request.user)
        if not choices:
            return redirect("reporting_landing")
        return render(
            request, "indicators/reporting/choose.html", {"year": year, "choices": choices}
        )

    page = selectors.reporting_year(organisation_id=organisation.pk, year=year)
    can_write = level == access.WRITE
    if request.method == "POST":
        form = YearForm(request.POST, page=page)
        if form.is_valid() and not form.warnings:
            try:
                result = values_save_year(
                    user=request.user,
                    organisation=organisation,
                    year=year,
                    rows=form.value_inputs(organisation_id=organisation.pk),
                )
            except ValidationError as exc:
                form.non_field_errors.extend(exc.messages)
            else:
                messages.success(
                    request,
                    _(
                        "%(name)s %(year)s är sparat: %(created)s nya och %(updated)s ändrade "
                        "värden."
                    )
                    % {
                        "name": organisation.name,
                        "year": year,
                        "created": result.created,
                        "updated": result.updated,
                    },
                )
                return redirect(_year_url(year, organisation.code))
    else:
        form = YearForm(page=page)
    return render(
        request,
        "indicators/reporting/year.html",
        {
            "organisation": organisation,
            "year": year,
            "page": page,
            "form": form,
            "can_write": can_write,
            "previous_year": year - 1 if year > FIRST_YEAR else None,
            "next_year": year + 1 if year < datetime.date.today().year else None,
        },
    )


@login_required
@require_safe
def value_history(request, year: int, indicator_id: int):
    _check_year(year)
    organisation, _level = _organisation(request, required_level=access.READ)
    if organisation is None:
        return redirect("reporting_landing")
    indicator = get_object_or_404(Indicator, pk=indicator_id)
    rows = selectors.value_history(organisation_id=organisation.pk, indicator=indicator, year=year)
    return render(
        request,
        "indicators/reporting/history.html",
        {
            "organisation": organisation,
            "indicator": indicator,
            "year": year,
            "rows": rows,
            "back": _year_url(year, organisation.code),
            # Staff restore or delete there (SimpleHistoryAdmin); the search finds this value.
            "admin_url": reverse("admin:indicators_indicatorvalue_changelist")
            + "?"
            + urlencode(
                {"q": organisation.code, "indicator__id__exact": indicator.pk, "year": year}
            ),
        },
    )


def _staff_only(request) -> None:
    if not access.acts_as_office(user=request.user):
        raise PermissionDenied(_("Översikten är till för kansliet."))


def _office_overview(request, year: int) -> dict:
    """The year's completeness overview, for the office only (page and CSV alike)."""
    _staff_only(request)
    _check_year(year)
    return selectors.completeness_overview(year=year)


@login_required
@require_safe
def overview(request, year: int):
    data = _office_overview(request, year)
    return render(
        request,
        "indicators/reporting/overview.html",
        {
            "overview": data,
            "year": year,
            "previous_year": year - 1 if year > FIRST_YEAR else None,
            "next_year": year + 1 if year < datetime.date.today().year else None,
        },
    )


STATUS_TEXT = {
    "final": gettext_lazy("slutligt"),
    "preliminary": gettext_lazy("preliminärt"),
    "missing": gettext_lazy("saknas"),
    selectors.NOT_APPLICABLE: gettext_lazy("gäller inte"),
}


@login_required
@require_safe
def overview_csv(request, year: int):
    data = _office_overview(request, year)
    rows = []
    header = [
        _("kod"),
        _("medlem"),
        _("län"),
        *[indicator["code"] for indicator in data["indicators"]],
        _("slutliga"),
        _("preliminära"),
        _("saknas"),
    ]
    for member in data["members"]:
        rows.append(
            [
                member["code"],
                member["name"],
                member["county"],
                *[STATUS_TEXT[cell] for cell in member["cells"]],
                member["final"],
                member["preliminary"],
                member["missing"],
            ]
        )
    for key in ("final", "preliminary", "missing"):
        rows.append(
            [
                "",
                _("Antal %(status)s") % {"status": STATUS_TEXT[key]},
                "",
                *[indicator[key] for indicator in data["indicators"]],
                data["totals"][key] if key == "final" else "",
                data["totals"][key] if key == "preliminary" else "",
                data["totals"][key] if key == "missing" else "",
            ]
        )
    # Member names and codes end up in cells: the shared writer keeps them from running as
    # formulas, with a byte-order mark and semicolons for Excel with Swedish settings.
    return spreadsheet_response(csv_bytes(rows, header=header), filename=f"rapportering-{year}.csv")
