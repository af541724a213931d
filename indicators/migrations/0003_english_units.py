import json
from pathlib import Path

from django.db import migrations, models

CATALOGUE = Path(__file__).resolve().parent.parent.parent / "fixtures" / "catalogue.json"


def fill_from_catalogue(apps, schema_editor):
    """A site already running gets the catalogue's English units and sources at once."""
    Indicator = apps.get_model("indicators", "Indicator")
    if not CATALOGUE.exists():
        return
    data = json.loads(CATALOGUE.read_text(encoding="utf-8"))
    for revision in data["revisions"]:
        for item in revision["indicators"]:
            Indicator.objects.filter(
                revision__code=revision["code"], code=item["code"], unit_en="", source_en=""
            ).update(unit_en=item.get("unit_en", ""), source_en=item.get("source_en", ""))


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0002_own_indicators"),
    ]

    operations = [
        migrations.AddField(
            model_name="indicator",
            name="source_en",
            field=models.CharField(
                blank=True, max_length=300, verbose_name="datakälla på engelska"
            ),
        ),
        migrations.AddField(
            model_name="indicator",
            name="unit_en",
            field=models.CharField(blank=True, max_length=50, verbose_name="enhet på engelska"),
        ),
        migrations.RunPython(fill_from_catalogue, migrations.RunPython.noop),
    ]
