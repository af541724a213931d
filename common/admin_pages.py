"""The Django admin's intermediate page for an action that asks for more before it acts (a
date, a reason, a typed count): both apps' actions show it the same way."""

from django.contrib.admin import helpers
from django.template.response import TemplateResponse


def intermediate_page(modeladmin, request, queryset, *, form, title, template, extra=None):
    """The page an action shows to ask for more (a date, a reason) before it acts. It posts the
    selection back to the same action (templates/admin/_action_submit.html)."""
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
