"""The office sees who asked whom about what, and when, and how many conversations each figure
started: never the texts (they are the members' own words, kept only for the retention)."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from conversations import selectors
from conversations.models import Question, QuestionPause


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
