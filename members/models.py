"""Organisations (municipalities and regions), their populations, memberships and contacts."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

FIRST_YEAR = 1990  # The oldest year any figure or population may be recorded for.


class County(models.Model):
    code = models.CharField(
        _("länskod"), max_length=2, unique=True, validators=[RegexValidator(r"^\d{2}$")]
    )
    name = models.CharField(_("namn"), max_length=100)
    short_name = models.CharField(_("kortnamn"), max_length=50)

    class Meta:
        ordering = ["code"]
        verbose_name = _("län")
        verbose_name_plural = _("län")

    def __str__(self) -> str:
        return self.name


class MunicipalityQuerySet(models.QuerySet):
    def municipalities(self):
        return self.filter(kind=Municipality.Kind.MUNICIPALITY)

    def regions(self):
        return self.filter(kind=Municipality.Kind.REGION)

    def active_members(self):
        return self.filter(memberships__status=Membership.Status.ACTIVE).distinct()


class Municipality(models.Model):
    """A municipality (kommun) or a region: anything that can be a SEKOM member.

    A municipality's code is SCB's four-digit kommunkod; a region's code is its county's
    two-digit code, so codes never collide.
    """

    class Kind(models.TextChoices):
        MUNICIPALITY = "kommun", _("kommun")
        REGION = "region", _("region")

    code = models.CharField(
        _("kod"),
        max_length=4,
        unique=True,
        validators=[RegexValidator(r"^(\d{4}|\d{2})$", _("Ange en kommunkod (fyra siffror)."))],
        help_text=_("Kommunkod (fyra siffror) eller, för en region, länskoden (två siffror)."),
    )
    name = models.CharField(_("namn"), max_length=100)
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="organisations", verbose_name=_("län")
    )
    kind = models.CharField(
        _("typ"), max_length=10, choices=Kind.choices, default=Kind.MUNICIPALITY
    )

    objects = MunicipalityQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("kommun eller region")
        verbose_name_plural = _("kommuner och regioner")
        constraints = [
            models.CheckConstraint(
                name="municipality_code_fits_kind",
                condition=(
                    Q(kind="kommun", code__regex=r"^\d{4}$")
                    | Q(kind="region", code__regex=r"^\d{2}$")
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_region(self) -> bool:
        return self.kind == self.Kind.REGION


class Population(models.Model):
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="populations", verbose_name=_("kommun")
    )
    year = models.PositiveSmallIntegerField(_("år"))
    inhabitants = models.PositiveIntegerField(_("invånare"))

    class Meta:
        ordering = ["municipality", "year"]
        verbose_name = _("folkmängd")
        verbose_name_plural = _("folkmängder")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "year"], name="population_one_per_year"
            ),
            models.CheckConstraint(
                name="population_year_from_1990", condition=Q(year__gte=FIRST_YEAR)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality} {self.year}: {self.inhabitants}"


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Membership.Status.ACTIVE)

    def pending(self):
        return self.filter(status=Membership.Status.APPLIED)


class Membership(models.Model):
    """One membership period of an organisation, from application to (perhaps) resignation.

    An organisation that leaves and re-joins gets a new row, so the history stays.
    """

    class Status(models.TextChoices):
        APPLIED = "applied", _("ansökt")
        ACTIVE = "active", _("aktiv")
        REJECTED = "rejected", _("avslagen")
        RESIGNED = "resigned", _("utträtt")

    organisation = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.APPLIED
    )
    applied_on = models.DateField(_("ansökt den"))
    decision_date = models.DateField(_("styrelsens beslut"), null=True, blank=True)
    joined_on = models.DateField(_("medlem sedan"), null=True, blank=True)
    left_on = models.DateField(_("utträde den"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name", "-applied_on"]
        verbose_name = _("medlemskap")
        verbose_name_plural = _("medlemskap")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(status="active"),
                name="membership_one_active_per_organisation",
                violation_error_message=_("Organisationen är redan medlem."),
            ),
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(status="applied"),
                name="membership_one_pending_per_organisation",
                violation_error_message=_("Organisationen har redan en ansökan som behandlas."),
            ),
            models.CheckConstraint(
                name="membership_active_has_joined_on",
                condition=~Q(status="active") | Q(joined_on__isnull=False),
                violation_error_message=_("Ett aktivt medlemskap måste ha ett inträdesdatum."),
            ),
            models.CheckConstraint(
                name="membership_resigned_has_left_on",
                condition=~Q(status="resigned") | Q(left_on__isnull=False),
                violation_error_message=_("Ett utträde måste ha ett utträdesdatum."),
            ),
            models.CheckConstraint(
                name="membership_left_after_joined",
                condition=Q(left_on__isnull=True)
                | Q(joined_on__isnull=True)
                | Q(left_on__gte=models.F("joined_on")),
                violation_error_message=_("Utträdet kan inte ligga före inträdet."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_status_display()})"


class ContactPersonQuerySet(models.QuerySet):
    def current(self):
        return self.filter(ended_on__isnull=True)


class ContactPerson(models.Model):
    """A member's named contact: one politician and one official at a time.

    A replaced person keeps their row with an end date, as history.
    """

    class Role(models.TextChoices):
        POLITICIAN = "politician", _("politiker")
        OFFICIAL = "official", _("tjänsteperson")

    membership = models.ForeignKey(
        Membership,
        on_delete=models.CASCADE,
        related_name="contact_persons",
        verbose_name=_("medlemskap"),
    )
    role = models.CharField(_("roll"), max_length=10, choices=Role.choices)
    name = models.CharField(_("namn"), max_length=200)
    title = models.CharField(_("titel"), max_length=200, blank=True)
    email = models.EmailField(_("e-post"))
    phone = models.CharField(_("telefon"), max_length=40, blank=True)
    party = models.CharField(_("parti"), max_length=100, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contact_roles",
        verbose_name=_("användarkonto"),
    )
    started_on = models.DateField(_("från"), null=True, blank=True)
    ended_on = models.DateField(_("till"), null=True, blank=True)

    objects = ContactPersonQuerySet.as_manager()

    class Meta:
        ordering = ["membership", "role", "-started_on"]
        verbose_name = _("kontaktperson")
        verbose_name_plural = _("kontaktpersoner")
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "role"],
                condition=Q(ended_on__isnull=True),
                name="contact_one_current_per_role",
                violation_error_message=_(
                    "Medlemskapet har redan en nuvarande kontaktperson i den rollen."
                ),
            ),
            models.CheckConstraint(
                name="contact_ended_after_started",
                condition=Q(ended_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(ended_on__gte=models.F("started_on")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"

    @property
    def is_current(self) -> bool:
        return self.ended_on is None


class OrganisationAccessQuerySet(models.QuerySet):
    def writable(self):
        return self.filter(level=OrganisationAccess.Level.REPORTER)


class OrganisationAccess(models.Model):
    """Links a login to an organisation: reporters read and write its figures, readers only read.

    Staff need no row: they may do everything.
    """

    class Level(models.TextChoices):
        REPORTER = "reporter", _("rapportör (läsa och ändra)")
        READER = "reader", _("läsbehörighet")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="organisation_access",
        verbose_name=_("användare"),
    )
    organisation = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="access",
        verbose_name=_("organisation"),
    )
    level = models.CharField(
        _("behörighet"), max_length=10, choices=Level.choices, default=Level.REPORTER
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)

    objects = OrganisationAccessQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name", "user__username"]
        verbose_name = _("behörighet till organisation")
        verbose_name_plural = _("behörigheter till organisationer")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"],
                name="access_one_per_user_and_organisation",
                violation_error_message=_("Användaren har redan behörighet till organisationen."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.organisation} ({self.get_level_display()})"


class SiteState(models.Model):
    """The one row every public page reads first (one query, like /healthz).

    `data_version` grows whenever anything the public pages show changes, so cached page data
    keyed by it is never stale, whichever process or machine cached it. `demo` holds the demo
    data's parameters while the database holds generated demo data.
    """

    SINGLETON_ID = 1

    data_version = models.PositiveBigIntegerField(_("dataversion"), default=0)
    demo = models.JSONField(_("demodata"), null=True, blank=True)

    class Meta:
        verbose_name = _("webbplatsens läge")
        verbose_name_plural = _("webbplatsens läge")
        constraints = [
            models.CheckConstraint(name="site_state_single_row", condition=Q(id=1)),
        ]

    def __str__(self) -> str:
        return f"Dataversion {self.data_version}"
