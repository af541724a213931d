"""The green key figures: catalogue revisions, indicators, status bands, values and targets.

Over 500 lines on purpose: these are the app's models and their constraints (one per rule the
database must keep), and Django finds an app's models in one module. Splitting them into a
package would scatter the foreign keys between files without making any one of them shorter
to read; the rules about values and targets themselves live in indicators.validation.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils.translation import get_language, gettext_noop, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from members.models import FIRST_YEAR, Municipality


class RevisionQuerySet(models.QuerySet):
    def current(self):
        return self.get(is_current=True)


class Revision(models.Model):
    """A revision of the catalogue, e.g. the 2012 list or the 2023 list."""

    code = models.CharField(_("revision"), max_length=10, unique=True)
    name = models.CharField(_("namn"), max_length=200)
    adopted_on = models.DateField(_("antagen"), null=True, blank=True)
    is_current = models.BooleanField(_("gällande"), default=False)

    objects = RevisionQuerySet.as_manager()

    class Meta:
        ordering = ["-code"]
        verbose_name = _("revision av nyckeltalen")
        verbose_name_plural = _("revisioner av nyckeltalen")
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"],
                condition=Q(is_current=True),
                name="revision_only_one_current",
                violation_error_message=_("Bara en revision kan vara gällande."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class IndicatorQuerySet(models.QuerySet):
    def common(self):
        """The association's catalogue: never a member's own key figures."""
        return self.filter(owner__isnull=True)

    def own(self):
        """Members' own key figures (egna nyckeltal)."""
        return self.filter(owner__isnull=False)

    def current(self):
        return self.common().filter(revision__is_current=True)

    def applying_to(self, kind: str):
        """Figures that apply to organisations of `kind` (Municipality.Kind)."""
        return self.filter(applies_to_kind(kind))

    def required_in(self, year: int):
        """Figures members must report for `year` (a promoted figure only from its start)."""
        return self.filter(Q(reported_from__isnull=True) | Q(reported_from__lte=year))


def applies_to_kind(kind: str, prefix: str = "") -> Q:
    """Q for figures that apply to organisations of `kind`; `prefix` reaches them via a relation."""
    return Q(**{f"{prefix}applies_to": Indicator.AppliesTo.ALL}) | Q(
        **{f"{prefix}applies_to": kind}
    )


class Indicator(models.Model):
    class Direction(models.TextChoices):
        LOWER = "lower", _("lägre är bättre")
        HIGHER = "higher", _("högre är bättre")

    class ReportedBy(models.TextChoices):
        MEMBER = "member", _("medlemmen")
        NATIONAL = "national", _("nationell databas")

    class AppliesTo(models.TextChoices):
        # The values equal Municipality.Kind's, so a figure and an organisation compare directly.
        ALL = "alla", _("kommuner och regioner")
        MUNICIPALITY = "kommun", _("bara kommuner")
        REGION = "region", _("bara regioner")

    revision = models.ForeignKey(
        Revision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicators",
        verbose_name=_("revision"),
        help_text=_("Tom för en medlems egna nyckeltal, som inte hör till katalogen."),
    )
    code = models.CharField(
        _("kod"), max_length=20, help_text=_("Som SEKOM skriver den, t.ex. GN.6a.")
    )
    # A member's own key figure (eget nyckeltal): it belongs to that organisation, not to the
    # catalogue, and never enters the association's averages or good examples.
    owner = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="own_indicators",
        verbose_name=_("eget nyckeltal för"),
        help_text=_("Tom för katalogens gemensamma nyckeltal."),
    )
    adopted_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="adoptions",
        verbose_name=_("hämtat från"),
        help_text=_("Det egna nyckeltal hos en annan medlem som definitionen kopierades från."),
    )
    retired_on = models.DateField(
        _("avslutat"),
        null=True,
        blank=True,
        help_text=_("Ett avslutat eget nyckeltal rapporteras inte längre; dess värden finns kvar."),
    )
    kolada_kpi = models.CharField(
        _("Kolada-id"),
        max_length=10,
        blank=True,
        validators=[
            RegexValidator(
                r"^[A-Z]\d{5}$", _("Ange ett nyckeltals-id från Kolada, t.ex. N00401 eller U07801.")
            )
        ],
        help_text=_("Nyckeltalet i Kolada som värdena hämtas från, om något."),
    )
    name = models.CharField(_("namn"), max_length=200)
    name_en = models.CharField(_("namn på engelska"), max_length=200, blank=True)
    description = models.TextField(_("beskrivning"), blank=True)
    unit = models.CharField(_("enhet"), max_length=50)
    unit_en = models.CharField(_("enhet på engelska"), max_length=50, blank=True)
    direction = models.CharField(_("önskad riktning"), max_length=6, choices=Direction.choices)
    decimals = models.PositiveSmallIntegerField(_("antal decimaler"), default=1)
    min_value = models.DecimalField(
        _("lägsta giltiga värde"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    max_value = models.DecimalField(
        _("högsta giltiga värde"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    source = models.CharField(_("datakälla"), max_length=300, blank=True)
    source_en = models.CharField(_("datakälla på engelska"), max_length=300, blank=True)
    reported_by = models.CharField(
        _("rapporteras av"), max_length=10, choices=ReportedBy.choices, default=ReportedBy.MEMBER
    )
    continues = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="continued_by",
        verbose_name=_("fortsätter serien"),
        help_text=_("Indikatorn i en tidigare revision som den här fortsätter."),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("huvudindikator"),
    )
    display_order = models.PositiveSmallIntegerField(_("ordning"), default=0)
    applies_to = models.CharField(
        _("gäller"),
        max_length=6,
        choices=AppliesTo.choices,
        default=AppliesTo.ALL,
        help_text=_(
            "Vilka slags organisationer nyckeltalet gäller. Bara de ser det i sitt formulär, på "
            "sin sida och i sin rapport, och medelvärden och exempel jämför kommuner med kommuner "
            "och regioner med regioner. Osäkert i katalogen: om växthusgasutsläpp per invånare, "
            "ekologiska livsmedel och certifierade skolor ska gälla regioner (regioner driver få "
            "skolor); rätta här när det är klarlagt. Egna nyckeltal gäller alltid sin medlem."
        ),
    )
    reported_from = models.PositiveSmallIntegerField(
        _("rapporteras från"),
        null=True,
        blank=True,
        help_text=_(
            "Första året medlemmarna ska rapportera nyckeltalet, t.ex. för ett nyckeltal som "
            "blivit gemensamt. Tidigare år räknas det inte som saknat. Tomt: alla år."
        ),
    )
    # A share computed from two numbers the reporter may enter instead of the value.
    numerator_label = models.CharField(_("täljare"), max_length=200, blank=True)
    denominator_label = models.CharField(_("nämnare"), max_length=200, blank=True)
    input_scale = models.DecimalField(
        _("skalfaktor"),
        max_digits=10,
        decimal_places=4,
        default=Decimal(1),
        help_text=_("Värdet = täljare / nämnare × skalfaktor (100 för procent)."),
    )

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        ordering = ["revision", "display_order", "code"]
        verbose_name = _("nyckeltal")
        # Swedish uses one word for one and many; the context lets English say "key figures".
        verbose_name_plural = pgettext_lazy("plural", "nyckeltal")
        constraints = [
            # Without regard to case: lookups by code match "gn.6a" to GN.6a
            # (selectors.indicator_by_code), so two codes may not differ only in case.
            models.UniqueConstraint(
                Lower("code"),
                "revision",
                name="indicator_code_unique_in_revision",
                violation_error_message=_("Koden finns redan i den här revisionen."),
            ),
            models.CheckConstraint(
                name="indicator_range_ordered",
                condition=Q(min_value__isnull=True)
                | Q(max_value__isnull=True)
                | Q(min_value__lte=F("max_value")),
                violation_error_message=_("Lägsta värdet måste vara mindre än det högsta."),
            ),
            models.CheckConstraint(
                name="indicator_decimals_at_most_4", condition=Q(decimals__lte=4)
            ),
            models.CheckConstraint(
                name="indicator_applies_to_valid",
                condition=Q(applies_to__in=["alla", "kommun", "region"]),
            ),
            models.CheckConstraint(
                name="indicator_reported_from_1990",
                condition=Q(reported_from__isnull=True) | Q(reported_from__gte=FIRST_YEAR),
                violation_error_message=_("Året kan inte vara före 1990."),
            ),
            models.CheckConstraint(name="indicator_not_own_parent", condition=~Q(parent=F("id"))),
            # Either the catalogue's (in a revision) or a member's own (outside every revision).
            models.CheckConstraint(
                name="indicator_common_or_own",
                condition=Q(owner__isnull=True, revision__isnull=False)
                | Q(owner__isnull=False, revision__isnull=True),
                violation_error_message=_(
                    "Ett nyckeltal hör antingen till katalogen (en revision) eller till en "
                    "medlem, inte båda."
                ),
            ),
            # Own figures are single series the member reports: no sub-indicators, no older
            # definitions, nothing fetched by the office; only own figures are adopted or retired.
            models.CheckConstraint(
                name="indicator_own_is_a_plain_member_series",
                condition=Q(owner__isnull=True)
                | Q(parent__isnull=True, continues__isnull=True, reported_by="member"),
            ),
            models.CheckConstraint(
                name="indicator_only_own_adopted_or_retired",
                condition=Q(owner__isnull=False)
                | Q(adopted_from__isnull=True, retired_on__isnull=True),
            ),
            models.CheckConstraint(
                name="indicator_not_adopted_from_itself", condition=~Q(adopted_from=F("id"))
            ),
            models.UniqueConstraint(
                Lower("name"),
                "owner",
                condition=Q(owner__isnull=False),
                name="indicator_own_name_unique_per_owner",
                violation_error_message=_("Ni har redan ett eget nyckeltal med det namnet."),
            ),
            models.UniqueConstraint(
                fields=["owner", "code"],
                condition=Q(owner__isnull=False),
                name="indicator_own_code_unique_per_owner",
            ),
            models.UniqueConstraint(
                fields=["owner", "adopted_from"],
                condition=Q(owner__isnull=False, adopted_from__isnull=False),
                name="indicator_adopted_once_per_owner",
                violation_error_message=_("Nyckeltalet används redan av organisationen."),
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """Code and name (in the visitor's language), as every page and message names a figure."""
        return f"{self.code} {self.display_name}".strip()

    @property
    def is_own(self) -> bool:
        return self.owner_id is not None

    @property
    def is_retired(self) -> bool:
        return self.retired_on is not None

    @property
    def display_name(self) -> str:
        """The name in the visitor's language: English when chosen and the catalogue has it."""
        if get_language() == "en" and self.name_en:
            return self.name_en
        return self.name

    @property
    def display_unit(self) -> str:
        """The unit in the visitor's language: English when chosen and the catalogue has it."""
        if get_language() == "en" and self.unit_en:
            return self.unit_en
        return self.unit

    @property
    def display_source(self) -> str:
        """The data source in the visitor's language, as display_unit."""
        if get_language() == "en" and self.source_en:
            return self.source_en
        return self.source

    @property
    def lower_is_better(self) -> bool:
        return self.direction == self.Direction.LOWER

    def applies_to_organisation(self, organisation: Municipality) -> bool:
        """Own figures apply to their owner; catalogue figures to the kinds the catalogue says."""
        if self.is_own:
            return self.owner_id == organisation.pk
        return self.applies_to in (self.AppliesTo.ALL, organisation.kind)

    def required_in(self, year: int) -> bool:
        return self.reported_from is None or year >= self.reported_from

    @property
    def has_inputs(self) -> bool:
        return bool(self.numerator_label and self.denominator_label)

    def clean(self) -> None:
        if self.continues_id and self.continues.revision_id == self.revision_id:
            raise ValidationError(
                {"continues": _("En indikator kan bara fortsätta en serie i en tidigare revision.")}
            )
        if self.parent_id and self.parent.revision_id != self.revision_id:
            raise ValidationError({"parent": _("Huvudindikatorn måste höra till samma revision.")})


# The catalogue's band names, marked so that makemessages offers them for translation; pages
# show them through gettext (indicators.selectors.indicator_summary).
BAND_LABELS = [
    gettext_noop("Mycket bra"),
    gettext_noop("Bra"),
    gettext_noop("Godtagbar"),
    gettext_noop("Mindre bra"),
    gettext_noop("Dålig"),
    gettext_noop("Under gränsvärdet"),
    gettext_noop("Över gränsvärdet"),
]


class StatusBand(models.Model):
    """A status class (tillståndsklass) shown as a coloured background behind a chart."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="bands", verbose_name=_("nyckeltal")
    )
    order = models.PositiveSmallIntegerField(_("ordning"), help_text=_("1 är den bästa klassen."))
    label = models.CharField(_("benämning"), max_length=50)
    lower = models.DecimalField(_("från"), max_digits=14, decimal_places=4, null=True, blank=True)
    upper = models.DecimalField(_("till"), max_digits=14, decimal_places=4, null=True, blank=True)

    class Meta:
        ordering = ["indicator", "order"]
        verbose_name = _("tillståndsklass")
        verbose_name_plural = _("tillståndsklasser")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "order"], name="band_order_unique"),
            models.CheckConstraint(
                name="band_has_a_bound", condition=Q(lower__isnull=False) | Q(upper__isnull=False)
            ),
            models.CheckConstraint(
                name="band_bounds_ordered",
                condition=Q(lower__isnull=True) | Q(upper__isnull=True) | Q(lower__lt=F("upper")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.label}"


class ValueHistory(HistoricalRecords):
    """The values' history with the indexes its readers use, and no others.

    A bulk load writes one history row per value (150 000 for a national load), and every index
    costs each of them a write. simple-history indexes every copied foreign key, the value's
    id and the date; the readers are the admin's history of one value (by id), a value's
    history on the reporting page (organisation, indicator, year), the office's list of
    deleted values (deletions by date), promoting an own figure (by indicator) and deleting a
    user (SET_NULL by user, only rows that have one). So: the id's index, one on the key led by
    the indicator, and two partial ones; the copied user who entered the value is never read
    by it (DO_NOTHING) and gets none.
    """

    UNINDEXED = ["organisation", "indicator", "entered_by"]

    @property
    def _date_indexing(self):
        return False  # only deletions are read by date: the partial index below

    def _get_history_user_fields(self):
        fields = super()._get_history_user_fields()
        fields["history_user"].db_index = False  # the partial index below instead
        return fields

    def get_meta_options(self, model):
        meta = super().get_meta_options(model)
        meta["indexes"] = (
            models.Index(fields=["indicator", "organisation", "year"], name="value_history_key"),
            models.Index(
                fields=["history_date"],
                condition=Q(history_type="-"),
                name="value_history_deletions",
            ),
            models.Index(
                fields=["history_user"],
                condition=Q(history_user__isnull=False),
                name="value_history_user",
            ),
        )
        return meta


class IndicatorValue(models.Model):
    """One member's value of one indicator in one year."""

    class Status(models.TextChoices):
        PRELIMINARY = "preliminary", _("preliminärt")
        FINAL = "final", _("slutligt")

    organisation = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="values",
        verbose_name=_("organisation"),
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="values", verbose_name=_("nyckeltal")
    )
    year = models.PositiveSmallIntegerField(_("år"))
    value = models.DecimalField(_("värde"), max_digits=14, decimal_places=4)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.FINAL
    )
    numerator = models.DecimalField(
        _("täljare"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    denominator = models.DecimalField(
        _("nämnare"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    source_note = models.CharField(_("källa"), max_length=300, blank=True)
    # Provenance of a fetched value (the Kolada sync): which KPI it came from and the day the
    # value as it stands was fetched. A re-run that finds the same number leaves both alone,
    # so the date says when Kolada last gave a new number; ImportRun says when it last looked.
    source_kpi = models.CharField(_("Kolada-id"), max_length=10, blank=True)
    fetched_on = models.DateField(_("hämtat"), null=True, blank=True)
    comment = models.TextField(_("kommentar"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("inmatat av"),
    )
    entered_at = models.DateTimeField(_("inmatat"), auto_now=True)

    history = ValueHistory(excluded_fields=["entered_at"], no_db_index=ValueHistory.UNINDEXED)

    class Meta:
        ordering = ["organisation", "indicator", "year"]
        verbose_name = _("värde")
        verbose_name_plural = _("värden")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "indicator", "year"],
                name="value_one_per_organisation_indicator_year",
                violation_error_message=_("Det finns redan ett värde för det här året."),
            ),
            models.CheckConstraint(
                name="value_year_from_1990",
                condition=Q(year__gte=FIRST_YEAR),
                violation_error_message=_("Året kan inte vara före 1990."),
            ),
            models.CheckConstraint(
                name="value_denominator_positive",
                condition=Q(denominator__isnull=True) | Q(denominator__gt=0),
                violation_error_message=_("Nämnaren måste vara större än noll."),
            ),
        ]
        indexes = [models.Index(fields=["indicator", "year"], name="value_indicator_year")]
        # Deleting values one at a time is for staff; many at once needs this permission too.
        permissions = [("bulk_delete_indicatorvalue", _("Kan ta bort många värden på en gång"))]

    def __str__(self) -> str:
        return f"{self.organisation} {self.indicator.code} {self.year}: {self.value}"

    def clean(self) -> None:
        # The rules shared by every write path live in one place (validation), so the admin
        # refuses what the write service would, with the same message.
        from indicators.validation import stored_value_errors

        if self.indicator_id is None or self.year is None or self.value is None:
            return
        errors = stored_value_errors(row=self)
        if errors:
            raise ValidationError(errors)


class Target(models.Model):
    """A target value: the member's own, or a national one when no organisation is set."""

    organisation = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="targets",
        verbose_name=_("organisation"),
        help_text=_("Tom för ett nationellt mål."),
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="targets", verbose_name=_("nyckeltal")
    )
    year = models.PositiveSmallIntegerField(_("målår"))
    value = models.DecimalField(_("målvärde"), max_digits=14, decimal_places=4)
    note = models.CharField(_("beskrivning"), max_length=300, blank=True)

    class Meta:
        ordering = ["indicator", "organisation", "year"]
        verbose_name = _("mål")
        verbose_name_plural = pgettext_lazy("plural", "mål")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "indicator", "year"],
                condition=Q(organisation__isnull=False),
                name="target_one_per_member_indicator_year",
            ),
            models.UniqueConstraint(
                fields=["indicator", "year"],
                condition=Q(organisation__isnull=True),
                name="target_one_national_per_indicator_year",
            ),
            models.CheckConstraint(name="target_year_from_1990", condition=Q(year__gte=FIRST_YEAR)),
        ]

    def __str__(self) -> str:
        who = self.organisation or _("nationellt")
        return f"{self.indicator.code} {who} {self.year}: {self.value}"

    @property
    def is_national(self) -> bool:
        return self.organisation_id is None

    def clean(self) -> None:
        # The same rules as target_set (validation.target_errors): TargetAdmin refuses what the
        # member's own page would.
        from indicators.validation import target_errors

        if self.indicator_id is None or self.year is None or self.value is None:
            return  # the form already says the field is required
        errors = target_errors(indicator=self.indicator, year=self.year, value=self.value)
        if errors:
            raise ValidationError(errors)


class ImportRunQuerySet(models.QuerySet):
    def failed(self):
        return self.filter(succeeded=False)


class ImportRun(models.Model):
    """One import of values from a file, through the admin or `import_values`: who, when, what
    came in and how it ended, so that the office can see what was loaded and what failed."""

    class Door(models.TextChoices):
        ADMIN = "admin", _("administrationen")
        COMMAND = "command", _("kommandoraden")

    class Format(models.TextChoices):
        CSV = "csv", _("tabell (CSV)")
        XLSX = "xlsx", _("tabell (XLSX)")
        MILJOBAROMETERN = "miljobarometern", _("Miljöbarometern")
        KOLADA = "kolada", _("Kolada (JSON)")
        KOLADA_API = "kolada_api", _("Kolada (API)")

    started_at = models.DateTimeField(_("tid"), auto_now_add=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("användare"),
    )
    door = models.CharField(_("väg in"), max_length=10, choices=Door.choices)
    format = models.CharField(_("format"), max_length=20, choices=Format.choices)
    file_name = models.CharField(_("fil"), max_length=255, blank=True)
    created = models.PositiveIntegerField(_("nya"), default=0)
    updated = models.PositiveIntegerField(_("ändrade"), default=0)
    unchanged = models.PositiveIntegerField(_("oförändrade"), default=0)
    skipped = models.PositiveIntegerField(_("överhoppade"), default=0)
    succeeded = models.BooleanField(_("lyckades"))
    messages = models.JSONField(_("meddelanden"), default=list, blank=True)

    objects = ImportRunQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("import")
        verbose_name_plural = _("importer")
        indexes = [models.Index(fields=["succeeded", "-started_at"], name="importrun_outcome")]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.file_name}"


class ImportRunFigure(models.Model):
    """What one run did to one figure: the admin's "last synced" and "what changed" per figure."""

    run = models.ForeignKey(
        ImportRun, on_delete=models.CASCADE, related_name="figures", verbose_name=_("import")
    )
    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.CASCADE,
        related_name="import_runs",
        verbose_name=_("nyckeltal"),
    )
    created = models.PositiveIntegerField(_("nya"), default=0)
    updated = models.PositiveIntegerField(_("ändrade"), default=0)
    unchanged = models.PositiveIntegerField(_("oförändrade"), default=0)
    skipped = models.PositiveIntegerField(_("överhoppade"), default=0)

    class Meta:
        verbose_name = _("import av nyckeltal")
        verbose_name_plural = _("importer av nyckeltal")
        constraints = [
            models.UniqueConstraint(
                fields=["run", "indicator"], name="importrunfigure_one_per_run_indicator"
            )
        ]
        indexes = [models.Index(fields=["indicator", "run"], name="importrunfigure_by_indicator")]

    def __str__(self) -> str:
        return f"{self.run_id} {self.indicator_id}"


class KoladaKpi(models.Model):
    """One KPI of Kolada's catalogue, copied by `kolada_sync --catalogue` so that reporters can
    search it (by id and title) without a request to Kolada per keystroke."""

    id = models.CharField(_("Kolada-id"), max_length=10, primary_key=True)
    title = models.CharField(_("titel"), max_length=500)
    description = models.TextField(_("beskrivning"), blank=True)
    has_ou_data = models.BooleanField(_("har data per enhet"), default=False)
    # K municipalities, L regions, A both (as Kolada writes it).
    municipality_type = models.CharField(_("gäller"), max_length=5, blank=True)
    publication_date = models.DateField(_("publicerat i Kolada"), null=True, blank=True)
    updated_at = models.DateTimeField(_("hämtat"), auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("nyckeltal i Kolada")
        verbose_name_plural = _("nyckeltal i Kolada")

    def __str__(self) -> str:
        return f"{self.id} {self.title}"


class ReminderSent(models.Model):
    """A reminder remind_reporters sent: to whom, for which member, year and missing figures.

    The command reads these so that running it daily sends the same reminder at most once per
    interval; `delivered` is false when the mail only went to a development backend.
    """

    organisation = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="reminders_sent",
        verbose_name=_("organisation"),
    )
    year = models.PositiveSmallIntegerField(_("år"))
    figure_set = models.CharField(
        _("nyckeltal som saknades"),
        max_length=500,
        help_text=_("Koderna för de nyckeltal som påminnelsen gällde."),
    )
    recipients = models.TextField(_("mottagare"), blank=True)
    sent_at = models.DateTimeField(_("skickad"), auto_now_add=True)
    delivered = models.BooleanField(
        _("skickad med e-post"),
        default=False,
        help_text=_("Falskt när e-posten bara skrevs ut (utvecklingsläge)."),
    )

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("skickad påminnelse")
        verbose_name_plural = _("skickade påminnelser")
        indexes = [
            models.Index(fields=["organisation", "year", "figure_set"], name="reminder_lookup")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.year}: {self.figure_set}"


# --- Figures maintained on write (indicators.figures_maintain) --------------------------------
# What pages need across members, kept by the write services in the same transaction as the
# values, so no page scans the whole register. `manage.py rebuild_figures` rebuilds them.
# A value counts when its figure is in the common catalogue, applies to its organisation's kind
# and the organisation is a current (active) member: the rule the pages have always used.


class FigureArea(models.TextChoices):
    """Whose values an average is over. The code names the area within its kind: empty for
    SEKOM and Sweden, the county code for a county, the organisation's code for the
    organisations similar to it.

    SEKOM counts current members only. For a member-reported figure the county counts its
    members too (only members report); for a national-source figure the county, Sweden and
    the similar organisations count every organisation of the kind with a value, members or not
    (the national databases hold them all). Sweden and similar rows exist for national-source
    figures only."""

    SEKOM = "sekom", _("SEKOM:s medlemmar")
    COUNTY = "county", _("länet")
    SWEDEN = "sweden", _("hela Sverige")
    SIMILAR = "similar", _("liknande kommuner")


class FigureAverage(models.Model):
    """The sum and count of the values that count for one figure, year, kind and area.

    Sums and counts, not averages, so a county's row is refreshed alone and SEKOM's row is the
    sum of its counties' rows; `average` divides. A row exists only while a value counts.
    """

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="+", verbose_name=_("nyckeltal")
    )
    year = models.PositiveSmallIntegerField(_("år"))
    organisation_kind = models.CharField(_("typ"), max_length=10, choices=Municipality.Kind.choices)
    area_kind = models.CharField(_("område"), max_length=10, choices=FigureArea.choices)
    area_code = models.CharField(_("områdets kod"), max_length=10, blank=True)
    value_sum = models.DecimalField(_("summa"), max_digits=24, decimal_places=4)
    # Updates add and subtract (concurrent writers never overwrite each other), so a count may
    # reach 0 for a moment: the same call deletes such a row. Never negative (the column says so).
    value_count = models.PositiveIntegerField(_("antal"))

    class Meta:
        verbose_name = _("medelvärde")
        verbose_name_plural = _("medelvärden")
        constraints = [
            # Also the index the pages read by: area, kind, then figures and years.
            models.UniqueConstraint(
                fields=["area_kind", "area_code", "organisation_kind", "indicator", "year"],
                name="figureaverage_one_per_area_kind_indicator_year",
            ),
            models.CheckConstraint(
                name="figureaverage_year_from_1990", condition=Q(year__gte=FIRST_YEAR)
            ),
            models.CheckConstraint(
                name="figureaverage_kind_valid",
                condition=Q(organisation_kind__in=["kommun", "region"]),
            ),
            models.CheckConstraint(
                name="figureaverage_area_code_fits_area",
                condition=Q(area_kind__in=["sekom", "sweden"], area_code="")
                | Q(area_kind="county", area_code__regex=r"^\d{2}$")
                | Q(area_kind="similar", area_code__regex=r"^(\d{2}|\d{4})$"),
            ),
        ]
        indexes = [
            # Pages ask for a list of figures: with the figure first, the index reads only the
            # rows of the figures shown, however many other figures (older revisions, other
            # members' own figures) have averages. The sum and the count are in it too, so
            # that PostgreSQL answers from the index alone (an index-only scan: a member page's
            # ~1 300 rows from ~500 index pages instead of as many table pages again). Key
            # columns, not INCLUDE: SQLite has no covering indexes and would warn.
            models.Index(
                fields=[
                    "indicator",
                    "organisation_kind",
                    "area_kind",
                    "area_code",
                    "year",
                    "value_sum",
                    "value_count",
                ],
                name="figureaverage_by_indicator",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.area_kind} {self.area_code} {self.indicator_id} {self.year}"

    @property
    def average(self) -> Decimal:
        return self.value_sum / self.value_count


class FigureLatest(models.Model):
    """A current member's latest counting value of one figure, with the value IMPROVEMENT_SPAN
    years before it: all that strong examples, improvers and "Lär av" read."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="+", verbose_name=_("nyckeltal")
    )
    organisation = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    organisation_kind = models.CharField(_("typ"), max_length=10, choices=Municipality.Kind.choices)
    year = models.PositiveSmallIntegerField(_("år"))
    value = models.DecimalField(_("värde"), max_digits=14, decimal_places=4)
    status = models.CharField(_("status"), max_length=12, choices=IndicatorValue.Status.choices)
    earlier_value = models.DecimalField(
        _("värde fem år före"), max_digits=14, decimal_places=4, null=True, blank=True
    )

    class Meta:
        verbose_name = _("senaste värde")
        verbose_name_plural = _("senaste värden")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "organisation"], name="figurelatest_one_per_indicator_member"
            ),
            models.CheckConstraint(
                name="figurelatest_year_from_1990", condition=Q(year__gte=FIRST_YEAR)
            ),
            models.CheckConstraint(
                name="figurelatest_kind_valid",
                condition=Q(organisation_kind__in=["kommun", "region"]),
            ),
        ]
        indexes = [
            models.Index(
                fields=["organisation_kind", "indicator", "year"], name="figurelatest_pool"
            ),
            models.Index(fields=["organisation"], name="figurelatest_member"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.indicator_id} {self.year}: {self.value}"


class FigurePool(models.Model):
    """Per figure and kind of organisation, the current members "Lär av" draws on: the strong
    set (the best quarter of the recent latest values, at least three), how many of its head
    are the best quarter strictly, and the members that improved most. Kept on write from the
    latest values (indicators.services.figure_pools), so that a member page reads one small
    row per figure instead of every member's latest value.

    Rows name members by id only, with the numbers (year, value, earlier value, gain): names,
    counties and populations are read with the page, so a renamed member is never shown by an
    old name. `lower_is_better` is the direction the pool was ranked in: a page whose figure
    now points the other way ranks afresh rather than trust the row."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="+", verbose_name=_("nyckeltal")
    )
    organisation_kind = models.CharField(_("typ"), max_length=10, choices=Municipality.Kind.choices)
    lower_is_better = models.BooleanField(_("lägre är bättre"))
    strong = models.JSONField(_("starka medlemmar"), default=list)
    top_size = models.PositiveSmallIntegerField(_("bästa fjärdedelen"), default=0)
    improvers = models.JSONField(_("mest förbättrade"), default=list)

    class Meta:
        verbose_name = _("förebilder för ett nyckeltal")
        verbose_name_plural = _("förebilder för nyckeltal")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "organisation_kind"], name="figurepool_one_per_indicator_kind"
            ),
            models.CheckConstraint(
                name="figurepool_kind_valid",
                condition=Q(organisation_kind__in=["kommun", "region"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.organisation_kind}: {len(self.strong)}"

    # What a stored row keeps of analysis.learn_from_pool's rows: the member by id, its numbers.
    ROW_FIELDS = ("organisation_id", "year", "value", "preliminary")

    @classmethod
    def stored(cls, pool: dict) -> dict:
        """analysis.learn_from_pool's result as the row stores it (and pages read it)."""
        return {
            "strong": [{key: row[key] for key in cls.ROW_FIELDS} for row in pool["strong"]],
            "top_size": pool["top_size"],
            "improvers": [
                {
                    **{key: row[key] for key in cls.ROW_FIELDS},
                    "earlier_year": row["earlier"]["year"],
                    "earlier_value": row["earlier"]["value"],
                    "gain": row["gain"],
                    "gain_share": row["gain_share"],
                }
                for row in pool["improvers"]
            ],
        }
