"""Organisations and indicators by what a file calls them (code, name, spelling)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from indicators.importers.cells import RowProblem, cell_text, name_key
from indicators.models import Indicator, Revision
from members.models import County, Municipality

# --- Looking up organisations and indicators ---------------------------------------------------


class Lookups:
    """Organisations and indicators, read once per file (two queries), looked up per row."""

    def __init__(self, *, revision: str | None = None):
        self.by_code: dict[str, int] = {}
        self.by_name: dict[str, int] = {}
        self.names: dict[int, str] = {}
        for pk, code, name, kind in Municipality.objects.values_list("pk", "code", "name", "kind"):
            self.by_code[code] = pk
            self.names[pk] = name
            self.by_name[name_key(name)] = pk
            if kind == Municipality.Kind.MUNICIPALITY:
                # "Vaggeryds kommun", "Borås kommun", "Stockholms stad".
                genitive = name if name.endswith(("s", "x", "z")) else f"{name}s"
                for form in (f"{genitive} kommun", f"{name} kommun", f"{genitive} stad"):
                    self.by_name.setdefault(name_key(form), pk)
        self.county_names = {name_key(n) for n in County.objects.values_list("name", flat=True)}
        self.indicators: dict[tuple[str, str], Indicator] = {}
        self.revisions: set[str] = set()
        # Only the catalogue: a member's own figure has no revision and no code in a file.
        for indicator in Indicator.objects.common().select_related("revision"):
            self.revisions.add(indicator.revision.code)
            self.indicators[(indicator.revision.code, name_key(indicator.code))] = indicator
        if revision is None:
            current = Revision.objects.filter(is_current=True).values_list("code", flat=True)
            revision = next(iter(current), None)
        elif revision not in self.revisions:
            raise RowProblem(_("Okänd revision ”%(text)s”.") % {"text": revision})
        self.default_revision = revision

    def organisation(self, *, code: Any = None, name: Any = None) -> int:
        """A municipality or region by its code (kommunkod, länskod) or by its name."""
        text = cell_text(code)
        if text and not text.isdigit():
            # The code column holds a name ("Vaggeryd"): read it as one.
            code, name, text = None, text, ""
        if text:
            pk = self._by_code(text)
            if pk is None:
                raise RowProblem(_("Okänd kommunkod ”%(text)s”.") % {"text": text})
            return pk
        text = cell_text(name)
        if not text:
            raise RowProblem(_("Kommunkod eller kommunens namn saknas."))
        pk = self.by_name.get(name_key(text))
        if pk is None:
            if text.isdigit():
                pk = self._by_code(text)
            if pk is None:
                raise RowProblem(_("Okänd kommun eller region ”%(text)s”.") % {"text": text})
        return pk

    def _by_code(self, text: str) -> int | None:
        if not text.isdigit():
            return None
        if len(text) <= 2:  # a region by its county code, "6" or "06"
            return self.by_code.get(text.zfill(2))
        if len(text) == 3:  # a spreadsheet dropped the leading zero of "0665"
            text = text.zfill(4)
        if text.startswith("00") and len(text) == 4 and text not in self.by_code:
            return self.by_code.get(text[2:])  # Kolada pads region ids to four digits
        return self.by_code.get(text)

    def indicator(self, code: Any, *, revision: Any = None) -> Indicator:
        revision_code = cell_text(revision) or self.default_revision
        if revision_code not in self.revisions:
            raise RowProblem(_("Okänd revision ”%(text)s”.") % {"text": revision_code})
        text = cell_text(code)
        if not text:
            raise RowProblem(_("Nyckeltalets kod saknas."))
        indicator = self.indicators.get((revision_code, name_key(text)))
        if indicator is None:
            raise RowProblem(
                _("Okänt nyckeltal ”%(code)s” i revision %(revision)s.")
                % {"code": text, "revision": revision_code}
            )
        return indicator

    def aggregate_reason(self, name: str) -> str | None:
        """Why a row names a group rather than one organisation, or None."""
        key = name_key(name)
        if key in self.county_names or any(word in key for word in AGGREGATE_WORDS):
            return _("sammanställning för flera organisationer (”%(name)s”), inte en kommun") % {
                "name": cell_text(name)
            }
        return None


AGGREGATE_WORDS = (
    "ekokommuner",
    "sekom",
    "riket",
    "sverige",
    "hela landet",
    "alla kommuner",
    "samtliga",
    "medel",
    "genomsnitt",
    "median",
    "totalt",
    "summa",
)
