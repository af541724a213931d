"""Asking another member about a figure, and pausing questions (members only)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from conversations import selectors, services, summaries
from conversations.forms import PauseForm, QuestionForm
from conversations.models import DigestSubscription, MailKind
from indicators.forms import add_service_errors
from members import access
from members.models import Municipality


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def question_new(request, code: str, indicator: str):
    asking = list(access.asking_organisations(user=request.user))
    if not asking:
        raise PermissionDenied(_("Bara medlemmar kan ställa frågor till andra medlemmar."))
    chosen = next((o for o in asking if o.code == request.POST.get("asking")), asking[0])
    subject = selectors.question_subject(
        receiver_code=code, indicator_code=indicator, asking=chosen
    )
    if subject is None:
        raise Http404(_("Medlemmen eller nyckeltalet finns inte."))
    form = QuestionForm(
        request.POST or None,
        asking_choices=[(o.code, o.name) for o in asking if o.pk != subject["receiver"].pk],
        with_politician=subject["has_politician"],
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.question_send(
                    asker=request.user,
                    asking_organisation=chosen,
                    receiver=subject["receiver"],
                    indicator=subject["indicator"],
                    message=form.cleaned_data["message"],
                    to_politician=form.cleaned_data.get("to_politician", False),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Frågan är skickad till %(name)s. Du har fått en kopia med e-post.")
                    % {"name": subject["receiver"].name},
                )
                return redirect(f"{reverse('reporting_landing')}?org={chosen.code}")
        status = 400
    context = subject | {
        "form": form,
        "asking": chosen,
        "own_question": not form.fields["asking"].choices,
    }
    return render(request, "conversations/question_form.html", context, status=status)


@login_required
@require_POST
def question_pause(request, code: str):
    organisation = get_object_or_404(Municipality, code=code)
    if not access.may_write(user=request.user, organisation=organisation):
        raise PermissionDenied(
            _("Du kan inte pausa frågor för %(name)s.") % {"name": organisation.name}
        )
    back = f"{reverse('reporting_landing')}?org={organisation.code}"
    if request.POST.get("end"):
        services.question_pause_end(user=request.user, organisation=organisation)
        messages.success(request, _("%(name)s tar emot frågor igen.") % {"name": organisation.name})
        return redirect(back)
    form = PauseForm(request.POST)
    if form.is_valid():
        try:
            services.question_pause_set(
                user=request.user,
                organisation=organisation,
                until=form.cleaned_data["until"],
                message=form.cleaned_data["message"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Frågor till %(name)s är pausade till och med %(until)s.")
                % {"name": organisation.name, "until": form.cleaned_data["until"].isoformat()},
            )
            return redirect(back)
    return render(
        request,
        "conversations/pause_form.html",
        {"form": form, "organisation": organisation},
        status=400,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token: str):
    """The link in every summary e-mail: works without logging in. GET asks, POST does it, so a
    mail program that follows links to preview them unsubscribes nobody."""
    found = summaries.unsubscribe_read(token=token)
    if found is None:
        return render(request, "conversations/unsubscribe.html", {"invalid": True}, status=400)
    email, kind = found
    done = False
    if request.method == "POST":
        summaries.unsubscribe_apply(email=email, kind=kind)
        done = True
    context = {"email": email, "kind_label": MailKind(kind).label, "done": done}
    return render(request, "conversations/unsubscribe.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def digest(request):
    """Subscribe to (or leave) the yearly summary of one's members."""
    if not access.may_ask(user=request.user):
        raise PermissionDenied(_("Den årliga sammanfattningen är för medlemmarnas användare."))
    if request.method == "POST":
        if request.POST.get("subscribe"):
            summaries.digest_subscribe(user=request.user, language=request.LANGUAGE_CODE)
            messages.success(request, _("Du prenumererar nu på den årliga sammanfattningen."))
        else:
            summaries.digest_unsubscribe(user=request.user)
            messages.success(request, _("Du prenumererar inte längre."))
        return redirect("digest")
    subscribed = DigestSubscription.objects.filter(user=request.user).first()
    return render(request, "conversations/digest.html", {"subscription": subscribed})
