from decimal import Decimal

import factory

from indicators.models import Indicator, IndicatorValue, Revision, Target
from indicators.services.figures import figures_values_changed
from tests.members.factories import MunicipalityFactory


class RevisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Revision
        django_get_or_create = ["code"]

    code = "2023"
    name = "Gröna nyckeltal 2023"
    is_current = True


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator
        django_get_or_create = ["revision", "code"]

    revision = factory.SubFactory(RevisionFactory)
    code = factory.Sequence(lambda n: f"T.{n}")
    name = factory.Sequence(lambda n: f"Testindikator {n}")
    unit = "%"
    direction = Indicator.Direction.HIGHER
    decimals = 1
    min_value = Decimal(0)
    max_value = Decimal(100)
    source = "Test"


class IndicatorValueFactory(factory.django.DjangoModelFactory):
    """A value written straight to the table; like the write services, it keeps the maintained
    figures (indicators.services.figures) in step, so pages read what the test made."""

    class Meta:
        model = IndicatorValue

    organisation = factory.SubFactory(MunicipalityFactory)
    indicator = factory.SubFactory(IndicatorFactory)
    year = 2020
    value = Decimal("50.0")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        value = super()._create(model_class, *args, **kwargs)
        figures_values_changed(
            changes=[
                (
                    value.organisation_id,
                    value.indicator_id,
                    value.year,
                    None,
                    Decimal(str(value.value)),
                )
            ]
        )
        return value


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target

    organisation = factory.SubFactory(MunicipalityFactory)
    indicator = factory.SubFactory(IndicatorFactory)
    year = 2030
    value = Decimal("75")


class OwnIndicatorFactory(factory.django.DjangoModelFactory):
    """A member's own key figure: it has an owner and belongs to no catalogue revision."""

    class Meta:
        model = Indicator

    owner = factory.SubFactory(MunicipalityFactory)
    revision = None
    code = factory.Sequence(lambda n: f"E.{n + 1}")
    display_order = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"Eget nyckeltal {n}")
    unit = "m/inv"
    direction = Indicator.Direction.HIGHER
    decimals = 1
    min_value = Decimal(0)
    max_value = None
    source = "Kommunen"
