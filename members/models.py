"""Organisations (municipalities and regions), their populations, memberships and contacts.

One module (about 650 lines) on purpose: these are the member register's tables, tied together
by foreign keys and by constraints across them (one active membership per organisation, one
current contact per role in a membership), and every class is fields, constraints, QuerySet
methods and small derived properties only; no function here is longer than 20 lines. Split
by model it would be ten small files that always change together, and migrations, the admin
and `apps.get_model("members", ...)` already address them as one app's models. Behaviour lives
in members/services/ and members/selectors.py.
"""

import datetime
import secrets
import uuid
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Case, Exists, OuterRef, Q, Value, When
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from members.collation import swedish
from members.validation import validate_not_in_future, validate_pdf

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
        # Swedish uses one word for one and many; the context lets English say "counties".
        verbose_name_plural = pgettext_lazy("plural", "län")

    def __str__(self) -> str:
        return self.name


class MunicipalityQuerySet(models.QuerySet):
    def municipalities(self):
        return self.filter(kind=Municipality.Kind.MUNICIPALITY)

    def regions(self):
        return self.filter(kind=Municipality.Kind.REGION)

    def active_members(self):
        """The current members: the one lookup for "who is a member now"."""
        return self.filter(is_current_member())

    def non_members(self):
        """Organisations that are not members now (never were, or left)."""
        return self.exclude(is_current_member())

    def with_is_member(self):
        """Each organisation with `is_member`: is it a current member (no extra query)."""
        return self.annotate(is_member=is_current_member())

    def in_swedish_order(self):
        """By name in Swedish order (å, ä, ö last), on PostgreSQL and SQLite alike."""
        return self.order_by(swedish("name"))

    def members_in(self, year: int):
        """Organisations that were members at some time during `year`."""
        return self.filter(
            models.Exists(
                Membership.objects.active_in(year).filter(organisation=models.OuterRef("pk"))
            )
        )


def is_current_member(organisation: str = "pk") -> Exists:
    """Whether the organisation at `organisation` is a current member, for filter(), exclude()
    and annotate(): "pk" from an organisation, "organisation" from a row that points to one.

    A subquery on `Membership.objects.active()`, so it never multiplies rows (no distinct()
    needed) and means the same wherever it is used.
    """
    return Exists(Membership.objects.active().filter(organisation=OuterRef(organisation)))


class Municipality(models.Model):
    """A municipality (kommun) or a region: anything that can be a SEKOM member.

    A municipality's code is SCB's four-digit kommunkod; a region's code is its county's
    two-digit code, so codes never collide.

    Why the name says "municipality" while foreign keys to it say `organisation`: the model came
    first, when only municipalities were members; regions joined as rows of the same model
    (`kind`). "Organisation" is the word for it everywhere else (`Membership.organisation`,
    `IndicatorValue.organisation`, the interface's "kommun eller region"). Renaming the model
    would rename its table and the constraints named after it, the admin's addresses
    (`/admin/members/municipality/`) and about a hundred references, with no change in
    behaviour, so it keeps its name; see the README's glossary.
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
        ordering = [swedish("name")]
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


class SimilarOrganisation(models.Model):
    """One of the organisations an organisation is compared with as "liknande kommuner".

    Kolada's municipality groups are not available offline, so the set is the documented
    fallback (members.services.similar): the organisations of the same kind with the nearest
    population. Rebuilt as a whole (`similar_organisations_rebuild`), never edited by hand;
    when the Kolada sync provides groups, they replace these rows.
    """

    organisation = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    similar = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("liknande organisation"),
    )

    class Meta:
        verbose_name = _("liknande organisation")
        verbose_name_plural = _("liknande organisationer")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "similar"], name="similarorganisation_once"
            ),
            models.CheckConstraint(
                name="similarorganisation_not_itself",
                condition=~Q(similar=models.F("organisation")),
            ),
        ]
        indexes = [
            # A value's change reaches the averages of those it is similar to: read by `similar`.
            models.Index(fields=["similar"], name="similarorganisation_similar"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} ~ {self.similar_id}"


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Membership.Status.ACTIVE)

    def pending(self):
        return self.filter(status=Membership.Status.APPLIED)

    def active_in(self, year: int):
        """Memberships that were in force at some time during `year` (current or since ended).

        The one answer to "who was a member that year": old years' overviews count the
        members of that year, not today's.
        """
        return self.filter(
            status__in=[Membership.Status.ACTIVE, Membership.Status.RESIGNED],
            joined_on__lte=datetime.date(year, 12, 31),
        ).filter(Q(left_on__isnull=True) | Q(left_on__gte=datetime.date(year, 1, 1)))


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
    rejection_reason = models.TextField(_("skäl för avslag"), blank=True)
    resignation_decision = models.CharField(
        _("beslut om utträde"),
        max_length=300,
        blank=True,
        help_text=_("Vilket organ som beslutade och när, t.ex. ”KF 2019-10-28 § 112”."),
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = [swedish("organisation__name"), "-applied_on"]
        verbose_name = _("medlemskap")
        verbose_name_plural = pgettext_lazy("plural", "medlemskap")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(status="active"),
                name="membership_one_active_per_organisation",
                violation_error_message=_("Organisationen är redan medlem."),
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
            models.CheckConstraint(
                name="membership_decided_after_applied",
                condition=Q(decision_date__isnull=True)
                | Q(decision_date__gte=models.F("applied_on")),
                violation_error_message=_("Styrelsens beslut kan inte ligga före ansökan."),
            ),
            models.CheckConstraint(
                name="membership_rejection_has_reason_and_date",
                condition=~Q(status="rejected")
                | (Q(decision_date__isnull=False) & ~Q(rejection_reason="")),
                violation_error_message=_("Ett avslag måste ha ett beslutsdatum och ett skäl."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_status_display()})"


def application_document_path(instance, filename: str) -> str:
    # A generated name: nothing the applicant typed ends up in a path on the server.
    return f"ansokningar/{uuid.uuid4().hex}.pdf"


class MembershipApplicationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(membership__status=Membership.Status.APPLIED)

    def with_duplicate_flag(self):
        """`is_duplicate`: pending while another pending application for the same organisation
        exists. A pending application never blocks another (a stranger could otherwise squat
        a municipality's place), so staff see both and decide."""
        others = MembershipApplication.objects.pending().filter(
            membership__organisation=OuterRef("membership__organisation")
        )
        duplicate = Q(membership__status=Membership.Status.APPLIED) & Exists(
            others.exclude(pk=OuterRef("pk"))
        )
        return self.annotate(
            is_duplicate=Case(
                When(duplicate, then=Value(True)),
                default=Value(False),
                output_field=models.BooleanField(),
            )
        )


class MembershipApplication(models.Model):
    """The paperwork behind a membership: the council's decision, the programme and the two
    contact persons the applicant proposes.

    Its membership row carries the status (applied, then active or rejected). Several may be
    pending for one organisation (flagged as duplicates for staff); only one can be approved,
    as the database allows one active membership per organisation.
    """

    class DecidingBody(models.TextChoices):
        COUNCIL = "kf", _("kommunfullmäktige (regionfullmäktige)")
        EXECUTIVE_BOARD = "ks", _("kommunstyrelsen (regionstyrelsen)")

    membership = models.OneToOneField(
        Membership,
        on_delete=models.CASCADE,
        related_name="application",
        verbose_name=_("medlemskap"),
    )
    submitted_at = models.DateTimeField(_("inkommen"), auto_now_add=True)
    deciding_body = models.CharField(
        _("beslutande organ"), max_length=2, choices=DecidingBody.choices
    )
    decided_on = models.DateField(
        _("beslutsdatum"),
        validators=[validate_not_in_future],
        help_text=_("Dagen då fullmäktige eller styrelsen beslutade att ansöka."),
    )
    decision_document = models.FileField(
        _("beslutet (PDF)"),
        upload_to=application_document_path,
        max_length=200,
        validators=[validate_pdf],
    )
    programme_document = models.FileField(
        _("miljö- eller hållbarhetsprogram (PDF)"),
        upload_to=application_document_path,
        max_length=200,
        blank=True,
        validators=[validate_pdf],
    )
    programme_url = models.URLField(_("länk till programmet"), max_length=500, blank=True)
    applicant_email = models.EmailField(_("sökandens e-post"))

    politician_name = models.CharField(_("politiker: namn"), max_length=200)
    politician_title = models.CharField(_("politiker: titel"), max_length=200)
    politician_email = models.EmailField(_("politiker: e-post"))
    politician_phone = models.CharField(_("politiker: telefon"), max_length=40)
    politician_party = models.CharField(_("politiker: parti"), max_length=100, blank=True)

    official_name = models.CharField(_("tjänsteperson: namn"), max_length=200)
    official_title = models.CharField(_("tjänsteperson: titel"), max_length=200)
    official_email = models.EmailField(_("tjänsteperson: e-post"))
    official_phone = models.CharField(_("tjänsteperson: telefon"), max_length=40)
    # Set when retention or an erasure removed the people's details (members.gdpr).
    anonymised_on = models.DateField(_("anonymiserad"), null=True, blank=True, editable=False)

    objects = MembershipApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("ansökan om medlemskap")
        verbose_name_plural = _("ansökningar om medlemskap")
        constraints = [
            models.CheckConstraint(
                name="application_has_programme",
                condition=~Q(programme_document="") | ~Q(programme_url=""),
                violation_error_message=_("Bifoga programmet som PDF eller ange en länk till det."),
            ),
            models.CheckConstraint(
                name="application_deciding_body_valid",
                condition=Q(deciding_body__in=["kf", "ks"]),
            ),
            models.CheckConstraint(
                name="application_has_document_and_contacts",
                condition=~Q(decision_document="")
                & ~Q(applicant_email="")
                & ~Q(politician_name="")
                & ~Q(politician_email="")
                & ~Q(official_name="")
                & ~Q(official_email=""),
                violation_error_message=_("Ansökan saknar beslut eller kontaktpersoner."),
            ),
        ]

    def __str__(self) -> str:
        return str(_("Ansökan från %(organisation)s") % {"organisation": self.organisation})

    @property
    def organisation(self) -> "Municipality":
        return self.membership.organisation

    @classmethod
    def contact_field_names(cls) -> list[str]:
        return [
            f"{role}_{part}"
            for role in ("politician", "official")
            for part in ("name", "title", "email", "phone", "party")
            if (role, part) != ("official", "party")
        ]

    def contact_details(self, role: str) -> dict[str, str]:
        """The proposed contact person in `role`, as ContactPerson field values."""
        if role == ContactPerson.Role.POLITICIAN:
            return {
                "name": self.politician_name,
                "title": self.politician_title,
                "email": self.politician_email,
                "phone": self.politician_phone,
                "party": self.politician_party,
            }
        return {
            "name": self.official_name,
            "title": self.official_title,
            "email": self.official_email,
            "phone": self.official_phone,
            "party": "",
        }


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
    # Set when retention or an erasure removed name, e-mail, phone and party (members.gdpr).
    anonymised_on = models.DateField(_("anonymiserad"), null=True, blank=True, editable=False)

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
    def current(self):
        """Access that has not ended: ended rows stay as history of who could report."""
        return self.filter(ended_on__isnull=True)

    def ended(self):
        return self.filter(ended_on__isnull=False)

    def writable(self):
        return self.current().filter(level=OrganisationAccess.Level.REPORTER)


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
    ended_on = models.DateField(
        _("avslutad den"),
        null=True,
        blank=True,
        help_text=_("Behörigheten upphör när medlemmen träder ut; raden finns kvar som historik."),
    )
    ended_reason = models.CharField(_("anledning till avslut"), max_length=200, blank=True)

    objects = OrganisationAccessQuerySet.as_manager()

    class Meta:
        ordering = [swedish("organisation__name"), "user__username"]
        verbose_name = _("behörighet till organisation")
        verbose_name_plural = _("behörigheter till organisationer")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"],
                condition=Q(ended_on__isnull=True),
                name="access_one_current_per_user_and_organisation",
                violation_error_message=_("Användaren har redan behörighet till organisationen."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.organisation} ({self.get_level_display()})"


class MembershipDecision(models.Model):
    """One decision about a membership, as the record of who took it, when and why.

    Written only by the membership services (approve, reject, resign), never edited: the
    membership's history in the admin is this list.
    """

    class Kind(models.TextChoices):
        APPROVED = "approved", _("ansökan godkänd")
        REJOINED = "rejoined", _("återinträde godkänt")
        REJECTED = "rejected", _("ansökan avslagen")
        RESIGNED = "resigned", _("utträde registrerat")

    membership = models.ForeignKey(
        Membership,
        on_delete=models.CASCADE,
        related_name="decisions",
        verbose_name=_("medlemskap"),
    )
    kind = models.CharField(_("beslut"), max_length=10, choices=Kind.choices)
    board_meeting_on = models.DateField(_("styrelsemöte"), null=True, blank=True)
    effective_on = models.DateField(_("gäller från"))
    reason = models.TextField(_("skäl eller beslut"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registrerat av"),
    )
    recorded_at = models.DateTimeField(_("registrerat"), auto_now_add=True)

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        verbose_name = _("beslut om medlemskap")
        verbose_name_plural = _("beslut om medlemskap")
        constraints = [
            models.CheckConstraint(
                name="decision_kind_valid",
                condition=Q(kind__in=["approved", "rejoined", "rejected", "resigned"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.effective_on.isoformat()}"


class FeeSchedule(models.Model):
    """The membership fee the annual meeting set for one year: a fixed part plus a part per
    inhabitant, optionally capped."""

    year = models.PositiveSmallIntegerField(_("år"), unique=True)
    fixed_amount = models.DecimalField(
        _("fast del (kr)"), max_digits=10, decimal_places=2, validators=[MinValueValidator(0)]
    )
    per_inhabitant = models.DecimalField(
        _("per invånare (kr)"),
        max_digits=8,
        decimal_places=4,
        validators=[MinValueValidator(0)],
    )
    ceiling = models.DecimalField(
        _("tak (kr)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Högsta avgift; lämna tomt om avgiften inte har något tak."),
    )
    decided_on = models.DateField(_("beslutad av årsmötet"), null=True, blank=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("avgiftsmodell")
        verbose_name_plural = _("avgiftsmodeller")
        constraints = [
            models.CheckConstraint(
                name="fee_year_from_1990",
                condition=Q(year__gte=FIRST_YEAR),
                violation_error_message=_("Året är för tidigt."),
            ),
            models.CheckConstraint(
                name="fee_parts_not_negative",
                condition=Q(fixed_amount__gte=0) & Q(per_inhabitant__gte=0),
                violation_error_message=_("Avgiftens delar kan inte vara negativa."),
            ),
            models.CheckConstraint(
                name="fee_ceiling_at_least_fixed",
                condition=Q(ceiling__isnull=True) | Q(ceiling__gte=models.F("fixed_amount")),
                violation_error_message=_("Taket kan inte vara lägre än den fasta delen."),
            ),
        ]

    def __str__(self) -> str:
        return str(_("Medlemsavgift %(year)s") % {"year": self.year})

    def fee_for_inhabitants(self, inhabitants: int) -> Decimal:
        """Fixed part + rate x inhabitants, capped by the ceiling, in whole kronor."""
        fee = self.fixed_amount + self.per_inhabitant * inhabitants
        if self.ceiling is not None:
            fee = min(fee, self.ceiling)
        return fee.quantize(Decimal(1), rounding=ROUND_HALF_UP)


class SiteState(models.Model):
    """The one row every public page reads first (one query, like /healthz).

    `data_version` changes whenever anything the public pages show changes, so cached page data
    keyed by it is never stale, whichever process or machine cached it. It is a new random
    number each time rather than a counter: a restored backup or a recreated database can then
    never meet cache entries left from another history under the same version. `demo` holds the demo
    data's parameters while the database holds generated demo data.
    """

    SINGLETON_ID = 1

    data_version = models.PositiveBigIntegerField(_("dataversion"), default=0)
    demo = models.JSONField(_("demodata"), null=True, blank=True)

    class Meta:
        verbose_name = _("webbplatsens läge")
        verbose_name_plural = pgettext_lazy("plural", "webbplatsens läge")
        constraints = [
            models.CheckConstraint(name="site_state_single_row", condition=Q(id=1)),
        ]

    def __str__(self) -> str:
        return _("Dataversion %(version)s") % {"version": self.data_version}

    @staticmethod
    def new_version() -> int:
        return secrets.randbits(62)
