from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "indicators"
    verbose_name = _("Gröna nyckeltal")

    def ready(self) -> None:
        from members.signals import connect_cache_invalidation

        connect_cache_invalidation(
            "Revision", "Indicator", "StatusBand", "IndicatorValue", "Target", sender_app=self
        )
