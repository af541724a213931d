from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExamplesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "examples"
    verbose_name = _("Goda exempel")

    def ready(self) -> None:
        from members.signals import connect_cache_invalidation

        # Published examples show on the cached member and indicator pages: any change to
        # them starts a new data version, like a changed value does.
        connect_cache_invalidation(
            "GoodExample", "GoodExampleLink", "GoodExampleAttachment", sender_app=self
        )
