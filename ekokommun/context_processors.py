from django.conf import settings

from members.selectors import site_state


def site(request) -> dict:
    # Read once per request and shared with the page cache: the banner is never missing.
    return {
        "showing_demo_data": site_state(request).demo is not None,
        "office_email": settings.OFFICE_EMAIL,  # the footer and the accessibility statement
        "office_phone": settings.OFFICE_PHONE,
    }
