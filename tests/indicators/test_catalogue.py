import pytest

from indicators.models import Indicator, Revision
from indicators.selectors import current_indicators

pytestmark = pytest.mark.django_db


def test_both_revisions_load_and_2023_is_current():
    assert Revision.objects.current().code == "2023"
    assert set(Revision.objects.values_list("code", flat=True)) == {"2012", "2023"}


def test_the_whole_catalogue_loads():
    codes_2012 = set(Indicator.objects.filter(revision__code="2012").values_list("code", flat=True))
    assert {
        "GN.1a", "GN.1b", "GN.2", "GN.3", "GN.4", "GN.5", "GN.6", "GN.7",
        "GN.8a", "GN.8b", "GN.8c", "GN.9", "GN.10a", "GN.10b", "GN.11", "GN.12",
    } <= codes_2012  # fmt: skip
    measurable_2023 = {i.code for i in current_indicators()}
    assert measurable_2023 == {
        "GN.1a", "GN.1b", "GN.2a", "GN.2b", "GN.3", "GN.5", "GN.6a",
        "GN.7", "GN.8a", "GN.8b", "GN.9a", "GN.9b", "GN.10", "GN.11",
    }  # fmt: skip


def test_codes_are_unique_only_within_a_revision():
    waste = Indicator.objects.get(revision__code="2012", code="GN.7")
    energy = Indicator.objects.get(revision__code="2023", code="GN.7")
    assert waste.name == "Mängd hushållsavfall"
    assert energy.name == "Förnybar och återvunnen energi i lokaler"


def test_current_figures_continue_the_older_series():
    waste = Indicator.objects.get(revision__code="2023", code="GN.6a")
    assert waste.continues.code == "GN.7"
    assert waste.continues.revision.code == "2012"
    assert Indicator.objects.get(revision__code="2023", code="GN.8a").continues is None


def test_sub_indicators_have_their_parent():
    lead = Indicator.objects.get(revision__code="2012", code="GN.8a")
    assert lead.parent.code == "GN.8"
    assert lead.parent.children.count() == 3


def test_status_bands_for_household_waste():
    waste = Indicator.objects.get(revision__code="2023", code="GN.6a")
    bands = [(b.label, b.lower, b.upper) for b in waste.bands.all()]
    assert [(label, lo and int(lo), up and int(up)) for label, lo, up in bands] == [
        ("Mycket bra", None, 370),
        ("Bra", 370, 450),
        ("Mindre bra", 450, 560),
        ("Dålig", 560, None),
    ]
    assert waste.lower_is_better


def test_shares_know_their_inputs_and_percentages_their_range():
    energy = Indicator.objects.get(revision__code="2023", code="GN.7")
    assert energy.has_inputs
    assert (energy.min_value, energy.max_value, energy.input_scale) == (0, 100, 100)


def test_national_targets_are_loaded():
    food = Indicator.objects.get(revision__code="2023", code="GN.10")
    target = food.targets.get(organisation__isnull=True)
    assert (target.year, int(target.value)) == (2030, 60)
