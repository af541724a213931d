from django.apps import AppConfig


class MembersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "members"
    verbose_name = "Medlemmar"

    def ready(self) -> None:
        from members.signals import connect_cache_invalidation

        connect_cache_invalidation(
            "County", "Municipality", "Population", "Membership", sender_app=self
        )
