from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, Value, When
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import floatformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

import ekokommun.admin_axes  # noqa: F401  (django-axes' admin section in Swedish)
from common.import_formats import FORMATS, SwedishExportMixin
from common.spreadsheets import (
    CSV_CONTENT_TYPE,
    XLSX_CONTENT_TYPE,
    Sheet,
    csv_bytes,
    xlsx_bytes,
)
from ekokommun.admin_guards import ExportMixin, ImportExportMixin
from members.access import access_grant_check
from members.admin_gdpr import CONTACT_ACTIONS
from members.collation import swedish
from members.exports import fee_list_dataset, format_rate
from members.forms import (
    BoardDecisionForm,
    ContactPersonReplaceForm,
    RejectionForm,
    ResignationForm,
)
from members.models import (
    ContactPerson,
    County,
    FeeSchedule,
    Membership,
    MembershipApplication,
    MembershipDecision,
    Municipality,
    OrganisationAccess,
    Population,
)
from members.resources import ContactPersonResource, MembershipResource
from members.selectors import accounts_losing_access, fees_for_year
from members.services import (
    contact_person_replace,
    fee_schedule_copy,
    memberships_approve,
    memberships_reject,
    memberships_resign,
    organisation_access_end,
    organisation_access_grant,
    reporting_account_invite,
)


def _site_url(request) -> str:
    return request.build_absolute_uri("/")


def _errors_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def _decision_action(
    modeladmin,
    request,
    queryset,
    *,
    form_class,
    decide,
    done_message,
    title: str,
    intro: str,
    submit_label: str,
    extra=None,
):
    """One decision action (approve, reject, resign): ask for the date and reason, call the
    membership service with the form's data and the user, report the outcome.

    `decide(data)` calls the service and returns the decided memberships; `done_message(done)`
    says what happened. A refusal from the service is shown on the form, nothing saved.
    """
    form = form_class(request.POST if "apply" in request.POST else None)
    if form.is_bound and form.is_valid():
        try:
            done = decide(form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, _errors_text(error))
        else:
            modeladmin.message_user(request, done_message(done), messages.SUCCESS)
            return None
    return _intermediate_page(
        modeladmin,
        request,
        queryset,
        form=form,
        title=title,
        template="members/admin/action_form.html",
        extra={"intro": intro, "submit_label": submit_label, **(extra or {})},
    )


def _intermediate_page(modeladmin, request, queryset, *, form, title, template, extra=None):
    """The page an action shows to ask for more (a date, a reason) before it acts."""
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "opts": modeladmin.model._meta,
        "objects": list(queryset),
        "form": form,
        "action": request.POST.get("action"),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
        "select_across": request.POST.get("select_across", "0"),
        **(extra or {}),
    }
    return TemplateResponse(request, template, context)


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
        return super().get_queryset(request).with_is_member()

    @admin.display(description=_("medlem"), boolean=True, ordering="is_member")
    def is_member(self, obj):
        return obj.is_member

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
class MembershipAdmin(SwedishExportMixin, ExportMixin, admin.ModelAdmin):
    """A membership's status and dates are the board's decisions: a membership is created by
    an application (the public form at /ansok/) and changes only through the decision actions
    (approve, reject, resign, re-join), which record the decision and handle contact persons
    and logins. So there is no "add" form and no import here, only the export."""

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
        return _decision_action(
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

    def get_urls(self):
        return [
            path(
                "<int:pk>/kontaktperson/",
                self.admin_site.admin_view(self.contact_replace_view),
                name="members_membership_contact_replace",
            ),
            *super().get_urls(),
        ]

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
                    site_url=_site_url(request),
                )
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    form.add_error(None, error)
                else:
                    form.add_error(None, _errors_text(error))
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
class MembershipApplicationAdmin(admin.ModelAdmin):
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

    def get_urls(self):
        return [
            path(
                "<int:pk>/dokument/<str:kind>/",
                self.admin_site.admin_view(self.document_view),
                name="members_membershipapplication_document",
            ),
            *super().get_urls(),
        ]

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
        return _decision_action(
            self,
            request,
            queryset.select_related("membership__organisation"),
            form_class=BoardDecisionForm,
            decide=lambda data: memberships_approve(
                memberships=self._memberships(queryset),
                board_meeting_on=data["board_meeting_on"],
                site_url=_site_url(request),
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
        return _decision_action(
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
                sent.append(reporting_account_invite(contact=contact, site_url=_site_url(request)))
            except ValidationError as error:
                self.message_user(request, _errors_text(error), messages.WARNING)
        if sent:
            self.message_user(
                request,
                _("Länk skickad till %(names)s.") % {"names": ", ".join(c.email for c in sent)},
                messages.SUCCESS,
            )


@admin.register(Population)
class PopulationAdmin(admin.ModelAdmin):
    list_display = ["municipality", "year", "inhabitants"]
    list_filter = ["year", "municipality__county"]
    search_fields = ["municipality__code", "municipality__name"]
    list_select_related = ["municipality"]
    autocomplete_fields = ["municipality"]


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
                access_grant_check(organisation=organisation, level=level)
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


@admin.register(FeeSchedule)
class FeeScheduleAdmin(admin.ModelAdmin):
    list_display = ["year", "fixed", "rate", "ceiling_amount", "decided_on", "fee_list"]
    fields = ["year", "fixed_amount", "per_inhabitant", "ceiling", "decided_on"]
    # Staff type amounts the Swedish way: "0,30".
    formfield_overrides = {models.DecimalField: {"localize": True}}
    actions = ["copy_to_next_year"]

    @admin.display(description=_("fast del (kr)"), ordering="fixed_amount")
    def fixed(self, obj):
        return intcomma(floatformat(obj.fixed_amount, 0))

    @admin.display(description=_("per invånare (kr)"), ordering="per_inhabitant")
    def rate(self, obj):
        return format_rate(obj.per_inhabitant)

    @admin.display(description=_("tak (kr)"), ordering="ceiling")
    def ceiling_amount(self, obj):
        return "–" if obj.ceiling is None else intcomma(floatformat(obj.ceiling, 0))

    @admin.action(description=_("Kopiera vald avgiftsmodell till nästa år"))
    def copy_to_next_year(self, request, queryset):
        for schedule in queryset.order_by("year"):
            try:
                copy = fee_schedule_copy(schedule=schedule, to_year=schedule.year + 1)
            except ValidationError as error:
                self.message_user(request, _errors_text(error), messages.ERROR)
            else:
                self.message_user(
                    request,
                    _(
                        "Avgiftsmodellen för %(year)s är kopierad från %(from)s; fyll i när "
                        "årsmötet beslutade den."
                    )
                    % {"year": copy.year, "from": schedule.year},
                    messages.SUCCESS,
                )

    @admin.display(description=_("avgiftslista"))
    def fee_list(self, obj):
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">CSV</a> · <a href="{}">XLSX</a>',
            reverse("admin:members_feeschedule_fee_list", args=[obj.year]),
            _("Visa"),
            reverse("admin:members_feeschedule_export", args=[obj.year, "csv"]),
            reverse("admin:members_feeschedule_export", args=[obj.year, "xlsx"]),
        )

    def get_urls(self):
        return [
            path(
                "<int:year>/avgiftslista/",
                self.admin_site.admin_view(self.fee_list_view),
                name="members_feeschedule_fee_list",
            ),
            path(
                "<int:year>/avgiftslista.<str:file_format>",
                self.admin_site.admin_view(self.export_view),
                name="members_feeschedule_export",
            ),
            *super().get_urls(),
        ]

    def fee_list_view(self, request, year: int):
        if not self.has_view_permission(request):
            raise PermissionDenied
        fees = fees_for_year(year=year)
        if fees["schedule"] is None:
            raise Http404
        context = {
            **self.admin_site.each_context(request),
            "title": _("Avgiftslista %(year)s") % {"year": year},
            "opts": self.model._meta,
            "fees": fees,
            "rate": format_rate(fees["schedule"]["per_inhabitant"]),
        }
        return TemplateResponse(request, "members/admin/fee_list.html", context)

    def export_view(self, request, year: int, file_format: str):
        if not self.has_view_permission(request):
            raise PermissionDenied
        if file_format not in {"csv", "xlsx"}:
            raise Http404
        fees = fees_for_year(year=year)
        if fees["schedule"] is None:
            raise Http404
        dataset = fee_list_dataset(fees)
        # The shared writer: names and e-mail addresses never run as formulas, amounts stay
        # numbers; CSV with a BOM and semicolons for Excel with Swedish settings.
        if file_format == "csv":
            content = csv_bytes(dataset, header=dataset.headers)
            content_type = CSV_CONTENT_TYPE
        else:
            sheet = Sheet(title=dataset.title, header=dataset.headers, rows=dataset)
            content = xlsx_bytes([sheet])
            content_type = XLSX_CONTENT_TYPE
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = (
            f'attachment; filename="medlemsavgifter-{year}.{file_format}"'
        )
        return response
