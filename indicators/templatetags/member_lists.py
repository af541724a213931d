"""Lists of every member as HTML, built in Python: the start page lists each of ~290 members
twice (search suggestions and the county lists) and the compare page offers them in five
selection lists, and the template's loops (a URL reversed per member) were most of those
pages' render time. The HTML is exactly what the loops wrote."""

from urllib.parse import quote

from django import template
from django.urls import reverse
from django.utils.formats import localize
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from common.html_text import escape_text as escape

register = template.Library()

_PLACEHOLDER = "__code__"


def _member_url():
    """A function giving a member page's URL from its code, as {% url 'member_detail' code %}
    writes it (escaped), at the cost of one reverse() for the whole list."""
    head, tail = reverse("member_detail", args=[_PLACEHOLDER]).split(_PLACEHOLDER)
    head, tail = escape(head), escape(tail)
    return lambda code: head + escape(quote(str(code), safe=RFC3986_SUBDELIMS + "/~:@")) + tail


@register.simple_tag
def member_suggestions(members) -> str:
    """The search's <datalist> options: each member's name and page."""
    url = _member_url()
    return mark_safe(  # every value is escaped
        "".join(
            f'<option value="{escape(m["name"])}" data-url="{url(m["code"])}"></option>'
            for m in members
        )
    )


@register.simple_tag
def member_links(members) -> str:
    """A list's items, each a link to the member's page."""
    url = _member_url()
    return mark_safe(  # every value is escaped
        "".join(f'<li><a href="{url(m["code"])}">{escape(m["name"])}</a></li>' for m in members)
    )


@register.simple_tag
def member_options(choices, selected) -> str:
    """A selection list's options, one per member, `selected` (a code) marked."""
    return mark_safe(  # every value is escaped
        "".join(
            f'<option value="{escape(c["code"])}"{" selected" if c["code"] == selected else ""}>'
            f"{escape(c['name'])}</option>"
            for c in choices
        )
    )


@register.simple_tag
def latest_value_rows(table, unit) -> str:
    """The indicator page's table of every member's latest value (name, county, value, year)."""
    url = _member_url()
    unit = escape(unit)
    badge = f' <span class="badge">{escape(gettext("prel."))}</span>'
    years: dict[int, str] = {}  # a few distinct years among hundreds of rows
    for row in table:
        if row["year"] not in years:
            years[row["year"]] = escape(localize(row["year"]))
    return mark_safe(  # every value is escaped
        "".join(
            f'<tr><th scope="row"><a href="{url(row["code"])}">{escape(row["name"])}</a></th>'
            f'<td>{escape(row["county"])}</td><td class="num">{escape(row["display"])} {unit}'
            f"{badge if row['preliminary'] else ''}</td><td>{years[row['year']]}</td>"
            # The loop's text after each row, as the template wrote it.
            "</tr>\n      "
            for row in table
        )
    )
