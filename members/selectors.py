"""Reads about members for pages, downloads and the API: plain dicts and lists."""

from django.db.models import Min, Prefetch, Q
from django.shortcuts import get_object_or_404

from members.models import County, Membership, Municipality


def members_by_county() -> list[dict]:
    """Active members grouped by county, in county order, each with its member-since date."""
    active = (
        Membership.objects.active()
        .select_related("organisation__county")
        .order_by("organisation__county__code", "organisation__name")
    )
    groups: dict[str, dict] = {}
    for membership in active:
        org = membership.organisation
        group = groups.setdefault(
            org.county.code, {"county": org.county.name, "code": org.county.code, "members": []}
        )
        group["members"].append(
            {
                "code": org.code,
                "name": org.name,
                "kind": org.kind,
                "joined_on": membership.joined_on,
            }
        )
    return list(groups.values())


def organisation_detail(*, code: str) -> Municipality:
    """The organisation with its county and memberships, or 404."""
    return get_object_or_404(
        Municipality.objects.select_related("county").prefetch_related(
            Prefetch("memberships", queryset=Membership.objects.order_by("-applied_on"))
        ),
        code=code,
    )


def counties() -> list[County]:
    return list(County.objects.all())


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
            member_since=Min(
                "memberships__joined_on",
                filter=Q(memberships__status=Membership.Status.ACTIVE),
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
