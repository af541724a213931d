"""Art. 15: the register extract, everything held about one e-mail address as plain data."""

import json

from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone

from members.gdpr.register import ERASED_USERNAME
from members.models import ContactPerson, MembershipApplication, OrganisationAccess

# --- Art. 15: the register extract --------------------------------------------------------------


def _row(instance, exclude=()) -> dict:
    data = {}
    for model_field in instance._meta.concrete_fields:
        if model_field.name in exclude:
            continue
        value = getattr(instance, model_field.attname)
        if isinstance(model_field, models.FileField):
            value = str(value) if value else ""
        data[model_field.name] = value
    return data


def _history_models() -> list:
    """Every model whose history simple-history keeps (values, and any registered later)."""
    return [
        model
        for model in apps.get_models()
        if model.__name__.startswith("Historical") and hasattr(model, "history_user")
    ]


def _accounts(email: str):
    return (
        get_user_model()
        .objects.filter(Q(email__iexact=email) | Q(username__iexact=email))
        .exclude(username=ERASED_USERNAME)
    )


def _history_as_author(user_ids: list[int]) -> list[dict]:
    history = []
    for model in _history_models():
        for record in model.objects.filter(history_user_id__in=user_ids).order_by("history_date"):
            history.append(
                {
                    "register": str(model._meta.verbose_name),
                    **_row(record, exclude=("history_user",)),
                }
            )
    return history


def _admin_log_as_author(user_ids: list[int]) -> list[dict]:
    return [
        {
            "when": entry.action_time,
            "object": entry.object_repr,
            "type": str(entry.content_type) if entry.content_type_id else "",
            "change": entry.get_change_message(),
        }
        for entry in LogEntry.objects.filter(user_id__in=user_ids).select_related("content_type")
    ]


def _login_attempts(*, email: str, accounts: list) -> list[dict]:
    login_attempts = []
    axes = apps.get_app_config("axes") if apps.is_installed("axes") else None
    if axes is not None:
        usernames = [email, *(u.get_username() for u in accounts)]
        for model_name in ("AccessAttempt", "AccessLog", "AccessFailureLog"):
            model = axes.get_model(model_name)
            for record in model.objects.filter(username__in=usernames):
                login_attempts.append({"register": model_name, **_row(record)})
    return login_attempts


def _account_entry(user) -> dict:
    return {
        **_row(user, exclude=("password",)),
        "groups": [group.name for group in user.groups.all()],
        "organisation_access": [
            {
                "organisation": access.organisation.name,
                "level": access.get_level_display(),
                "since": access.created_at,
            }
            for access in OrganisationAccess.objects.filter(user=user).select_related(
                "organisation"
            )
        ],
        "second_factor_devices": _devices(user),
    }


def register_extract(*, email: str) -> dict:
    """Everything the system holds about the person with `email` (Art. 15), as plain data."""
    email = email.strip()
    contacts = ContactPerson.objects.filter(email__iexact=email).select_related(
        "membership__organisation"
    )
    applications = MembershipApplication.objects.filter(
        Q(applicant_email__iexact=email)
        | Q(politician_email__iexact=email)
        | Q(official_email__iexact=email)
    ).select_related("membership__organisation")
    accounts = list(_accounts(email).prefetch_related("groups"))
    user_ids = [user.pk for user in accounts]

    history = _history_as_author(user_ids)
    admin_log = _admin_log_as_author(user_ids)
    login_attempts = _login_attempts(email=email, accounts=accounts)

    return {
        "email": email,
        "created_at": timezone.now(),
        "controller": "Sveriges Ekokommuner (SEKOM)",
        "contact_persons": [
            {
                "organisation": contact.membership.organisation.name,
                **_row(contact, exclude=("user",)),
            }
            for contact in contacts
        ],
        "applications": [
            {
                "organisation": application.membership.organisation.name,
                "status": application.membership.get_status_display(),
                **_row(application),
            }
            for application in applications
        ],
        "accounts": [_account_entry(user) for user in accounts],
        "history_as_author": history,
        "admin_log_as_author": admin_log,
        "login_attempts": login_attempts,
    }


def _devices(user) -> list[dict]:
    from django_otp import devices_for_user

    return [
        {"type": type(device).__name__, "name": device.name, "confirmed": device.confirmed}
        for device in devices_for_user(user, confirmed=None)
    ]


def register_extract_json(*, email: str) -> bytes:
    data = register_extract(email=email)
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode("utf-8")
