"""The office's moderation queue: submitted examples are published or rejected here, through
the services (which check that the user acts as the office)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from examples import services
from examples.models import GoodExample, GoodExampleAttachment, GoodExampleLink


class LinkInline(admin.TabularInline):
    model = GoodExampleLink
    extra = 0


class AttachmentInline(admin.TabularInline):
    model = GoodExampleAttachment
    extra = 0
    fields = ("name", "content_type", "size", "download")
    readonly_fields = ("name", "content_type", "size", "download")

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # attachments come through the member's form, checked by content

    @admin.display(description=_("fil"))
    def download(self, obj):
        if obj.example.is_public:
            url = reverse("good_example_attachment", args=[obj.example_id, obj.pk])
            return format_html('<a href="{}">{}</a>', url, _("Öppna"))
        return _("visas när exemplet är publicerat")


@admin.register(GoodExample)
class GoodExampleAdmin(admin.ModelAdmin):
    list_display = ("title", "organisation", "indicator", "years_label", "status", "submitted_at")
    list_filter = ("status", "indicator__code", "organisation__county")
    search_fields = ("title", "text", "organisation__name", "indicator__code")
    list_select_related = ("organisation", "indicator")
    readonly_fields = (
        "status",
        "created_by",
        "created_at",
        "submitted_at",
        "published_at",
        "published_by",
    )
    autocomplete_fields = ()
    raw_id_fields = ("organisation", "indicator")
    inlines = [LinkInline, AttachmentInline]
    actions = ["publish", "reject"]

    def _apply(self, request, queryset, write, done: str) -> None:
        count = 0
        for example in queryset:
            try:
                write(user=request.user, example=example)
            except (ValidationError, PermissionDenied) as error:
                self.message_user(
                    request,
                    f"{example}: {' '.join(getattr(error, 'messages', [str(error)]))}",
                    messages.ERROR,
                )
            else:
                count += 1
        if count:
            self.message_user(request, done % {"n": count}, messages.SUCCESS)

    @admin.action(description=_("Publicera"), permissions=["change"])
    def publish(self, request, queryset):
        self._apply(
            request, queryset, services.good_example_publish, _("%(n)s exempel publicerade.")
        )

    @admin.action(description=_("Avvisa"), permissions=["change"])
    def reject(self, request, queryset):
        self._apply(request, queryset, services.good_example_reject, _("%(n)s exempel avvisade."))
