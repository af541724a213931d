"""The register: counties, municipalities and regions, and their populations."""

from django.contrib import admin
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.utils.translation import gettext_lazy as _

from members.collation import swedish
from members.models import County, Membership, Municipality, Population


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
    """The organisation's membership periods, read-only: status and dates change only through
    the decision actions (approve, reject, resign), which also record the decision and handle
    contact persons and logins."""

    model = Membership
    extra = 0
    max_num = 0
    can_delete = False
    fields = ["status", "applied_on", "decision_date", "joined_on", "left_on"]
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


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

    def get_search_results(self, request, queryset, search_term):
        # "Eda" finds Eda first, then names that begin with it, then the rest (Hedemora):
        # what someone typing a name in the autocomplete field expects.
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if term:
            queryset = queryset.annotate(
                search_rank=Case(
                    When(Q(name__iexact=term) | Q(code=term), then=Value(0)),
                    When(name__istartswith=term, then=Value(1)),
                    default=Value(2),
                    output_field=IntegerField(),
                )
            ).order_by("search_rank", swedish("name"))
        return queryset, may_have_duplicates


@admin.register(Population)
class PopulationAdmin(admin.ModelAdmin):
    list_display = ["municipality", "year", "inhabitants"]
    list_filter = ["year", "municipality__county"]
    search_fields = ["municipality__code", "municipality__name"]
    list_select_related = ["municipality"]
    autocomplete_fields = ["municipality"]
