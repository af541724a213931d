from django.core.management.base import BaseCommand, CommandError

from indicators.demo import DemoParameters, demo_data_present, demo_reset, demo_seed
from indicators.models import IndicatorValue
from members.models import Membership


def year_range(text: str) -> tuple[int, int]:
    try:
        first, last = (int(part) for part in text.split("-"))
    except ValueError as exc:
        raise CommandError("Ange åren som 2005-2024.") from exc
    if first > last:
        raise CommandError("Det första året måste komma före det sista.")
    return first, last


class Command(BaseCommand):
    help = "Skapar deterministiska demodata (medlemmar, kontaktpersoner, folkmängd, mål, värden)."

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=100)
        parser.add_argument("--years", type=year_range, default=(2005, 2024))
        parser.add_argument("--seed", type=int, default=2024)
        parser.add_argument(
            "--reset", action="store_true", help="Ersätt befintliga demodata med nya."
        )

    def handle(self, *args, members, years, seed, reset, **options):
        params = DemoParameters(members=members, first_year=years[0], last_year=years[1], seed=seed)
        present = demo_data_present()
        if present == params.as_dict() and not reset:
            self.stdout.write("Demodata finns redan med samma parametrar; inget att göra.")
            return
        if present is None and (Membership.objects.exists() or IndicatorValue.objects.exists()):
            raise CommandError("Databasen innehåller riktiga data; demodata skapas inte här.")
        if present is not None:
            demo_reset()
        counts = demo_seed(params=params)
        self.stdout.write(
            self.style.SUCCESS(
                "Demodata: {members} medlemmar, {former} tidigare medlemmar, {contacts} "
                "kontaktpersoner, {values} värden, {targets} egna mål.".format(**counts)
            )
        )
        self.stdout.write("Inloggning för kansliet (endast demo): admin / ekokommun")
