"""A member's own key figures (egna nyckeltal): define, adopt, set a target, retire, promote.

URLs (under /egna-nyckeltal/):
- ``/egna-nyckeltal/``: every member's own figures in use (public); logged-in reporters adopt
  one from here, or define a new one. ``?org=<code>`` chooses the organisation to act for.
- ``/egna-nyckeltal/nytt/?org=<code>``: define one (reporters of the organisation, and staff);
  ``&q=`` searches Kolada's KPI catalogue, and POST ``/egna-nyckeltal/kolada/?org=<code>``
  adopts a KPI as an own figure whose values are fetched from Kolada.
- ``/egna-nyckeltal/<id>/``: one own figure: definition, where it came from, who adopted it.
- POST ``.../<id>/anvand/`` adopt, ``.../<id>/mal/`` set the owner's target,
  ``.../<id>/avsluta/`` retire; ``.../<id>/gor-gemensamt/`` (staff) promote to the catalogue.

Who may write is decided by `members.access.may_write` (the services check again); anything
else answers 403.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from indicators import selectors, services
from indicators.forms import OwnIndicatorForm, PromoteForm, TargetFields, add_service_errors
from members import access
from members.cache import public_page
from members.models import Municipality


def _writable(request) -> list[dict]:
    return [o for o in selectors.organisations_for_user(user=request.user) if o["can_write"]]


def _organisation_for_write(request, code: str) -> Municipality:
    organisation = get_object_or_404(Municipality.objects.select_related("county"), code=code)
    if not access.may_write(user=request.user, organisation=organisation):
        raise PermissionDenied(_("Du har inte behörighet till %(name)s.") % {"name": organisation})
    return organisation


def _figure(pk: int):
    indicator = selectors.own_indicator_object(pk=pk)
    if indicator is None:
        raise Http404("Nyckeltalet finns inte.")
    return indicator


def _own_figure_for_write(request, pk: int, *, refusal: str):
    """An own key figure and its owner, for a user who may write for the owner; `refusal` says
    why a catalogue figure cannot be changed here."""
    indicator = _figure(pk)
    if not indicator.is_own:
        raise PermissionDenied(refusal)
    return indicator, _organisation_for_write(request, indicator.owner.code)


def _detail_url(indicator) -> str:
    return reverse("own_indicator_detail", args=[indicator.pk])


@require_safe
@public_page
def own_indicator_list(request):
    writable = _writable(request) if request.user.is_authenticated else []
    chosen = request.GET.get("org", "").strip()
    if not chosen and len(writable) == 1:
        chosen = writable[0]["code"]
    office = access.acts_as_office(user=request.user)
    if office and not chosen:
        writable = []  # Staff act for one organisation at a time: ?org=<code>.
    elif office:
        writable = [o for o in writable if o["code"] == chosen]
    catalogue = selectors.own_indicator_catalogue(organisation_ids=[o["id"] for o in writable])
    return render(
        request,
        "indicators/own/list.html",
        {"catalogue": catalogue, "writable": writable, "chosen": chosen},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def own_indicator_create(request):
    code = request.GET.get("org", "").strip()
    if not code:
        writable = _writable(request)
        if len(writable) == 1 and not access.acts_as_office(user=request.user):
            code = writable[0]["code"]
        else:
            return redirect("own_indicator_list")
    organisation = _organisation_for_write(request, code)
    form = OwnIndicatorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            indicator = services.own_indicator_create(
                user=request.user, organisation=organisation, **data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(label)s är sparat. Rapportera värden i årets formulär.")
                % {"label": indicator.label},
            )
            return redirect(_detail_url(indicator))
    query = request.GET.get("q", "").strip()[:100]
    return render(
        request,
        "indicators/own/form.html",
        {
            "form": form,
            "organisation": organisation,
            "query": query,
            "kolada_results": selectors.kolada_kpi_search(query=query) if query else [],
        },
    )


@login_required
@require_POST
def own_indicator_from_kolada(request):
    """Adopt a KPI of Kolada's catalogue as an own figure; its values are fetched at once."""
    organisation = _organisation_for_write(request, request.GET.get("org", "").strip())
    kpi = selectors.kolada_kpi_object(kpi_id=request.POST.get("kpi", ""))
    if kpi is None:
        raise Http404("Nyckeltalet finns inte i Koladas katalog.")
    back = f"{reverse('own_indicator_create')}?org={organisation.code}"
    try:
        indicator = services.own_indicator_from_kolada(
            user=request.user, organisation=organisation, kpi=kpi
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(back)
    count = indicator.values.count()
    messages.success(
        request,
        _(
            "%(label)s är sparat och hämtar sina värden från Kolada: %(count)s år hittills. "
            "Värdena hålls aktuella av den veckovisa hämtningen."
        )
        % {"label": indicator.label, "count": count},
    )
    return redirect(_detail_url(indicator))


@require_safe
@public_page
def own_indicator_detail(request, pk: int):
    indicator = _figure(pk)
    if not indicator.is_own:
        # Promoted to the catalogue: its page is the catalogue's page now.
        if indicator.revision.is_current:
            return redirect("indicator_detail", code=indicator.code)
        return redirect(
            "indicator_revision_detail", revision=indicator.revision.code, code=indicator.code
        )
    context = selectors.own_indicator_detail(indicator=indicator)
    writable = _writable(request) if request.user.is_authenticated else []
    context["can_manage"] = any(o["id"] == indicator.owner_id for o in writable)
    context["adopt_choices"] = [o for o in writable if o["id"] != indicator.owner_id]
    context["target_form"] = TargetFields()
    return render(request, "indicators/own/detail.html", context)


@login_required
@require_POST
def own_indicator_adopt(request, pk: int):
    indicator = _figure(pk)
    organisation = _organisation_for_write(request, request.POST.get("org", "").strip())
    try:
        copy = services.own_indicator_adopt(
            user=request.user, indicator=indicator, organisation=organisation
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(_detail_url(indicator))
    messages.success(
        request,
        _("%(name)s följer nu %(label)s. Rapportera värden i årets formulär.")
        % {"name": organisation.name, "label": copy.label},
    )
    return redirect(_detail_url(copy))


@login_required
@require_POST
def own_indicator_target(request, pk: int):
    indicator, organisation = _own_figure_for_write(
        request, pk, refusal=_("Bara egna nyckeltal har mål här.")
    )
    form = TargetFields(request.POST)
    if form.is_valid():
        try:
            services.target_set(
                user=request.user,
                organisation=organisation,
                indicator=indicator,
                year=form.cleaned_data["target_year"],
                value=form.cleaned_data["target_value"],
                note=form.cleaned_data["target_note"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
    if form.errors:
        context = selectors.own_indicator_detail(indicator=indicator)
        context |= {"can_manage": True, "adopt_choices": [], "target_form": form}
        return render(request, "indicators/own/detail.html", context, status=400)
    messages.success(request, _("Målet är sparat."))
    return redirect(_detail_url(indicator))


@login_required
@require_POST
def own_indicator_retire(request, pk: int):
    indicator, _organisation = _own_figure_for_write(
        request, pk, refusal=_("Bara egna nyckeltal kan avslutas här.")
    )
    services.own_indicator_retire(user=request.user, indicator=indicator)
    messages.success(
        request,
        _("%(label)s är avslutat. Värdena finns kvar och visas som en avslutad serie.")
        % {"label": indicator.label},
    )
    return redirect(_detail_url(indicator))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def own_indicator_promote(request, pk: int):
    if not access.acts_as_office(user=request.user):
        raise PermissionDenied(_("Bara kansliet kan göra ett nyckeltal gemensamt."))
    indicator = _figure(pk)
    if not indicator.is_own:
        return redirect("indicator_detail", code=indicator.code)
    family = services.own_indicator_family(indicator=indicator)
    form = PromoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            promoted = services.own_indicator_promote(
                user=request.user, indicator=indicator, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _(
                    "%(label)s är nu ett gemensamt nyckeltal; %(count)s medlemmars värden "
                    "följde med."
                )
                % {"label": promoted.label, "count": len(family)},
            )
            return redirect("indicator_detail", code=promoted.code)
    return render(
        request,
        "indicators/own/promote.html",
        {
            "form": form,
            "figure": selectors.own_indicator_detail(indicator=family[0])["figure"],
            "family": [
                {"label": member.label, "owner": member.owner.name, "retired_on": member.retired_on}
                for member in family
            ],
            "back": _detail_url(indicator),
        },
    )
