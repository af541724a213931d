"""The member page's sections built in Python (indicators.templatetags.member_sections): its
links are the ones {% url %} writes, for plain codes and for any other text."""

import pytest
from django.urls import reverse

from indicators.templatetags.member_sections import _Urls


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("member_detail", ["0665"]),
        ("indicator_detail", ["GN.6a"]),
        ("question_new", ["2514", "GN.6a"]),
        # Not plain: reverse() percent-encodes them, and so does every later path.
        ("member_detail", ["a bö?#&"]),
        ("question_new", ["2514", "GN 6a%"]),
    ],
)
def test_a_section_link_is_the_path_reverse_writes(name, args):
    urls = _Urls(name, len(args))
    urls(*["1"] * len(args))  # the pattern is made on the first call and reused
    assert urls(*args) == reverse(name, args=args)
