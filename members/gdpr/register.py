"""What is held, where and why (the register shown in the admin), and how an erased account
is named."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

ANONYMISED_NAME = "(anonymiserad)"
ANONYMISED_EMAIL = "anonymiserad@sekom.invalid"
ERASED_USERNAME = "borttagen-anvandare"


# --- the register (shown in the admin; the README has the same table) --------------------------

REGISTER = [
    {
        "what": gettext_lazy(
            "Kontaktpersoner (politiker och tjänsteperson): namn, titel, e-post, telefon, parti"
        ),
        "where": gettext_lazy("Kontaktpersoner (members_contactperson)"),
        "why": gettext_lazy(
            "Medlemmens representation i föreningen: kallelser, information, rapportering."
        ),
        "how_long": gettext_lazy(
            "Så länge uppdraget varar. 24 månader efter att uppdraget upphört anonymiseras namn, "
            "e-post, telefon och parti; roll och datum finns kvar."
        ),
    },
    {
        "what": gettext_lazy(
            "Ansökningar: sökandens e-post, föreslagna kontaktpersoner, beslut och program (PDF)"
        ),
        "where": gettext_lazy(
            "Ansökningar (members_membershipapplication) och filerna i MEDIA_ROOT/ansokningar/"
        ),
        "why": gettext_lazy("Handläggning av ansökan och styrelsens beslut."),
        "how_long": gettext_lazy(
            "Avslagna ansökningar och deras PDF:er tas bort 12 månader efter beslutet; beslutet "
            "finns kvar på medlemskapet. Tidigare medlemmars ansökningar anonymiseras 24 månader "
            "efter utträdet."
        ),
    },
    {
        "what": gettext_lazy(
            "Konton: e-post, namn, lösenord (som hash), senaste inloggning, behörigheter, "
            "tvåstegsenheter"
        ),
        "where": gettext_lazy(
            "Användare (auth_user), behörigheter till organisationer, django-otp:s enheter"
        ),
        "why": gettext_lazy("Inloggning för rapportering och för kansliets administration."),
        "how_long": gettext_lazy(
            "Tas bort 24 månader efter att personens sista uppdrag upphört, om kontot saknar "
            "behörighet och inte använts sedan dess, eller när personen begär det."
        ),
    },
    {
        "what": gettext_lazy("Värdehistorik: vem som ändrade ett nyckeltal och när"),
        "where": gettext_lazy("Historik för värden (simple-history), fältet ”inmatat av”"),
        "why": gettext_lazy("Spårbarhet: vem som står bakom en siffra."),
        "how_long": gettext_lazy(
            "Så länge värdet finns. Efter radering av kontot visas ”borttagen användare”."
        ),
    },
    {
        "what": gettext_lazy("Inloggningsförsök: användarnamn, IP-adress, webbläsare, tid"),
        "where": gettext_lazy("django-axes (åtkomstförsök och -loggar)"),
        "why": gettext_lazy("Skydd mot lösenordsgissning."),
        "how_long": gettext_lazy(
            "Spärrar släpper efter en timme; loggarna rensas med axes_reset_logs och vid radering."
        ),
    },
    {
        "what": gettext_lazy("Sessioner och kansliets adminlogg"),
        "where": gettext_lazy("django_session, django_admin_log"),
        "why": gettext_lazy("Inloggningen; spårbarhet för kansliets ändringar och beslut."),
        "how_long": gettext_lazy(
            "Sessioner upphör (kansliet efter 8 timmars inaktivitet) och rensas med "
            "clearsessions. Adminloggen sparas; anonymiserade personers namn tas bort ur den."
        ),
    },
]

# --- who an account is, also after erasure ------------------------------------------------------


def account_display_name(user) -> str:
    """How pages and histories name the author of a change; "borttagen användare" once the
    account has been erased (its changes point at the placeholder account)."""
    if user is None:
        return ""
    if user.get_username() == ERASED_USERNAME:
        return _("borttagen användare")
    return user.get_full_name() or user.email or user.get_username()


def _erased_placeholder():
    user_model = get_user_model()
    placeholder, created = user_model.objects.get_or_create(
        username=ERASED_USERNAME, defaults={"is_active": False}
    )
    if created:
        placeholder.set_unusable_password()
        placeholder.save(update_fields=["password"])
    return placeholder
