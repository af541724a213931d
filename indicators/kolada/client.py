"""A small, well-behaved client for Kolada's API v2 (https://api.kolada.se/v2).

One `requests` Session: timeouts on every request (connect and read, from settings), retries
with exponential backoff on 429 and 5xx (urllib3's Retry, which honours Retry-After) and on
broken connections and timeouts (here, so that the same backoff applies), and a User-Agent
naming the product and whom to contact. Answers are paged: each page is a dict with `values`
and, while more remain, `next_page` (a full URL); the client yields page by page so the
caller can store each before asking for the next.

The base URL is settings.KOLADA_URL, so tests and staging point it at a stub.
"""

from __future__ import annotations

import functools
import importlib.metadata
import time
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

# Kolada serves up to 5 000 items a page.
PER_PAGE = 5000
RETRY_STATUSES = (429, 500, 502, 503, 504)


class KoladaError(Exception):
    """A request to Kolada failed after its retries; `url` is the page that failed."""

    def __init__(self, message: str, *, url: str):
        super().__init__(message)
        self.url = url


@dataclass(frozen=True)
class KoladaPage:
    url: str
    number: int  # 1 for the first page of a listing
    items: list[dict]


@functools.cache
def product_version() -> str:
    try:
        return importlib.metadata.version("ekokommun")
    except importlib.metadata.PackageNotFoundError:
        pyproject = Path(settings.BASE_DIR) / "pyproject.toml"
        try:
            return tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["version"]
        except (OSError, KeyError, tomllib.TOMLDecodeError):
            return "0"


def user_agent() -> str:
    return f"Ekokommun/{product_version()} (+{settings.KOLADA_CONTACT})"


def _join(values: Iterable) -> str:
    return ",".join(str(v) for v in values)


class KoladaClient:
    def __init__(self, *, base_url: str | None = None, session: requests.Session | None = None):
        self.base_url = (base_url or settings.KOLADA_URL).rstrip("/")
        self.timeout = (settings.KOLADA_CONNECT_TIMEOUT, settings.KOLADA_READ_TIMEOUT)
        self.session = session or self._session()

    @staticmethod
    def _session() -> requests.Session:
        # Connection errors and timeouts are retried by get_json, not here: retried at both
        # levels, one broken connection would cost retries squared.
        retry = Retry(
            total=settings.KOLADA_RETRIES,
            connect=0,
            read=0,
            status=settings.KOLADA_RETRIES,
            backoff_factor=settings.KOLADA_BACKOFF,
            status_forcelist=RETRY_STATUSES,
            allowed_methods=frozenset({"GET"}),
            respect_retry_after_header=True,
            raise_on_status=False,  # the last answer's status is raised below, with its URL
        )
        session = requests.Session()
        adapter = HTTPAdapter(max_retries=retry)
        session.mount("https://", adapter)
        session.mount("http://", adapter)
        session.headers.update({"User-Agent": user_agent(), "Accept": "application/json"})
        return session

    # --- Transport ---------------------------------------------------------------------------

    sleep = staticmethod(time.sleep)

    def get_json(self, url: str, *, params: dict | None = None) -> dict:
        """One GET: statuses retried by the session, a broken connection or a timeout retried
        here with the same backoff; numbers come back as Decimal (no float rounding between
        Kolada and the database). Raises KoladaError once the retries are spent."""
        attempts = settings.KOLADA_RETRIES + 1
        for attempt in range(attempts):
            try:
                response = self.session.get(url, params=params, timeout=self.timeout)
                response.raise_for_status()
                return response.json(parse_float=Decimal)
            except (requests.ConnectionError, requests.Timeout) as exc:
                if attempt + 1 == attempts:
                    raise KoladaError(f"{type(exc).__name__}: {exc}", url=url) from exc
                self.sleep(settings.KOLADA_BACKOFF * 2**attempt)
            except requests.RequestException as exc:
                raise KoladaError(f"{type(exc).__name__}: {exc}", url=url) from exc
            except ValueError as exc:  # not JSON
                raise KoladaError(f"not JSON: {exc}", url=url) from exc
        raise AssertionError("unreachable")

    def pages(self, path: str, *, params: dict | None = None) -> Iterator[KoladaPage]:
        """Every page of a listing, following `next_page` (a full URL) until it is absent."""
        url = f"{self.base_url}/{path.lstrip('/')}"
        params = {"per_page": PER_PAGE, **(params or {})}
        number = 0
        while url:
            document = self.get_json(url, params=params)
            number += 1
            yield KoladaPage(url=url, number=number, items=list(document.get("values") or []))
            url = document.get("next_page") or ""
            params = None  # next_page carries its own query string

    # --- Endpoints ---------------------------------------------------------------------------

    def data_pages(
        self,
        *,
        kpis: Iterable[str],
        years: Iterable[int] | None = None,
        municipality: str | None = None,
    ) -> Iterator[KoladaPage]:
        """Values of `kpis`: for every municipality and region in `years`
        (/data/kpi/<ids>/year/<years>), or for one (/data/kpi/<ids>/municipality/<id>, all
        years unless `years` are given)."""
        path = f"data/kpi/{_join(kpis)}"
        if municipality:
            path += f"/municipality/{municipality}"
        if years is not None:
            path += f"/year/{_join(years)}"
        elif not municipality:
            raise ValueError("Kolada's data for all municipalities needs years")
        return self.pages(path)

    def kpi_pages(self, *, title: str = "") -> Iterator[KoladaPage]:
        """The KPI catalogue (/kpi), or the KPIs whose title contains `title`."""
        return self.pages("kpi", params={"title": title} if title else None)

    def municipalities(self) -> list[dict]:
        """Kolada's municipalities and regions: id, title, type (K municipality, L region)."""
        return [item for page in self.pages("municipality") for item in page.items]

    def municipality_groups(self) -> list[dict]:
        """Kolada's municipality groups (ids beginning with G), each with its `members`."""
        return [item for page in self.pages("municipality_groups") for item in page.items]
