"""Cache invalidation only: any saved or deleted row the public pages show bumps the data
version. No business rules live here; bulk writes in services bump the version themselves."""

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


def _changed(sender, **kwargs) -> None:
    from members.services import site_data_changed

    if not kwargs.get("raw"):
        site_data_changed()


def connect_cache_invalidation(*model_names: str, sender_app: AppConfig) -> None:
    for name in model_names:
        model = sender_app.get_model(name)
        post_save.connect(_changed, sender=model, dispatch_uid=f"public-data-{model._meta.label}")
        post_delete.connect(
            _changed, sender=model, dispatch_uid=f"public-data-del-{model._meta.label}"
        )
