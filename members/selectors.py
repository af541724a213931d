"""Reads about members for pages, downloads and the API: plain dicts and lists."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from members.models import County, Membership, Municipality, SiteState


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


def user_sees_contacts(user) -> bool:
    """Contact persons' names are shown to staff and to logged-in users of member organisations."""
    if not user.is_authenticated:
        return False
    return user.is_staff or user.organisation_access.exists()


def member_search(*, query: str) -> list[dict]:
    """Active members whose name contains the query, best matches (name starts with it) first."""
    query = query.strip()
    if not query:
        return []
    found = (
        Municipality.objects.filter(
            memberships__status=Membership.Status.ACTIVE, name__icontains=query
        )
        .select_related("county")
        .order_by("name")
    )
    rows = [
        {"code": m.code, "name": m.name, "county": m.county.name, "kind": m.kind} for m in found
    ]
    rows.sort(key=lambda row: (not row["name"].lower().startswith(query.lower()), row["name"]))
    return rows


def site_state(request=None) -> SiteState:
    """The site's data version and demo flag, read once per request (one query)."""
    if request is not None and hasattr(request, "_site_state"):
        return request._site_state
    state = SiteState.objects.filter(pk=SiteState.SINGLETON_ID).first() or SiteState(
        pk=SiteState.SINGLETON_ID
    )
    if request is not None:
        request._site_state = state
    return state
