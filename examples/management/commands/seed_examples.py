from django.core.management.base import BaseCommand

from examples.demo import examples_demo_seed


class Command(BaseCommand):
    help = "Lägger in några publicerade goda exempel som demodata (efter seed_demo)."

    def handle(self, *args, **options):
        made = examples_demo_seed()
        self.stdout.write(f"Demodata: {made} goda exempel publicerade.")
