"""`make data` publishes a few demo examples, each by the member with the best latest value of
its figure, so the demo site leads from "Lär av" to an example."""

import io

import pytest
from django.core.management import call_command

from examples.models import GoodExample
from indicators.models import FigureLatest

pytestmark = pytest.mark.django_db


def test_the_demo_examples_are_published_by_the_strongest_member_and_can_be_reloaded(client):
    call_command("seed_demo", members=12, years=(2016, 2024), verbosity=0)
    output = io.StringIO()
    call_command("seed_examples", stdout=output)
    assert output.getvalue().startswith("Demodata: 4 goda exempel publicerade.")
    for example in GoodExample.objects.select_related("indicator"):
        latest = FigureLatest.objects.filter(
            indicator=example.indicator, organisation_kind="kommun"
        )
        values = sorted(latest.values_list("value", flat=True))
        best = values[0] if example.indicator.lower_is_better else values[-1]
        assert latest.get(organisation=example.organisation).value == best
        assert example.status == GoodExample.Status.PUBLISHED
        page = client.get(f"/kommun/{example.organisation.code}/").content.decode()
        assert example.title in page
    call_command("seed_examples", stdout=io.StringIO())
    assert GoodExample.objects.count() == 4  # replaced, not added again
