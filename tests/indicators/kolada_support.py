"""Kolada's recorded answers (tests/indicators/kolada_fixtures/) and how to serve them."""

import json
from pathlib import Path

from responses import matchers

from tests.indicators.conftest import KOLADA_TEST_URL

FIXTURES = Path(__file__).parent / "kolada_fixtures"
WASTE_URL = f"{KOLADA_TEST_URL}/data/kpi/U07801/year/2022"
FIRST_PAGE = matchers.query_param_matcher({"per_page": "5000"})
SECOND_PAGE = matchers.query_param_matcher({"page": "2", "per_page": "5000"})


def recorded(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def serve_waste(stub, *, second=None) -> None:
    """The two pages of household waste 2022; `second` replaces the second page's answer."""
    stub.get(WASTE_URL, json=recorded("waste_page1.json"), match=[FIRST_PAGE])
    if second is None:
        stub.get(WASTE_URL, json=recorded("waste_page2.json"), match=[SECOND_PAGE])
    else:
        stub.get(WASTE_URL, match=[SECOND_PAGE], **second)
