"""The body rows of a chart's table (templates/indicators/_data_table.html), built in Python:
a member page has 14-42 tables of up to 30 rows, and the template's nested loops were a large
part of its render time. The HTML is exactly what the loops wrote."""

from django import template
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

register = template.Library()

EMPTY = "–"


@register.simple_tag
def data_table_rows(rows) -> str:
    """`rows` as (year, [cells]) pairs: a row header and one numeric cell each, "–" if empty."""
    parts = []
    for year, cells in rows:
        parts.append(f'<tr><th scope="row">{conditional_escape(localize(year))}</th>')
        for cell in cells:
            text = conditional_escape(localize(cell)) if cell else EMPTY
            parts.append(f'<td class="num">{text}</td>')
        parts.append("</tr>")
    return mark_safe("".join(parts))  # every value above is escaped
