"""Member lists in and out of the admin (django-import-export): memberships only export, and a
contact-person file goes through contact_person_replace row by row, all rows or none."""

import datetime
import io

import openpyxl
import pytest
import tablib
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from members.models import ContactPerson, Membership, OrganisationAccess
from members.resources import (
    ContactPersonResource,
    MembershipImportRefused,
    MembershipResource,
)
from tests.admin_imports import CSV, XLSX, confirm, export, preview
from tests.members.factories import ContactPersonFactory, MembershipFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db

CONTACTS = "members_contactperson"


def row_errors(response) -> dict[int, list[str]]:
    return {
        row.number: [message for messages in row.error_dict.values() for message in messages]
        for row in response.context["result"].invalid_rows
    }


def contacts_table():
    return sorted(
        ContactPerson.objects.values_list(
            "membership_id", "role", "name", "email", "started_on", "ended_on"
        )
    )


@pytest.fixture
def vaggeryd():
    membership = MembershipFactory(organisation=MunicipalityFactory(code="0665"))
    ContactPersonFactory(
        membership=membership,
        role="politician",
        name="Eva Ek",
        email="eva@vaggeryd.se",
        started_on=datetime.date(2012, 12, 17),
    )
    return membership


# --- memberships: export only ------------------------------------------------------------------


def test_a_file_that_tries_to_change_a_membership_status_changes_nothing(vaggeryd):
    """A row "utträtt" with a leaving date would end a membership without the decision, with
    its contact persons and logins left current. The resource refuses the whole file."""
    before = list(Membership.objects.values_list("pk", "status", "joined_on", "left_on"))
    exported = MembershipResource().export()
    assert exported.headers[5] == "status" and exported[0][5] == "aktiv"
    changed = tablib.Dataset(headers=exported.headers)
    row = list(exported[0])
    row[5], row[9] = "utträtt", "2024-01-01"
    changed.append(row)
    changed.append(["", "0680", "", "", "", "aktiv", "2020-01-01", "", "2020-02-01", ""])
    for dry_run in (True, False):
        with pytest.raises(MembershipImportRefused, match="kan inte importeras"):
            MembershipResource().import_data(changed, dry_run=dry_run)
    assert list(Membership.objects.values_list("pk", "status", "joined_on", "left_on")) == before
    assert vaggeryd.contact_persons.current().count() == 1


def test_every_membership_column_is_read_only(vaggeryd):
    assert [name for name, field in MembershipResource().fields.items() if not field.readonly] == []


def test_membership_status_exports_in_swedish(admin_client, vaggeryd):
    memberships = export(admin_client, "members_membership", CSV).decode("utf-8-sig")
    assert memberships.splitlines()[1].split(",")[5] == "aktiv"
    assert "active" not in memberships


@pytest.mark.parametrize(
    ("model", "name"),
    [("members_membership", "medlemskap"), (CONTACTS, "kontaktpersoner")],
)
def test_member_exports_have_swedish_file_and_column_names(admin_client, model, name):
    url = reverse(f"admin:{model}_export")
    html = admin_client.get(url).content.decode()
    assert "Organisation Name" not in html
    form = admin_client.get(url).context["form"]
    data = {"format": XLSX, "resource": "0"}
    data.update({n: "on" for n in form.fields if n not in ("format", "resource")})
    data.pop("export_items", None)
    response = admin_client.post(url, data)
    assert f"{name}-" in response["Content-Disposition"]
    assert "Tablib Dataset" not in openpyxl.load_workbook(io.BytesIO(response.content)).sheetnames


# --- contact persons: through contact_person_replace ---------------------------------------------


def test_contact_persons_export_and_import_back_unchanged(admin_client):
    membership = MembershipFactory(organisation=MunicipalityFactory(code="0665"))
    ContactPersonFactory(membership=membership, name="Anna Ek", email="anna@vaggeryd.se")
    before = sorted(ContactPerson.objects.values_list())
    content = export(admin_client, CONTACTS, CSV)
    response = preview(admin_client, CONTACTS, "lista.csv", content)
    assert response.context["result"].totals["skip"] == 1
    confirm(admin_client, CONTACTS, response)
    assert sorted(ContactPerson.objects.values_list()) == before


def test_contact_persons_export_their_role_in_swedish_and_read_back(admin_client):
    membership = MembershipFactory(organisation=MunicipalityFactory(code="0665"))
    ContactPersonFactory(membership=membership, role="official", name="Anna Ek")
    ContactPersonFactory(membership=membership, role="politician", name="Erik Berg")
    text = export(admin_client, CONTACTS, CSV).decode("utf-8-sig")
    assert "tjänsteperson" in text and "politiker" in text
    assert "official" not in text and "politician" not in text
    before = sorted(ContactPerson.objects.values_list("name", "role"))
    response = preview(admin_client, CONTACTS, "lista.csv", text.encode())
    confirm(admin_client, CONTACTS, response)
    assert sorted(ContactPerson.objects.values_list("name", "role")) == before


def test_a_contact_person_is_added_to_a_members_current_membership_by_kommunkod(admin_client):
    membership = MembershipFactory(organisation=MunicipalityFactory(code="0665"))
    content = (
        "kommunkod,roll,namn,titel,e-post\n"
        "0665,politician,Erik Berg,Kommunstyrelsens ordförande,erik@vaggeryd.se\n"
    ).encode()
    response = preview(admin_client, CONTACTS, "kontakter.csv", content)
    confirm(admin_client, CONTACTS, response)
    person = ContactPerson.objects.get()
    assert (person.membership, person.role, person.name) == (membership, "politician", "Erik Berg")
    assert person.started_on == timezone.localdate()  # no "från": from today


def test_a_contacts_file_replaces_a_contact_through_the_service(admin_client, vaggeryd):
    content = (
        "kommunkod;roll;namn;titel;e-post;från\n"
        "0665;politiker;Erik Berg;Kommunstyrelsens ordförande;erik@vaggeryd.se;2024-05-02\n"
    ).encode()
    response = preview(admin_client, CONTACTS, "kontakter.csv", content)
    assert ContactPerson.objects.current().get().name == "Eva Ek"  # the preview wrote nothing
    confirm(admin_client, CONTACTS, response)
    eva = ContactPerson.objects.get(name="Eva Ek")
    erik = ContactPerson.objects.get(name="Erik Berg")
    # The previous one stays as history, ended the day the new one took office.
    assert eva.ended_on == datetime.date(2024, 5, 2)
    assert (erik.membership, erik.started_on, erik.ended_on) == (
        vaggeryd,
        datetime.date(2024, 5, 2),
        None,
    )
    assert list(vaggeryd.contact_persons.current().values_list("name", flat=True)) == ["Erik Berg"]


def test_a_new_official_from_a_file_gets_a_reporting_account_and_the_previous_loses_access(
    vaggeryd, django_capture_on_commit_callbacks
):
    resource = ContactPersonResource(site_url="https://ekokommun.example")
    first = tablib.Dataset(headers=["kommunkod", "roll", "namn", "e-post", "från"])
    first.append(["0665", "tjänsteperson", "Anna Ek", "anna@vaggeryd.se", "2020-01-01"])
    with django_capture_on_commit_callbacks(execute=True):
        result = resource.import_data(first, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    anna = ContactPerson.objects.get(name="Anna Ek")
    assert anna.user.email == "anna@vaggeryd.se" and not anna.user.is_active
    assert OrganisationAccess.objects.current().get().user == anna.user
    assert "https://ekokommun.example/" in mail.outbox[-1].body

    second = tablib.Dataset(headers=["kommunkod", "roll", "namn", "e-post", "från"])
    second.append(["0665", "tjänsteperson", "Bo Al", "bo@vaggeryd.se", "2024-01-01"])
    resource.import_data(second, dry_run=False)
    anna.refresh_from_db()
    assert anna.ended_on == datetime.date(2024, 1, 1)
    assert [a.user.email for a in OrganisationAccess.objects.current()] == ["bo@vaggeryd.se"]


def test_a_row_that_matches_the_current_contact_is_skipped(admin_client, vaggeryd):
    before = contacts_table()
    content = "kommunkod;roll;namn;titel;e-post;telefon\n"
    eva = vaggeryd.contact_persons.get()
    content += f"0665;politiker;Eva Ek;{eva.title};eva@vaggeryd.se;{eva.phone}\n"
    response = preview(admin_client, CONTACTS, "k.csv", content.encode())
    assert response.context["result"].totals["skip"] == 1
    confirm(admin_client, CONTACTS, response)
    assert contacts_table() == before


def test_one_refused_row_refuses_the_file_with_swedish_row_errors(admin_client, vaggeryd):
    before = contacts_table()
    left = MembershipFactory(
        organisation=MunicipalityFactory(code="0680"),
        status=Membership.Status.RESIGNED,
        left_on=datetime.date(2020, 1, 1),
    )
    eva = vaggeryd.contact_persons.get()
    content = (
        "id;medlemskap;kommunkod;roll;namn;e-post;från;till\n"
        ";;0665;politiker;Erik Berg;erik@vaggeryd.se;2024-05-02;\n"  # fine on its own
        ";;0665;politiker;Per Al;per@vaggeryd.se;2001-01-01;\n"  # before the membership
        f";{left.pk};;politiker;Lena Ny;lena@example.se;;\n"  # not a member
        ";;0665;borgmästare;Ola Ny;ola@example.se;;\n"  # no such role
        ";;0665;tjänsteperson;Kim Ny;kim@example.se;;2025-01-01\n"  # a new person has no end
        f"{eva.pk};;0665;politiker;Eva Ekström;eva@vaggeryd.se;2012-12-17;\n"  # an edit
        "999999;;0665;politiker;Ny Person;ny@example.se;;\n"  # an unknown id
        ";;9999;politiker;Okänd Ort;x@example.se;;\n"  # an unknown code
    ).encode()
    response = preview(admin_client, CONTACTS, "k.csv", content)
    assert response.context.get("confirm_form") is None
    errors = row_errors(response)
    assert sorted(errors) == [2, 3, 4, 5, 6, 7, 8]
    assert "före inträdet" in errors[2][0]
    assert "bara bytas för aktiva medlemmar" in errors[3][0]
    assert "Okänd roll ”borgmästare”" in errors[4][0]
    assert "lämna ”till” tom" in errors[5][0]
    assert "kan inte ändras med en fil" in errors[6][0]
    assert "ingen kontaktperson med id 999999" in errors[7][0]
    assert "Okänd kommunkod ”9999”" in errors[8][0]
    assert contacts_table() == before
    # Called directly, the resource also writes nothing when a row is refused.
    dataset = tablib.Dataset().load(content.decode(), format="csv", delimiter=";")
    result = ContactPersonResource().import_data(dataset, dry_run=False)
    assert result.has_validation_errors()
    assert contacts_table() == before


def test_the_admin_corrects_a_contacts_details_but_never_moves_ends_adds_or_deletes_one(
    admin_client, vaggeryd
):
    """Who holds a role changes only through contact_person_replace: the change form keeps
    membership, role and dates read-only, and there is no add or delete in the admin."""
    contact = ContactPerson.objects.current().filter(membership=vaggeryd).first()
    change = reverse("admin:members_contactperson_change", args=[contact.pk])
    page = admin_client.get(change)
    assert page.status_code == 200
    form_fields = page.context["adminform"].form.fields
    assert {"membership", "role", "user", "started_on", "ended_on"}.isdisjoint(form_fields)
    assert "email" in form_fields
    assert admin_client.get(reverse("admin:members_contactperson_add")).status_code == 403
    delete = reverse("admin:members_contactperson_delete", args=[contact.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert ContactPerson.objects.filter(pk=contact.pk, ended_on__isnull=True).exists()
