"""Reads about members for pages, downloads and the API: plain dicts and lists."""

import datetime
from decimal import Decimal

from django.db import connection
from django.db.models import OuterRef, Prefetch, Q, Subquery
from django.utils.translation import gettext as _

from members.collation import swedish, swedish_key
from members.models import (
    ContactPerson,
    FeeSchedule,
    Membership,
    MembershipApplication,
    Municipality,
    OrganisationAccess,
    Population,
    SiteState,
)


def members_by_county() -> list[dict]:
    """Active members grouped by county, in county order, each with its member-since date."""
    active = (
        Membership.objects.active()
        .order_by("organisation__county__code", swedish("organisation__name"))
        # Plain rows: the start page lists every member, and model instances cost far more.
        .values_list(
            "organisation__county__code",
            "organisation__county__name",
            "organisation__code",
            "organisation__name",
            "organisation__kind",
            "joined_on",
        )
    )
    groups: dict[str, dict] = {}
    for county_code, county, code, name, kind, joined_on in active:
        group = groups.get(county_code)
        if group is None:
            group = groups[county_code] = {"county": county, "code": county_code, "members": []}
        group["members"].append({"code": code, "name": name, "kind": kind, "joined_on": joined_on})
    return list(groups.values())


def member_search(*, query: str) -> list[dict]:
    """Active members whose name contains the query or whose kommunkod is the query, best
    matches (the code, then names that start with it) first."""
    query = query.strip()
    if not query:
        return []
    found = (
        Municipality.objects.active_members()
        .filter(Q(name__icontains=query) | Q(code=query))
        .select_related("county")
    )
    rows = [
        {"code": m.code, "name": m.name, "county": m.county.name, "kind": m.kind} for m in found
    ]
    wanted = query.lower()
    rows.sort(
        key=lambda row: (
            row["code"] != query,
            not row["name"].lower().startswith(wanted),
            swedish_key(row["name"]),
        )
    )
    return rows


def non_members_named(*, query: str, partial: bool = False, limit: int = 5) -> list[dict]:
    """Municipalities and regions that are not members and whose name or code is the query (or,
    with `partial`, whose name contains it), so that a search for one can say so and point to
    the application. At most `limit`, in Swedish order."""
    query = query.strip()
    if not query:
        return []
    named = Q(name__icontains=query) if partial else Q(name__iexact=query)
    found = (
        Municipality.objects.non_members().filter(named | Q(code=query)).in_swedish_order()[:limit]
    )
    return [{"code": m.code, "name": m.name, "kind": m.kind} for m in found]


def site_state(request=None) -> SiteState:
    """The site's data version and demo flag, read once per request (one query).

    Without the row (it is created by a migration) the version is None and nothing is cached.
    """
    if request is not None and hasattr(request, "_site_state"):
        return request._site_state
    state = _site_state_row() or SiteState(pk=SiteState.SINGLETON_ID, data_version=None)
    if request is not None:
        request._site_state = state
    return state


def _site_state_row() -> SiteState | None:
    # Every request asks (a cached page's hit too, where it is the only query): plain SQL, so a
    # hit does not pay for building the ORM query.
    meta = SiteState._meta
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT data_version, demo FROM {connection.ops.quote_name(meta.db_table)} "
            "WHERE id = %s",
            [SiteState.SINGLETON_ID],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    demo = meta.get_field("demo").from_db_value(row[1], None, connection)
    return SiteState(pk=SiteState.SINGLETON_ID, data_version=row[0], demo=demo)


def organisation_application_block(*, organisation: Municipality) -> str | None:
    """Why `organisation` cannot apply now (already a member), in words for the applicant;
    None when it may apply. A pending application never blocks another: anyone can post the
    form, so a stranger's application must not keep the real one out (staff see both, flagged
    as duplicates)."""
    if Membership.objects.active().filter(organisation=organisation).exists():
        return _(
            "%(org)s är redan medlem i Sveriges Ekokommuner. Kontakta kansliet om ni vill ändra "
            "era kontaktpersoner."
        ) % {"org": organisation.name}
    return None


def organisation_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Every municipality and region by name, grouped for a <select> with optgroups."""
    groups: dict[str, list[tuple[str, str]]] = {
        Municipality.Kind.MUNICIPALITY: [],
        Municipality.Kind.REGION: [],
    }
    for code, name, kind in Municipality.objects.in_swedish_order().values_list(
        "code", "name", "kind"
    ):
        groups[kind].append((code, name))
    return [(_("Kommuner"), groups["kommun"]), (_("Regioner"), groups["region"])]


def application_receipt(*, application_id: int) -> dict | None:
    row = (
        MembershipApplication.objects.filter(pk=application_id)
        .select_related("membership__organisation")
        .first()
    )
    if row is None:
        return None
    return {
        "organisation": row.membership.organisation.name,
        "submitted_at": row.submitted_at,
        "applicant_email": row.applicant_email,
        "deciding_body": row.get_deciding_body_display(),
        "decided_on": row.decided_on,
    }


# --- the public member list -------------------------------------------------------------------


def member_list(*, include_contacts: bool) -> dict:
    """Active members by county (county order, then name), with counts; contact persons only
    when `include_contacts`. Two queries (three with contacts), whatever the number of members.
    """
    active = (
        Membership.objects.active()
        .select_related("organisation__county")
        .order_by("organisation__county__code", swedish("organisation__name"))
    )
    if include_contacts:
        active = active.prefetch_related(
            Prefetch(
                "contact_persons",
                queryset=ContactPerson.objects.current().order_by("role"),
                to_attr="current_contacts",
            )
        )
    groups: dict[str, dict] = {}
    kinds = {Municipality.Kind.MUNICIPALITY: 0, Municipality.Kind.REGION: 0}
    for membership in active:
        org = membership.organisation
        group = groups.setdefault(
            org.county.code,
            {"county": org.county.name, "code": org.county.code, "count": 0, "members": []},
        )
        member = {
            "code": org.code,
            "name": org.name,
            "kind": org.kind,
            "kind_label": org.get_kind_display(),
            "joined_on": membership.joined_on,
        }
        if include_contacts:
            contacts = {c.role: c for c in membership.current_contacts}
            member["contacts"] = [
                {
                    "role": role.label,
                    "name": contacts[role].name,
                    "email": contacts[role].email,
                }
                if role in contacts
                else {"role": role.label, "name": None, "email": None}
                for role in ContactPerson.Role
            ]
        group["members"].append(member)
        group["count"] += 1
        kinds[org.kind] += 1
    return {
        "groups": list(groups.values()),
        "total": sum(kinds.values()),
        "municipalities": kinds[Municipality.Kind.MUNICIPALITY],
        "regions": kinds[Municipality.Kind.REGION],
        "include_contacts": include_contacts,
    }


# --- fees --------------------------------------------------------------------------------------


def _latest_populations(*, organisation_ids: list[int], year: int) -> dict[int, tuple[int, int]]:
    """{organisation id: (inhabitants, population year)} from the latest figure up to `year`."""
    latest: dict[int, tuple[int, int]] = {}
    rows = (
        Population.objects.filter(municipality_id__in=organisation_ids, year__lte=year)
        .order_by("municipality_id", "-year")
        .values_list("municipality_id", "year", "inhabitants")
    )
    for organisation_id, population_year, inhabitants in rows:
        latest.setdefault(organisation_id, (inhabitants, population_year))
    return latest


def fees_for_year(*, year: int) -> dict:
    """The fee list for invoicing: every organisation that was a member during `year`, with the
    population the fee is based on. Four queries whatever the number of members."""
    if not datetime.MINYEAR <= year <= datetime.MAXYEAR:
        # A year typed into an address that no date can hold: no schedule, nobody to list.
        return {"year": year, "schedule": None, "rows": [], "total": Decimal(0),
                "missing_population": []}  # fmt: skip
    schedule = FeeSchedule.objects.filter(year=year).first()
    memberships = list(
        Membership.objects.active_in(year)
        .select_related("organisation__county")
        .prefetch_related(
            Prefetch(
                "contact_persons",
                queryset=ContactPerson.objects.current().filter(role=ContactPerson.Role.OFFICIAL),
                to_attr="current_officials",
            )
        )
        .order_by(swedish("organisation__name"))
    )
    populations = _latest_populations(
        organisation_ids=[m.organisation_id for m in memberships], year=year
    )
    rows = []
    for membership in memberships:
        org = membership.organisation
        inhabitants, population_year = populations.get(org.pk, (None, None))
        fee = None
        if schedule is not None and inhabitants is not None:
            fee = schedule.fee_for_inhabitants(inhabitants)
        official = membership.current_officials[0] if membership.current_officials else None
        rows.append(
            {
                "code": org.code,
                "name": org.name,
                "kind": org.get_kind_display(),
                "county": org.county.name,
                "joined_on": membership.joined_on,
                "left_on": membership.left_on,
                "inhabitants": inhabitants,
                "population_year": population_year,
                "fee": fee,
                "official_name": official.name if official else "",
                "official_email": official.email if official else "",
            }
        )
    return {
        "year": year,
        "schedule": None
        if schedule is None
        else {
            "fixed_amount": schedule.fixed_amount,
            "per_inhabitant": schedule.per_inhabitant,
            "ceiling": schedule.ceiling,
        },
        "rows": rows,
        "total": sum((row["fee"] for row in rows if row["fee"] is not None), Decimal(0)),
        "missing_population": [row["name"] for row in rows if row["inhabitants"] is None],
        # The fee is then based on an older year's population: the office should know.
        "stale_population": [
            row["name"]
            for row in rows
            if row["population_year"] is not None and row["population_year"] < year
        ],
        "invoiced": sum(1 for row in rows if row["fee"] is not None),
    }


# --- Open data (API and downloads): public facts only, never contact persons -----------------


def organisations_open_data(
    *,
    code: str | None = None,
    kind: str | None = None,
    county_code: str | None = None,
    members_only: bool = False,
) -> list[dict]:
    """Every organisation with its county, kind and member-since date, in code order: one query.

    "Member since" is the start of the current (active) membership; None for non-members.
    """
    organisations = (
        Municipality.objects.select_related("county")
        .annotate(
            # One active membership at most (a constraint): its start, or None.
            member_since=Subquery(
                Membership.objects.active()
                .filter(organisation=OuterRef("pk"))
                .order_by()
                .values("joined_on")[:1]
            )
        )
        .order_by("code")
    )
    if code:
        organisations = organisations.filter(code=code)
    if kind:
        organisations = organisations.filter(kind=kind)
    if county_code:
        organisations = organisations.filter(county__code=county_code)
    if members_only:
        organisations = organisations.filter(member_since__isnull=False)
    return [
        {
            "code": org.code,
            "name": org.name,
            "kind": org.kind,
            "county_code": org.county.code,
            "county": org.county.name,
            "is_member": org.member_since is not None,
            "member_since": org.member_since,
        }
        for org in organisations
    ]


def accounts_losing_access(*, memberships) -> list[dict]:
    """The logins whose access ends if these memberships end: for the resignation screen."""
    organisation_ids = [m.organisation_id for m in memberships]
    rows = (
        OrganisationAccess.objects.current()
        .filter(organisation_id__in=organisation_ids)
        .select_related("user", "organisation")
        .order_by("organisation__name", "user__username")
    )
    return [
        {
            "organisation": row.organisation.name,
            "username": row.user.get_username(),
            "email": row.user.email,
            "level": row.get_level_display(),
        }
        for row in rows
    ]
