"""The write services check access themselves and keep the moderation states straight."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from examples import services
from examples.models import GoodExample
from tests.examples.factories import GoodExampleFactory

pytestmark = pytest.mark.django_db


def _create(user, organisation, waste, **extra):
    return services.good_example_create(
        user=user,
        organisation=organisation,
        indicator=waste,
        title="Matavfall",
        text="Bruna påsar.",
        year_from=2021,
        **extra,
    )


def test_a_reporter_creates_a_draft_and_submitting_tells_the_office_after_commit(
    vaggeryd, waste, reporter, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        example = _create(reporter, vaggeryd, waste)
    assert example.status == GoodExample.Status.DRAFT and mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.good_example_submit(user=reporter, example=example)
    assert len(callbacks) == 1 and len(mail.outbox) == 1
    assert "admin/examples/goodexample/" in mail.outbox[0].body


def test_nobody_but_the_members_reporters_and_the_office_writes(vaggeryd, kalix, waste):
    from django.contrib.auth.models import AnonymousUser

    from tests.members.factories import OrganisationAccessFactory

    other = OrganisationAccessFactory(organisation=kalix).user
    for user in (AnonymousUser(), other):
        with pytest.raises(PermissionDenied):
            _create(user, vaggeryd, waste)


def test_only_the_office_publishes_and_a_draft_cannot_be_published(
    vaggeryd, waste, reporter, staff
):
    example = _create(reporter, vaggeryd, waste)
    with pytest.raises(PermissionDenied):
        services.good_example_publish(user=reporter, example=example)
    with pytest.raises(ValidationError):
        services.good_example_publish(user=staff, example=example)
    services.good_example_submit(user=reporter, example=example)
    published = services.good_example_publish(user=staff, example=example)
    assert published.status == GoodExample.Status.PUBLISHED and published.published_by == staff


def test_a_rejected_example_goes_back_to_draft_when_changed_and_a_published_one_is_locked(
    vaggeryd, waste, reporter, staff
):
    example = _create(reporter, vaggeryd, waste, submit=True)
    services.good_example_reject(user=staff, example=example, reason="Saknar resultat.")
    changed = services.good_example_update(user=reporter, example=example, result="Hälften.")
    # The reason stays beside the form until the member submits it again.
    assert changed.status == GoodExample.Status.DRAFT
    assert changed.rejection_reason == "Saknar resultat."
    resubmitted = services.good_example_submit(user=reporter, example=changed)
    assert resubmitted.rejection_reason == ""
    services.good_example_publish(user=staff, example=changed)
    with pytest.raises(ValidationError):
        services.good_example_update(user=reporter, example=changed, title="Nytt")


def test_links_must_be_web_addresses(vaggeryd, waste, reporter):
    with pytest.raises(ValidationError):
        _create(reporter, vaggeryd, waste, links=[{"url": "javascript:alert(1)", "label": "x"}])
    assert not GoodExample.objects.exists()


def test_another_members_own_figure_cannot_carry_the_example(vaggeryd, kalix, reporter):
    from indicators.models import Indicator

    theirs = Indicator.objects.create(owner=kalix, code="E.1", name="Kalix eget", unit="st")
    with pytest.raises(ValidationError):
        _create(reporter, vaggeryd, theirs)


def test_the_admin_rejects_through_the_service(client, vaggeryd, staff):
    example = GoodExampleFactory(organisation=vaggeryd)
    client.force_login(staff)
    client.post(
        reverse("admin:examples_goodexample_changelist"),
        {"action": "reject", "_selected_action": [example.pk]},
    )
    example.refresh_from_db()
    assert example.status == GoodExample.Status.REJECTED and example.published_at is None
    assert client.get(reverse("good_example_detail", args=[example.pk])).status_code == 404
