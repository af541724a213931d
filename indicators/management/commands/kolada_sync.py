"""Fetch the mapped figures (and, with --catalogue, the KPI catalogue) from Kolada.

    manage.py kolada_sync [--indicator CODE ...] [--years 2010-2024] [--municipality CODE ...]
                          [--catalogue] [--dry-run]

Thin over indicators.services.kolada_sync; prints its report (in Swedish). Safe to run again:
values Kolada still gives as they are count as unchanged. Exits with status 1 when a page
failed after its retries (the pages before it are stored).
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from indicators.services.kolada_sync import kolada_sync, kolada_years


class Command(BaseCommand):
    help = "Hämtar nyckeltal (och med --catalogue Koladas nyckeltalskatalog) från Kolada."

    def add_arguments(self, parser):
        parser.add_argument(
            "--indicator", action="append", default=[], help="Nyckeltalets kod eller Kolada-id."
        )
        parser.add_argument("--years", help="År, t.ex. 2010-2024 eller 2023.")
        parser.add_argument(
            "--municipality", action="append", default=[], help="Kommunkod (eller länskod)."
        )
        parser.add_argument(
            "--catalogue", action="store_true", help="Hämta också Koladas nyckeltalskatalog."
        )
        parser.add_argument("--dry-run", action="store_true", help="Hämta och räkna, spara inget.")

    def handle(self, *args, **options):
        years = None
        if options["years"]:
            try:
                years = kolada_years(options["years"])
            except ValueError as exc:
                raise CommandError(f"Ogiltiga år: {options['years']} (t.ex. 2010-2024)") from exc
        with translation.override("sv"):
            report = kolada_sync(
                indicator_codes=options["indicator"] or None,
                years=years,
                municipality_codes=options["municipality"] or None,
                dry_run=options["dry_run"],
                catalogue=options["catalogue"],
            )
            lines = report.lines()
        for line in lines:
            self.stdout.write(line)
        if not report.ok:
            raise CommandError(lines[-1])
