"""Applications and the board's decisions on them (approve, reject)."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Value, When
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from common.admin_pages import AdminViewsMixin
from members.admin.base import decision_action, site_url
from members.collation import swedish
from members.forms import BoardDecisionForm, RejectionForm
from members.models import Membership, MembershipApplication
from members.services import memberships_approve, memberships_reject


class ApplicationStatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [
            (Membership.Status.APPLIED, _("väntar på beslut")),
            ("approved", _("godkänd")),
            (Membership.Status.REJECTED, _("avslagen")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "approved":
            return queryset.filter(
                membership__status__in=[Membership.Status.ACTIVE, Membership.Status.RESIGNED]
            )
        if value in {Membership.Status.APPLIED, Membership.Status.REJECTED}:
            return queryset.filter(membership__status=value)
        return queryset


PENDING_FIRST = Case(
    When(membership__status=Membership.Status.APPLIED, then=Value(0)),
    default=Value(1),
    output_field=IntegerField(),
)
DOCUMENT_FIELDS = {"beslut": "decision_document", "program": "programme_document"}


@admin.register(MembershipApplication)
class MembershipApplicationAdmin(AdminViewsMixin, admin.ModelAdmin):
    """Pending applications first; the board's decision is taken with the two actions."""

    list_display = [
        "organisation",
        "county",
        "status",
        "submitted_at",
        "duplicate",
        "documents",
        "board_decision",
    ]
    list_display_links = ["organisation"]
    list_filter = [
        ApplicationStatusFilter,
        ("membership__organisation__county", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = [
        "membership__organisation__name",
        "membership__organisation__code",
        "applicant_email",
        "official_name",
        "politician_name",
    ]
    list_select_related = ["membership__organisation__county"]
    actions = ["approve_applications", "reject_applications"]
    fieldsets = [
        (
            _("Ansökan"),
            {
                "fields": [
                    "organisation",
                    "status",
                    "submitted_at",
                    "applicant_email",
                    ("deciding_body", "decided_on"),
                    "documents",
                    "programme_url",
                ]
            },
        ),
        (
            _("Politiker"),
            {
                "fields": [
                    ("politician_name", "politician_title", "politician_party"),
                    ("politician_email", "politician_phone"),
                ]
            },
        ),
        (
            _("Tjänsteperson"),
            {"fields": [("official_name", "official_title"), ("official_email", "official_phone")]},
        ),
        (_("Styrelsens beslut"), {"fields": ["board_decision", "rejection_reason"]}),
    ]
    readonly_fields = [
        "organisation",
        "status",
        "submitted_at",
        "deciding_body",
        "decided_on",
        "documents",
        "programme_url",
        "board_decision",
        "rejection_reason",
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(pending_first=PENDING_FIRST)
            .with_duplicate_flag()
        )

    @admin.display(description=_("dubblett"), boolean=True, ordering="-is_duplicate")
    def duplicate(self, obj):
        # Another application from the same organisation is pending too: only one can be
        # approved; it may be a stranger's or a second try.
        return obj.is_duplicate

    def get_ordering(self, request):
        # Pending applications first, newest first within each group.
        return [PENDING_FIRST.asc(), "-submitted_at"]

    def has_add_permission(self, request):
        return False  # Applications come through the public form at /ansok/.

    def get_readonly_fields(self, request, obj=None):
        # Typos in a pending application can be fixed; a decided one is a record.
        if obj is not None and obj.membership.status != Membership.Status.APPLIED:
            return [
                *self.readonly_fields,
                "applicant_email",
                *MembershipApplication.contact_field_names(),
            ]
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return False  # The application is the record of the board's decision.

    @admin.display(
        description=_("organisation"), ordering=swedish("membership__organisation__name")
    )
    def organisation(self, obj):
        return obj.membership.organisation

    @admin.display(description=_("län"), ordering="membership__organisation__county__code")
    def county(self, obj):
        return obj.membership.organisation.county

    @admin.display(description=_("status"), ordering="pending_first")
    def status(self, obj):
        if obj.membership.status == Membership.Status.APPLIED:
            return _("väntar på beslut")
        if obj.membership.status == Membership.Status.REJECTED:
            return _("avslagen")
        return _("godkänd")

    @admin.display(description=_("dokument"))
    def documents(self, obj):
        links = [
            (reverse("admin:members_membershipapplication_document", args=[obj.pk, kind]), label)
            for kind, label in [("beslut", _("Beslut")), ("program", _("Program"))]
            if getattr(obj, DOCUMENT_FIELDS[kind])
        ]
        if obj.programme_url:
            links.append((obj.programme_url, _("Program (länk)")))
        return format_html_join(" · ", '<a href="{}">{}</a>', links)

    @admin.display(description=_("styrelsens beslut"))
    def board_decision(self, obj):
        return obj.membership.decision_date or "–"

    @admin.display(description=_("skäl för avslag"))
    def rejection_reason(self, obj):
        return obj.membership.rejection_reason or "–"

    admin_views = (
        (
            "<int:pk>/dokument/<str:kind>/",
            "document_view",
            "members_membershipapplication_document",
        ),
    )

    def document_view(self, request, pk: int, kind: str):
        """Uploaded documents are only ever served here, to staff, never as static files."""
        application = get_object_or_404(
            MembershipApplication.objects.select_related("membership__organisation"), pk=pk
        )
        if not self.has_view_permission(request, application):
            raise PermissionDenied
        if kind not in DOCUMENT_FIELDS:
            raise Http404
        document = getattr(application, DOCUMENT_FIELDS[kind])
        if not document:
            raise Http404
        try:
            handle = document.open("rb")
        except FileNotFoundError as error:
            raise Http404 from error
        name = f"{application.membership.organisation.code}-{kind}.pdf"
        return FileResponse(
            handle, as_attachment=True, filename=name, content_type="application/pdf"
        )

    def _memberships(self, queryset):
        return [
            application.membership
            for application in queryset.select_related("membership__organisation").order_by(
                swedish("membership__organisation__name")
            )
        ]

    @admin.action(description=_("Godkänn valda ansökningar"))
    def approve_applications(self, request, queryset):
        return decision_action(
            self,
            request,
            queryset.select_related("membership__organisation"),
            form_class=BoardDecisionForm,
            decide=lambda data: memberships_approve(
                memberships=self._memberships(queryset),
                board_meeting_on=data["board_meeting_on"],
                site_url=site_url(request),
                user=request.user,
            ),
            done_message=lambda done: (
                ngettext(
                    "%(count)d ansökan är godkänd: %(names)s. Den sökande och "
                    "tjänstepersonen har fått e-post.",
                    "%(count)d ansökningar är godkända: %(names)s. De sökande och "
                    "tjänstepersonerna har fått e-post.",
                    len(done),
                )
                % {"count": len(done), "names": ", ".join(m.organisation.name for m in done)}
            ),
            title=_("Godkänn ansökningar"),
            intro=_(
                "Medlemskapet börjar gälla från styrelsemötets datum. Kontaktpersonerna "
                "läggs in, tjänstepersonen får ett konto för att rapportera nyckeltal och "
                "den sökande får beslutet med e-post."
            ),
            submit_label=_("Godkänn"),
        )

    @admin.action(description=_("Avslå valda ansökningar"))
    def reject_applications(self, request, queryset):
        return decision_action(
            self,
            request,
            queryset.select_related("membership__organisation"),
            form_class=RejectionForm,
            decide=lambda data: memberships_reject(
                memberships=self._memberships(queryset),
                board_meeting_on=data["board_meeting_on"],
                reason=data["reason"],
                user=request.user,
            ),
            done_message=lambda done: (
                ngettext(
                    "%(count)d ansökan är avslagen; den sökande har fått e-post.",
                    "%(count)d ansökningar är avslagna; de sökande har fått e-post.",
                    len(done),
                )
                % {"count": len(done)}
            ),
            title=_("Avslå ansökningar"),
            intro=_(
                "Ansökan sparas med styrelsemötets datum och skälet, som skickas till den sökande."
            ),
            submit_label=_("Avslå"),
        )
