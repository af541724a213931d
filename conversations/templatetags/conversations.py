from django import template

from conversations import selectors
from conversations.forms import PauseForm
from members import access

register = template.Library()


@register.simple_tag(takes_context=True)
def may_ask(context) -> bool:
    """Whether the viewer may ask members questions (shows the "Fråga" links). Asked once per
    page: `{% may_ask as can_ask %}`."""
    request = context.get("request")
    return request is not None and access.may_ask(user=request.user)


@register.simple_tag
def questions_for(organisations: list[dict]) -> dict[int, dict]:
    """Every shown organisation's questions at once (three queries):
    `{% questions_for organisations as questions_by_organisation %}`."""
    return selectors.questions_of(organisation_ids=[o["id"] for o in organisations])


@register.inclusion_tag("conversations/_reporting_section.html")
def questions_section(organisation: dict, questions_by_organisation: dict) -> dict:
    """One organisation's sent and received questions and its pause, on the reporting page."""
    return {
        "organisation": organisation,
        "questions": questions_by_organisation[organisation["id"]],
        "pause_form": PauseForm() if organisation.get("can_write") else None,
    }
