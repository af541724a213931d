"""Public membership pages: the application form, its receipt, the member list, and the page
where a new reporter chooses a password."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods
from django_ratelimit.decorators import ratelimit

from members import access
from members.cache import public_page
from members.forms import AccountActivateForm, MembershipApplicationForm
from members.selectors import application_receipt, member_list
from members.services import application_submit
from members.tokens import account_activation_token

RECEIPT_SESSION_KEY = "membership_application_id"


def application_rate(group, request) -> str:
    return settings.APPLICATION_RATE_LIMIT


@require_http_methods(["GET", "HEAD", "POST"])
@ratelimit(
    key="ekokommun.auth.ratelimit_address", rate=application_rate, method="POST", block=False
)
def application_create(request):
    if request.method == "POST" and getattr(request, "limited", False):
        # Anyone may post the form, so one address may not flood the office with applications
        # (nor with stored documents): nothing of this post is read or stored.
        # What was typed is offered again, unchecked.
        form = MembershipApplicationForm(initial=request.POST.dict())
        limited = _(
            "Många ansökningar har skickats från din adress på kort tid. Försök igen om en "
            "timme, eller kontakta kansliet."
        )
        context = {"form": form, "limited": limited}
        return render(request, "members/application_form.html", context, status=429)
    if request.method == "POST":
        form = MembershipApplicationForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                application = application_submit(**form.service_kwargs())
            except ValidationError as error:
                form.add_error(None, error)
            else:
                request.session[RECEIPT_SESSION_KEY] = application.pk
                return redirect("membership_application_receipt")
    else:
        form = MembershipApplicationForm()
    return render(request, "members/application_form.html", {"form": form})


def application_receipt_view(request):
    application_id = request.session.get(RECEIPT_SESSION_KEY)
    receipt = application_receipt(application_id=application_id) if application_id else None
    if receipt is None:
        return redirect("membership_application")
    return render(request, "members/application_receipt.html", {"receipt": receipt})


@public_page
def member_list_view(request):
    listing = member_list(include_contacts=access.sees_contacts(user=request.user))
    return render(request, "members/member_list.html", listing)


class AccountActivateView(auth_views.PasswordResetConfirmView):
    """Django's password-reset confirmation page, for the link in the approval e-mail:
    choosing a password also activates the new reporting account. The link carries an
    activation token (members.tokens), never accepted from a password-reset e-mail, and opens
    only an account that was never opened."""

    token_generator = account_activation_token
    form_class = AccountActivateForm
    template_name = "registration/password_reset_confirm.html"
    # The new reporter is logged in and taken straight to reporting.
    post_reset_login = True
    post_reset_login_backend = "ekokommun.auth.EmailOrUsernameBackend"
    success_url = reverse_lazy("reporting_landing")
    extra_context = {
        "heading": _("Välj lösenord för ditt konto"),
        "activating": True,
    }

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Lösenordet är sparat och du är inloggad."))
        return response
