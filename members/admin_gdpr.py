"""The admin's personal-data pieces (GDPR), kept apart from the members/admin/ package:

- the page /admin/personuppgifter/: the register of what is held, where and why, with the
  register extract (Art. 15, one JSON file) and the erasure (Art. 17) for an e-mail address;
- actions on contact persons that lead there.

(Deleting a membership with an application, or an application, is not offered in the admin:
the application is the record of the board's decision. Retention deletes them through
members.gdpr, which deletes their files too.)
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from members.gdpr import (
    REGISTER,
    personal_data_erase,
    register_extract,
    register_extract_json,
)

EXTRACT_PERMISSIONS = ("members.view_contactperson", "auth.view_user")
ERASE_PERMISSIONS = ("members.change_contactperson", "auth.delete_user")


def _extract_response(email: str) -> HttpResponse:
    response = HttpResponse(
        register_extract_json(email=email), content_type="application/json; charset=utf-8"
    )
    safe = "".join(ch if ch.isalnum() or ch in "@.-_" else "_" for ch in email)[:80]
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="registerutdrag-{safe}-{day}.json"'
    response["Cache-Control"] = "no-store"
    return response


def _summary(email: str) -> dict:
    data = register_extract(email=email)
    return {
        key: len(data[key])
        for key in ("contact_persons", "applications", "accounts", "history_as_author")
    }


def personal_data(request):
    """The register and, for one e-mail address, the extract or the erasure (with a
    confirmation step that shows what will go)."""
    if not request.user.has_perms(EXTRACT_PERMISSIONS):
        raise PermissionDenied
    email = (request.POST.get("email") or request.GET.get("email") or "").strip()
    context = {
        **admin.site.each_context(request),
        "title": _("Personuppgifter"),
        "email": email,
        "may_erase": request.user.has_perms(ERASE_PERMISSIONS),
        "register": REGISTER,
    }
    if request.method == "POST" and email:
        step = request.POST.get("step")
        if step == "extract":
            return _extract_response(email)
        if not context["may_erase"]:
            raise PermissionDenied
        if step == "erase" and request.POST.get("confirm") == "yes":
            try:
                result = personal_data_erase(email=email)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(
                    request,
                    _(
                        "Personuppgifterna för %(email)s är raderade: %(contacts)s "
                        "kontaktpersoner och %(applications)s ansökningar anonymiserade, "
                        "%(accounts)s konton borttagna."
                    )
                    % {"email": email, **result.__dict__},
                )
            return HttpResponseRedirect(reverse("admin_personal_data"))
        if step in ("erase", "preview"):
            context["preview"] = _summary(email)
    return TemplateResponse(request, "members/admin/personal_data.html", context)


@admin.action(description=gettext_lazy("Registerutdrag (JSON) för markerade personers e-post"))
def contact_register_extract(modeladmin, request, queryset):
    if not request.user.has_perms(EXTRACT_PERMISSIONS):
        raise PermissionDenied
    emails = sorted({c.email.lower() for c in queryset if c.email})
    if len(emails) != 1:
        modeladmin.message_user(
            request, _("Markera en person (en e-postadress) åt gången."), messages.WARNING
        )
        return None
    return _extract_response(emails[0])


@admin.action(description=gettext_lazy("Radera personuppgifter (registrerades begäran)"))
def contact_erase(modeladmin, request, queryset):
    emails = sorted({c.email.lower() for c in queryset if c.email})
    if len(emails) != 1:
        modeladmin.message_user(
            request, _("Markera en person (en e-postadress) åt gången."), messages.WARNING
        )
        return None
    query = urlencode({"email": emails[0]})
    return HttpResponseRedirect(f"{reverse('admin_personal_data')}?{query}")


CONTACT_ACTIONS = [contact_register_extract, contact_erase]
