from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConversationsConfig(AppConfig):
    """Between members: questions from a strong figure to the person to ask, and both contact
    persons informed of their member's year (issue 18)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "conversations"
    verbose_name = _("Frågor och sammanfattningar")

    def ready(self) -> None:
        from conversations.summaries import year_summaries_check
        from indicators.hooks import on_values_written

        # A member's year that became complete sends its summary (indicators/hooks.py).
        on_values_written(name="conversations.year_summaries", receiver=year_summaries_check)
