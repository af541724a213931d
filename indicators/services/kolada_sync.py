"""Fetch figures from Kolada and store them through the one write path (values_upsert).

Which figures: every figure with a Kolada id (Indicator.kolada_kpi) that is not retired.
- A catalogue figure from a national source (reported_by "national") gets values for every
  municipality and region in the register, members or not: the averages over the county and
  Sweden need them (non-members never become examples: FigureLatest holds members only).
- A member's own figure gets values for its owner only.
- A catalogue figure the members report themselves is never synced.

Rules per value: only the total (gender T); a missing value (status "Saknas" or value null) is
skipped and reported, never stored as 0; groups (ids beginning with G) and Sweden as a whole
(0000) are skipped; an id the register does not know is skipped and reported; more decimals
than the figure allows are rounded (half up) with a note.

Resumable: each page Kolada answers is stored in its own transaction, so a failure on page 5
keeps pages 1-4, and the report says which page it stopped at. An ImportRun (format
"kolada_api") records the run and, per figure, what changed (ImportRunFigure).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from common.numbers import decimal_places
from indicators.kolada import KoladaClient, KoladaError
from indicators.models import ImportRun, ImportRunFigure, Indicator
from indicators.services.kolada_catalogue import kolada_catalogue_sync
from indicators.services.kolada_report import KoladaSyncReport
from indicators.services.upsert import VALUE_FIELDS
from indicators.services.values import (
    ValueInput,
    ValuesInvalid,
    values_resolve,
    values_stored,
    values_upsert,
    values_validate,
)
from members.models import FIRST_YEAR, Municipality

# Shown with every fetched value (the licence asks for attribution).
SOURCE_NOTE = "Källa: Kolada (RKA)"
NOT_A_NUMBER = "saknas"  # Kolada's status for a value it does not have


@dataclass
class _Job:
    """One listing to fetch: these KPIs (each for its figures), for everyone or one organisation."""

    figures: dict[str, list[Indicator]]  # KPI id -> the figures it fills
    years: list[int] | None
    municipality: str | None = None  # Kolada's id of the one organisation asked for
    only: int | None = None  # the one organisation whose values may be stored


def kolada_id(organisation: Municipality) -> str:
    """Kolada's id of an organisation: the kommunkod; a region as 00 + its county code."""
    return organisation.code if len(organisation.code) == 4 else f"00{organisation.code}"


def _register() -> dict[str, tuple[int, str]]:
    """Kolada id -> (organisation pk, kind); a region answers to both its forms (unconfirmed
    which one Kolada uses: "0001" is what its answers show, "01" is accepted too)."""
    found = {}
    for pk, code, kind in Municipality.objects.values_list("pk", "code", "kind"):
        found[code] = (pk, kind)
        if len(code) == 2:
            found[f"00{code}"] = (pk, kind)
    return found


def _figures(*, indicator_codes, indicator_ids, report: KoladaSyncReport) -> list[Indicator]:
    wanted = Indicator.objects.exclude(kolada_kpi="").filter(retired_on__isnull=True)
    if indicator_ids is not None:
        wanted = wanted.filter(pk__in=indicator_ids)
    if indicator_codes:
        named = Q()
        for code in indicator_codes:
            # A code names the current revision's figure (or an own figure); a KPI id names
            # every figure it fills, older revisions' included.
            code = code.strip()
            named |= (
                Q(code__iexact=code, revision__is_current=True)
                | Q(code__iexact=code, owner__isnull=False)
                | Q(kolada_kpi__iexact=code)
            )
        wanted = wanted.filter(named)
    chosen = []
    for indicator in wanted.select_related("owner", "revision"):
        if indicator.is_own or indicator.reported_by == Indicator.ReportedBy.NATIONAL:
            chosen.append(indicator)
        else:
            report.skip(
                _("%(label)s rapporteras av medlemmarna och hämtas inte från Kolada")
                % {"label": indicator.label},
                indicator=indicator,
            )
    return chosen


def _jobs(*, figures, years, municipality_codes) -> list[_Job]:
    jobs = []
    national: dict[str, list[Indicator]] = defaultdict(list)
    own: dict[int, dict[str, list[Indicator]]] = defaultdict(lambda: defaultdict(list))
    owners: dict[int, Municipality] = {}
    for indicator in figures:
        if indicator.is_own:
            if municipality_codes and indicator.owner.code not in municipality_codes:
                continue
            own[indicator.owner_id][indicator.kolada_kpi].append(indicator)
            owners[indicator.owner_id] = indicator.owner
        else:
            national[indicator.kolada_kpi].append(indicator)
    all_years = years or list(range(FIRST_YEAR, timezone.localdate().year + 1))
    if national and municipality_codes:
        for organisation in Municipality.objects.filter(code__in=municipality_codes):
            jobs.append(_Job(dict(national), years, kolada_id(organisation), organisation.pk))
    elif national:
        jobs.append(_Job(dict(national), all_years))
    for owner_id, by_kpi in own.items():
        # Every year Kolada has, unless years were asked for.
        jobs.append(_Job(dict(by_kpi), years, kolada_id(owners[owner_id]), owner_id))
    return jobs


def _total(entry: dict) -> dict | None:
    for item in entry.get("values") or []:
        if isinstance(item, dict) and str(item.get("gender", "")).upper() == "T":
            return item
    return None


def _page_rows(*, items, job: _Job, register, report: KoladaSyncReport, today) -> list[ValueInput]:
    """The values one page gives for its figures; what is not stored is counted with a reason
    (the figures' own rules are checked when they are stored, `_store`)."""
    rows: dict[tuple[int, int, int], ValueInput] = {}
    for entry in items:
        kpi = str(entry.get("kpi", "")).upper()
        figures = job.figures.get(kpi, [])
        where = str(entry.get("municipality", "")).strip()
        if not figures:
            report.skip(_("KPI %(kpi)s hör inte till något nyckeltal") % {"kpi": kpi})
            continue
        if where.upper().startswith("G") or where in ("0000", "00"):
            for indicator in figures:
                report.skip(
                    _("grupp eller riket, inte en kommun (%(id)s)") % {"id": where},
                    indicator=indicator,
                )
            continue
        if where not in register:
            for indicator in figures:
                report.skip(_("okänt id i Kolada: %(id)s") % {"id": where}, indicator=indicator)
            continue
        organisation_id, kind = register[where]
        total = _total(entry)
        raw = None if total is None else total.get("value")
        status = "" if total is None else str(total.get("status") or "")
        try:
            year = int(entry.get("period"))
            value = None if raw is None else Decimal(str(raw))
        except (TypeError, ValueError, InvalidOperation):
            value, year = None, None
        for indicator in figures:
            if job.only is not None and organisation_id != job.only:
                report.skip(_("organisationen begärdes inte"), indicator=indicator)
            elif indicator.is_own and organisation_id != indicator.owner_id:
                report.skip(_("egna nyckeltal hämtas bara för sin medlem"), indicator=indicator)
            elif indicator.applies_to not in (Indicator.AppliesTo.ALL, kind):
                report.skip(
                    _("nyckeltalet gäller inte den sortens organisation"), indicator=indicator
                )
            elif value is None or status.casefold() == NOT_A_NUMBER or year is None:
                report.skip(_("värde saknas i Kolada"), indicator=indicator)
            elif job.years and year not in job.years:
                report.skip(_("året begärdes inte"), indicator=indicator)
            else:
                # Per figure: two figures of one KPI may keep different decimals.
                figure_value = value
                if decimal_places(value) > indicator.decimals:
                    step = Decimal(1).scaleb(-indicator.decimals)
                    figure_value = value.quantize(step, rounding=ROUND_HALF_UP)
                    report.rounded[indicator.pk] = report.rounded.get(indicator.pk, 0) + 1
                    report.figure(indicator)
                rows[(organisation_id, indicator.pk, year)] = ValueInput(
                    organisation_id=organisation_id,
                    indicator=indicator,
                    year=year,
                    value=figure_value,
                    source_note=SOURCE_NOTE,
                    comment=None,  # a reporter's comment on a fetched value stays
                    source_kpi=kpi,
                    fetched_on=today,
                )
    return list(rows.values())


def _without_problems(
    rows: list[ValueInput], problems: dict[int, dict[str, list[str]]], *, report
) -> list[ValueInput]:
    """The rows that keep their figure's rules; the rest skipped with the rule's message (one
    bad value does not stop a page)."""
    for index in problems:
        messages = [m for ms in problems[index].values() for m in ms]
        report.skip(messages[0], indicator=rows[index].indicator)
    return [row for index, row in enumerate(rows) if index not in problems]


def _upsert_valid(rows: list[ValueInput], *, report, user) -> Counter:
    """values_upsert, which checks every row; rows it refuses are skipped with their reason
    and the rest written (checked once in the usual case where every row is fine)."""
    try:
        return Counter(
            values_upsert(rows=rows, user=user, change_reason=_("Hämtat från Kolada")).counts()
        )
    except ValuesInvalid as invalid:
        rows = _without_problems(rows, invalid.problems, report=report)
    if not rows:
        return Counter()
    return Counter(
        values_upsert(rows=rows, user=user, change_reason=_("Hämtat från Kolada")).counts()
    )


def _counts_unwritten(rows: list[ValueInput]) -> Counter:
    """What values_upsert would do with `rows`, without writing: for a dry run."""
    rows = values_resolve(rows=rows)
    stored = values_stored(rows=rows)
    counts = Counter()
    for row in rows:
        current = stored.get((row.organisation_id, row.indicator.pk, row.year))
        if current is None:
            counts["created"] += 1
        elif all(getattr(current, name) == getattr(row, name) for name in VALUE_FIELDS):
            counts["unchanged"] += 1
        else:
            counts["updated"] += 1
    return counts


def _store(*, rows: list[ValueInput], report: KoladaSyncReport, user) -> None:
    """One page's rows, in one transaction, figure by figure (the report counts per figure)."""
    by_figure: dict[int, list[ValueInput]] = defaultdict(list)
    for row in rows:
        by_figure[row.indicator.pk].append(row)
    with transaction.atomic():
        for figure_rows in by_figure.values():
            indicator = figure_rows[0].indicator
            if report.dry_run:
                problems = values_validate(rows=figure_rows)
                counts = _counts_unwritten(_without_problems(figure_rows, problems, report=report))
            else:
                counts = _upsert_valid(figure_rows, report=report, user=user)
            figure = report.figure(indicator)
            for name in ("created", "updated", "unchanged"):
                setattr(figure, name, getattr(figure, name) + counts[name])
                setattr(report, name, getattr(report, name) + counts[name])


def kolada_sync(
    *,
    indicator_codes: list[str] | None = None,
    indicator_ids: list[int] | None = None,
    years: range | list[int] | None = None,
    municipality_codes: list[str] | None = None,
    dry_run: bool = False,
    catalogue: bool = False,
    client: KoladaClient | None = None,
    user=None,
    door: str = ImportRun.Door.COMMAND,
) -> KoladaSyncReport:
    """Fetch the mapped figures from Kolada and store them; see the module's docstring.

    `indicator_codes` are codes of the current revision (or own figures) or KPI ids (all
    figures when empty); `years` defaults
    to every year from 1990 for national figures and to every year Kolada has for own figures;
    `municipality_codes` limit the organisations. `catalogue` also refreshes the local copy of
    Kolada's KPI catalogue. A dry run fetches and counts but writes nothing (no ImportRun
    either). Never raises for Kolada's failures: the report says where it stopped.
    """
    report = KoladaSyncReport(dry_run=dry_run)
    client = client or KoladaClient()
    years = sorted(years) if years is not None else None
    today = timezone.localdate()
    run = None
    if not dry_run:
        run = ImportRun.objects.create(
            user=user if getattr(user, "pk", None) else None,
            door=door,
            format=ImportRun.Format.KOLADA_API,
            file_name=client.base_url[:255],
            succeeded=False,
        )
        report.run_id = run.pk
    try:
        if catalogue:
            try:
                report.catalogue = kolada_catalogue_sync(client=client, dry_run=dry_run)
            except KoladaError as exc:
                report.error, report.stopped_at = str(exc), exc.url
                return report  # the finally below records the run
        figures = _figures(
            indicator_codes=indicator_codes, indicator_ids=indicator_ids, report=report
        )
        register = _register()
        for job in _jobs(figures=figures, years=years, municipality_codes=municipality_codes):
            pages = client.data_pages(
                kpis=sorted(job.figures), years=job.years, municipality=job.municipality
            )
            for page in _pages_until_failure(pages, report=report):
                report.pages += 1
                rows = _page_rows(
                    items=page.items, job=job, register=register, report=report, today=today
                )
                _store(rows=rows, report=report, user=user)
            if report.error:
                break  # the next run starts again; what is stored stays
    finally:
        if run is not None:
            _record(run=run, report=report)
    return report


def _pages_until_failure(pages, *, report: KoladaSyncReport):
    try:
        yield from pages
    except KoladaError as exc:
        report.error, report.stopped_at = str(exc), exc.url


def _record(*, run: ImportRun, report: KoladaSyncReport) -> None:
    run.created, run.updated, run.unchanged = report.created, report.updated, report.unchanged
    run.skipped = report.skipped_count
    run.succeeded = report.ok
    run.messages = report.lines()[:500]
    run.save()
    ImportRunFigure.objects.bulk_create(
        ImportRunFigure(
            run=run,
            indicator_id=pk,
            created=counts.created,
            updated=counts.updated,
            unchanged=counts.unchanged,
            skipped=counts.skipped,
        )
        for pk, counts in report.figures.items()
    )


def kolada_years(text: str) -> range:
    """ "2010-2024" or "2022" as a range of years (for the command's --years)."""
    first, _sep, last = text.replace("–", "-").partition("-")
    first_year = int(first)
    last_year = int(last) if last else first_year
    if last_year < first_year:
        raise ValueError(text)
    return range(first_year, last_year + 1)
