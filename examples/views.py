"""Good examples: the knowledge bank (public), one example's page, its attachments, and the
form where a member's reporter describes one.

URLs (under /goda-exempel/):
- ``/goda-exempel/``: the bank, ``?q=`` text, ``?nyckeltal=`` figure, ``?lan=`` county,
  ``?storlek=`` size band, ``?sida=`` page.
- ``/goda-exempel/<id>/``: one published example, with the member's development since.
- ``/goda-exempel/<id>/bilaga/<n>/``: an attachment, only ever served through here.
- ``/goda-exempel/nytt/?org=<code>``, ``/goda-exempel/<id>/andra/``: describe or change one
  (the member's reporters, and the office); ``/goda-exempel/mina/?org=<code>``: the member's.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from examples import charts, selectors, services
from examples.forms import GoodExampleForm
from examples.models import GoodExample
from indicators.forms import add_service_errors
from indicators.models import Indicator
from members import access
from members.cache import public_page
from members.models import Municipality


@require_safe
@public_page
def bank(request):
    page = request.GET.get("sida", "1")
    chosen = {
        "query": request.GET.get("q", "").strip()[:200],
        "indicator": request.GET.get("nyckeltal", "").strip()[:20],
        "county": request.GET.get("lan", "").strip()[:2],
        "size": request.GET.get("storlek", "").strip()[:20],
    }
    context = selectors.example_bank(**chosen, page=int(page) if page.isdigit() else 1)
    query = request.GET.copy()
    query.pop("sida", None)
    context.update(chosen=chosen, page_query=query.urlencode())
    return render(request, "examples/bank.html", context)


@require_safe
@public_page
def detail(request, pk: int):
    shows_contacts = access.sees_contacts(user=request.user)
    example = selectors.example_detail(pk=pk, with_contact=shows_contacts)
    if example is None:
        raise Http404(_("Exemplet finns inte."))
    context = {"example": example, "shows_contacts": shows_contacts}
    if example["series"]:
        context["figure"] = charts.development_figure(example)
        context["table"] = charts.development_table(example)
    return render(request, "examples/detail.html", context)


@require_safe
def attachment(request, pk: int, attachment_pk: int):
    """Served here, never from MEDIA: only a published example's, with the content type found
    from the content at upload, and nosniff so a browser never reads it as anything else."""
    found = selectors.attachment_for_download(pk=attachment_pk, example_pk=pk)
    if found is None:
        raise Http404
    try:
        handle = found.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(
        handle,
        content_type=found.content_type,
        as_attachment=not found.is_image,
        filename=found.name,
    )
    if request.method == "HEAD":
        # Monitoring's HEAD: the same headers, and no file read.
        handle.close()
        head = HttpResponse(content_type=found.content_type)
        for name in ("Content-Length", "Content-Disposition"):
            if name in response:
                head[name] = response[name]
        response = head
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _organisation_for_write(request, code: str) -> Municipality:
    organisation = get_object_or_404(Municipality, code=code)
    if not access.may_write(user=request.user, organisation=organisation):
        raise PermissionDenied(_("Du har inte behörighet till %(name)s.") % {"name": organisation})
    return organisation


def _after_save(request, example: GoodExample, *, submitted: bool):
    if submitted:
        messages.success(
            request,
            _("Tack! Exemplet är skickat till kansliet, som publicerar det efter granskning."),
        )
    else:
        messages.success(request, _("Exemplet är sparat som utkast."))
    return redirect(reverse("good_example_mine") + f"?org={example.organisation.code}")


def _form_page(request, *, organisation, example, choices, initial: dict, write):
    """The example's form, new or edited: saved through `write` (a service) when valid, its
    refusal shown beside the fields, the page again otherwise."""
    form = GoodExampleForm(
        request.POST or None, request.FILES or None, indicators=choices, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        submit = "skicka" in request.POST
        try:
            saved = write(
                indicator=Indicator.objects.get(pk=form.cleaned_data["indicator"]),
                submit=submit,
                **form.service_arguments(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _after_save(request, saved, submitted=submit)
    return render(
        request,
        "examples/form.html",
        {"form": form, "organisation": organisation, "example": example},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def create(request):
    organisation = _organisation_for_write(request, request.GET.get("org", "").strip())
    choices = selectors.indicator_choices(organisation=organisation)
    initial = {}
    wanted = request.GET.get("nyckeltal", "")
    for pk, label in choices:
        if label.split(" ", 1)[0].lower() == wanted.lower():
            initial["indicator"] = pk

    def write(**fields):
        return services.good_example_create(user=request.user, organisation=organisation, **fields)

    return _form_page(
        request, organisation=organisation, example=None, choices=choices, initial=initial,
        write=write,
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def edit(request, pk: int):
    example = get_object_or_404(GoodExample.objects.select_related("organisation"), pk=pk)
    organisation = _organisation_for_write(request, example.organisation.code)
    if example.is_public:
        messages.info(
            request, _("Exemplet är publicerat. Kontakta kansliet om det behöver ändras.")
        )
        return redirect("good_example_detail", pk=example.pk)
    choices = selectors.indicator_choices(organisation=organisation)
    initial = {name: getattr(example, name) for name in services.FIELDS}
    initial["indicator"] = example.indicator_id
    for n, link in enumerate(example.links.all()[:3], start=1):
        initial[f"link_{n}_url"], initial[f"link_{n}_label"] = link.url, link.label

    def write(**fields):
        return services.good_example_update(user=request.user, example=example, **fields)

    return _form_page(
        request, organisation=organisation, example=example, choices=choices, initial=initial,
        write=write,
    )  # fmt: skip


@login_required
@require_safe
def mine(request):
    organisation = _organisation_for_write(request, request.GET.get("org", "").strip())
    return render(
        request,
        "examples/mine.html",
        {
            "organisation": organisation,
            "examples": selectors.organisation_examples(organisation_id=organisation.pk),
        },
    )
