"""Reads for good examples, as plain dicts and lists. Only published examples leave here for
the public; the contact person only when the caller says the reader sees contacts
(members.access.sees_contacts). Never ordered by any figure: the newest published first."""

from django.core.paginator import Paginator
from django.db.models import IntegerField, OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _

from common.prepared import PreparedQuery
from examples.models import GoodExample, GoodExampleAttachment, GoodExampleLink
from indicators.models import Indicator, IndicatorValue
from members.models import County, Population

PAGE_SIZE = 20
# Size bands by the latest population; the key is the query parameter (?storlek=).
SIZES = {
    "under-10000": (_("under 10 000 invånare"), 0, 10_000),
    "10000-25000": (_("10 000–25 000 invånare"), 10_000, 25_000),
    "25000-50000": (_("25 000–50 000 invånare"), 25_000, 50_000),
    "50000-100000": (_("50 000–100 000 invånare"), 50_000, 100_000),
    "over-100000": (_("över 100 000 invånare"), 100_000, None),
}
ROW_FIELDS = (
    "pk",
    "title",
    "text",
    "year_from",
    "year_to",
    "cost",
    "result",
    "published_at",
    "indicator_id",
    "indicator__code",
    "indicator__name",
    "indicator__owner_id",
    "organisation__code",
    "organisation__name",
    "organisation__county__name",
)
CONTACT_FIELDS = ("contact_name", "contact_email", "contact_phone")


def _years(year_from: int, year_to: int | None) -> str:
    if year_to and year_to != year_from:
        return f"{year_from}–{year_to}"
    return str(year_from)


def _row(values: dict, *, with_contact: bool) -> dict:
    row = {
        "id": values["pk"],
        "title": values["title"],
        "text": values["text"],
        "year_from": values["year_from"],
        "year_to": values["year_to"],
        "years": _years(values["year_from"], values["year_to"]),
        "cost": values["cost"],
        "result": values["result"],
        "published_at": values["published_at"],
        "indicator_id": values["indicator_id"],
        "indicator_code": values["indicator__code"],
        "indicator_name": values["indicator__name"],
        "indicator_is_own": values["indicator__owner_id"] is not None,
        "organisation_code": values["organisation__code"],
        "organisation_name": values["organisation__name"],
        "county": values["organisation__county__name"],
        "contact": None,
    }
    if with_contact and values.get("contact_name"):
        row["contact"] = {
            "name": values["contact_name"],
            "email": values["contact_email"],
            "phone": values["contact_phone"],
        }
    return row


def _fields(with_contact: bool) -> tuple[str, ...]:
    return ROW_FIELDS + (CONTACT_FIELDS if with_contact else ())


def _member_example_rows(*, organisation_id: int):
    return (
        GoodExample.objects.published()
        .filter(organisation_id=organisation_id)
        .order_by("-published_at", "pk")
        .values(*ROW_FIELDS)
    )


# Built by the ORM once per process (common.prepared): every member page asks.
_MEMBER_EXAMPLE_ROWS = PreparedQuery(_member_example_rows)


def member_examples(*, organisation_id: int) -> dict[int, list[dict]]:
    """The member's published examples keyed by indicator id, for the member page (1 query)."""
    keyed: dict[int, list[dict]] = {}
    for values in _MEMBER_EXAMPLE_ROWS.rows(organisation_id=organisation_id):
        keyed.setdefault(values["indicator_id"], []).append(_row(values, with_contact=False))
    return keyed


def indicator_examples(*, indicator_id: int) -> list[dict]:
    """Every member's published examples for one figure, for the indicator page (1 query)."""
    rows = (
        GoodExample.objects.published()
        .filter(indicator_id=indicator_id)
        .order_by("-published_at", "pk")
        .values(*ROW_FIELDS)
    )
    return [_row(values, with_contact=False) for values in rows]


def _latest_population():
    return Subquery(
        Population.objects.filter(municipality=OuterRef("organisation"))
        .order_by("-year")
        .values("inhabitants")[:1],
        output_field=IntegerField(),
    )


def _search(queryset, *, query: str, indicator: str, county: str, size: str):
    if query:
        for word in query.split()[:10]:
            queryset = queryset.filter(
                Q(title__icontains=word)
                | Q(text__icontains=word)
                | Q(result__icontains=word)
                | Q(organisation__name__icontains=word)
                | Q(indicator__name__icontains=word)
            )
    if indicator:
        queryset = queryset.filter(indicator__code__iexact=indicator, indicator__owner=None)
    if county:
        queryset = queryset.filter(organisation__county__code=county)
    if size in SIZES:
        _label, low, high = SIZES[size]
        queryset = queryset.annotate(inhabitants=_latest_population()).filter(inhabitants__gte=low)
        if high is not None:
            queryset = queryset.filter(inhabitants__lt=high)
    return queryset


def example_bank(
    *, query: str = "", indicator: str = "", county: str = "", size: str = "", page: int = 1
) -> dict:
    """The knowledge bank: published examples matching the search, a page at a time, and the
    filters' choices (figures that have examples, counties, size bands). At most 4 queries."""
    queryset = _search(
        GoodExample.objects.published(), query=query, indicator=indicator, county=county, size=size
    ).order_by("-published_at", "pk")
    paginator = Paginator(queryset.values(*ROW_FIELDS), PAGE_SIZE)
    page_obj = paginator.get_page(page)
    figures = (
        Indicator.objects.filter(good_examples__status=GoodExample.Status.PUBLISHED, owner=None)
        .order_by("code")
        .values_list("code", "name")
        .distinct()
    )
    return {
        "results": [_row(values, with_contact=False) for values in page_obj.object_list],
        "page": page_obj,
        "count": paginator.count,
        "figures": [{"code": code, "name": name} for code, name in figures],
        "counties": list(County.objects.order_by("code").values("code", "name")),
        "sizes": [{"key": key, "label": label} for key, (label, _l, _h) in SIZES.items()],
    }


def example_detail(*, pk: int, with_contact: bool) -> dict | None:
    """One published example with its links, attachments and the member's values of the figure
    since the example's first year (4 queries), or None."""
    values = (
        GoodExample.objects.published()
        .filter(pk=pk)
        .values(
            *_fields(with_contact),
            "organisation_id",
            "indicator__unit",
            "indicator__decimals",
            "indicator__direction",
        )
        .first()
    )
    if values is None:
        return None
    row = _row(values, with_contact=with_contact)
    row["links"] = list(GoodExampleLink.objects.filter(example_id=pk).values("url", "label"))
    row["attachments"] = list(
        GoodExampleAttachment.objects.filter(example_id=pk).values("pk", "name", "content_type")
    )
    points = IndicatorValue.objects.filter(
        organisation_id=values["organisation_id"],
        indicator_id=values["indicator_id"],
        year__gte=values["year_from"],
    ).order_by("year")
    row["unit"] = values["indicator__unit"]
    row["decimals"] = values["indicator__decimals"]
    row["direction"] = values["indicator__direction"]
    row["series"] = [
        {
            "year": v.year,
            "value": float(v.value),
            "exact": v.value,
            "preliminary": v.status == IndicatorValue.Status.PRELIMINARY,
        }
        for v in points.only("year", "value", "status")
    ]
    return row


def attachment_for_download(*, pk: int, example_pk: int) -> GoodExampleAttachment | None:
    """An attachment of a published example (1 query), or None."""
    return (
        GoodExampleAttachment.objects.filter(
            pk=pk, example_id=example_pk, example__status=GoodExample.Status.PUBLISHED
        )
        .only("file", "content_type", "name")
        .first()
    )


def feed_examples(*, limit: int = 50) -> list[dict]:
    rows = GoodExample.objects.published().order_by("-published_at", "pk")[:limit]
    return [_row(values, with_contact=False) for values in rows.values(*ROW_FIELDS)]


def open_data_examples(
    *,
    indicator: str = "",
    organisation: str = "",
    with_contact: bool,
    offset: int,
    limit: int,
) -> tuple[int, list[dict]]:
    """(count, one page of published examples with their links) for the open API (3 queries)."""
    queryset = GoodExample.objects.published()
    if indicator:
        queryset = queryset.filter(indicator__code__iexact=indicator)
    if organisation:
        queryset = queryset.filter(organisation__code=organisation)
    count = queryset.count()
    rows = [
        _row(values, with_contact=with_contact)
        for values in queryset.order_by("-published_at", "pk").values(*_fields(with_contact))[
            offset : offset + limit
        ]
    ]
    links: dict[int, list[dict]] = {}
    for link in GoodExampleLink.objects.filter(example_id__in=[r["id"] for r in rows]).values(
        "example_id", "url", "label"
    ):
        links.setdefault(link["example_id"], []).append(
            {"url": link["url"], "label": link["label"]}
        )
    for row in rows:
        row["links"] = links.get(row["id"], [])
    return count, rows


def organisation_examples(*, organisation_id: int) -> list[dict]:
    """All of a member's examples, whatever their status, for its reporters (1 query)."""
    rows = (
        GoodExample.objects.filter(organisation_id=organisation_id)
        .select_related("indicator")
        .order_by("-created_at")
    )
    return [
        {
            "id": e.pk,
            "title": e.title,
            "indicator_code": e.indicator.code,
            "years": e.years_label,
            "status": e.status,
            "status_label": e.get_status_display(),
            "rejection_reason": e.rejection_reason,
            "is_public": e.is_public,
        }
        for e in rows
    ]


def indicator_choices(*, organisation) -> list[tuple[int, str]]:
    """The figures a member may describe an example for: the current catalogue's that apply to
    its kind, then its own (1 query)."""
    rows = (
        Indicator.objects.filter(
            Q(revision__is_current=True, owner=None, applies_to__in=["alla", organisation.kind])
            | Q(owner=organisation, retired_on=None)
        )
        .order_by("owner_id", "display_order", "code")
        .values_list("pk", "code", "name")
    )
    return [(pk, f"{code} {name}") for pk, code, name in rows]
