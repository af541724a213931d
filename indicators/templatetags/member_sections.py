"""The member page's figure sections as HTML, built in Python.

Each of a member page's 14-42 figures is a section: its heading, chart area, facts, the members
to learn from (with "Fråga" links for members who may ask), the member's good examples and the
table. Written by the template engine, the loop over them cost more than everything inside it
that was already Python (chart_blocks); here a section is a few f-strings, with every value
escaped as {{ value }} would escape it and every text translated as {% translate %} would. The
bytes are those the template wrote.
"""

import re

from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext

from common.html_text import escape_text as escape
from indicators.templatetags.chart_blocks import _bt, chart_area, chart_summary, chart_table

register = template.Library()


def _t(message: str) -> str:
    """{% translate "message" %}: the translation as it is. Like the template tag, not escaped:
    a template's literal is safe text, and so is its translation in our own catalogue."""
    return gettext(message)


# Codes that reverse() writes into a path as they are (no percent-encoding).
_PLAIN = re.compile(r"[A-Za-z0-9._~-]+")


class _Urls:
    """One named URL with one to two arguments, reversed once per page: each later path is the
    first one with the arguments put in. Arguments other than plain codes go through reverse()
    itself, so a path is always what {% url %} would write."""

    def __init__(self, name: str, arity: int):
        self.name = name
        self.marks = [f"\x1f{n}\x1f" for n in range(arity)]
        self.pattern: str | None = None

    def __call__(self, *args: str) -> str:
        args = [str(arg) for arg in args]
        if not all(_PLAIN.fullmatch(arg) for arg in args):
            return reverse(self.name, args=args)
        if self.pattern is None:
            # Placeholders made of digits and letters, so the pattern's converters accept them.
            probe = [f"zq{n}zq" for n in range(len(self.marks))]
            self.pattern = reverse(self.name, args=probe)
            for placeholder, mark in zip(probe, self.marks, strict=True):
                self.pattern = self.pattern.replace(placeholder, mark)
        path = self.pattern
        for mark, arg in zip(self.marks, args, strict=True):
            path = path.replace(mark, arg)
        return path


def _learn_from(block: dict, *, can_ask: bool, urls: dict) -> str:
    rows = block["learn_from"]
    if not (rows or block["learn_from_strongest"]):
        return ""
    unit = escape(block["unit"])
    items = []
    for row in rows:
        name = escape(row["name"])
        if block["learn_from_strongest"]:
            figures = (
                f"{escape(row['earlier_display'])} ({escape(row['earlier']['year'])}) → "
                f"{escape(row['display'])} {unit} ({escape(row['year'])})"
            )
        else:
            figures = f"{escape(row['display'])} {unit} ({escape(row['year'])})"
        ask = ""
        if can_ask:
            label = _bt(
                'Fråga<span class="visually-hidden"> %(name)s om %(figure)s</span>',
                name=row["name"],
                figure=block["code"],
            )
            href = escape(urls["question"](row["code"], block["code"]))
            ask = f' <a class="ask-link" href="{href}">{label}</a>\n'
        items.append(
            f'<li><a href="{escape(urls["member"](row["code"]))}">{name}</a> '
            f'<span class="muted">{escape(row["county"])} · {figures}</span>{ask}</li>'
        )
    listed = f"<ul>{''.join(items)}</ul>"
    if block["learn_from_strongest"]:
        more = f" {_t('Medlemmar som förbättrat sig mest på fem år:')}" if rows else ""
        body = (
            "\n            "
            f'<p class="strongest">{escape(block["learn_from_note"])}{more}</p>'
            f"\n            {listed if rows else ''}\n          "
        )
    else:
        body = f"\n            {listed}\n          "
    return (
        '\n        <div class="learn-from no-print">\n'
        f"          <h3>{_t('Lär av')}</h3>\n          {body}\n        </div>\n      "
    )


def _section(block: dict, *, context, organisation, can_ask, can_write, examples, urls) -> str:
    chart_id = escape(block["chart_id"])
    empty = "" if block["series"] or block["older_series"] else " is-empty"
    kolada = ""
    if block["kolada_kpi"]:
        kolada = " · " + _bt("hämtas från Kolada (RKA), nyckeltal %(kpi)s", kpi=block["kolada_kpi"])
    comment = ""
    if block["comment"]:
        comment = (
            f'<blockquote class="comment"><span class="label">{_t("Medlemmens kommentar")}'
            f"</span> {escape(block['comment'])}</blockquote>"
        )
    shown_examples = examples.get(block["id"], []) if examples else []
    examples_html = ""
    if shown_examples or can_write:
        examples_html = _examples_template(context).render(
            context.new(
                {
                    "organisation": organisation,
                    "block": block,
                    "examples": shown_examples,
                    "can_write": can_write,
                }
            )
        )
    return (
        f'\n<section class="chart-block{empty}" id="{chart_id}-block" '
        f'aria-labelledby="{chart_id}-title">\n'
        f'  <h2 id="{chart_id}-title"><a href="{escape(urls["indicator"](block["code"]))}">'
        f"{escape(block['code'])} {escape(block['name'])}</a></h2>\n"
        '  <div class="chart-layout">\n'
        f"    {chart_area(block, organisation['code'])}\n"
        '    <aside class="chart-facts">\n'
        f"      {chart_summary(block)}\n"
        f'      <p class="direction">{escape(capfirst(block["direction_label"]))} · '
        f"{_t('Källa')}: {escape(block['source'])}{kolada}</p>\n"
        f"      {comment}\n"
        f"      {_learn_from(block, can_ask=can_ask, urls=urls)}\n"
        f"      {examples_html}\n"
        "    </aside>\n"
        "  </div>\n"
        f"  {chart_table(block)}\n"
        "</section>\n"
    )


def _examples_template(context):
    return context.template.engine.get_template("examples/_member_examples.html")


@register.simple_tag(takes_context=True)
def member_sections(
    context, blocks: list[dict], organisation: dict, can_ask: bool, can_write: bool, examples
) -> str:
    """Every common figure's section of a member page, in order."""
    urls = {
        "indicator": _Urls("indicator_detail", 1),
        "member": _Urls("member_detail", 1),
        "question": _Urls("question_new", 2),
    }
    return mark_safe(
        "".join(
            _section(
                block,
                context=context,
                organisation=organisation,
                can_ask=can_ask,
                can_write=can_write,
                examples=examples,
                urls=urls,
            )
            for block in blocks
        )
    )
