from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConversationsConfig(AppConfig):
    """Questions between members: from a strong figure to the person to ask (issue 18)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "conversations"
    verbose_name = _("Frågor mellan medlemmar")
