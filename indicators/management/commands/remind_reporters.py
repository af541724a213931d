import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from indicators.selectors import reporting_reminders
from indicators.services import reminders_send
from indicators.validation import year_error


class Command(BaseCommand):
    help = (
        "Listar medlemmar som saknar egenrapporterade nyckeltal för ett år och deras "
        "rapportörer; med --send får rapportörerna en påminnelse per e-post. Samma påminnelse "
        "(medlem, år och saknade nyckeltal) skickas högst en gång per intervall, så kommandot "
        "kan köras dagligen från cron."
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
        parser.add_argument(
            "--force",
            action="store_true",
            help="Skicka även påminnelser som redan har skickats inom intervallet.",
        )
        parser.add_argument(
            "--interval-days",
            type=int,
            default=None,
            help="Skicka inte samma påminnelse igen inom så här många dagar "
            "(förval: REMINDER_INTERVAL_DAYS, 14).",
        )

    def handle(self, *args, year, send, force, interval_days, **options):
        problem = year_error(year)
        if problem:
            raise CommandError(problem)
        if interval_days is not None and interval_days < 0:
            raise CommandError("--interval-days kan inte vara negativt.")
        if settings.SITE_URL == settings.SITE_URL_DEFAULT:
            self.stderr.write(
                self.style.WARNING(
                    f"Varning: SITE_URL är fortfarande förvalet {settings.SITE_URL_DEFAULT}; "
                    "länkarna i e-posten pekar inte på webbplatsen. Sätt SITE_URL."
                )
            )
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
        if not send:
            self.stdout.write(
                f"{len(reminders)} medlemmar saknar värden. Lägg till --send för att skicka "
                "påminnelserna."
            )
            return
        outcome = reminders_send(
            reminders=reminders, year=year, force=force, interval_days=interval_days
        )
        for reminder in outcome.skipped:
            when = reminder["last_sent"].strftime("%Y-%m-%d")
            self.stdout.write(
                f"{reminder['code']} {reminder['name']}: redan påmind {when}, skickas inte igen "
                "(--force skickar ändå)"
            )
        if outcome.delivered:
            self.stdout.write(self.style.SUCCESS(f"{outcome.sent} påminnelser skickade."))
        else:
            self.stdout.write(
                self.style.WARNING(
                    f"{outcome.sent} påminnelser skrevs ut (utvecklingsläge): e-postbackenden "
                    f"{settings.EMAIL_BACKEND} skickar ingenting. Sätt EMAIL_BACKEND för att "
                    "skicka på riktigt."
                )
            )
