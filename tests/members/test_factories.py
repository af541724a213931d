"""The test factories make what a test asks for: a made-up municipality is always a new row."""

import pytest

from members.models import County, Municipality
from tests.members.factories import (
    MADE_UP_CODES,
    MadeUpCodesExhausted,
    MembershipFactory,
    MunicipalityFactory,
)

pytestmark = pytest.mark.django_db


def test_made_up_municipalities_are_new_rows_past_a_hundred():
    before = Municipality.objects.count()
    made = [MunicipalityFactory() for _ in range(150)]
    assert len({m.pk for m in made}) == 150
    assert len({m.code for m in made}) == 150
    assert Municipality.objects.count() == before + 150
    for municipality in made:
        municipality.full_clean()  # a valid four-digit kommunkod, not a real one
        assert int(municipality.code) in MADE_UP_CODES


def test_members_made_without_an_organisation_each_get_their_own():
    memberships = [MembershipFactory() for _ in range(120)]
    assert len({m.organisation_id for m in memberships}) == 120


def test_a_given_code_is_the_reference_row():
    before = Municipality.objects.count()
    assert MunicipalityFactory(code="0665").name == "Vaggeryd"
    assert Municipality.objects.count() == before


def test_running_out_of_made_up_codes_says_so_instead_of_reusing_a_row():
    county = County.objects.get(code="06")
    Municipality.objects.bulk_create(
        Municipality(code=f"{n:04d}", name=f"Påhittad {n}", county=county) for n in MADE_UP_CODES
    )
    with pytest.raises(MadeUpCodesExhausted, match="give MunicipalityFactory a code"):
        MunicipalityFactory()
    assert not Municipality.objects.filter(code="9999").exists()  # still the code nobody has
