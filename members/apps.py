from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "members"
    verbose_name = _("Medlemmar")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from members.collation import register_sqlite_collation
        from members.signals import connect_cache_invalidation

        connection_created.connect(register_sqlite_collation, dispatch_uid="swedish_collation")

        connect_cache_invalidation(
            "County", "Municipality", "Population", "Membership", sender_app=self
        )
