# The four changes of this round were made side by side; none depends on another.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0006_swedish_collation"),
        ("members", "0006_pending_applications_never_block"),
        ("members", "0006_anonymised"),
        ("members", "0006_decisions_and_ended_access"),
    ]

    operations = []
