import datetime

from django.core.management.base import BaseCommand, CommandError

from indicators.selectors import reporting_reminders
from indicators.services import reminders_send
from indicators.validation import year_error


class Command(BaseCommand):
    help = (
        "Listar medlemmar som saknar egenrapporterade nyckeltal för ett år och deras "
        "rapportörer; med --send får rapportörerna en påminnelse per e-post."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--year",
            type=int,
            default=datetime.date.today().year - 1,
            help="Året som ska rapporteras (förval: förra året).",
        )
        parser.add_argument(
            "--send", action="store_true", help="Skicka e-post; utan flaggan listas bara."
        )

    def handle(self, *args, year, send, **options):
        problem = year_error(year)
        if problem:
            raise CommandError(problem)
        reminders = reporting_reminders(year=year)
        if not reminders:
            self.stdout.write(self.style.SUCCESS(f"Alla medlemmar har rapporterat {year}."))
            return
        for reminder in reminders:
            codes = ", ".join(indicator["code"] for indicator in reminder["missing"])
            self.stdout.write(f"{reminder['code']} {reminder['name']}: saknar {codes}")
            if not reminder["recipients"]:
                self.stdout.write(self.style.WARNING("  ingen rapportör eller kontaktperson"))
            for recipient in reminder["recipients"]:
                role = "rapportör" if reminder["recipients_are_reporters"] else "kontaktperson"
                self.stdout.write(f"  {recipient['name']} <{recipient['email']}> ({role})")
        if send:
            sent = reminders_send(reminders=reminders, year=year)
            self.stdout.write(self.style.SUCCESS(f"{sent} påminnelser skickade."))
        else:
            self.stdout.write(
                f"{len(reminders)} medlemmar saknar värden. Lägg till --send för att skicka "
                "påminnelserna."
            )
