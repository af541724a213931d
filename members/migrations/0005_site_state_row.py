import secrets

from django.db import migrations


def create_row(apps, schema_editor):
    SiteState = apps.get_model("members", "SiteState")
    SiteState.objects.get_or_create(pk=1, defaults={"data_version": secrets.randbits(62)})


class Migration(migrations.Migration):
    dependencies = [("members", "0004_application_and_fees")]

    operations = [migrations.RunPython(create_row, migrations.RunPython.noop)]
