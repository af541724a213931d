"""The figures maintained on write equal a from-scratch computation after every step.

Random sequences of saves (single values, a year form, imports of many rows), deletions,
restores from the history, joins and resignations, new similar sets, each through the same
service the site uses, on member-reported and national-source figures (whose county, Sweden and
similar averages count non-members too); after every step the maintained tables are compared
with the figures computed plainly from all values below, and with what the pages' averages
selector computes from the values.
Runs on PostgreSQL (the COPY path of values_upsert) and on SQLite (the ORM path).
"""

import datetime
from collections import defaultdict
from decimal import Decimal
from unittest import mock

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from indicators import analysis, selectors
from indicators.models import (
    FigureAverage,
    FigureLatest,
    FigurePool,
    Indicator,
    IndicatorValue,
    Revision,
)
from indicators.services import ValueInput, figures, value_delete, values_save_year, values_upsert
from indicators.services.figures import figures_rebuild
from members.gdpr import memberships_delete
from members.models import Membership, Municipality, Population, SimilarOrganisation
from members.services import membership_approve, membership_resign, similar_organisations_rebuild
from tests.indicators.factories import IndicatorFactory, OwnIndicatorFactory
from tests.members.factories import MembershipApplicationFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

# Two municipalities in Jönköpings län, one in Värmlands län, and Region Jönköpings län.
ORGANISATIONS = ["0665", "0680", "1730", "06"]
YEARS = [2015, 2016, 2018, 2020, 2021]
SPAN = 5  # analysis.IMPROVEMENT_SPAN: 2015 -> 2020, 2016 -> 2021

values_st = st.decimals(min_value=0, max_value=100, places=1, allow_nan=False)
status_st = st.sampled_from([IndicatorValue.Status.FINAL, IndicatorValue.Status.PRELIMINARY])
org_st = st.integers(0, len(ORGANISATIONS) - 1)
figure_st = st.integers(0, 4)  # index into the world's figures (own figure included)
year_st = st.sampled_from(YEARS)

step_st = st.one_of(
    st.tuples(st.just("save"), org_st, figure_st, year_st, values_st, status_st),
    st.tuples(
        st.just("form"), org_st, year_st, st.lists(values_st, min_size=5, max_size=5), status_st
    ),
    st.tuples(
        st.just("import"),
        st.lists(st.tuples(org_st, figure_st, year_st, values_st), min_size=1, max_size=8),
    ),
    st.tuples(st.just("delete"), org_st, figure_st, year_st),
    st.tuples(st.just("restore"), org_st, figure_st, year_st),
    st.tuples(st.just("join"), org_st),
    st.tuples(st.just("resign"), org_st),
    st.tuples(st.just("forget"), org_st),
    st.tuples(st.just("similar"), st.integers(1, 2)),
)
NATIONAL = Indicator.ReportedBy.NATIONAL


def _world() -> dict:
    """Figures of every sort that matters: for all, municipalities only, regions only, the
    older revision, national-source and member-reported ones, and a member's own figure (which
    never counts). Each municipality is similar to its nearest one by population."""
    current = Revision.objects.get(is_current=True)
    older = Revision.objects.get(code="2012")
    organisations = [Municipality.objects.get(code=code) for code in ORGANISATIONS]
    all_kinds, municipalities = Indicator.AppliesTo.ALL, Indicator.AppliesTo.MUNICIPALITY
    figures = [
        IndicatorFactory(revision=current, code="P.1", applies_to=all_kinds, reported_by=NATIONAL),
        IndicatorFactory(revision=current, code="P.2", applies_to=municipalities),
        IndicatorFactory(
            revision=current,
            code="P.3",
            applies_to=Indicator.AppliesTo.REGION,
            reported_by=NATIONAL,
        ),
        IndicatorFactory(revision=older, code="P.4", applies_to=all_kinds),
        OwnIndicatorFactory(owner=organisations[0]),
    ]
    # 0665 ~ 1730, 1730 ~ 0665, 0680 ~ 0665 (one each); the region has none of its kind.
    for organisation, inhabitants in zip(organisations, [14000, 140000, 8000, 360000], strict=True):
        Population.objects.create(municipality=organisation, year=2020, inhabitants=inhabitants)
    similar_organisations_rebuild(size=1)
    return {
        "organisations": organisations,
        "figures": figures,
        "staff": UserFactory(username="kansliet-figures", is_staff=True, is_superuser=True),
    }


def _expected() -> tuple[dict, dict]:
    """The figures from scratch, plainly: every value, the rule for who counts where."""
    members = set(
        Membership.objects.filter(status=Membership.Status.ACTIVE).values_list(
            "organisation_id", flat=True
        )
    )
    similar_of = defaultdict(list)
    for row in SimilarOrganisation.objects.select_related("organisation"):
        similar_of[row.similar_id].append(row.organisation.code)
    sums: dict = defaultdict(lambda: [Decimal(0), 0])
    series: dict = defaultdict(dict)
    for value in IndicatorValue.objects.select_related("indicator", "organisation__county"):
        figure, organisation = value.indicator, value.organisation
        member = organisation.pk in members
        national = figure.reported_by == NATIONAL
        if figure.owner_id is not None or not (member or national):
            continue
        if figure.applies_to not in (Indicator.AppliesTo.ALL, organisation.kind):
            continue
        areas = [("sekom", "")] if member else []
        areas.append(("county", organisation.county.code))
        if national:
            areas.append(("sweden", ""))
            areas += [("similar", code) for code in similar_of[organisation.pk]]
        for area in areas:
            key = (*area, organisation.kind, figure.pk, value.year)
            sums[key][0] += value.value
            sums[key][1] += 1
        if member:  # only current members are strong examples or "Lär av"
            series[(figure.pk, organisation.pk)][value.year] = value
    latest = {}
    for pair, years in series.items():
        newest = years[max(years)]
        earlier = years.get(newest.year - SPAN)
        latest[pair] = (
            newest.organisation.kind,
            newest.year,
            newest.value,
            newest.status,
            earlier.value if earlier else None,
        )
    return {key: (total, count) for key, (total, count) in sums.items()}, latest


def _maintained() -> tuple[dict, dict]:
    averages = {
        (row.area_kind, row.area_code, row.organisation_kind, row.indicator_id, row.year): (
            row.value_sum,
            row.value_count,
        )
        for row in FigureAverage.objects.all()
    }
    latest = {
        (row.indicator_id, row.organisation_id): (
            row.organisation_kind,
            row.year,
            row.value,
            row.status,
            row.earlier_value,
        )
        for row in FigureLatest.objects.all()
    }
    return averages, latest


def _pools() -> dict:
    return {
        (row.indicator_id, row.organisation_kind): (
            row.lower_is_better,
            row.strong,
            row.top_size,
            row.improvers,
        )
        for row in FigurePool.objects.all()
    }


def _expected_pools(latest: dict) -> dict:
    """The pools of "Lär av" from scratch: each figure's and kind's members ranked by the
    analysis rules over the latest values computed plainly above."""
    pairs = defaultdict(list)
    for (figure_id, organisation_id), (kind, year, value, status, earlier) in latest.items():
        row = {
            "organisation_id": organisation_id,
            "name": Municipality.objects.get(pk=organisation_id).name,
            "year": year,
            "value": float(value),
            "preliminary": status == IndicatorValue.Status.PRELIMINARY,
        }
        before = None
        if earlier is not None:
            before = {**row, "year": year - SPAN, "value": float(earlier), "preliminary": False}
        pairs[(figure_id, kind)].append((row, before))
    pools = {}
    for (figure_id, kind), members in pairs.items():
        lower = Indicator.objects.get(pk=figure_id).lower_is_better
        stored = FigurePool.stored(analysis.learn_from_pool(pairs=members, lower_is_better=lower))
        pools[(figure_id, kind)] = (
            lower,
            stored["strong"],
            stored["top_size"],
            stored["improvers"],
        )
    return pools


def _assert_figures_right(world: dict, step) -> None:
    expected_averages, expected_latest = _expected()
    averages, latest = _maintained()
    assert averages == expected_averages, step
    assert latest == expected_latest, step
    assert _pools() == _expected_pools(expected_latest), step
    # And what the pages read (the averages selector) is the same: means, counts, cells.
    ids = [figure.pk for figure in world["figures"]]
    # One municipality and the region: each kind, and a county with two municipalities.
    for organisation in (world["organisations"][0], world["organisations"][3]):
        kind, county = organisation.kind, organisation.county
        computed = selectors.yearly_averages(
            indicator_ids=ids, county_id=county.pk, kind=kind, similar_code=organisation.code
        )
        areas = {
            "sekom": ("sekom", ""),
            "county": ("county", county.code),
            "sweden": ("sweden", ""),
            "similar": ("similar", organisation.code),
        }
        for figure_id, years in computed.items():
            for year, row in years.items():
                for name, area in areas.items():
                    total, count = expected_averages.get((*area, kind, figure_id, year), (0, 0))
                    assert count == row[f"{name}_n"], step
                    if count:
                        assert float(total / count) == pytest.approx(row[name]), step
                    else:
                        assert row[name] is None, step
        expected_cells = {
            (key[3], key[4])
            for key in expected_averages
            if key[2] == kind and (key[0], key[1]) in areas.values()
        }
        assert expected_cells == {
            (figure_id, year) for figure_id, years in computed.items() for year in years
        }, step


def _active(organisation) -> Membership | None:
    return Membership.objects.active().filter(organisation=organisation).first()


def _run(world: dict, step) -> None:
    organisations, figures, staff = world["organisations"], world["figures"], world["staff"]
    kind = step[0]
    if kind == "save":
        _, org, figure, year, value, status = step
        if figures[figure].owner_id not in (None, organisations[org].pk):
            return  # another member's own figure takes no value here
        values_upsert(
            rows=[
                ValueInput(
                    organisation_id=organisations[org].pk,
                    indicator=figures[figure],
                    year=year,
                    value=value,
                    status=status,
                )
            ],
            user=staff,
        )
    elif kind == "form":
        _, org, year, numbers, status = step
        organisation = organisations[org]
        rows = [
            ValueInput(
                organisation_id=organisation.pk,
                indicator=figure,
                year=year,
                value=number,
                status=status,
            )
            for figure, number in zip(figures, numbers, strict=True)
            # The year form takes what the member reports itself (national ones are fetched).
            if figure.owner_id in (None, organisation.pk) and figure.reported_by != NATIONAL
        ]
        values_save_year(user=staff, organisation=organisation, year=year, rows=rows)
    elif kind == "import":
        rows = {}
        for org, figure, year, value in step[1]:
            if figures[figure].owner_id not in (None, organisations[org].pk):
                continue
            # An import names each value once (values_upsert refuses duplicates).
            rows[(org, figure, year)] = ValueInput(
                organisation_id=organisations[org].pk,
                indicator=figures[figure],
                year=year,
                value=value,
            )
        if rows:
            values_upsert(rows=list(rows.values()), user=staff, change_reason="Import")
    elif kind in ("delete", "restore"):
        _, org, figure, year = step
        key = {"organisation": organisations[org], "indicator": figures[figure], "year": year}
        if kind == "delete":
            stored = IndicatorValue.objects.filter(**key).first()
            if stored is not None:
                value_delete(value=stored, user=staff)
            return
        # As the admin restores: the version before the newest, written back through the service.
        versions = list(IndicatorValue.history.filter(**key).order_by("-history_date", "-pk"))
        if len(versions) < 2:
            return
        earlier = versions[1]
        values_upsert(
            rows=[
                ValueInput(
                    organisation_id=earlier.organisation_id,
                    indicator=figures[figure],
                    year=year,
                    value=earlier.value,
                    status=earlier.status,
                    comment=earlier.comment,
                )
            ],
            user=staff,
            change_reason="Återställt från en tidigare version",
        )
    elif kind == "join":
        organisation = organisations[step[1]]
        if _active(organisation):
            return
        application = MembershipApplicationFactory(membership__organisation=organisation)
        membership_approve(
            membership=application.membership,
            board_meeting_on=timezone.localdate(),
            site_url="https://ekokommun.example.se",
        )
    elif kind == "resign":
        membership = _active(organisations[step[1]])
        if membership is not None:
            membership_resign(
                membership=membership, left_on=timezone.localdate(), decision="KF § 1"
            )
    elif kind == "similar":
        # Nearer or more neighbours: the similar averages follow the new sets.
        similar_organisations_rebuild(size=step[1])
    elif kind == "forget":
        # The retention's deletion of a membership row (here: a current one) ends it too.
        membership = _active(organisations[step[1]])
        if membership is not None:
            memberships_delete(memberships=[membership])


class _Rollback(Exception):
    pass


# PostgreSQL computes the latest values in SQL for an import's many pairs: both ways run.
@pytest.mark.parametrize("latest_in_sql", [False, True], ids=["latest in Python", "latest in SQL"])
@hypothesis_settings(
    max_examples=15,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    initially_members=st.lists(st.booleans(), min_size=4, max_size=4),
    steps=st.lists(step_st, min_size=1, max_size=10),
)
def test_maintained_figures_equal_a_computation_from_scratch_after_every_step(
    reference_data, settings, tmp_path, latest_in_sql, initially_members, steps
):
    settings.MEDIA_ROOT = tmp_path / "media"  # the applications' PDFs of a join
    threshold = 0 if latest_in_sql else figures.LATEST_IN_SQL_FROM
    try:
        with transaction.atomic(), mock.patch.object(figures, "LATEST_IN_SQL_FROM", threshold):
            world = _world()
            for organisation, member in zip(world["organisations"], initially_members, strict=True):
                if member:
                    MembershipFactory(
                        organisation=organisation, joined_on=datetime.date(2010, 1, 1)
                    )
            _assert_figures_right(world, "start")
            for number, step in enumerate(steps):
                try:
                    _run(world, step)
                except Exception as error:
                    raise AssertionError(
                        f"{steps[: number + 1]}, members {initially_members}"
                    ) from error
                _assert_figures_right(world, step)
            # The rebuild from scratch lands on the same figures as the maintenance did.
            before = _maintained(), _pools()
            figures_rebuild()
            assert (_maintained(), _pools()) == before
            raise _Rollback
    except _Rollback:
        pass


def test_the_rebuild_command_repairs_figures_written_past_the_services(reference_data):
    """Values bulk-created past the services (as seed_demo does) are not counted until the
    rebuild, which then counts exactly them."""
    from django.core.management import call_command

    organisation = Municipality.objects.get(code="0665")
    outsider = Municipality.objects.get(code="0617")  # a non-member in the same county
    MembershipFactory(organisation=organisation)
    figure = Indicator.objects.get(revision__is_current=True, code="GN.6a")  # national
    IndicatorValue.objects.bulk_create(
        [
            IndicatorValue(organisation=organisation, indicator=figure, year=2020, value=10),
            IndicatorValue(organisation=organisation, indicator=figure, year=2025, value=7),
            IndicatorValue(organisation=outsider, indicator=figure, year=2025, value=3),
        ]
    )
    assert not FigureAverage.objects.filter(indicator=figure).exists()
    call_command("rebuild_figures", verbosity=0)
    assert _maintained() == _expected()
    sekom = FigureAverage.objects.get(area_kind="sekom", indicator=figure, year=2025)
    assert (sekom.value_sum, sekom.value_count) == (Decimal(7), 1)
    # The county and Sweden of a national-source figure count the non-member too.
    for area_kind in ("county", "sweden"):
        row = FigureAverage.objects.get(area_kind=area_kind, indicator=figure, year=2025)
        assert (row.value_sum, row.value_count) == (Decimal(10), 2)
    assert not FigureLatest.objects.filter(organisation=outsider).exists()
    latest = FigureLatest.objects.get(indicator=figure, organisation=organisation)
    assert (latest.year, latest.value, latest.earlier_value) == (2025, Decimal(7), Decimal(10))


@pytest.mark.django_db(transaction=True)
def test_the_rebuild_runs_outside_a_transaction_too():
    """seed_demo rebuilds the figures without a transaction of its own; the pools' lock needs
    one (PostgreSQL refuses SELECT ... FOR UPDATE in autocommit), so the rebuild takes one."""
    from django.core.management import call_command

    call_command("load_reference_data", verbosity=0)
    organisation = Municipality.objects.get(code="0665")
    MembershipFactory(organisation=organisation)
    figure = Indicator.objects.get(revision__is_current=True, code="GN.6a")
    IndicatorValue.objects.create(organisation=organisation, indicator=figure, year=2025, value=7)
    assert transaction.get_autocommit()
    counts = figures_rebuild()
    pool = FigurePool.objects.get(indicator=figure, organisation_kind="kommun")
    assert counts["pools"] >= 1
    assert [(row["organisation_id"], row["value"]) for row in pool.strong] == [
        (organisation.pk, 7.0)
    ]
