import io

import factory
from django.utils import timezone
from PIL import Image

from examples.models import GoodExample, GoodExampleLink
from indicators.models import Indicator
from tests.members.factories import MunicipalityFactory


def png_bytes(size: tuple[int, int] = (4, 3)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (0, 114, 178)).save(out, format="PNG")
    return out.getvalue()


def current_figure(code: str = "GN.6a") -> Indicator:
    return Indicator.objects.get(revision__is_current=True, code=code)


class GoodExampleFactory(factory.django.DjangoModelFactory):
    """A published example unless the test says otherwise (status=...)."""

    class Meta:
        model = GoodExample

    organisation = factory.SubFactory(MunicipalityFactory)
    indicator = factory.LazyFunction(current_figure)
    title = factory.Sequence(lambda n: f"Matavfallsinsamling {n}")
    text = "Vi införde insamling av matavfall i hela kommunen."
    year_from = 2020
    status = GoodExample.Status.PUBLISHED
    published_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.status == GoodExample.Status.PUBLISHED else None
    )
    contact_name = "Karin Kontakt"
    contact_email = "karin.kontakt@example.se"
    contact_phone = "0370-999 99"


class GoodExampleLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GoodExampleLink

    example = factory.SubFactory(GoodExampleFactory)
    url = "https://example.se/beslut"
    label = "Beslutet"
