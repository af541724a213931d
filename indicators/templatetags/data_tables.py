"""The body rows of a chart's table (chart_blocks.data_table), built in Python:
a member page has 14-42 tables of up to 30 rows, and the template's nested loops were a large
part of its render time. The HTML is exactly what the loops wrote."""

from django import template
from django.conf import settings
from django.utils.formats import localize
from django.utils.safestring import mark_safe

from common.html_text import escape_text as escape
from common.html_text import json_script

register = template.Library()

EMPTY = "–"


def _year(year) -> str:
    """A year as {{ year }} writes it: without thousands grouping that is the plain number,
    and localize() (a few hundred calls a page, each reading the language) is not needed."""
    if type(year) is int and not settings.USE_THOUSAND_SEPARATOR:
        return str(year)
    return escape(localize(year))


@register.simple_tag
def data_table_rows(rows) -> str:
    """`rows` as (year, [cells]) pairs: a row header and one numeric cell each, "–" if empty."""
    parts = []
    for year, cells in rows:
        parts.append(f'<tr><th scope="row">{_year(year)}</th>')
        for cell in cells:
            if not cell:
                text = EMPTY
            elif isinstance(cell, str):  # text already: localize() would hand it back as it is
                text = escape(cell)
            else:
                text = escape(localize(cell))
            parts.append(f'<td class="num">{text}</td>')
        parts.append("</tr>")
    return mark_safe("".join(parts))  # every value above is escaped


@register.filter
def chart_json(value, element_id) -> str:
    """|json_script's output, faster on a chart's large data (common.html_text.json_script)."""
    return mark_safe(json_script(value, element_id))
