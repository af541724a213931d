from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from members.services import similar_organisations_rebuild


class Command(BaseCommand):
    help = (
        "Bygger om vilka organisationer som jämförs som liknande kommuner (samma typ, närmast "
        "i folkmängd) och medelvärdena över dem."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--size", type=int, default=None, help="Hur många liknande (standard: inställningen)."
        )

    def handle(self, *args, size: int | None, **options):
        counts = similar_organisations_rebuild(size=size)
        self.stdout.write(
            _("Liknande organisationer: %(organisations)s med %(rows)s jämförelser.") % counts
        )
