"""Helpers for the reporting tests: who is logged in, and what a filled-in page posts."""

from django.urls import reverse

from indicators.models import Indicator
from indicators.selectors import reported_indicators

YEAR = 2024
FIELDS = ("value", "numerator", "denominator", "status", "source_note", "comment")


def indicator(code: str) -> Indicator:
    return Indicator.objects.get(revision__code="2023", code=code)


def year_url(organisation, year: int = YEAR) -> str:
    return f"{reverse('reporting_year', args=[year])}?org={organisation.code}"


def page_post(values: dict[str, dict | str], **extra) -> dict:
    """The POST of a whole reporting page: every member-reported field, empty unless given.

    `values` maps an indicator code to its value text, or to a dict of its fields.
    """
    data = {}
    for item in reported_indicators():
        fields = dict.fromkeys(FIELDS, "")
        fields["status"] = "final"
        given = values.get(item.code, {})
        fields.update({"value": given} if isinstance(given, str) else given)
        for name, text in fields.items():
            data[f"n{item.pk}-{name}"] = text
    data.update(extra)
    return data


def field(code: str, name: str) -> str:
    return f"n{indicator(code).pk}-{name}"
