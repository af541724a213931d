"""The office sees who asked whom about what, and when, and how many conversations each figure
started: never the texts (they are the members' own words, kept only for the retention)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from conversations import selectors, summaries
from conversations.models import (
    DigestSubscription,
    MailOptOut,
    Question,
    QuestionPause,
    YearSummarySent,
)
from members.models import Municipality


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ("sent_at", "asking_organisation", "receiver", "indicator", "to_politician")
    list_filter = ("indicator__revision", "indicator__code")
    search_fields = ("asking_organisation__name", "receiver__name", "indicator__code")
    date_hierarchy = "sent_at"
    # Metadata only: the form has no message field at all.
    fields = ("sent_at", "asker", "asking_organisation", "receiver", "indicator", "year",
              "to_politician", "text_removed_on")  # fmt: skip
    readonly_fields = fields
    list_select_related = ("asking_organisation", "receiver", "indicator")
    change_list_template = "admin/conversations/question/change_list.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_urls(self):
        counts = path(
            "antal/",
            self.admin_site.admin_view(self.counts_view),
            name="conversations_question_counts",
        )
        return [counts, *super().get_urls()]

    def counts_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": _("Samtal som nyckeltalen startat"),
            "rows": selectors.question_counts(),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/conversations/question/counts.html", context)


@admin.register(QuestionPause)
class QuestionPauseAdmin(admin.ModelAdmin):
    list_display = ("organisation", "until", "set_at")
    readonly_fields = ("organisation", "until", "message", "set_by", "set_at")

    def has_add_permission(self, request):
        return False


class SummaryYearForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Medlem"),
        queryset=Municipality.objects.active_members().in_swedish_order(),
        required=False,
        help_text=_("För förhandsgranskningen."),
    )
    year = forms.IntegerField(
        label=_("År"), min_value=1990, max_value=2100, initial=lambda: timezone.localdate().year - 1
    )


@admin.register(YearSummarySent)
class YearSummarySentAdmin(admin.ModelAdmin):
    """Sent summaries; a preview of any member's e-mail, and sending a year to all members."""

    list_display = ("organisation", "year", "sent_at", "sent_by", "recipients")
    list_filter = ("year",)
    readonly_fields = ("organisation", "year", "sent_at", "sent_by", "recipients")
    change_list_template = "admin/conversations/yearsummarysent/change_list.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path(
                "forhandsgranska/",
                self.admin_site.admin_view(self.preview_view),
                name="conversations_yearsummary_preview",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request):
        """Shows the e-mail a member's contact persons get (or got) for a year; with "send to
        all", sends that year's summary to every current member's contact persons."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = SummaryYearForm(request.POST or request.GET or None)
        preview = []
        if form.is_valid():
            year = form.cleaned_data["year"]
            if request.method == "POST" and "send_all" in request.POST:
                count = summaries.year_summary_send_all(year=year, user=request.user)
                messages.success(
                    request,
                    ngettext(
                        "Sammanfattningen för %(year)d är köad till "
                        "%(count)d medlems kontaktpersoner.",
                        "Sammanfattningen för %(year)d är köad till "
                        "%(count)d medlemmars kontaktpersoner.",
                        count,
                    )
                    % {"year": year, "count": count},
                )
                return redirect("admin:conversations_yearsummarysent_changelist")
            organisation = form.cleaned_data["organisation"]
            if organisation is not None:
                preview = [
                    {
                        "to": ", ".join(message.to),
                        "subject": message.subject,
                        "text": message.body,
                        "html": message.alternatives[0][0],
                    }
                    for message in summaries.year_summary_messages(
                        organisation=organisation, year=year
                    )
                ]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Årssammanfattning: förhandsgranska och skicka"),
            "opts": self.model._meta,
            "form": form,
            "preview": preview,
            "asked": form.is_bound and form.is_valid() and form.cleaned_data["organisation"],
        }
        return TemplateResponse(
            request, "admin/conversations/yearsummarysent/preview.html", context
        )


@admin.register(DigestSubscription)
class DigestSubscriptionAdmin(admin.ModelAdmin):
    list_display = ("user", "language", "created_at")
    readonly_fields = ("user", "language", "created_at")

    def has_add_permission(self, request):
        return False


@admin.register(MailOptOut)
class MailOptOutAdmin(admin.ModelAdmin):
    list_display = ("email", "kind", "created_at")
    list_filter = ("kind",)
    search_fields = ("email",)
    readonly_fields = ("email", "kind", "created_at")

    def has_add_permission(self, request):
        return False
