"""What the members admin areas share: the decision action (approve, reject, resign all ask for
a date and a reason on an intermediate page, call one membership service and report), that
page's template, and two small request and error helpers."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError

from common.admin_pages import intermediate_page


def site_url(request) -> str:
    return request.build_absolute_uri("/")


def errors_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def decision_action(
    modeladmin,
    request,
    queryset,
    *,
    form_class,
    decide: Callable[[dict], list],
    done_message: Callable[[list], str],
    title: str,
    intro: str,
    submit_label: str,
    extra: dict | None = None,
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
            form.add_error(None, errors_text(error))
        else:
            modeladmin.message_user(request, done_message(done), messages.SUCCESS)
            return None
    return intermediate_page(
        modeladmin,
        request,
        queryset,
        form=form,
        title=title,
        template="members/admin/action_form.html",
        extra={"intro": intro, "submit_label": submit_label, **(extra or {})},
    )
