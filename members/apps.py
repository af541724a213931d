from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "members"
    verbose_name = _("Medlemmar")

    def ready(self) -> None:
        from members.signals import connect_cache_invalidation

        connect_cache_invalidation(
            "County", "Municipality", "Population", "Membership", sender_app=self
        )
