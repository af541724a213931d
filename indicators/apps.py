from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "indicators"
    verbose_name = _("Gröna nyckeltal")

    def ready(self) -> None:
        from indicators.services.figures import figures_members_changed, figures_similar_rebuild
        from members.hooks import on_current_members_changed, on_similar_organisations_changed
        from members.signals import connect_cache_invalidation

        # The maintained averages follow the set of current members (members/hooks.py).
        on_current_members_changed(name="indicators.figures", receiver=figures_members_changed)
        # ... and the averages over similar organisations follow their sets.
        on_similar_organisations_changed(
            name="indicators.figures", receiver=figures_similar_rebuild
        )

        connect_cache_invalidation(
            "Revision", "Indicator", "StatusBand", "IndicatorValue", "Target", sender_app=self
        )
