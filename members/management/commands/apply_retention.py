"""Retention of personal data, run daily (cron or a scheduler) and safe to run by hand.

    manage.py apply_retention            # dry run: prints what would be removed
    manage.py apply_retention --apply    # removes it

Periods: settings.RETENTION_REJECTED_APPLICATION_MONTHS (12) and
RETENTION_FORMER_CONTACT_MONTHS (24); the rules are in members/gdpr/ (retention.py).
"""

from django.core.management.base import BaseCommand

from members.gdpr import retention_apply, retention_plan


class Command(BaseCommand):
    help = "Tar bort eller anonymiserar personuppgifter vars lagringstid har gått ut."

    def add_arguments(self, parser):
        parser.add_argument(
            "--apply", action="store_true", help="Genomför (utan flaggan: visa bara vad som görs)."
        )

    def handle(self, *args, **options):
        plan = retention_plan()
        apply = options["apply"]
        verb = "Tar bort" if apply else "Skulle ta bort"
        anonymise = "Anonymiserar" if apply else "Skulle anonymisera"
        write = self.stdout.write
        write(
            f"{verb} {len(plan.applications)} avslagna ansökningar med PDF:er "
            f"(beslut före {plan.applications_cutoff.isoformat()}):"
        )
        for application in plan.applications:
            membership = application.membership
            write(
                f"  - {membership.organisation.name}, avslag {membership.decision_date.isoformat()}"
            )
        write(
            f"{anonymise} {len(plan.contacts)} tidigare kontaktpersoner "
            f"(slutade före {plan.contacts_cutoff.isoformat()}):"
        )
        for contact in plan.contacts:
            write(
                f"  - {contact.membership.organisation.name}, {contact.get_role_display()} "
                f"{contact.started_on or '?'}–{contact.ended_on}"
            )
        write(f"{anonymise} {len(plan.former_applications)} ansökningar från tidigare medlemmar:")
        for application in plan.former_applications:
            write(f"  - {application.membership.organisation.name}")
        write(f"{verb} {len(plan.accounts)} konton som inte längre används:")
        for user in plan.accounts:
            write(f"  - konto nr {user.pk}")
        if not apply:
            write("Torrkörning: inget ändrades. Kör med --apply för att genomföra.")
            return
        done = retention_apply(plan=plan)
        write(
            self.style.SUCCESS(
                "Klart: {applications} ansökningar borttagna, {contacts} kontaktpersoner och "
                "{former_applications} ansökningar anonymiserade, {accounts} konton "
                "borttagna.".format(**done)
            )
        )
