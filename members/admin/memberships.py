"""Memberships: the list, the read-only record of decisions, resignation and the contact
person replacement screen."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from common.admin_pages import AdminViewsMixin
from common.import_formats import FORMATS, SwedishExportMixin
from ekokommun.admin_guards import ExportMixin
from members.admin.base import decision_action, errors_text, site_url
from members.collation import swedish
from members.forms import ContactPersonReplaceForm, ResignationForm
from members.models import ContactPerson, Membership, MembershipDecision
from members.resources import MembershipResource
from members.selectors import accounts_losing_access
from members.services import contact_person_replace, memberships_resign


class ContactPersonInline(admin.StackedInline):
    """Contact details can be corrected here; a new person in a role goes through "Byt
    kontaktperson", which keeps the previous one as history and both roles filled."""

    model = ContactPerson
    extra = 0
    can_delete = False
    fields = [
        ("role", "name", "title"),
        ("email", "phone", "party"),
        ("started_on", "ended_on"),
        "user",
    ]
    readonly_fields = ["role", "started_on", "ended_on", "user"]

    def has_add_permission(self, request, obj=None):
        return False


class MembershipDecisionInline(admin.TabularInline):
    """The decisions about this membership, as recorded by the services: read-only."""

    model = MembershipDecision
    extra = 0
    max_num = 0
    can_delete = False
    fields = ["kind", "board_meeting_on", "effective_on", "reason", "decided_by", "recorded_at"]
    readonly_fields = fields
    ordering = ["recorded_at", "pk"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class MissingContactFilter(admin.SimpleListFilter):
    title = _("kontaktpersoner")
    parameter_name = "kontakter"

    def lookups(self, request, model_admin):
        return [
            ("saknas", _("aktiv medlem som saknar någon")),
            ("kompletta", _("båda rollerna finns")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "saknas":
            return queryset.active().filter(Q(has_politician=False) | Q(has_official=False))
        if self.value() == "kompletta":
            return queryset.filter(has_politician=True, has_official=True)
        return queryset


def _current_contact(role: str):
    return Exists(
        ContactPerson.objects.filter(membership=OuterRef("pk"), role=role, ended_on__isnull=True)
    )


@admin.register(Membership)
class MembershipAdmin(AdminViewsMixin, SwedishExportMixin, ExportMixin, admin.ModelAdmin):
    """A membership's status and dates are the board's decisions: a membership is created by
    an application (the public form at /ansok/) and changes only through the decision actions
    (approve, reject, resign, re-join), which record the decision and handle contact persons
    and logins. So there is no "add" form, no import and no delete here, only the export."""

    resource_classes = [MembershipResource]
    formats = FORMATS
    list_display = [
        "organisation",
        "county",
        "status",
        "applied_on",
        "joined_on",
        "left_on",
        "missing_contacts",
    ]
    list_filter = ["status", MissingContactFilter, "organisation__county", "organisation__kind"]
    search_fields = ["organisation__code", "organisation__name"]
    list_select_related = ["organisation__county"]
    autocomplete_fields = ["organisation"]
    date_hierarchy = "applied_on"
    inlines = [ContactPersonInline, MembershipDecisionInline]
    readonly_fields = ["contact_tools", "application_link"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "organisation",
                    "status",
                    ("applied_on", "decision_date"),
                    ("joined_on", "left_on"),
                    "application_link",
                    "contact_tools",
                ]
            },
        ),
        (
            _("Avslag och utträde"),
            {"fields": ["rejection_reason", "resignation_decision"], "classes": ["collapse"]},
        ),
    ]
    actions = ["resign_memberships"]

    def has_add_permission(self, request):
        return False  # a new membership begins as an application (see the class docstring)

    def has_delete_permission(self, request, obj=None):
        # A membership ends through the resignation (membership_resign), which keeps it, its
        # contact persons and figures as history; deleting it would erase the board's
        # decisions. Retention removes rejected ones through members.gdpr.
        return False

    def get_readonly_fields(self, request, obj=None):
        # A saved membership changes status only through the services (the application
        # decisions and the resign action), which also handle contacts, accounts and e-mail.
        # Dates and reasons are part of those decisions too.
        readonly = list(super().get_readonly_fields(request, obj))
        decided = [
            "organisation",
            "status",
            "applied_on",
            "decision_date",
            "joined_on",
            "left_on",
            "rejection_reason",
            "resignation_decision",
        ]
        return [*readonly, *decided] if obj else readonly

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                has_politician=_current_contact(ContactPerson.Role.POLITICIAN),
                has_official=_current_contact(ContactPerson.Role.OFFICIAL),
            )
        )

    @admin.display(description=_("län"), ordering="organisation__county__code")
    def county(self, obj):
        return obj.organisation.county

    @admin.display(description=_("saknar kontaktperson"))
    def missing_contacts(self, obj):
        if obj.status != Membership.Status.ACTIVE:
            return ""
        missing = []
        if not obj.has_politician:
            missing.append(ContactPerson.Role.POLITICIAN.label)
        if not obj.has_official:
            missing.append(ContactPerson.Role.OFFICIAL.label)
        return ", ".join(str(role) for role in missing) or "–"

    @admin.display(description=_("kontaktpersoner"))
    def contact_tools(self, obj):
        if obj.pk is None or obj.status != Membership.Status.ACTIVE:
            return "–"
        url = reverse("admin:members_membership_contact_replace", args=[obj.pk])
        return format_html('<a class="button" href="{}">{}</a>', url, _("Byt kontaktperson"))

    @admin.display(description=_("ansökan"))
    def application_link(self, obj):
        application = getattr(obj, "application", None) if obj.pk else None
        if application is None:
            return "–"
        url = reverse("admin:members_membershipapplication_change", args=[application.pk])
        return format_html('<a href="{}">{}</a>', url, _("Visa ansökan och dokument"))

    @admin.action(description=_("Registrera utträde för valda medlemmar"))
    def resign_memberships(self, request, queryset):
        queryset = queryset.select_related("organisation").order_by(swedish("organisation__name"))
        memberships = list(queryset)
        return decision_action(
            self,
            request,
            queryset,
            form_class=ResignationForm,
            decide=lambda data: memberships_resign(
                memberships=memberships,
                left_on=data["left_on"],
                decision=data["decision"],
                board_meeting_on=data.get("board_meeting_on"),
                user=request.user,
            ),
            done_message=lambda done: (
                ngettext(
                    "Utträdet är registrerat för %(count)d medlem.",
                    "Utträdet är registrerat för %(count)d medlemmar.",
                    len(done),
                )
                % {"count": len(done)}
            ),
            title=_("Registrera utträde"),
            intro=_(
                "Medlemmarna försvinner från medlemslistan. Medlemskapet, kontaktpersonerna "
                "och alla nyckeltal finns kvar som historik, och kommunen kan ansöka igen."
            ),
            submit_label=_("Registrera utträde"),
            extra={"losing_access": accounts_losing_access(memberships=memberships)},
        )

    def history_view(self, request, object_id, extra_context=None):
        # The membership's history is the board's and the office's decisions about it.
        membership = self.get_object(request, object_id)
        decisions = (
            list(membership.decisions.select_related("decided_by").order_by("recorded_at", "pk"))
            if membership is not None
            else []
        )
        return super().history_view(
            request, object_id, extra_context={"decisions": decisions, **(extra_context or {})}
        )

    admin_views = (
        ("<int:pk>/kontaktperson/", "contact_replace_view", "members_membership_contact_replace"),
    )

    def contact_replace_view(self, request, pk: int):
        membership = get_object_or_404(Membership.objects.select_related("organisation"), pk=pk)
        if not self.has_change_permission(request, membership):
            raise PermissionDenied
        form = ContactPersonReplaceForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                contact = contact_person_replace(
                    membership=membership,
                    role=form.cleaned_data["role"],
                    details=form.details(),
                    started_on=form.cleaned_data["started_on"],
                    site_url=site_url(request),
                )
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    form.add_error(None, error)
                else:
                    form.add_error(None, errors_text(error))
            else:
                self.message_user(
                    request,
                    _("%(name)s är nu %(role)s för %(org)s.")
                    % {
                        "name": contact.name,
                        "role": contact.get_role_display(),
                        "org": membership.organisation.name,
                    },
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse("admin:members_membership_change", args=[membership.pk])
                )
        current = list(membership.contact_persons.current().order_by("role"))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Byt kontaktperson för %(org)s") % {"org": membership.organisation.name},
            "opts": self.model._meta,
            "original": membership,
            "form": form,
            "current": current,
        }
        return TemplateResponse(request, "members/admin/contact_replace.html", context)
