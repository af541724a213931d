"""django-import-export resources for the admin's member lists: memberships and contacts.

One write path (shared/architecture.md): a file never writes a membership or a contact person
by itself.

- Memberships are export-only. A membership's status and dates are the board's decisions and
  change only through membership_approve, membership_reject and membership_resign, which also
  record the decision, handle the contact persons and logins and send the e-mails; a row in a
  spreadsheet cannot carry a board meeting, a decision text or the proposed contacts, so going
  through the services row by row is not sensible. The admin offers no import, and
  MembershipResource refuses one if called directly.
- Contact persons import through contact_person_replace, row by row, in one transaction
  (all rows or none): a row without an id is a new person in that role from "från" (today if
  empty), the current one in the role is ended that day and kept as history, and a new
  official gets a reporting account, exactly as on "Byt kontaktperson". A row that matches the
  current person in its role, or an exported row sent back unchanged, is skipped. An exported
  row (with its id) cannot be changed through a file: corrections are made in the form, where
  they are seen one at a time. Every refusal is a Swedish message on its row.
"""

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from common.import_formats import SwedishSheetMixin
from members.models import ContactPerson, Membership, Municipality
from members.services import ContactDetails, contact_person_replace

DATE = widgets.DateWidget(format="%Y-%m-%d")
TEXT = widgets.CharWidget()  # an empty cell is "", as in the form
DETAIL_FIELDS = ("name", "title", "email", "phone", "party")


def add_missing_columns(dataset, columns: list[str]) -> None:
    for column in columns:
        if column not in dataset.headers:
            dataset.append_col([""] * len(dataset), header=column)


class OrganisationWidget(widgets.ForeignKeyWidget):
    """An organisation by its code; a code that lost its leading zero in Excel is padded."""

    def __init__(self):
        super().__init__(Municipality, field="code")

    def clean(self, value, row=None, **kwargs):
        text = str(value).strip() if value is not None else ""
        if text.endswith(".0"):
            text = text[:-2]
        if text.isdigit() and len(text) in (1, 3):
            text = text.zfill(len(text) + 1)
        if not text:
            return None
        try:
            return Municipality.objects.get(code=text)
        except Municipality.DoesNotExist:
            raise ValueError(_("Okänd kommunkod ”%(text)s”.") % {"text": text}) from None


class ChoiceLabelWidget(widgets.Widget):
    """Exports a choice by its Swedish label ("tjänsteperson", not "official"); reads back the
    label as well as the stored value, so an exported file imports unchanged."""

    def __init__(self, choices):
        super().__init__()
        self.choices = choices

    def clean(self, value, row=None, **kwargs):
        text = str(value).strip() if value is not None else ""
        by_label = {str(label).casefold(): value for value, label in self.choices.choices}
        return by_label.get(text.casefold(), text)

    def render(self, value, obj=None, **kwargs):
        if not value:
            return ""
        try:
            return str(self.choices(value).label)
        except ValueError:
            return str(value)


class MembershipImportRefused(Exception):
    """Raised when anything tries to import memberships (see the module docstring)."""


class MembershipResource(SwedishSheetMixin, resources.ModelResource):
    """The membership list for export only: every column is read-only and an import is
    refused before it reads a row."""

    id = fields.Field(
        attribute="id", column_name="id", widget=widgets.IntegerWidget(), readonly=True
    )
    organisation = fields.Field(
        attribute="organisation",
        column_name="kommunkod",
        widget=OrganisationWidget(),
        readonly=True,
    )
    organisation_name = fields.Field(
        attribute="organisation__name", column_name="kommun", readonly=True
    )
    county = fields.Field(attribute="organisation__county__name", column_name="län", readonly=True)
    kind = fields.Field(attribute="organisation__kind", column_name="typ", readonly=True)
    status = fields.Field(
        attribute="status",
        column_name="status",
        widget=ChoiceLabelWidget(Membership.Status),
        readonly=True,
    )
    applied_on = fields.Field(
        attribute="applied_on", column_name="ansökt den", widget=DATE, readonly=True
    )
    decision_date = fields.Field(
        attribute="decision_date", column_name="styrelsens beslut", widget=DATE, readonly=True
    )
    joined_on = fields.Field(
        attribute="joined_on", column_name="medlem sedan", widget=DATE, readonly=True
    )
    left_on = fields.Field(
        attribute="left_on", column_name="utträde den", widget=DATE, readonly=True
    )

    class Meta:
        model = Membership
        fields = (
            "id",
            "organisation",
            "organisation_name",
            "county",
            "kind",
            "status",
            "applied_on",
            "decision_date",
            "joined_on",
            "left_on",
        )

    def get_queryset(self):
        return Membership.objects.select_related("organisation__county")

    def import_data(self, *args, **kwargs):
        raise MembershipImportRefused(
            _(
                "Medlemskap kan inte importeras: status och datum ändras bara genom styrelsens "
                "beslut (godkänn, avslå, utträde)."
            )
        )

    def import_row(self, *args, **kwargs):
        return self.import_data()


class MembershipByOrganisationWidget(widgets.ForeignKeyWidget):
    """The membership by its id, or else the organisation's current one (from kommunkod)."""

    def __init__(self):
        super().__init__(Membership, field="pk")

    def clean(self, value, row=None, **kwargs):
        text = str(value).strip() if value is not None else ""
        if text:
            try:
                return Membership.objects.get(pk=int(float(text)))
            except (ValueError, Membership.DoesNotExist):
                raise ValueError(_("Okänt medlemskap ”%(text)s”.") % {"text": text}) from None
        organisation = OrganisationWidget().clean((row or {}).get("kommunkod"))
        if organisation is None:
            raise ValueError(_("Ange medlemskapets id eller organisationens kommunkod."))
        membership = (
            Membership.objects.filter(
                organisation=organisation,
                status__in=[Membership.Status.ACTIVE, Membership.Status.APPLIED],
            )
            .order_by("status")  # "active" before "applied"
            .first()
        )
        if membership is None:
            raise ValueError(
                _("%(name)s har inget aktivt medlemskap eller någon ansökan.")
                % {"name": organisation.name}
            )
        return membership


def _row_error(message: str) -> ValidationError:
    # The library shows a row's errors by field; this one is about the whole row.
    return ValidationError({NON_FIELD_ERRORS: [message]})


def _copy_saved(*, saved: ContactPerson, onto: ContactPerson) -> None:
    """The row's instance becomes the person the service saved (the admin's log and the
    import summary name it)."""
    for field in saved._meta.concrete_fields:
        setattr(onto, field.attname, getattr(saved, field.attname))


class ContactPersonResource(SwedishSheetMixin, resources.ModelResource):
    """Contact persons out and in; every imported row goes through contact_person_replace
    (see the module docstring)."""

    id = fields.Field(attribute="id", column_name="id", widget=widgets.IntegerWidget())
    membership = fields.Field(
        attribute="membership", column_name="medlemskap", widget=MembershipByOrganisationWidget()
    )
    organisation = fields.Field(
        attribute="membership__organisation__code", column_name="kommunkod", readonly=True
    )
    organisation_name = fields.Field(
        attribute="membership__organisation__name", column_name="kommun", readonly=True
    )
    role = fields.Field(
        attribute="role", column_name="roll", widget=ChoiceLabelWidget(ContactPerson.Role)
    )
    name = fields.Field(attribute="name", column_name="namn", widget=TEXT)
    title = fields.Field(attribute="title", column_name="titel", widget=TEXT)
    email = fields.Field(attribute="email", column_name="e-post", widget=TEXT)
    phone = fields.Field(attribute="phone", column_name="telefon", widget=TEXT)
    party = fields.Field(attribute="party", column_name="parti", widget=TEXT)
    started_on = fields.Field(attribute="started_on", column_name="från", widget=DATE)
    ended_on = fields.Field(attribute="ended_on", column_name="till", widget=DATE)

    class Meta:
        model = ContactPerson
        fields = (
            "id",
            "membership",
            "organisation",
            "organisation_name",
            "role",
            "name",
            "title",
            "email",
            "phone",
            "party",
            "started_on",
            "ended_on",
        )
        import_id_fields = ("id",)
        skip_unchanged = True
        report_skipped = True
        # Rows are checked here and by the service, not by the model's own full_clean: a new
        # person in a filled role is the replacement the service makes, not a duplicate.
        clean_model_instances = False

    def __init__(self, *, site_url: str = "", **kwargs):
        super().__init__(**kwargs)
        # For the new official's e-mail link; the admin passes the address it was opened at.
        self.site_url = site_url or settings.SITE_URL

    def get_queryset(self):
        return ContactPerson.objects.select_related("membership__organisation")

    def import_data(self, dataset, **kwargs):
        # All rows or none: one transaction, rolled back when any row is refused.
        kwargs["use_transactions"] = True
        kwargs["rollback_on_validation_errors"] = True
        return super().import_data(dataset, **kwargs)

    def before_import(self, dataset, **kwargs):
        add_missing_columns(dataset, ["id", "kommunkod", "medlemskap"])

    def after_init_instance(self, instance, new, row, **kwargs):
        instance._imported_as_new = new
        instance._id_in_file = row.get("id") not in (None, "")

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors:
            return False
        if not instance._imported_as_new:
            return super().skip_row(instance, original, row, import_validation_errors)
        current = self._current_in_role(instance)
        return current is not None and all(
            getattr(current, name) == getattr(instance, name) for name in DETAIL_FIELDS
        )

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        if import_validation_errors:
            raise ValidationError(import_validation_errors)
        if not instance._imported_as_new:
            # An exported row that differs from the stored person (unchanged ones were skipped).
            raise _row_error(
                _(
                    "Kontaktperson %(id)s kan inte ändras med en fil. Lämna id tomt för att "
                    "byta kontaktperson, eller rätta uppgifterna i formuläret."
                )
                % {"id": instance.pk}
            )
        if instance._id_in_file:
            raise _row_error(
                _("Det finns ingen kontaktperson med id %(id)s; lämna id tomt för en ny.")
                % {"id": instance.pk}
            )
        if instance.role not in ContactPerson.Role.values:
            raise ValidationError(
                {
                    "role": _("Okänd roll ”%(role)s”; ange politiker eller tjänsteperson.")
                    % {"role": instance.role}
                }
            )
        if instance.ended_on is not None:
            raise ValidationError(
                {"ended_on": _("En ny kontaktperson är nuvarande; lämna ”till” tom.")}
            )

    def save_instance(self, instance, is_create, row, **kwargs):
        """The one write: the contact service, as "Byt kontaktperson" calls it."""
        contact = contact_person_replace(
            membership=instance.membership,
            role=instance.role,
            details=ContactDetails(**{name: getattr(instance, name) for name in DETAIL_FIELDS}),
            started_on=instance.started_on or timezone.localdate(),
            site_url=self.site_url,
        )
        _copy_saved(saved=contact, onto=instance)

    def _current_in_role(self, instance) -> ContactPerson | None:
        if instance.membership_id is None:
            return None
        return (
            ContactPerson.objects.current()
            .filter(membership_id=instance.membership_id, role=instance.role)
            .first()
        )
