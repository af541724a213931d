from django import forms
from django.utils.translation import gettext_lazy

from conversations.models import MESSAGE_MAX, PAUSE_MESSAGE_MAX


class QuestionForm(forms.Form):
    asking = forms.ChoiceField(label=gettext_lazy("Frågar för"))
    message = forms.CharField(
        label=gettext_lazy("Din fråga"),
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 8, "cols": 60}),
        help_text=gettext_lazy(
            "Berätta vad ni vill veta, t.ex. hur de arbetade och vem som kan berätta mer. "
            "Högst 2 000 tecken."
        ),
        error_messages={
            "required": gettext_lazy("Skriv frågan."),
            "max_length": gettext_lazy("Frågan får vara högst %(limit_value)d tecken."),
        },
    )
    to_politician = forms.BooleanField(
        label=gettext_lazy("Skicka även till den politiska kontaktpersonen"), required=False
    )

    def __init__(self, *args, asking_choices: list[tuple[str, str]], with_politician: bool, **kw):
        super().__init__(*args, **kw)
        self.fields["asking"].choices = asking_choices
        if len(asking_choices) == 1:
            self.fields["asking"].widget = forms.HiddenInput()
            self.fields["asking"].initial = asking_choices[0][0]
        if not with_politician:
            del self.fields["to_politician"]


class PauseForm(forms.Form):
    until = forms.DateField(
        label=gettext_lazy("Pausa till och med"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": gettext_lazy("Ange till och med vilket datum."),
            "invalid": gettext_lazy("Ange datumet som ÅÅÅÅ-MM-DD."),
        },
    )
    message = forms.CharField(
        label=gettext_lazy("Meddelande till den som vill fråga"),
        max_length=PAUSE_MESSAGE_MAX,
        help_text=gettext_lazy("T.ex. ”Semester, tillbaka 15 augusti.”"),
        error_messages={"required": gettext_lazy("Skriv ett meddelande till den som vill fråga.")},
    )
