from django.conf import settings

from members.access import acts_as_office
from members.selectors import site_state


def site(request) -> dict:
    def office() -> bool:
        # Called by the template only where a page asks (the staff links), so the account is
        # loaded no earlier than before; members.access decides, templates never do.
        user = getattr(request, "user", None)
        return user is not None and acts_as_office(user=user)

    # Read once per request and shared with the page cache: the banner is never missing.
    return {
        "showing_demo_data": site_state(request).demo is not None,
        "office_email": settings.OFFICE_EMAIL,  # the footer and the accessibility statement
        "office_phone": settings.OFFICE_PHONE,
        "acts_as_office": office,
    }
