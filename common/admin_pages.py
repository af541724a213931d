"""The Django admin's own extra pages: their URLs, and the intermediate page for an action that
asks for more before it acts (a date, a reason, a typed count). Both apps' admins use them."""

from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.urls import URLPattern, path


class AdminViewsMixin:
    """A model admin's extra views, listed as `admin_views`: (route, view method's name, URL
    name). Each is behind the admin's login check, like the admin's own pages, and comes before
    the admin's URLs, whose catch-all would otherwise take the route for an object's id."""

    admin_views: tuple[tuple[str, str, str], ...] = ()

    def get_urls(self) -> list[URLPattern]:
        return [
            *(
                path(route, self.admin_site.admin_view(getattr(self, view)), name=name)
                for route, view, name in self.admin_views
            ),
            *super().get_urls(),
        ]


def intermediate_page(modeladmin, request, queryset, *, form, title, template, extra=None):
    """The page an action shows to ask for more (a date, a reason) before it acts. It posts the
    selection back to the same action (templates/admin/action_page.html)."""
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
