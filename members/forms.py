"""Forms for the membership path: they parse and check input; the services do the work."""

import logging

from django import forms
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.mail import email_queue
from members.models import ContactPerson, MembershipApplication, Municipality
from members.selectors import organisation_application_block, organisation_choices
from members.services import ContactDetails, reporting_account_activate
from members.validation import validate_not_in_future, validate_pdf

logger = logging.getLogger(__name__)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _required(message: str) -> dict:
    return {"required": message}


def _decision_date_field(**kwargs) -> forms.DateField:
    """The date of a decision (a council's, the board's, a resignation): a date input, and the
    date has to have been."""
    return forms.DateField(widget=DateInput, validators=[validate_not_in_future], **kwargs)


def _email_field(*, required_message: str, **kwargs) -> forms.EmailField:
    """An e-mail address the application asks for, with the same advice when it is not one."""
    kwargs.setdefault("label", _("E-post"))
    return forms.EmailField(
        error_messages={
            "required": required_message,
            "invalid": _("Ange en giltig e-postadress, t.ex. namn@kommun.se."),
        },
        **kwargs,
    )


PDF_ACCEPT = {"accept": "application/pdf,.pdf"}


def _pdf_field(**kwargs) -> forms.FileField:
    """An uploaded document: it has to be a PDF, and the file picker offers PDFs."""
    return forms.FileField(
        validators=[validate_pdf], widget=forms.ClearableFileInput(attrs=PDF_ACCEPT), **kwargs
    )


def _phone_field() -> forms.CharField:
    return forms.CharField(
        label=_("Telefon"), max_length=40, error_messages=_required(_("Ange ett telefonnummer."))
    )


class MembershipApplicationForm(forms.Form):
    """The public application (/ansok/). Field names match MembershipApplication's, so the
    service's field-keyed errors land beside the right field."""

    organisation = forms.ChoiceField(
        label=_("Kommun eller region"),
        error_messages=_required(_("Välj vilken kommun eller region som ansöker.")),
    )
    deciding_body = forms.ChoiceField(
        label=_("Beslutet fattades av"),
        choices=MembershipApplication.DecidingBody.choices,
        widget=forms.RadioSelect,
        error_messages=_required(_("Ange vilket organ som beslutade att ansöka.")),
    )
    decided_on = _decision_date_field(
        label=_("Beslutsdatum"),
        error_messages={
            "required": _("Ange datumet för beslutet."),
            "invalid": _("Ange datumet som ÅÅÅÅ-MM-DD, t.ex. 2025-03-17."),
        },
    )
    decision_document = _pdf_field(
        label=_("Beslutet (protokollsutdrag, PDF)"),
        help_text=_("PDF, högst 10 MB."),
        error_messages={
            "required": _("Bifoga beslutet som PDF."),
            "empty": _("Filen är tom. Bifoga beslutet som PDF."),
        },
    )
    programme_document = _pdf_field(
        label=_("Miljö- eller hållbarhetsprogrammet (PDF)"),
        help_text=_("PDF, högst 10 MB. Ni kan i stället ange en länk nedan."),
        required=False,
        error_messages={"empty": _("Filen är tom. Bifoga programmet som PDF.")},
    )
    programme_url = forms.URLField(
        label=_("… eller länk till programmet"),
        required=False,
        assume_scheme="https",
        error_messages={"invalid": _("Ange en fullständig webbadress, t.ex. https://…")},
    )

    politician_name = forms.CharField(
        label=_("Namn"), max_length=200, error_messages=_required(_("Ange politikerns namn."))
    )
    politician_title = forms.CharField(
        label=_("Titel eller uppdrag"),
        max_length=200,
        help_text=_("T.ex. kommunstyrelsens ordförande."),
        error_messages=_required(_("Ange politikerns uppdrag.")),
    )
    politician_party = forms.CharField(
        label=_("Parti (frivilligt)"), max_length=100, required=False
    )
    politician_email = _email_field(required_message=_("Ange politikerns e-postadress."))
    politician_phone = _phone_field()

    official_name = forms.CharField(
        label=_("Namn"),
        max_length=200,
        error_messages=_required(_("Ange tjänstepersonens namn.")),
    )
    official_title = forms.CharField(
        label=_("Titel"),
        max_length=200,
        help_text=_("T.ex. miljöstrateg."),
        error_messages=_required(_("Ange tjänstepersonens titel.")),
    )
    official_email = _email_field(
        required_message=_("Ange tjänstepersonens e-postadress."),
        help_text=_(
            "Tjänstepersonen får ett konto för att rapportera nyckeltal till den här adressen."
        ),
    )
    official_phone = _phone_field()

    applicant_email = _email_field(
        label=_("Din e-postadress"),
        help_text=_("Hit skickar vi kvittot och styrelsens beslut."),
        required_message=_("Ange din e-postadress, så att vi kan svara."),
    )

    politician_fields = [
        "politician_name",
        "politician_title",
        "politician_party",
        "politician_email",
        "politician_phone",
    ]
    official_fields = ["official_name", "official_title", "official_email", "official_phone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [("", _("Välj …")), *organisation_choices()]

    def clean_organisation(self) -> Municipality:
        code = self.cleaned_data["organisation"]
        organisation = Municipality.objects.filter(code=code).first()
        if organisation is None:
            raise forms.ValidationError(_("Välj en kommun eller region i listan."))
        blocked = organisation_application_block(organisation=organisation)
        if blocked:
            raise forms.ValidationError(blocked)
        return organisation

    def clean(self):
        cleaned = super().clean()
        # Only when neither part of the programme had its own error already.
        no_errors = "programme_document" not in self.errors and "programme_url" not in self.errors
        if no_errors and not cleaned.get("programme_document") and not cleaned.get("programme_url"):
            self.add_error(
                "programme_document",
                _("Bifoga programmet som PDF eller ange en länk till det."),
            )
        return cleaned

    def politician_group(self):
        return [self[name] for name in self.politician_fields]

    def official_group(self):
        return [self[name] for name in self.official_fields]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "organisation": data["organisation"],
            "deciding_body": data["deciding_body"],
            "decided_on": data["decided_on"],
            "decision_document": data["decision_document"],
            "programme_document": data.get("programme_document") or None,
            "programme_url": data.get("programme_url", ""),
            "applicant_email": data["applicant_email"],
            "politician": ContactDetails(
                name=data["politician_name"],
                title=data["politician_title"],
                email=data["politician_email"],
                phone=data["politician_phone"],
                party=data.get("politician_party", ""),
            ),
            "official": ContactDetails(
                name=data["official_name"],
                title=data["official_title"],
                email=data["official_email"],
                phone=data["official_phone"],
            ),
        }


# --- admin intermediate pages ------------------------------------------------------------------


class BoardDecisionForm(forms.Form):
    board_meeting_on = _decision_date_field(
        label=_("Styrelsemötets datum"),
        help_text=_("Blir medlemskapets startdatum när ansökan godkänns."),
        error_messages={"required": _("Ange datumet för styrelsemötet.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["board_meeting_on"].initial = timezone.localdate()


class RejectionForm(BoardDecisionForm):
    reason = forms.CharField(
        label=_("Skäl till avslaget"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Skickas till den sökande."),
        error_messages={"required": _("Ange skälet till avslaget; det skickas till den sökande.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["board_meeting_on"].help_text = ""


class ResignationForm(forms.Form):
    left_on = _decision_date_field(
        label=_("Utträdesdatum"),
        error_messages={"required": _("Ange datumet för utträdet.")},
    )
    decision = forms.CharField(
        label=_("Beslut om utträde"),
        max_length=300,
        help_text=_("Vilket organ som beslutade och när, t.ex. ”KF 2019-10-28 § 112”."),
        error_messages={"required": _("Ange beslutet om utträde.")},
    )
    board_meeting_on = _decision_date_field(
        label=_("Styrelsemötets datum"),
        required=False,
        help_text=_("Mötet där styrelsen tog del av utträdet, om det har skett."),
    )


class ContactPersonReplaceForm(forms.Form):
    role = forms.ChoiceField(label=_("Roll"), choices=ContactPerson.Role.choices)
    name = forms.CharField(label=_("Namn"), max_length=200)
    title = forms.CharField(label=_("Titel"), max_length=200)
    email = forms.EmailField(label=_("E-post"))
    phone = forms.CharField(label=_("Telefon"), max_length=40)
    party = forms.CharField(label=_("Parti (för politiker)"), max_length=100, required=False)
    started_on = forms.DateField(
        label=_("Från och med"),
        widget=DateInput,
        help_text=_("Den tidigare kontaktpersonen i rollen avslutas samma dag."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["started_on"].initial = timezone.localdate()

    def details(self) -> ContactDetails:
        data = self.cleaned_data
        return ContactDetails(
            name=data["name"],
            title=data["title"],
            email=data["email"],
            phone=data["phone"],
            party=data.get("party", ""),
        )


class AccountActivateForm(SetPasswordForm):
    """Choosing the first password through the e-mailed link also opens the account."""

    def clean(self):
        # Every password error beside the first field, where the password is typed.
        password1 = self.cleaned_data.get("new_password1")
        password2 = self.cleaned_data.get("new_password2")
        if password1 and password2 and password1 != password2:
            self.add_error(
                "new_password1",
                ValidationError(self.error_messages["password_mismatch"], code="password_mismatch"),
            )
        self.validate_password_for_user(self.user, "new_password1")
        return forms.Form.clean(self)

    def save(self, commit=True):
        return reporting_account_activate(
            user=self.user, password=self.cleaned_data["new_password1"]
        )


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's password reset, its e-mail sent by the queue (common.tasks.send_email, with
    retries) instead of during the request. Nothing is written first, so it is queued at once."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        body = render_to_string(email_template_name, context)
        message = EmailMultiAlternatives(subject, body, from_email, [to_email])
        if html_email_template_name is not None:
            html = render_to_string(html_email_template_name, context)
            message.attach_alternative(html, "text/html")
        try:
            email_queue(message)
        except Exception:
            # As Django's own form does: the page never tells whether the address has an
            # account, so a broker outage is logged, not shown.
            logger.exception("Failed to queue password reset email to %s", context["user"].pk)
