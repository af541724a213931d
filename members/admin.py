from django.contrib import admin
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin

from ekokommun.import_formats import FORMATS
from members.models import (
    ContactPerson,
    County,
    DemoDataset,
    Membership,
    Municipality,
    OrganisationAccess,
    Population,
)
from members.resources import ContactPersonResource, MembershipResource


@admin.register(County)
class CountyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "short_name", "organisation_count"]
    search_fields = ["code", "name"]
    ordering = ["code"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(organisation_count=Count("organisations"))

    @admin.display(description=_("kommuner och regioner"), ordering="organisation_count")
    def organisation_count(self, obj):
        return obj.organisation_count


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["status", "applied_on", "decision_date", "joined_on", "left_on"]
    show_change_link = True


class PopulationInline(admin.TabularInline):
    model = Population
    extra = 0
    ordering = ["-year"]


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "county", "kind", "is_member"]
    list_filter = ["kind", "county"]
    search_fields = ["code", "name"]
    list_select_related = ["county"]
    inlines = [MembershipInline, PopulationInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(active_count=Count("memberships", filter=Q(memberships__status="active")))
        )

    @admin.display(description=_("medlem"), boolean=True, ordering="active_count")
    def is_member(self, obj):
        return obj.active_count > 0


class ContactPersonInline(admin.StackedInline):
    model = ContactPerson
    extra = 0
    fields = [
        ("role", "name", "title"),
        ("email", "phone", "party"),
        ("started_on", "ended_on"),
        "user",
    ]
    raw_id_fields = ["user"]


@admin.register(Membership)
class MembershipAdmin(ImportExportMixin, admin.ModelAdmin):
    resource_classes = [MembershipResource]
    formats = FORMATS
    list_display = ["organisation", "county", "status", "applied_on", "joined_on", "left_on"]
    list_filter = ["status", "organisation__county", "organisation__kind"]
    search_fields = ["organisation__code", "organisation__name"]
    list_select_related = ["organisation__county"]
    autocomplete_fields = ["organisation"]
    date_hierarchy = "applied_on"
    inlines = [ContactPersonInline]

    @admin.display(description=_("län"), ordering="organisation__county__code")
    def county(self, obj):
        return obj.organisation.county


@admin.register(ContactPerson)
class ContactPersonAdmin(ImportExportMixin, admin.ModelAdmin):
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

    @admin.display(description=_("organisation"), ordering="membership__organisation__name")
    def organisation(self, obj):
        return obj.membership.organisation


@admin.register(Population)
class PopulationAdmin(admin.ModelAdmin):
    list_display = ["municipality", "year", "inhabitants"]
    list_filter = ["year", "municipality__county"]
    search_fields = ["municipality__code", "municipality__name"]
    list_select_related = ["municipality"]
    autocomplete_fields = ["municipality"]


@admin.register(DemoDataset)
class DemoDatasetAdmin(admin.ModelAdmin):
    list_display = ["created_at", "parameters"]
    readonly_fields = ["created_at", "parameters"]


@admin.register(OrganisationAccess)
class OrganisationAccessAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "level", "created_at"]
    list_filter = ["level", "organisation__county"]
    search_fields = ["user__username", "user__email", "organisation__code", "organisation__name"]
    list_select_related = ["user", "organisation"]
    autocomplete_fields = ["organisation"]
    raw_id_fields = ["user"]
