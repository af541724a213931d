from django.shortcuts import render

from indicators.selectors import member_latest_values
from members.selectors import members_by_county, organisation_detail


def home(request):
    return render(request, "indicators/home.html", {"groups": members_by_county()})


def member_detail(request, code: str):
    organisation = organisation_detail(code=code)
    return render(
        request,
        "indicators/member_detail.html",
        {
            "organisation": organisation,
            "rows": member_latest_values(organisation_id=organisation.pk),
        },
    )
