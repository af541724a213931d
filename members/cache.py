"""The public-page cache keyed by this site's data version.

common.data_version holds the domain-free plumbing; this module only says where the version
lives (`SiteState.data_version`, read once per request by members.selectors.site_state).
"""

from django.http import HttpRequest

from common.data_version import page_cache
from members.selectors import site_state


def _data_version(request: HttpRequest) -> int | None:
    return site_state(request).data_version


# Serve anonymous GETs of a public page from the cache while the data is unchanged (and a
# stale copy during a database outage): see common.data_version.page_cache.
public_page = page_cache(version_of=_data_version)
