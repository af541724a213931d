"""Swedish everywhere on the staff screens: every admin page the office uses (the start page,
each change list, a change form of each, the history pages and the export screen) is fetched
and must show none of the English left over from the third-party packages."""

import datetime
import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from indicators.models import Indicator
from indicators.services import ValueInput, values_upsert
from members.models import FeeSchedule, Membership
from members.services import membership_reject
from tests.indicators.factories import IndicatorValueFactory
from tests.members.factories import (
    ContactPersonFactory,
    MembershipApplicationFactory,
    MembershipFactory,
    MunicipalityFactory,
    OrganisationAccessFactory,
    PopulationFactory,
)

pytestmark = pytest.mark.django_db

# What the office saw in English before (django-simple-history, django-axes and
# django-import-export have no Swedish catalogue). The export's column names are named in
# members/indicators resources.
ENGLISH = [
    "Choose a date",
    "Changed by",
    "Change reason",
    "Change history",
    "This object doesn't have a change history",
    "Revert",
    "Object",
    "Changes",
    "Created",
    "Changed",
    "Deleted",
    "entries",
    "Axes",
    "Access attempts",
    "Access attempt",
    "Access logs",
    "Access failures",
    "Attempt Time",
    "IP Address",
    "User Agent",
    "Username",
    "Locked Out",
    "Failed Logins",
    "Form Data",
    "Meta Data",
    "Clean up expired attempts",
    "Export",
    "Import",
    "This exporter will export",
    "This importer will import",
    "File to import",
    "Confirm import",
    "Preview",
    "Line number",
    "Errors",
    "New",
    "Update",
    "Skipped",
    "Organisation Name",
    "Indicator Name",
    "Select all",
    "Submit",
    "Tablib Dataset",
]
LEFTOVER = re.compile(r"\b(" + "|".join(re.escape(word) for word in ENGLISH) + r")\b")


class _VisibleText(HTMLParser):
    """The text a person reads: element text, button values and titles, not markup."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style"}:
            self._skip += 1
        attrs = dict(attrs)
        if tag == "input" and attrs.get("type") in {"submit", "button"}:
            self.parts.append(attrs.get("value") or "")
        for name in ("title", "placeholder", "aria-label"):
            if attrs.get(name):
                self.parts.append(attrs[name])

    def handle_endtag(self, tag):
        if tag in {"script", "style"}:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def leftovers(html: str) -> list[str]:
    parser = _VisibleText()
    parser.feed(html)
    return sorted(set(LEFTOVER.findall(" ".join(parts.strip() for parts in parser.parts))))


@pytest.fixture
def office_data(admin_user):
    vaggeryd = MembershipFactory(organisation=MunicipalityFactory(code="0665"))
    ContactPersonFactory(membership=vaggeryd, role="official")
    OrganisationAccessFactory(organisation=vaggeryd.organisation)
    PopulationFactory(municipality=vaggeryd.organisation, year=2024)
    FeeSchedule.objects.create(
        year=2025, fixed_amount=Decimal(4000), per_inhabitant=Decimal("0.30")
    )
    rejected = MembershipApplicationFactory(
        membership__organisation=MunicipalityFactory(code="0680")
    )
    membership_reject(
        membership=rejected.membership,
        board_meeting_on=timezone.localdate() - datetime.timedelta(days=1),
        reason="För tidigt.",
        user=admin_user,
    )
    MembershipApplicationFactory(membership__organisation=MunicipalityFactory(code="1730"))
    energy = Indicator.objects.get(revision__code="2023", code="GN.7")
    value = IndicatorValueFactory(
        organisation=vaggeryd.organisation, indicator=energy, year=2023, value=Decimal(80)
    )
    values_upsert(
        rows=[
            ValueInput(
                organisation_id=value.organisation_id,
                indicator=energy,
                year=2023,
                value=Decimal(90),
            )
        ],
        user=admin_user,
        change_reason="Rättat",
    )
    common = {"user_agent": "Firefox", "ip_address": "192.0.2.1", "username": "x@example.se"}
    AccessAttempt.objects.create(
        **common, http_accept="*/*", path_info="/login/", failures_since_start=2
    )
    AccessLog.objects.create(**common, http_accept="*/*", path_info="/login/")
    AccessFailureLog.objects.create(**common, http_accept="*/*", path_info="/login/")
    return {"value": value, "membership": vaggeryd}


def staff_pages(office_data) -> list[str]:
    pages = [reverse("admin:index")]
    for model in admin.site._registry:
        opts = model._meta
        if opts.app_label not in {"members", "indicators", "axes"}:
            continue
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        pages.append(changelist)
        pages.append(reverse("admin:app_list", args=[opts.app_label]))
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            pages.append(
                reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[first.pk])
            )
            pages.append(
                reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[first.pk])
            )
    value = office_data["value"]
    version = value.history.earliest("history_date")
    pages += [
        reverse(
            "admin:indicators_indicatorvalue_simple_history", args=[value.pk, version.history_id]
        ),
        reverse("admin:indicators_indicatorvalue_export"),
        reverse("admin:indicators_indicator_export"),
        reverse("admin:members_membership_export"),
        reverse("admin:members_contactperson_export"),
        reverse("admin:indicators_indicatorvalue_import"),
        reverse("admin:indicators_indicator_import"),
        reverse("admin:members_contactperson_import"),
        reverse("admin:indicators_indicatorvalue_deleted"),
    ]
    return sorted(set(pages))


def test_no_staff_page_shows_english_leftovers(admin_client, office_data):
    found = {}
    for url in staff_pages(office_data):
        response = admin_client.get(url)
        assert response.status_code == 200, url
        words = leftovers(response.content.decode())
        if words:
            found[url] = words
    assert found == {}


def test_the_value_history_is_in_swedish(admin_client, office_data):
    value = office_data["value"]
    html = admin_client.get(
        reverse("admin:indicators_indicatorvalue_history", args=[value.pk])
    ).content.decode()
    for swedish in ("Välj en tidpunkt", "Ändrat av", "Anledning", "Rättat", "skapat", "ändrat"):
        assert swedish in html
    assert Membership.objects.count() == 3


def test_the_leftover_check_finds_english(admin_client):
    assert leftovers("<p>Choose a date from the list</p><input type=submit value=Revert>") == [
        "Choose a date",
        "Revert",
    ]
    assert leftovers('<p class="export_link">Exportera</p><script>Export()</script>') == []
    assert leftovers('<a class="import_link">Import</a><th>Organisation Name (kommun)</th>') == [
        "Import",
        "Organisation Name",
    ]


def test_the_import_preview_is_in_swedish(admin_client, office_data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    membership = office_data["membership"]
    content = (
        "kommunkod,roll,namn,titel,e-post\n"
        f"{membership.organisation.code},politiker,Erik Berg,Ordförande,erik@example.se\n"
    ).encode()
    response = admin_client.post(
        reverse("admin:members_contactperson_import"),
        {"resource": "0", "format": "0", "import_file": SimpleUploadedFile("k.csv", content)},
    )
    html = response.content.decode()
    assert response.context["confirm_form"] is not None
    assert leftovers(html) == []
    assert "Erik Berg" in html
