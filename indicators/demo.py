"""Deterministic demo data: plausible members, contacts, populations, targets and values.

The same seed and parameters always give the same data, so screenshots and tests agree.
"""

import datetime
import random
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from common.numbers import to_float
from indicators.models import Indicator, IndicatorValue, Revision, Target
from indicators.services import DEFINITION_FIELDS, OWN_CODE_PREFIX
from indicators.services.figures import figures_rebuild
from members.models import ContactPerson, Membership, Municipality, Population
from members.selectors import site_state
from members.services import similar_organisations_rebuild, site_demo_set

FIRST_NAMES = [
    "Anna", "Erik", "Maria", "Lars", "Karin", "Anders", "Eva", "Johan", "Sara", "Per",
    "Lena", "Mikael", "Kristina", "Fredrik", "Emma", "Magnus", "Sofia", "Jonas", "Elin", "Ola",
]  # fmt: skip
LAST_NAMES = [
    "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson",
    "Persson", "Svensson", "Gustafsson", "Lindberg", "Holm", "Berg", "Sandberg", "Ek",
]  # fmt: skip
PARTIES = ["S", "M", "C", "V", "KD", "L", "MP", "SD"]
POLITICIAN_TITLES = ["Kommunstyrelsens ordförande", "Kommunalråd", "Miljönämndens ordförande"]
OFFICIAL_TITLES = ["Miljöstrateg", "Hållbarhetsstrateg", "Miljösamordnare"]
COMMENTS = [
    "Nya mätmetoder från i år; jämför försiktigt med tidigare år.",
    "Förbättringen beror på utbyggd fjärrvärme och nya upphandlingskrav.",
    "Siffran är preliminär i väntan på leverantörens årsrapport.",
    "Ökningen förklaras av en ny förskola som ännu inte certifierats.",
]

# Plausible starting level (low, high) and yearly relative drift per unit (positive = better).
LEVELS = {
    "ton CO2e/inv": (1.5, 6.0),
    "ton CO2/inv": (1.2, 5.0),
    "resor/inv": (10, 160),
    "resor/inv och år": (10, 160),
    "%": (5, 70),
    "kg/person": (380, 700),
    "W/inv": (0.2, 8),
    "kWh/årsarbetare": (300, 1500),
    "ton CO2e/årsarbetare": (0.08, 0.45),
    "ton CO2/årsarbetare": (0.08, 0.45),
    "mg/kg TS": (0.5, 40),
}


@dataclass(frozen=True)
class DemoParameters:
    members: int = 100
    first_year: int = 2005
    last_year: int = 2024
    seed: int = 2024

    def as_dict(self) -> dict:
        return {
            "members": self.members,
            "first_year": self.first_year,
            "last_year": self.last_year,
            "seed": self.seed,
        }


def _quantise(value: float, indicator: Indicator) -> Decimal:
    low = to_float(indicator.min_value)
    high = to_float(indicator.max_value)
    if low is not None:
        value = max(low, value)
    if high is not None:
        value = min(high, value)
    step = Decimal(1).scaleb(-indicator.decimals)
    return Decimal(repr(value)).quantize(step, rounding=ROUND_HALF_UP)


def _series(rng: random.Random, indicator: Indicator, years: list[int]) -> dict[int, float]:
    """A trend with noise: most members improve, some do not."""
    low, high = LEVELS.get(indicator.unit, (1, 100))
    level = rng.uniform(low, high)
    if indicator.unit == "mg/kg TS":
        level *= {"GN.8a": 1, "GN.8b": 0.03, "GN.8c": 0.03}.get(indicator.code, 1)
    improving = rng.random() < 0.75
    drift = rng.uniform(0.005, 0.03) * (1 if improving else -0.5)
    if indicator.lower_is_better:
        drift = -drift
    values = {}
    for year in years:
        level = level * (1 + drift)
        values[year] = level * (1 + rng.gauss(0, 0.04))
    return values


def _person(rng: random.Random, membership: Membership, role: str, code: str) -> ContactPerson:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    politician = role == ContactPerson.Role.POLITICIAN
    return ContactPerson(
        membership=membership,
        role=role,
        name=f"{first} {last}",
        title=rng.choice(POLITICIAN_TITLES if politician else OFFICIAL_TITLES),
        email=f"{first}.{last}.{code}@example.se".lower()
        .replace("å", "a")
        .replace("ä", "a")
        .replace("ö", "o"),
        phone=f"0{rng.randint(10, 99)}-{rng.randint(100000, 999999)}",
        party=rng.choice(PARTIES) if politician else "",
        started_on=membership.joined_on,
    )


@transaction.atomic
def _demo_value(org, indicator, year: int, raw: float, **fields) -> IndicatorValue:
    """One demo value, rounded as the figure is reported."""
    return IndicatorValue(
        organisation=org, indicator=indicator, year=year, value=_quantise(raw, indicator), **fields
    )


def _membership(
    org: Municipality,
    *,
    applied_on: datetime.date,
    joined_on: datetime.date,
    left_on: datetime.date | None = None,
) -> Membership:
    """A membership decided on the day it began; resigned when it has ended."""
    status = Membership.Status.RESIGNED if left_on else Membership.Status.ACTIVE
    return Membership(
        organisation=org,
        status=status,
        applied_on=applied_on,
        decision_date=joined_on,
        joined_on=joined_on,
        left_on=left_on,
    )


def demo_seed(*, params: DemoParameters) -> dict[str, int]:
    """Create the demo data set. The caller makes sure the database holds no other data."""
    rng = random.Random(params.seed)
    years = list(range(params.first_year, params.last_year + 1))

    everyone = list(Municipality.objects.select_related("county").order_by("code"))
    regions = [m for m in everyone if m.is_region]
    municipalities = [m for m in everyone if not m.is_region]
    region_count = min(len(regions), max(1, params.members // 16))
    # Vaggeryd and Jönköping appear in the domain notes; keep them in for recognisability.
    preferred = [m for m in municipalities if m.code in {"0665", "0680"}]
    others = [m for m in municipalities if m not in preferred]
    chosen = preferred + rng.sample(others, params.members - region_count - len(preferred))
    chosen += rng.sample(regions, region_count)
    chosen.sort(key=lambda m: m.code)
    former = rng.sample([m for m in municipalities if m not in chosen], min(5, len(others) // 20))

    memberships, people, populations = [], [], []
    for org in chosen:
        joined = datetime.date(rng.randint(1995, 2016), rng.randint(1, 12), rng.randint(1, 28))
        applied = joined - datetime.timedelta(days=rng.randint(30, 120))
        memberships.append(_membership(org, applied_on=applied, joined_on=joined))
    for org in former:
        joined = datetime.date(rng.randint(1995, 2008), rng.randint(1, 12), rng.randint(1, 28))
        left = joined + datetime.timedelta(days=rng.randint(800, 4000))
        applied = joined - datetime.timedelta(days=60)
        memberships.append(_membership(org, applied_on=applied, joined_on=joined, left_on=left))
    Membership.objects.bulk_create(memberships)
    for membership in memberships:
        for role in (ContactPerson.Role.POLITICIAN, ContactPerson.Role.OFFICIAL):
            person = _person(rng, membership, role, membership.organisation.code)
            if membership.status == Membership.Status.RESIGNED:
                person.ended_on = membership.left_on
            people.append(person)
    ContactPerson.objects.bulk_create(people)

    for org in chosen + former:
        inhabitants = rng.lognormvariate(10, 0.9) if not org.is_region else rng.uniform(6e4, 2e6)
        inhabitants = max(2500, inhabitants)
        growth = rng.uniform(-0.008, 0.012)
        for year in years:
            inhabitants *= 1 + growth
            populations.append(
                Population(municipality=org, year=year, inhabitants=int(inhabitants))
            )
    outside = [m for m in everyone if m not in chosen and m not in former]
    populations += _outside_populations(params=params, organisations=outside, years=years)
    Population.objects.bulk_create(populations)
    # Before the values: the similar sets' averages are computed once, by figures_rebuild.
    similar_organisations_rebuild()

    current = Revision.objects.get(is_current=True)
    leaves = list(
        Indicator.objects.common()
        .filter(children__isnull=True)
        .select_related("revision", "continues")
    )
    current_leaves = [i for i in leaves if i.revision_id == current.pk]
    earlier_leaves = [i for i in leaves if i.revision_id != current.pk]
    last_year = years[-1]
    values, targets = [], []
    for org in chosen:
        for indicator in current_leaves:
            if rng.random() < 0.08:
                continue  # Some members never report some figures.
            start = years[0] if indicator.reported_by == "national" else rng.choice(years[:9])
            series = _series(rng, indicator, [y for y in years if y >= start])
            for year, raw in series.items():
                if rng.random() < 0.07 and year != start:
                    continue  # A missing year: the chart must show a gap, never a zero.
                preliminary = year == last_year and rng.random() < 0.35
                values.append(
                    _demo_value(
                        org,
                        indicator,
                        year,
                        raw,
                        status="preliminary" if preliminary else "final",
                        source_note="Demodata",
                        comment=rng.choice(COMMENTS)
                        if year == last_year and rng.random() < 0.2
                        else "",
                    )
                )
            if rng.random() < 0.2 and series:
                latest = series[max(series)]
                change = 0.7 if indicator.lower_is_better else 1.3
                targets.append(
                    Target(
                        organisation=org,
                        indicator=indicator,
                        year=2030,
                        value=_quantise(latest * change, indicator),
                        note="Eget mål (demodata)",
                    )
                )
        for indicator in earlier_leaves:
            # The 2012 list's series, for the years before the 2023 revision.
            if rng.random() < 0.15:
                continue
            older = [y for y in years if y <= 2012]
            for year, raw in _series(rng, indicator, older).items():
                if rng.random() < 0.07:
                    continue
                values.append(
                    _demo_value(org, indicator, year, raw, status="final", source_note="Demodata")
                )
    # Like with like: a region has no household waste. Filtered after generation, so the random
    # stream (and every other member's data) stays as it was.
    # National databases hold every organisation: their figures get non-members' values too,
    # which only the averages over everyone (county, Sweden, similar) count.
    values += _outside_values(
        params=params,
        organisations=former + outside,
        indicators=[i for i in current_leaves if i.reported_by == Indicator.ReportedBy.NATIONAL],
        years=years,
    )
    values = [v for v in values if v.indicator.applies_to_organisation(v.organisation)]
    targets = [t for t in targets if t.indicator.applies_to_organisation(t.organisation)]
    IndicatorValue.objects.bulk_create(values, batch_size=2000)
    Target.objects.bulk_create(targets)
    own_figures = _demo_own_figures(params=params, members=chosen, years=years)
    # Written in bulk past the services: the maintained figures are rebuilt once, here.
    figures_rebuild()
    site_demo_set(parameters=params.as_dict())

    user_model = get_user_model()
    if not user_model.objects.filter(username="admin").exists():
        user_model.objects.create_superuser("admin", "admin@example.se", "ekokommun")
    return {
        "members": len(chosen),
        "former": len(former),
        "contacts": len(people),
        "populations": len(populations),
        "values": len(values),
        "targets": len(targets),
        "own_figures": own_figures,
    }


def _outside_populations(
    *, params: DemoParameters, organisations: list[Municipality], years: list[int]
) -> list[Population]:
    """Populations of the organisations that never were members (for "liknande kommuner")."""
    rng = random.Random(params.seed + 17)  # its own stream: the members' data stays the same
    rows = []
    for org in organisations:
        inhabitants = rng.lognormvariate(10, 0.9) if not org.is_region else rng.uniform(6e4, 2e6)
        inhabitants = max(2500, inhabitants)
        for year in years:
            rows.append(Population(municipality=org, year=year, inhabitants=int(inhabitants)))
    return rows


def _outside_values(
    *,
    params: DemoParameters,
    organisations: list[Municipality],
    indicators: list[Indicator],
    years: list[int],
) -> list[IndicatorValue]:
    """National-source values of non-members (former members included), as a national
    database holds them: every year, a few gaps."""
    rng = random.Random(params.seed + 23)
    values = []
    for org in organisations:
        for indicator in indicators:
            for year, raw in _series(rng, indicator, years).items():
                if rng.random() < 0.05:
                    continue
                values.append(
                    _demo_value(
                        org, indicator, year, raw, source_note="Demodata (nationell databas)"
                    )
                )
    return values


# Vaggeryd follows two figures of its own (one since retired); Jönköping adopted the cycling one.
DEMO_OWN = [
    {
        "owner": "0665",
        "name": "Gång- och cykelvägar",
        "description": "Kommunala gång- och cykelvägar i meter per invånare.",
        "unit": "m/inv",
        "direction": Indicator.Direction.HIGHER,
        "decimals": 1,
        "source": "Kommunens gatuförvaltning",
        "start": (1.8, 0.06),
        "first_year": 2014,
        "target": (2030, "3.5"),
        "adopted_by": {"0680": (2.6, 0.03, 2018)},
    },
    {
        "owner": "0665",
        "name": "Sjöar med god ekologisk status",
        "description": "Andel av kommunens sjöar med god eller hög ekologisk status.",
        "unit": "%",
        "direction": Indicator.Direction.HIGHER,
        "decimals": 0,
        "source": "VISS, Länsstyrelsen",
        "start": (40, 0.0),
        "first_year": 2012,
        "retired": datetime.date(2022, 3, 1),
        "last_year": 2021,
    },
]


def _demo_own_figures(*, params: DemoParameters, members: list, years: list[int]) -> int:
    """A few own key figures for the demo members that the domain notes name."""
    rng = random.Random(params.seed + 9)  # its own stream: the rest of the demo stays the same
    by_code = {m.code: m for m in members}
    positions: dict[str, int] = {}
    values = []

    def own_figure(owner, **fields) -> Indicator:
        """The owner's next own key figure (E.1, E.2, ...), as the services number them."""
        positions[owner.code] = positions.get(owner.code, 0) + 1
        number = positions[owner.code]
        return Indicator.objects.create(
            owner=owner, code=f"{OWN_CODE_PREFIX}{number}", display_order=number, **fields
        )

    def series(indicator, organisation, level, growth, first, last):
        for year in range(first, last + 1):
            if year not in years:
                continue
            level *= 1 + growth
            values.append(
                IndicatorValue(
                    organisation=organisation,
                    indicator=indicator,
                    year=year,
                    value=_quantise(level * (1 + rng.gauss(0, 0.03)), indicator),
                    source_note="Demodata",
                )
            )

    for spec in DEMO_OWN:
        owner = by_code.get(spec["owner"])
        if owner is None:
            continue
        figure = own_figure(
            owner,
            name=spec["name"],
            description=spec["description"],
            unit=spec["unit"],
            direction=spec["direction"],
            decimals=spec["decimals"],
            min_value=Decimal(0),
            max_value=Decimal(100) if spec["unit"] == "%" else None,
            source=spec["source"],
            retired_on=spec.get("retired"),
        )
        level, growth = spec["start"]
        series(figure, owner, level, growth, spec["first_year"], spec.get("last_year", years[-1]))
        if "target" in spec:
            year, value = spec["target"]
            Target.objects.create(
                organisation=owner,
                indicator=figure,
                year=year,
                value=Decimal(value),
                note="Eget mål (demodata)",
            )
        for code, (level, growth, first) in spec.get("adopted_by", {}).items():
            adopter = by_code.get(code)
            if adopter is None:
                continue
            copy = own_figure(
                adopter,
                adopted_from=figure,
                **{name: getattr(figure, name) for name in DEFINITION_FIELDS},
            )
            series(copy, adopter, level, growth, first, years[-1])
    IndicatorValue.objects.bulk_create(values)
    return sum(positions.values())


def demo_data_present() -> dict | None:
    return site_state().demo


@transaction.atomic
def demo_reset() -> None:
    """Remove demo data (only ever called on a database that holds nothing else)."""
    IndicatorValue.objects.all().delete()
    # After the values: deleting them records a "deleted" history row for each.
    IndicatorValue.history.all().delete()
    Target.objects.filter(organisation__isnull=False).delete()
    Indicator.objects.own().delete()
    ContactPerson.objects.all().delete()
    Membership.objects.all().delete()
    Population.objects.all().delete()
    similar_organisations_rebuild()  # no populations: no similar sets
    figures_rebuild()
    site_demo_set(parameters=None)
