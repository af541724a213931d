"""One figure's chart area, facts and table as HTML, built in Python.

A member page shows 14-42 figures, each with a chart area (the chart's box, its data, the
buttons that switch series, the PNG button), the facts beside it (latest value, baseline,
verdict, target status) and its data as a table. Written by the template engine these were
most of the page's render time; here each is a few f-strings, with every value escaped as
{{ value }} would escape it and every text translated as {% translate %} would. The member
page, its own figures' section and the indicator, compare and example pages use them.
"""

from django import template
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext

from common.html_text import escape_text as escape
from common.html_text import json_script
from indicators.templatetags.data_tables import data_table_rows

register = template.Library()


def _t(message: str) -> str:
    """{% translate message %}: the translation, escaped."""
    return escape(gettext(message))


def _bt(message: str, **values) -> str:
    """{% blocktranslate with ... %}: the translation as written, each value escaped."""
    return gettext(message) % {name: escape(value) for name, value in values.items()}


def _chart_image(chart_id: str, filename: str) -> str:
    return (
        '<p class="chart-image no-print" hidden><button type="button" '
        f'class="chart-image-button" data-image-for="{escape(chart_id)}" '
        f'data-filename="{escape(slugify(filename))}">'
        f"{_t('Spara diagrammet som bild (PNG)')}</button></p>"
    )


@register.simple_tag
def chart_image(chart_id: str, filename: str) -> str:
    """A button that saves the chart `chart_id` as a PNG named `filename` (static/js/charts.js).
    Outside the chart's role="img" box; shown once the chart is drawn."""
    return mark_safe(_chart_image(chart_id, filename))


@register.simple_tag
def chart_area(block: dict, organisation_code: str) -> str:
    """One figure's chart (drawn by static/js/charts.js from its JSON) or a note; the buttons
    switch optional series and appear once the chart is drawn (they need JavaScript)."""
    if not (block["series"] or block["older_series"]):
        return mark_safe(
            f'<div class="chart-area"><p class="empty">{_t("Inga värden rapporterade.")}</p></div>'
        )
    chart_id, name = escape(block["chart_id"]), block["name"]
    parts = [
        '<div class="chart-area">',
        f'<div class="chart" id="{chart_id}" data-chart="{escape(block["data_id"])}" '
        'data-chart-lazy role="img" '
        f'aria-label="{_bt("Diagram: %(name)s över åren", name=name)}"></div>',
        json_script(block["figure"], block["data_id"]),
    ]
    toggles = block["figure"].get("toggles")
    if toggles:
        parts.append(
            '<div class="chart-toggles no-print" role="group" '
            f'aria-label="{_bt("Visa i diagrammet för %(name)s", name=name)}" '
            f'data-toggles-for="{chart_id}" hidden>'
            '<span class="chart-toggles-label" aria-hidden="true">'
            # The space between the label and the first button, as the template had it.
            f"{_t('Visa i diagrammet:')}</span> "
        )
        for toggle in toggles:
            traces = ",".join(escape(trace) for trace in toggle["traces"])
            pressed = "true" if toggle["pressed"] else "false"
            key, label = escape(toggle["key"]), escape(toggle["label"])
            parts.append(
                f'<button type="button" class="chart-toggle" data-toggle="{key}" '
                f'data-traces="{traces}" aria-pressed="{pressed}">{label}</button>'
            )
        parts.append("</div>")
    parts.append(_chart_image(block["chart_id"], f"{organisation_code}-{block['anchor']}"))
    parts.append("</div>")
    return mark_safe("".join(parts))


@register.simple_tag
def chart_summary(block: dict) -> str:
    """Beside a chart: latest value, baseline, verdict and the status of each target."""
    parts = []
    unit = escape(block["unit"])
    latest = block["latest"]
    if latest:
        baseline = block["baseline"]
        badge = f' <span class="badge">{_t("preliminärt")}</span>' if latest["preliminary"] else ""
        parts.append(
            f'<p class="latest"><span class="label">{_t("Senaste värde")}</span> '
            f"<strong>{escape(latest['display'])} {unit}</strong> ({escape(latest['year'])})"
            f"{badge}</p>"
            f'<p><span class="label">{_t("Utgångsvärde")}</span> '
            f"{escape(baseline['display'])} {unit} ({escape(baseline['year'])})</p>"
        )
    verdict = block["verdict"]
    parts.append(
        f'<p class="verdict verdict-{escape(verdict["kind"])}">{escape(verdict["text"])}</p>'
    )
    if block["target_status"]:
        parts.append('<div class="target-status">')
        for status in block["target_status"]:
            label = _bt(
                "%(label)s: %(target)s %(unit)s %(year)s",
                label=status["label"],
                target=status["target_display"],
                unit=block["unit"],
                year=status["year"],
            )
            parts.append(
                f'<p class="target target-{escape(status["kind"])}"><span class="label">'
                f"{label}</span> {escape(status['text'])}</p>"
            )
        parts.append("</div>")
    return mark_safe("".join(parts))


def _data_table(caption: str, columns, rows) -> str:
    caption = escape(caption)
    heads = "".join(f'<th scope="col" class="num">{escape(column)}</th>' for column in columns)
    return (
        '<details class="data-table no-print-toggle">'
        f"<summary>{_t('Visa som tabell')}</summary>"
        f'<div class="table-scroll" role="region" tabindex="0" aria-label="{caption}">'
        f"<table><caption>{caption}</caption>"
        f'<thead><tr><th scope="col">{_t("År")}</th>{heads}</tr></thead>'
        f"<tbody>{data_table_rows(rows)}</tbody></table></div></details>"
    )


@register.simple_tag
def data_table(caption: str, columns, rows) -> str:
    """A chart's data as a table (for screen readers, keyboard users and print), folded: a
    caption, a header row with "År" and the columns, one row per year."""
    return mark_safe(_data_table(caption, columns, rows))


@register.simple_tag
def chart_table(block: dict) -> str:
    """One figure's chart table ("Sorsele per år"), when the figure has values."""
    if not (block["series"] or block["older_series"]):
        return ""
    caption = gettext("%(name)s per år") % {"name": block["name"]}
    table = block["table"]
    return mark_safe(_data_table(caption, table["columns"], table["rows"]))
