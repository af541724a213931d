from django.conf import settings
from django.core.management.base import BaseCommand

from conversations.services import question_texts_expire


class Command(BaseCommand):
    help = "Tömmer texterna i frågor mellan medlemmar som är äldre än lagringstiden (dagligen)."

    def handle(self, *args, **options):
        removed = question_texts_expire()
        self.stdout.write(
            f"{removed} frågetexter borttagna (äldre än "
            f"{settings.QUESTION_TEXT_RETENTION_DAYS} dagar)."
        )
