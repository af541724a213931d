"""Access to organisations' figures: granted and ended through the access services."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from members.models import OrganisationAccess
from members.services import (
    organisation_access_check,
    organisation_access_end,
    organisation_access_grant,
)


class AccessCurrentFilter(admin.SimpleListFilter):
    title = _("giltighet")
    parameter_name = "giltig"

    def lookups(self, request, model_admin):
        return [("ja", _("nuvarande")), ("nej", _("avslutade"))]

    def queryset(self, request, queryset):
        if self.value() == "ja":
            return queryset.current()
        if self.value() == "nej":
            return queryset.ended()
        return queryset


class OrganisationAccessForm(forms.ModelForm):
    class Meta:
        model = OrganisationAccess
        fields = ["user", "organisation", "level"]

    def clean(self):
        cleaned = super().clean()
        organisation, level = cleaned.get("organisation"), cleaned.get("level")
        if organisation is not None and level:
            try:
                organisation_access_check(organisation=organisation, level=level)
            except ValidationError as error:
                self.add_error(None, error)  # keyed errors land beside their field
        return cleaned


@admin.register(OrganisationAccess)
class OrganisationAccessAdmin(admin.ModelAdmin):
    """Access is granted through the access service (reporters only for current members) and
    ended, never deleted: an ended row is the history of who could report."""

    form = OrganisationAccessForm
    list_display = ["user", "organisation", "level", "created_at", "ended_on", "ended_reason"]
    list_filter = [AccessCurrentFilter, "level", "organisation__county"]
    search_fields = ["user__username", "user__email", "organisation__code", "organisation__name"]
    list_select_related = ["user", "organisation"]
    autocomplete_fields = ["user", "organisation"]
    readonly_fields = ["created_at", "ended_on", "ended_reason"]
    actions = ["end_access"]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.ended_on is not None:
            return [*readonly, "user", "organisation", "level"]  # history, not to be edited
        return [*readonly, "user", "organisation"] if obj else readonly

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        saved = organisation_access_grant(
            user=obj.user, organisation=obj.organisation, level=obj.level
        )
        obj.pk = saved.pk

    @admin.action(description=_("Avsluta vald behörighet"))
    def end_access(self, request, queryset):
        ended = 0
        for access in queryset.current():
            organisation_access_end(access=access)
            ended += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d behörighet är avslutad.", "%(count)d behörigheter är avslutade.", ended
            )
            % {"count": ended},
            messages.SUCCESS,
        )
