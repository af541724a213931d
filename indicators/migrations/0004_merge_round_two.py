# The four changes of this round were made side by side; none depends on another.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0003_import_run"),
        ("indicators", "0003_kinds_reported_from"),
        ("indicators", "0003_english_units"),
        ("indicators", "0003_reminders_and_bulk_delete"),
    ]

    operations = []
