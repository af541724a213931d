import datetime

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from indicators import charts, selectors
from indicators.validation import year_error
from members.cache import public_page
from members.selectors import member_search, members_by_county, site_state, viewer_sees_contacts

MAX_COMPARED = 5


def _version(request) -> int:
    return site_state(request).data_version


@require_GET
@public_page
def home(request):
    groups = members_by_county()
    return render(
        request,
        "indicators/home.html",
        {
            "groups": groups,
            "member_count": sum(len(group["members"]) for group in groups),
            "figures": selectors.home_overview(data_version=_version(request)),
        },
    )


@require_GET
def search(request):
    """Find a member by name; one clear match goes straight to its page (works without JS)."""
    query = request.GET.get("q", "").strip()
    results = member_search(query=query)
    exact = [row for row in results if row["name"].lower() == query.lower()]
    if len(exact) == 1 or len(results) == 1:
        return redirect("member_detail", code=(exact or results)[0]["code"])
    return render(request, "indicators/search.html", {"query": query, "results": results})


@require_GET
@public_page
def member_detail(request, code: str):
    trends = selectors.member_trends(code=code, data_version=_version(request))
    name = trends["organisation"]["name"]
    for block in trends["indicators"] + trends["own_indicators"]:
        block["figure"] = charts.member_figure(block, member_name=name)
        block["table"] = charts.member_table(block, member_name=name)
        block["chart_id"] = "chart-" + block["anchor"]
        block["data_id"] = block["chart_id"] + "-data"
    years = [
        p["year"] for b in trends["indicators"] + trends["own_indicators"] for p in b["series"]
    ]
    trends["report_year"] = max(years, default=None)
    return render(request, "indicators/member_detail.html", trends)


@require_GET
@public_page
def member_report(request, code: str, year: int):
    """The yearly report for the council: built to be printed or saved as PDF."""
    if year_error(year):
        raise Http404(year_error(year))
    report = selectors.member_report(code=code, year=year, data_version=_version(request))
    name = report["organisation"]["name"]
    for block in report["blocks"]:
        block["figure"] = charts.report_figure(block, member_name=name)
        block["chart_id"] = "chart-" + block["anchor"]
        block["data_id"] = block["chart_id"] + "-data"
    report["produced_on"] = datetime.date.today()
    report["previous_year"] = year - 1 if not year_error(year - 1) else None
    report["next_year"] = year + 1 if not year_error(year + 1) else None
    return render(request, "indicators/report.html", report)


@require_GET
@public_page
def indicator_detail(request, code: str, revision: str | None = None):
    county = request.GET.get("lan") or None
    overview = selectors.indicator_overview(
        code=code, revision=revision, county=county, data_version=_version(request)
    )
    contacts = {}
    shows_contacts = viewer_sees_contacts(user=request.user)
    examples = (
        overview["strong"]
        + overview["improvers"]
        + overview["region_strong"]
        + overview["region_improvers"]
    )
    if shows_contacts:
        ids = [row["organisation_id"] for row in examples]
        contacts = selectors.official_contacts(organisation_ids=ids)
    for row in examples:
        row["contact"] = contacts.get(row["organisation_id"])
    overview["figure"] = charts.averages_figure(overview["indicator"], overview["averages"])
    overview["average_table"] = charts.averages_table(overview["indicator"], overview["averages"])
    overview["shows_contacts"] = shows_contacts
    return render(request, "indicators/indicator_detail.html", overview)


@require_GET
@public_page
def compare(request):
    indicators = selectors.current_indicators()
    chosen_indicator = request.GET.get("nyckeltal") or (indicators[0].code if indicators else "")
    indicator = next((i for i in indicators if i.code == chosen_indicator), None)
    if indicator is None and indicators:
        raise Http404(_("Nyckeltalet finns inte."))
    codes = [code for code in request.GET.getlist("medlem") if code][:MAX_COMPARED]
    context = {
        "indicators": indicators,
        "chosen_indicator": chosen_indicator,
        "choices": selectors.member_choices(),
        "slots": [codes[i] if i < len(codes) else "" for i in range(MAX_COMPARED)],
        "too_many": len([c for c in request.GET.getlist("medlem") if c]) > MAX_COMPARED,
    }
    if codes and indicator:
        comparison = selectors.compare_series(
            indicator=indicator, codes=codes, data_version=_version(request)
        )
        context["comparison"] = comparison
        context["figure"] = charts.compare_figure(comparison)
        context["table"] = charts.compare_table(comparison)
        context["title"] = _("%(code)s för %(names)s") % {
            "code": comparison["indicator"]["code"],
            "names": ", ".join(m["name"] for m in comparison["members"]),
        }
    return render(request, "indicators/compare.html", context)
