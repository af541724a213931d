import datetime

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from indicators import charts, downloads, selectors
from indicators.validation import year_error
from members import access
from members.cache import public_page
from members.collation import sorted_swedish, swedish_key
from members.selectors import (
    member_search,
    members_by_county,
    non_members_named,
    site_state,
)

MAX_COMPARED = 5


def _version(request) -> int:
    return site_state(request).data_version


@require_safe
@public_page
def home(request):
    groups = members_by_county()
    return render(
        request,
        "indicators/home.html",
        {
            "groups": groups,
            "member_count": sum(len(group["members"]) for group in groups),
            # The search's suggestions: one list in Swedish order, not county by county.
            "suggestions": sorted_swedish(m for group in groups for m in group["members"]),
            "figures": selectors.home_overview(data_version=_version(request)),
        },
    )


@require_safe
def search(request):
    """Find a member by name or kommunkod; one clear match goes straight to its page (works
    without JS). A municipality that is not a member is named as such, with the application."""
    query = request.GET.get("q", "").strip()
    results = member_search(query=query)
    exact = [row for row in results if query.lower() in (row["name"].lower(), row["code"])]
    if len(exact) == 1 or len(results) == 1:
        return redirect("member_detail", code=(exact or results)[0]["code"])
    context = {
        "query": query,
        "results": results,
        # Named as non-members: an exact name or code, or, when no member matched, a part.
        "non_members": [] if exact else non_members_named(query=query, partial=not results),
    }
    return render(request, "indicators/search.html", context)


@require_safe
@public_page
def member_detail(request, code: str):
    trends = selectors.member_trends(code=code, data_version=_version(request))
    if trends is None:
        raise Http404("Medlemmen finns inte.")
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


@require_safe
@public_page
def member_report(request, code: str, year: int):
    """The yearly report for the council: built to be printed or saved as PDF."""
    if year_error(year):
        raise Http404(year_error(year))
    report = selectors.member_report(code=code, year=year, data_version=_version(request))
    if report is None:
        raise Http404("Medlemmen finns inte.")
    name = report["organisation"]["name"]
    for block in report["blocks"]:
        block["figure"] = charts.report_figure(block, member_name=name)
        block["chart_id"] = "chart-" + block["anchor"]
        block["data_id"] = block["chart_id"] + "-data"
    report["produced_on"] = datetime.date.today()
    if not report["has_values"]:
        # Not "0 av 14 nyckeltal": a clear page naming the years that do have a report.
        return render(request, "indicators/report_empty.html", report, status=404)
    return render(request, "indicators/report.html", report)


def _css_string(text: str) -> str:
    """Text as a CSS string literal: every character that could end or bend it escaped."""
    safe = " ,.·–-()"
    escaped = "".join(ch if ch.isalnum() or ch in safe else f"\\{ord(ch):06x}" for ch in text)
    return f'"{escaped}"'


@require_safe
def print_margins(request, code: str):
    """Running header and footer of a printed member page or council report (CSS @page boxes).

    Chromium prints @page margin boxes on every page, with the page number; their text has to
    be in CSS, so this small stylesheet carries the association, the member, the print date,
    "Demodata" and "sida 3 av 15" in the page's language. Never cached: the date is today's.
    """
    organisation = selectors.organisation_heading(code=code)
    if organisation is None:
        raise Http404
    year = request.GET.get("ar", "")
    title = organisation["name"]
    today = formats.date_format(datetime.date.today(), "j F Y")
    printed = _("Utskrivet %(date)s") % {"date": today}
    if year.isdigit() and not year_error(int(year)):
        title = _("%(name)s, årsrapport %(year)s") % {"name": title, "year": year}
        printed = _("Uppgifter till och med %(year)s, utskrivet %(date)s") % {
            "year": year,
            "date": today,
        }
    if site_state(request).demo is not None:
        printed += " · " + _("Demodata")
    # "sida 3 av 15": the words around the two counters, in the page's language.
    page_words = _("sida %(page)s av %(pages)s").split("%(page)s")
    before = page_words[0]
    between, _sep, after = page_words[1].partition("%(pages)s")
    css = (
        "@page {\n"
        f"  @top-left {{ content: {_css_string(_('Sveriges Ekokommuner · Gröna nyckeltal'))}; }}\n"
        f"  @top-right {{ content: {_css_string(title)}; }}\n"
        f"  @bottom-left {{ content: {_css_string(printed)}; }}\n"
        f"  @bottom-right {{ content: {_css_string(before)} counter(page) "
        f"{_css_string(between)} counter(pages) {_css_string(after)}; }}\n"
        "}\n"
    )
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


@require_safe
@public_page
def indicator_detail(request, code: str, revision: str | None = None):
    county = request.GET.get("lan") or None
    overview = selectors.indicator_overview(
        code=code, revision=revision, county=county, data_version=_version(request)
    )
    if overview is None:
        raise Http404("Nyckeltalet finns inte.")
    contacts = {}
    shows_contacts = access.sees_contacts(user=request.user)
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
    overview["figure"] = charts.averages_figure(
        overview["indicator"], overview["averages"], comparisons=overview["comparisons"]
    )
    overview["average_table"] = charts.averages_table(
        overview["indicator"], overview["averages"], comparisons=overview["comparisons"]
    )
    overview["shows_contacts"] = shows_contacts
    return render(request, "indicators/indicator_detail.html", overview)


def _compare_choice(request) -> tuple[list, str, object, list[str]]:
    """The compare page's query: (indicators, chosen code, chosen indicator, member codes)."""
    indicators = selectors.current_indicators()
    chosen_indicator = request.GET.get("nyckeltal") or (indicators[0].code if indicators else "")
    # Picked from the list already read (no extra query), by the catalogue's one code rule.
    indicator = selectors.indicator_among(indicators, code=chosen_indicator)
    if indicator is None and indicators:
        raise Http404(_("Nyckeltalet finns inte."))
    if indicator is not None:
        chosen_indicator = indicator.code  # "gn.6a" selects GN.6a in the list
    codes = [code for code in request.GET.getlist("medlem") if code][:MAX_COMPARED]
    return indicators, chosen_indicator, indicator, codes


@require_safe
@public_page
def compare(request):
    indicators, chosen_indicator, indicator, codes = _compare_choice(request)
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
        context["without_values"] = [m["name"] for m in comparison["members"] if not m["series"]]
        context["download_query"] = request.GET.urlencode()
        context["figure"] = charts.compare_figure(comparison)
        context["table"] = charts.compare_table(comparison)
        context["title"] = _("%(code)s för %(names)s") % {
            "code": comparison["indicator"]["code"],
            "names": ", ".join(m["name"] for m in comparison["members"]),
        }
    return render(request, "indicators/compare.html", context)


@require_safe
def compare_data(request, fmt: str):
    """The compared members' values of the chosen figure: /jamfor/data.csv|.xlsx?<same query>."""
    _indicators, _chosen, indicator, codes = _compare_choice(request)
    if indicator is None or not codes:
        raise Http404(_("Välj ett nyckeltal och minst en medlem att jämföra."))
    if fmt not in downloads.CONTENT_TYPES:
        raise Http404
    rows = selectors.compare_values_open_data(indicator=indicator, codes=codes)
    title = f"{indicator.code} {indicator.name} ({indicator.unit}): " + ", ".join(
        sorted({row["organisation_name"] for row in rows}, key=swedish_key)
    )
    content = (
        downloads.values_csv(rows) if fmt == "csv" else downloads.values_xlsx(rows, title=title)
    )
    return downloads._file_response(
        content, fmt=fmt, name=f"grona-nyckeltal-jamforelse-{slugify(indicator.code)}"
    )
