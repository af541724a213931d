"""Demo good examples for `make run`: one published example for each of a few figures, written
by the member with the best latest value (so "Lär av" and the strong examples lead to it)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from examples.models import GoodExample
from indicators.models import FigureLatest, Indicator

DEMO = {
    "GN.6a": (
        "Fyrfackskärl till alla villor",
        "Alla villahushåll fick fyrfackskärl för matavfall, förpackningar och restavfall. "
        "Taxan gjordes lägre för den som sorterar, och kommunen berättade om det i varje "
        "kvarter. (Demodata)",
        "Restavfallet minskade med en fjärdedel på tre år.",
    ),
    "GN.7": (
        "Miljöbilar i kommunens bilpool",
        "Kommunen samlade förvaltningarnas bilar i en gemensam pool och bytte dem mot el- och "
        "biogasbilar när leasingavtalen gick ut. (Demodata)",
        "Nästan alla kommunens bilar är nu miljöbilar.",
    ),
    "GN.8a": (
        "Solceller på skolornas tak",
        "Vid varje takomläggning på en skola lades solceller. Eleverna följer produktionen på "
        "en skärm i entrén. (Demodata)",
        "",
    ),
    "GN.9a": (
        "Energispararna i förvaltningarna",
        "Varje förvaltning har en utsedd energisparare som går igenom lokalerna två gånger om "
        "året med fastighetsavdelningen. (Demodata)",
        "Energianvändningen per årsarbetare har sjunkit varje år sedan starten.",
    ),
}


@transaction.atomic
def examples_demo_seed() -> int:
    """Replace the demo examples; returns how many were published."""
    GoodExample.objects.filter(text__endswith="(Demodata)").delete()
    made = 0
    for code, (title, text, result) in DEMO.items():
        indicator = Indicator.objects.current().filter(code=code).first()
        if indicator is None:
            continue
        order = "value" if indicator.lower_is_better else "-value"
        best = (
            FigureLatest.objects.filter(indicator=indicator, organisation_kind="kommun")
            .order_by(order, "organisation_id")
            .select_related("organisation")
            .first()
        )
        if best is None:
            continue
        GoodExample.objects.create(
            organisation=best.organisation,
            indicator=indicator,
            title=title,
            text=text,
            result=result,
            year_from=max(best.year - 4, 1990),
            status=GoodExample.Status.PUBLISHED,
            published_at=timezone.now(),
        )
        made += 1
    return made
