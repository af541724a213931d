"""django-import-export resources for the admin's member lists: memberships and contacts."""

from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from common.import_formats import SwedishSheetMixin
from members.models import ContactPerson, Membership, Municipality

DATE = widgets.DateWidget(format="%Y-%m-%d")
TEXT = widgets.CharWidget()  # an empty cell is "", as in the form


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


class MembershipResource(SwedishSheetMixin, resources.ModelResource):
    id = fields.Field(attribute="id", column_name="id", widget=widgets.IntegerWidget())
    organisation = fields.Field(
        attribute="organisation", column_name="kommunkod", widget=OrganisationWidget()
    )
    organisation_name = fields.Field(
        attribute="organisation__name", column_name="kommun", readonly=True
    )
    county = fields.Field(attribute="organisation__county__name", column_name="län", readonly=True)
    kind = fields.Field(attribute="organisation__kind", column_name="typ", readonly=True)
    status = fields.Field(
        attribute="status", column_name="status", widget=ChoiceLabelWidget(Membership.Status)
    )
    applied_on = fields.Field(attribute="applied_on", column_name="ansökt den", widget=DATE)
    decision_date = fields.Field(
        attribute="decision_date", column_name="styrelsens beslut", widget=DATE
    )
    joined_on = fields.Field(attribute="joined_on", column_name="medlem sedan", widget=DATE)
    left_on = fields.Field(attribute="left_on", column_name="utträde den", widget=DATE)

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
        import_id_fields = ("id",)
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def get_queryset(self):
        return Membership.objects.select_related("organisation__county")

    def before_import(self, dataset, **kwargs):
        add_missing_columns(dataset, ["id"])  # a new list without ids adds rows


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


class ContactPersonResource(SwedishSheetMixin, resources.ModelResource):
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
        clean_model_instances = True

    def get_queryset(self):
        return ContactPerson.objects.select_related("membership__organisation")

    def before_import(self, dataset, **kwargs):
        add_missing_columns(dataset, ["id", "kommunkod", "medlemskap"])
