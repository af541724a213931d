"""Good examples in the open API: /api/v1/good-examples/ (a Router added to indicators.api's
NinjaAPI). Published examples only; the contact person only for users who see contacts
(members.access.sees_contacts), never for anonymous callers (whose answers are cached)."""

import datetime
import math

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.decorators import decorate_view

from examples.selectors import open_data_examples
from members import access
from members.cache import public_page

router = Router(tags=["good-examples"])

CODE = r"^\d{2}$|^\d{4}$"
INDICATOR = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,19}$"


class GoodExampleErrorOut(Schema):
    detail: str
    errors: list[dict[str, str]] = Field(default_factory=list)


class LinkOut(Schema):
    url: str
    label: str


class ContactOut(Schema):
    name: str
    email: str
    phone: str


class GoodExampleOut(Schema):
    id: int
    indicator: str = Field(..., description="Nyckeltalets kod, t.ex. GN.6a.")
    indicator_name: str
    organisation: str = Field(..., description="Kommunkod eller länskod.")
    organisation_name: str
    title: str
    text: str
    year_from: int
    year_to: int | None
    cost: str
    result: str
    published_at: datetime.datetime
    links: list[LinkOut]
    contact: ContactOut | None = Field(
        None, description="Bara för inloggade medlemmar; annars null."
    )


class GoodExamplePage(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    results: list[GoodExampleOut]


class GoodExampleFilters(Schema):
    indicator: str | None = Field(None, pattern=INDICATOR, description="Nyckeltalets kod.")
    organisation: str | None = Field(None, pattern=CODE, description="Kommunkod eller länskod.")
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(100, ge=1, le=1000)


def _out(row: dict) -> dict:
    return {
        "id": row["id"],
        "indicator": row["indicator_code"],
        "indicator_name": row["indicator_name"],
        "organisation": row["organisation_code"],
        "organisation_name": row["organisation_name"],
        "title": row["title"],
        "text": row["text"],
        "year_from": row["year_from"],
        "year_to": row["year_to"],
        "cost": row["cost"],
        "result": row["result"],
        "published_at": row["published_at"],
        "links": row["links"],
        "contact": row["contact"],
    }


@router.get(
    "/",
    response={200: GoodExamplePage, 400: GoodExampleErrorOut},
    url_name="good_examples",
    summary="Goda exempel bakom nyckeltalen",
)
@decorate_view(public_page)
def good_examples(request: HttpRequest, filters: Query[GoodExampleFilters]):
    count, rows = open_data_examples(
        indicator=filters.indicator or "",
        organisation=filters.organisation or "",
        with_contact=access.sees_contacts(user=request.user),
        offset=(filters.page - 1) * filters.page_size,
        limit=filters.page_size,
    )
    return {
        "count": count,
        "page": filters.page,
        "page_size": filters.page_size,
        "pages": max(1, math.ceil(count / filters.page_size)),
        "results": [_out(row) for row in rows],
    }
