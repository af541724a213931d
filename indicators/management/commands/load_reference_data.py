from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from indicators.services import catalogue_load
from members.services import reference_data_load, similar_organisations_rebuild


class Command(BaseCommand):
    help = "Läser in län, kommuner, regioner och nyckeltalskatalogen (kan köras flera gånger)."

    def add_arguments(self, parser):
        parser.add_argument("--fixtures", type=Path, default=Path(settings.BASE_DIR) / "fixtures")

    def handle(self, *args, fixtures: Path, **options):
        places = reference_data_load(fixtures_dir=fixtures)
        catalogue = catalogue_load(path=fixtures / "catalogue.json")
        # The populations may have changed since the similar sets were drawn.
        similar = similar_organisations_rebuild()
        summary = _(
            "Referensdata: %(counties)s län, %(municipalities)s kommuner, %(regions)s regioner; "
            "%(revisions)s revisioner, %(indicators)s nyckeltal, %(bands)s tillståndsklasser."
        )
        self.stdout.write(self.style.SUCCESS(summary % {**places, **catalogue}))
        self.stdout.write(
            _("Liknande organisationer: %(organisations)s med %(rows)s jämförelser.") % similar
        )
