"""The open, read-only API at /api/v1/ (django-ninja), with its OpenAPI schema at /api/v1/schema/.

Organisations, the indicator catalogue and values, as JSON. No personal data: no contact
persons, no user names, no reporters' comments. Bad parameters answer 400 with a JSON error.
The rows come from the same selectors as the CSV/XLSX downloads.
"""

import datetime
import math
from typing import Literal

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, NinjaAPI, Path, Query, Schema
from ninja.decorators import decorate_view
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError

from indicators.models import Revision
from indicators.selectors import indicator_by_code, indicator_catalogue, values_open_data
from members.cache import public_page
from members.models import County, Municipality
from members.selectors import organisations_open_data

api = NinjaAPI(
    title="Sveriges Ekokommuner – öppna data",
    version="1",
    description=(
        "Gröna nyckeltal för Sveriges Ekokommuners medlemmar: organisationer, nyckeltalens "
        "katalog och värden per organisation och år. Endast läsning. Felaktiga parametrar ger "
        "400 med ett JSON-fel."
    ),
    urls_namespace="api-v1",
    openapi_url="/schema/",
    docs_url="/docs/",
)

CODE = r"^\d{2}$|^\d{4}$"
COUNTY = r"^\d{2}$"
INDICATOR = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,19}$"
REVISION = r"^[A-Za-z0-9._-]{1,10}$"
MAX_PAGE = 100_000


class ErrorOut(Schema):
    detail: str = Field(..., description="Vad som är fel, på svenska.")
    errors: list[dict[str, str]] = Field(
        default_factory=list, description="Parameter och fel, för varje felaktig parameter."
    )


def error(detail: str) -> HttpError:
    return HttpError(400, detail)


def public_get(path: str, answers: type[Schema], *, summary: str, not_found: bool = False):
    """A public data endpoint: a GET answering `answers`, or 400 (and, for one object, 404)
    with the reason, cached like the public pages. Its URL is named after the view."""
    response = {200: answers, 400: ErrorOut, **({404: ErrorOut} if not_found else {})}

    def decorate(view):
        endpoint = api.get(path, response=response, url_name=view.__name__, summary=summary)
        return endpoint(decorate_view(public_page)(view))

    return decorate


@api.exception_handler(NinjaValidationError)
def invalid_parameters(request, exc: NinjaValidationError):
    errors = [
        {
            "parameter": str(item.get("loc", ["", ""])[-1]),
            "message": str(item.get("msg", "")),
        }
        for item in exc.errors
    ]
    names = ", ".join(sorted({e["parameter"] for e in errors}))
    return api.create_response(
        request, {"detail": f"Ogiltiga parametrar: {names}.", "errors": errors}, status=400
    )


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    return api.create_response(request, {"detail": str(exc), "errors": []}, status=exc.status_code)


class PageParams(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE, description="Sidnummer, från 1.")
    page_size: int = Field(100, ge=1, le=1000, description="Rader per sida, högst 1000.")


class PageOut(Schema):
    count: int = Field(..., description="Antal rader som matchar, på alla sidor.")
    page: int
    page_size: int
    pages: int
    next: str | None = Field(None, description="Adressen till nästa sida, om den finns.")
    previous: str | None = None


def page_links(request: HttpRequest, params: PageParams, count: int) -> dict:
    pages = max(1, math.ceil(count / params.page_size))

    def link(page: int) -> str:
        query = request.GET.copy()
        query["page"] = str(page)
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    return {
        "count": count,
        "page": params.page,
        "page_size": params.page_size,
        "pages": pages,
        "next": link(params.page + 1) if params.page < pages else None,
        "previous": link(min(params.page - 1, pages)) if params.page > 1 else None,
    }


# --- Index -------------------------------------------------------------------------------------


class IndexOut(Schema):
    organisations: str
    indicators: str
    values: str
    averages: str
    schema_url: str = Field(..., alias="schema")


@api.get("/", response=IndexOut, summary="Vad API:et innehåller", by_alias=True)
def index(request):
    def url(name):
        return request.build_absolute_uri(reverse(f"api-v1:{name}"))

    return {
        "organisations": url("organisations"),
        "indicators": url("indicators"),
        "values": url("values"),
        "averages": url("averages"),
        "schema": url("openapi-json"),
    }


# --- Organisations ----------------------------------------------------------------------------


class CountyOut(Schema):
    code: str = Field(..., description="Länskod, två siffror.")
    name: str


class OrganisationOut(Schema):
    code: str = Field(..., description="Kommunkod (fyra siffror) eller, för en region, länskod.")
    name: str
    kind: Literal["kommun", "region"]
    county: CountyOut
    is_member: bool = Field(..., description="Medlem i Sveriges Ekokommuner nu.")
    member_since: datetime.date | None = Field(
        ..., description="Datum då det nuvarande medlemskapet började."
    )


class OrganisationPage(PageOut):
    results: list[OrganisationOut]


class OrganisationFilters(Schema):
    kind: Literal["kommun", "region"] | None = Field(None, description="kommun eller region.")
    county: str | None = Field(None, pattern=COUNTY, description="Länskod, t.ex. 06.")
    member: bool | None = Field(None, description="true: bara nuvarande medlemmar.")


def organisation_out(row: dict) -> dict:
    return {
        "code": row["code"],
        "name": row["name"],
        "kind": row["kind"],
        "county": {"code": row["county_code"], "name": row["county"]},
        "is_member": row["is_member"],
        "member_since": row["member_since"],
    }


def known_county(code: str | None) -> str | None:
    if code and not County.objects.filter(code=code).exists():
        raise error(f"Okänd länskod {code}.")
    return code


@public_get("/organisations/", OrganisationPage, summary="Kommuner och regioner")
def organisations(request, filters: Query[OrganisationFilters], paging: Query[PageParams]):
    rows = organisations_open_data(
        kind=filters.kind,
        county_code=known_county(filters.county),
        members_only=bool(filters.member),
    )
    if filters.member is False:
        rows = [row for row in rows if not row["is_member"]]
    start = (paging.page - 1) * paging.page_size
    return {
        **page_links(request, paging, len(rows)),
        "results": [organisation_out(row) for row in rows[start : start + paging.page_size]],
    }


@public_get(
    "/organisations/{code}/", OrganisationOut, summary="En kommun eller region", not_found=True
)
def organisation(request, code: str = Path(..., pattern=CODE)):  # noqa: B008
    rows = organisations_open_data(code=code)
    if not rows:
        raise HttpError(404, f"Ingen kommun eller region har koden {code}.")
    return organisation_out(rows[0])


# --- Indicators --------------------------------------------------------------------------------


class IndicatorRef(Schema):
    revision: str
    code: str


class IndicatorOut(Schema):
    code: str = Field(..., description="Kod inom revisionen, t.ex. GN.6a.")
    revision: str
    name: str
    name_en: str
    description: str
    unit: str
    unit_en: str = Field(..., description="Enheten på engelska, om katalogen har den.")
    direction: Literal["lower", "higher"] = Field(..., description="Vilket håll som är bättre.")
    decimals: int
    min_value: float | None
    max_value: float | None
    source: str
    source_en: str = Field(..., description="Datakällan på engelska, om katalogen har den.")
    reported_by: Literal["member", "national"]
    applies_to: Literal["alla", "kommun", "region"] = Field(
        ..., description="Vilka slags organisationer nyckeltalet gäller."
    )
    reported_from: int | None = Field(
        ..., description="Första året medlemmarna ska rapportera det, om inte alla år."
    )
    parent: str | None = Field(..., description="Huvudindikatorns kod, om den har en.")
    continues: IndicatorRef | None = Field(
        ..., description="Nyckeltalet i en äldre revision som serien fortsätter."
    )


class IndicatorList(Schema):
    count: int
    revision: str
    results: list[IndicatorOut]


class RevisionFilter(Schema):
    revision: str | None = Field(
        None, pattern=REVISION, description="Revision, t.ex. 2012; annars den gällande."
    )


def known_revision(code: str | None) -> str:
    if code is None:
        current = Revision.objects.filter(is_current=True).values_list("code", flat=True)
        return next(iter(current), "")
    if not Revision.objects.filter(code=code).exists():
        raise error(f"Okänd revision {code}.")
    return code


@public_get("/indicators/", IndicatorList, summary="Nyckeltalens katalog")
def indicators(request, filters: Query[RevisionFilter]):
    revision = known_revision(filters.revision)
    rows = indicator_catalogue(revision=revision)
    return {"count": len(rows), "revision": revision, "results": rows}


# --- Values -----------------------------------------------------------------------------------


class ValueOut(Schema):
    organisation: str = Field(..., description="Kommunkod eller länskod.")
    organisation_name: str
    county: str = Field(..., description="Länskod.")
    indicator: str
    revision: str
    indicator_name: str
    year: int
    value: float
    unit: str
    status: Literal["final", "preliminary"]
    source: str = Field(..., description="Nyckeltalets datakälla.")
    source_note: str = Field(..., description="Källa för just det här värdet, om angiven.")


class ValuePage(PageOut):
    results: list[ValueOut]


class ValueFilters(Schema):
    indicator: str | None = Field(None, pattern=INDICATOR, description="Nyckeltalets kod.")
    revision: str | None = Field(
        None, pattern=REVISION, description="Revisionen som koden avser; annars den gällande."
    )
    organisation: str | None = Field(None, pattern=CODE, description="Kommunkod eller länskod.")
    county: str | None = Field(None, pattern=COUNTY, description="Länskod.")
    year_from: int | None = Field(None, ge=1990, le=2100, description="Från och med år.")
    year_to: int | None = Field(None, ge=1990, le=2100, description="Till och med år.")


@public_get("/values/", ValuePage, summary="Värden per organisation, nyckeltal och år")
def values(request, filters: Query[ValueFilters], paging: Query[PageParams]):
    if filters.year_from and filters.year_to and filters.year_from > filters.year_to:
        raise error("year_from kan inte vara senare än year_to.")
    indicator_id = organisation_id = revision = None
    if filters.revision:
        revision = known_revision(filters.revision)
    if filters.indicator:
        revision = revision or known_revision(None)
        indicator = indicator_by_code(code=filters.indicator, revision=revision)
        if indicator is None:
            raise error(f"Okänt nyckeltal {filters.indicator} i revision {revision}.")
        indicator_id = indicator.pk
    if filters.organisation:
        organisation_id = (
            Municipality.objects.filter(code=filters.organisation)
            .values_list("pk", flat=True)
            .first()
        )
        if organisation_id is None:
            raise error(f"Ingen kommun eller region har koden {filters.organisation}.")
    count, rows = values_open_data(
        indicator_id=indicator_id,
        revision_code=revision,
        organisation_id=organisation_id,
        county_code=known_county(filters.county),
        year_from=filters.year_from,
        year_to=filters.year_to,
        offset=(paging.page - 1) * paging.page_size,
        limit=paging.page_size,
    )
    return {**page_links(request, paging, count), "results": rows}


# --- Averages: in a module of their own (indicators/api_averages.py), registered on import ---

from indicators import api_averages  # noqa: E402, F401
