from django.core.management.base import BaseCommand
from django.db import transaction

from indicators.services.figures import figures_rebuild
from members.services import site_data_changed


class Command(BaseCommand):
    help = (
        "Bygger om de underhållna medelvärdena och senaste värdena (SEKOM, län, antal, "
        "starka exempel, Lär av) från alla värden."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            counts = figures_rebuild()
            site_data_changed()
        self.stdout.write(
            f"Medelvärden: {counts['averages']} rader, senaste värden: {counts['latest']} rader, "
            f"förebilder: {counts['pools']} rader."
        )
