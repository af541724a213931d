"""Published good examples on pages the indicators app renders (the member page and the
indicator page), without those views knowing about them: one query per page."""

from django import template

from examples import selectors
from members import access

register = template.Library()


@register.simple_tag
def member_good_examples(organisation_id: int) -> dict[int, list[dict]]:
    """The member's published examples keyed by indicator id (1 query for the whole page)."""
    return selectors.member_examples(organisation_id=organisation_id)


@register.simple_tag
def indicator_good_examples(indicator_id: int) -> list[dict]:
    return selectors.indicator_examples(indicator_id=indicator_id)


@register.simple_tag(takes_context=True)
def may_write_examples(context, organisation) -> bool:
    """Whether the viewer may describe examples for the member (no query when anonymous)."""
    user = context["request"].user
    if not user.is_authenticated:
        return False
    return access.may_write(user=user, organisation=organisation)


@register.filter
def examples_for(keyed: dict, indicator_id: int) -> list[dict]:
    return keyed.get(indicator_id, []) if keyed else []
