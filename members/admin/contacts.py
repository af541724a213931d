"""Contact persons: the list, corrections, the export and the import (through the service)."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from common.import_formats import FORMATS, SwedishExportMixin
from ekokommun.admin_guards import ImportExportMixin
from members.admin.base import errors_text, site_url
from members.admin_gdpr import CONTACT_ACTIONS
from members.collation import swedish
from members.models import ContactPerson
from members.resources import ContactPersonResource
from members.services import reporting_account_invite


@admin.register(ContactPerson)
class ContactPersonAdmin(SwedishExportMixin, ImportExportMixin, admin.ModelAdmin):
    resource_classes = [ContactPersonResource]
    formats = FORMATS
    list_display = ["name", "role", "organisation", "title", "email", "phone", "ended_on"]
    list_filter = [
        "role",
        ("ended_on", admin.EmptyFieldListFilter),
        "membership__organisation__county",
    ]
    search_fields = [
        "name",
        "email",
        "membership__organisation__name",
        "membership__organisation__code",
    ]
    list_select_related = ["membership__organisation"]
    raw_id_fields = ["membership", "user"]
    actions = ["send_account_link", *CONTACT_ACTIONS]
    # Who holds a role, and from when to when, changes only through contact_person_replace
    # ("Byt kontaktperson" on the membership, or a file import): that keeps one current person
    # per role and the history. Here the office corrects a person's details.
    readonly_fields = ["membership", "role", "user", "started_on", "ended_on"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # Personal data goes through the erasure and anonymisation actions, which keep the
        # history readable; a plain delete would not.
        return False

    def get_import_resource_kwargs(self, request, **kwargs):
        # A new official imported from a file gets the same e-mail link as on "Byt
        # kontaktperson": to the address the office opened the admin at.
        return {
            **super().get_import_resource_kwargs(request, **kwargs),
            "site_url": site_url(request),
        }

    @admin.display(
        description=_("organisation"), ordering=swedish("membership__organisation__name")
    )
    def organisation(self, obj):
        return obj.membership.organisation

    @admin.action(description=_("Skicka ny länk för att välja lösenord (tjänsteperson)"))
    def send_account_link(self, request, queryset):
        sent = []
        for contact in queryset:
            try:
                sent.append(reporting_account_invite(contact=contact, site_url=site_url(request)))
            except ValidationError as error:
                self.message_user(request, errors_text(error), messages.WARNING)
        if sent:
            self.message_user(
                request,
                _("Länk skickad till %(names)s.") % {"names": ", ".join(c.email for c in sent)},
                messages.SUCCESS,
            )
