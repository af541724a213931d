"""The reporting form: one member's values for one year, parsed and checked field by field.

Numbers are read by `common.numbers.parse_decimal` and checked by `indicators.validation`
(the share rule, then `value_row_errors`), the same rules every other write path uses; the form
only puts each message beside its field. Saving is `services.values_save_year`.
"""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.numbers import (
    NumberFormatError,
    decimal_places,
    format_decimal,
    format_for_input,
    parse_decimal,
)
from indicators import validation
from indicators.models import Indicator, IndicatorValue
from indicators.services import DEFINITION_FIELDS, ValueInput

# A move larger than this from last year is saved only once the reporter confirms it.
LARGE_CHANGE = Decimal("0.5")
# What the columns can hold (IndicatorValue: 14 digits with 4 decimals, inputs 18 with 4).
VALUE_LIMIT = Decimal(10) ** 10
INPUT_LIMIT = Decimal(10) ** 14
INPUT_DECIMALS = 4


class ValueRowForm(forms.Form):
    """One indicator's row on the reporting page."""

    value = forms.CharField(
        label=gettext_lazy("Värde"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "size": 12}),
    )
    numerator = forms.CharField(
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "size": 14}),
    )
    denominator = forms.CharField(
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "size": 14}),
    )
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=IndicatorValue.Status.choices)
    source_note = forms.CharField(label=gettext_lazy("Källa"), required=False, max_length=300)
    comment = forms.CharField(
        label=gettext_lazy("Kommentar"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 40}),
    )
    confirm = forms.BooleanField(
        label=gettext_lazy("Ja, värdet stämmer"),
        required=False,
    )

    def __init__(
        self,
        data=None,
        *,
        indicator: Indicator,
        year: int,
        current: IndicatorValue | None,
        previous: IndicatorValue | None,
    ):
        self.indicator = indicator
        self.year = year
        self.current = current
        self.previous = previous
        self.label = indicator.label
        self.warning = ""
        initial = {"status": IndicatorValue.Status.FINAL}
        if current is not None:
            initial = {
                "value": format_for_input(current.value, indicator.decimals),
                "numerator": format_for_input(current.numerator),
                "denominator": format_for_input(current.denominator),
                "status": current.status,
                "source_note": current.source_note,
                "comment": current.comment,
            }
        super().__init__(data, prefix=f"n{indicator.pk}", initial=initial)
        if indicator.has_inputs:
            self.fields["numerator"].label = indicator.numerator_label
            self.fields["denominator"].label = indicator.denominator_label
        else:
            del self.fields["numerator"]
            del self.fields["denominator"]
        # What is stored now, so the page can mark fields changed since (static/js/reporting.js).
        for name, field in self.fields.items():
            if name != "confirm":
                field.widget.attrs["data-saved"] = initial.get(name, "")
        self.fields["value"].widget.attrs["aria-describedby"] = f"{self.prefix}-help"

    # -- parsing ---------------------------------------------------------------------------

    def _parsed(self, name: str, *, limit: Decimal, decimals: int | None = None):
        """The field's text as a number (None when empty or unreadable, with the error added)."""
        text = self.cleaned_data.get(name, "")
        try:
            number = parse_decimal(text)
        except NumberFormatError as exc:
            self.add_error(name, f"{self.label}: {exc}")
            return None
        if number is None:
            return None
        if abs(number) >= limit:
            self.add_error(
                name, _("%(label)s: talet är för stort för att sparas.") % {"label": self.label}
            )
            return None
        if decimals is not None and decimal_places(number) > decimals:
            self.add_error(
                name,
                _("%(label)s: ange högst %(decimals)s decimaler.")
                % {"label": self.label, "decimals": decimals},
            )
            return None
        return number

    def _parsed_numbers(self) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
        """(value, numerator, denominator) as typed; the two numbers only for a share."""
        value = self._parsed("value", limit=VALUE_LIMIT)
        numerator = denominator = None
        if self.indicator.has_inputs:
            numerator = self._parsed("numerator", limit=INPUT_LIMIT, decimals=INPUT_DECIMALS)
            denominator = self._parsed("denominator", limit=INPUT_LIMIT, decimals=INPUT_DECIMALS)
        return value, numerator, denominator

    def _add_errors(self, errors: dict[str, list[str]]) -> bool:
        """Put validation's messages beside their fields (the year's at the top); True if any."""
        for name, messages in errors.items():
            for message in messages:
                self.add_error(name if name in self.fields else None, message)
        return bool(errors)

    def _check_empty(self, data: dict) -> None:
        """A row left empty: fine, unless it would erase a saved value or keep only notes."""
        if self.current is not None:
            self.add_error(
                "value",
                _(
                    "%(label)s: ett sparat värde kan inte tömmas här. Be kansliet ta bort "
                    "det om det inte ska finnas."
                )
                % {"label": self.label},
            )
        elif data.get("source_note") or data.get("comment"):
            self.add_error(
                "value",
                _("%(label)s: ange ett värde för att spara källa och kommentar.")
                % {"label": self.label},
            )

    def clean(self):
        data = super().clean()
        indicator = self.indicator
        value, numerator, denominator = self._parsed_numbers()
        if self.errors:
            return data
        # Every rule is validation's, as on every other path; only an empty row is the form's.
        if self._add_errors(
            validation.share_errors(
                indicator=indicator, value=value, numerator=numerator, denominator=denominator
            )
        ):
            return data
        value = validation.share_value(
            indicator=indicator, value=value, numerator=numerator, denominator=denominator
        )
        if value is None:
            self._check_empty(data)
            data["parsed"] = None
            return data
        if self._add_errors(
            validation.value_row_errors(
                indicator=indicator,
                organisation_id=None,  # the page's member: values_save_year checks the owner
                year=self.year,
                value=value,
                numerator=numerator,
                denominator=denominator,
            )
        ):
            return data
        data["parsed"] = value
        data["parsed_numerator"] = numerator
        data["parsed_denominator"] = denominator
        self.warning = self._large_change(value)
        return data

    def _large_change(self, value: Decimal) -> str:
        """A warning when `value` is new or changed and moves more than 50 % from last year."""
        if self.previous is None:
            return ""
        if self.current is not None and self.current.value == value:
            return ""  # Already saved (and confirmed then).
        before = self.previous.value
        decimals = self.indicator.decimals
        if before == 0:
            if value == 0:
                return ""
            return _(
                "%(label)s: %(value)s är en stor förändring från förra årets 0. Kontrollera "
                "värdet och bekräfta att det stämmer."
            ) % {"label": self.label, "value": format_decimal(value, decimals)}
        change = (value - before) / abs(before)
        if abs(change) <= LARGE_CHANGE:
            return ""
        return _(
            "%(label)s: %(value)s är %(percent)s %% %(direction)s än förra årets %(before)s. "
            "Kontrollera värdet och bekräfta att det stämmer."
        ) % {
            "label": self.label,
            "value": format_decimal(value, decimals),
            "percent": format_decimal(abs(change) * 100, 0),
            "direction": _("högre") if change > 0 else _("lägre"),
            "before": format_decimal(before, decimals),
        }

    # -- results ---------------------------------------------------------------------------

    @property
    def unconfirmed(self) -> bool:
        return bool(self.warning) and not self.cleaned_data.get("confirm")

    def value_input(self, *, organisation_id: int) -> ValueInput | None:
        """The row to save, or None for a field left empty."""
        data = self.cleaned_data
        if data.get("parsed") is None:
            return None
        return ValueInput(
            organisation_id=organisation_id,
            indicator=self.indicator,
            year=self.year,
            value=data["parsed"],
            status=data["status"],
            source_note=data["source_note"].strip(),
            comment=data["comment"].strip(),
            numerator=data["parsed_numerator"],
            denominator=data["parsed_denominator"],
        )


class YearForm:
    """The whole reporting page: one ValueRowForm per figure the member reports itself.

    Figures fetched from national databases get no form (entries with `form` None). The
    member's own figures (`own_entries`) are rows like the others, in their own section.
    """

    def __init__(self, data=None, *, page: dict):
        self.year = page["year"]

        def posted(indicator: Indicator) -> bool:
            # A row the page did not show when it was loaded (a figure defined meanwhile in
            # another tab) is left as it is, not refused as empty.
            prefix = f"n{indicator.pk}-"
            return data is None or any(key.startswith(prefix) for key in data)

        def entries(rows: list[dict]) -> list[dict]:
            result = []
            for row in rows:
                form = None
                if row["editable"]:
                    form = ValueRowForm(
                        data if posted(row["indicator"]) else None,
                        indicator=row["indicator"],
                        year=self.year,
                        current=row["value"],
                        previous=row["previous"],
                    )
                result.append({**row, "form": form})
            return result

        self.entries = entries(page["rows"])
        self.own_entries = entries(page.get("own_rows", []))
        self.forms = [entry["form"] for entry in self.entries + self.own_entries if entry["form"]]
        self.non_field_errors: list[str] = []

    def is_valid(self) -> bool:
        # Every row is checked, so every error shows at once.
        checked = [form.is_valid() for form in self.forms if form.is_bound]
        return all(checked) and not self.non_field_errors

    @property
    def error_count(self) -> int:
        return sum(len(messages) for form in self.forms for messages in form.errors.values())

    @property
    def warnings(self) -> list[str]:
        return [form.warning for form in self.forms if form.is_bound and form.unconfirmed]

    def value_inputs(self, *, organisation_id: int) -> list[ValueInput]:
        rows = [
            form.value_input(organisation_id=organisation_id)
            for form in self.forms
            if form.is_bound
        ]
        return [row for row in rows if row is not None]


# --- Own key figures ---------------------------------------------------------------------------


class DecimalTextField(forms.Field):
    """A number typed the Swedish way (2,47 or 1 250), read by the one parser."""

    def __init__(self, *, decimals: int = 4, limit: Decimal = VALUE_LIMIT, **kwargs):
        self.decimals, self.limit = decimals, limit
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "maxlength": 40}),
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        text = "" if value in self.empty_values else str(value).strip()
        if len(text) > 40:
            raise forms.ValidationError(_("Talet är för långt."))
        try:
            number = parse_decimal(text)
        except NumberFormatError as exc:
            raise forms.ValidationError(str(exc)) from exc
        if number is None:
            return None
        if abs(number) >= self.limit:
            raise forms.ValidationError(_("Talet är för stort för att sparas."))
        if decimal_places(number) > self.decimals:
            raise forms.ValidationError(
                _("Ange högst %(decimals)s decimaler.") % {"decimals": self.decimals}
            )
        return number


def add_service_errors(form: forms.Form, error) -> None:
    """Put a service's ValidationError beside the fields it names (the rest at the top)."""
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class TargetFields(forms.Form):
    target_year = forms.IntegerField(
        label=gettext_lazy("Målår"),
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "size": 6}),
    )
    target_value = DecimalTextField(label=gettext_lazy("Målvärde"), required=False)
    target_note = forms.CharField(
        label=gettext_lazy("Om målet"),
        required=False,
        max_length=300,
        help_text=gettext_lazy("T.ex. vilket beslut målet kommer från."),
    )


class OwnIndicatorForm(TargetFields):
    """Define an own key figure: the same definition the catalogue's figures have."""

    name = forms.CharField(label=gettext_lazy("Namn"), max_length=200)
    description = forms.CharField(
        label=gettext_lazy("Beskrivning"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=gettext_lazy("Vad nyckeltalet mäter och hur värdet räknas fram."),
    )
    unit = forms.CharField(
        label=gettext_lazy("Enhet"),
        max_length=50,
        help_text=gettext_lazy("T.ex. m/inv, %, kg/person."),
    )
    direction = forms.ChoiceField(
        label=gettext_lazy("Önskad riktning"),
        choices=Indicator.Direction.choices,
        widget=forms.RadioSelect,
    )
    decimals = forms.IntegerField(
        label=gettext_lazy("Antal decimaler"),
        min_value=0,
        max_value=4,
        initial=1,
        widget=forms.NumberInput(attrs={"size": 3}),
    )
    min_value = DecimalTextField(label=gettext_lazy("Lägsta giltiga värde"), required=False)
    max_value = DecimalTextField(label=gettext_lazy("Högsta giltiga värde"), required=False)
    source = forms.CharField(label=gettext_lazy("Datakälla"), required=False, max_length=300)
    kolada_kpi = forms.CharField(
        label=gettext_lazy("Kolada-id"),
        required=False,
        max_length=10,
        help_text=gettext_lazy("Om värdena hämtas från Kolada: nyckeltalets id, t.ex. N00401."),
    )

    # The figure's definition, as an adoption copies it, then its target.
    field_order = [*DEFINITION_FIELDS, "target_year", "target_value", "target_note"]


class PromoteForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Kod i katalogen"),
        max_length=20,
        help_text=gettext_lazy("T.ex. GN.12. Koden får inte finnas i den gällande revisionen."),
    )
    name = forms.CharField(
        label=gettext_lazy("Namn i katalogen"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("Lämna tomt för att behålla namnet."),
    )
    reported_from = forms.IntegerField(
        label=gettext_lazy("Rapporteras från år"),
        help_text=gettext_lazy(
            "Första året alla medlemmar ska rapportera nyckeltalet. Tidigare år räknas det inte "
            "som saknat, och ingen påminns om dem."
        ),
        error_messages={"required": gettext_lazy("Ange från vilket år nyckeltalet rapporteras.")},
    )
