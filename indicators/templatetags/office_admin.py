"""The office's start page in the admin (templates/admin/index.html) reads its numbers here."""

from django import template

from indicators.selectors import office_start as office_start_selector

register = template.Library()


@register.simple_tag
def office_start():
    return office_start_selector()
