from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy

from examples.validation import MAX_TEXT, validate_attachment, years_errors
from members.models import FIRST_YEAR

LINK_SLOTS = 3
ATTACHMENT_SLOTS = 2


def _year_widget():
    return forms.NumberInput(attrs={"inputmode": "numeric", "size": 6})


class GoodExampleForm(forms.Form):
    """Beskriv ett gott exempel: the member's own words, checked again by the services."""

    indicator = forms.TypedChoiceField(label=gettext_lazy("Nyckeltal"), coerce=int)
    title = forms.CharField(
        label=gettext_lazy("Rubrik"),
        max_length=150,
        help_text=gettext_lazy(
            "Vad ni gjorde, i en mening, t.ex. Matavfallsinsamling i hela kommunen."
        ),
    )
    text = forms.CharField(
        label=gettext_lazy("Beskrivning"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 6, "cols": 60}),
        help_text=gettext_lazy("Kort: vad ni gjorde och hur. Högst 2 000 tecken."),
    )
    year_from = forms.IntegerField(
        label=gettext_lazy("Från år"),
        min_value=FIRST_YEAR,
        widget=_year_widget(),
        help_text=gettext_lazy("Året då ni började."),
    )
    year_to = forms.IntegerField(
        label=gettext_lazy("Till år"),
        min_value=FIRST_YEAR,
        required=False,
        widget=_year_widget(),
        help_text=gettext_lazy("Tomt om arbetet pågår eller gjordes ett enda år."),
    )
    cost = forms.CharField(
        label=gettext_lazy("Vad det kostade"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("Om ni vet, t.ex. 1,2 miljoner kronor och en halv tjänst."),
    )
    result = forms.CharField(
        label=gettext_lazy("Vad det gav"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
    )
    contact_name = forms.CharField(
        label=gettext_lazy("Kontaktperson"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("Visas bara för inloggade medlemmar."),
    )
    contact_email = forms.EmailField(label=gettext_lazy("Kontaktpersonens e-post"), required=False)
    contact_phone = forms.CharField(
        label=gettext_lazy("Kontaktpersonens telefon"), max_length=40, required=False
    )

    def __init__(self, *args, indicators: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = [("", "–")] + indicators
        self.fields["year_from"].max_value = timezone.localdate().year
        for n in range(1, LINK_SLOTS + 1):
            self.fields[f"link_{n}_url"] = forms.URLField(
                label=gettext_lazy("Länk %(n)s") % {"n": n},
                required=False,
                max_length=500,
                assume_scheme="https",
                help_text=gettext_lazy("En webbadress, t.ex. till beslutet eller en rapport.")
                if n == 1
                else "",
            )
            self.fields[f"link_{n}_label"] = forms.CharField(
                label=gettext_lazy("Länktext %(n)s") % {"n": n}, max_length=200, required=False
            )
        for n in range(1, ATTACHMENT_SLOTS + 1):
            self.fields[f"attachment_{n}"] = forms.FileField(
                label=gettext_lazy("Bilaga %(n)s") % {"n": n},
                required=False,
                validators=[validate_attachment],
                help_text=gettext_lazy(
                    "PDF (högst 10 MB) eller bild i PNG, JPEG eller WebP (högst 5 MB)."
                )
                if n == 1
                else "",
            )

    def clean(self):
        data = super().clean()
        # The services' rule, so the form shows it beside the fields with the others.
        if "year_from" in data and "year_to" in data:
            errors = years_errors(
                year_from=data["year_from"],
                year_to=data["year_to"],
                this_year=timezone.localdate().year,
            )
            for name, message in errors.items():
                self.add_error(name, message)
        return data

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        links = [
            {"url": data.pop(f"link_{n}_url"), "label": data.pop(f"link_{n}_label")}
            for n in range(1, LINK_SLOTS + 1)
        ]
        attachments = [data.pop(f"attachment_{n}") for n in range(1, ATTACHMENT_SLOTS + 1)]
        data.pop("indicator")
        return {
            **data,
            "links": [link for link in links if link["url"]],
            "attachments": [a for a in attachments if a],
        }

    def main_fields(self):
        return [
            self[name]
            for name in ("indicator", "title", "text", "year_from", "year_to", "cost", "result")
        ]

    def contact_fields(self):
        return [self[name] for name in ("contact_name", "contact_email", "contact_phone")]

    def link_fields(self):
        return [self[name] for name in self.fields if name.startswith("link_")]

    def attachment_fields(self):
        return [self[name] for name in self.fields if name.startswith("attachment_")]
