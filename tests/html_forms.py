"""What a browser would submit from a form in a page: the one form reader of the tests and of the
benchmarks (bench/cold.py and bench/fault.py post the reporting form exactly as a person would).
"""

from __future__ import annotations

from html.parser import HTMLParser

# Inputs a browser never submits by themselves (a submit button only when it is clicked).
_NOT_SUBMITTED = {"submit", "button", "file", "reset", "image"}


class _FormFields(HTMLParser):
    def __init__(self):
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._select: str | None = None
        self._select_multiple = False
        self._first_option: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if "disabled" in attrs:
            return
        if tag == "input" and name and attrs.get("type") not in _NOT_SUBMITTED:
            if attrs.get("type") in {"checkbox", "radio"}:
                if "checked" not in attrs:
                    return
                self.data.setdefault(name, []).append(attrs.get("value") or "on")
            else:
                self.data.setdefault(name, []).append(attrs.get("value") or "")
        elif tag == "select" and name:
            self._select, self._select_multiple = name, "multiple" in attrs
            self._first_option = None
            self.data.setdefault(name, [])
        elif tag == "option" and self._select:
            value = attrs.get("value") or ""
            if self._first_option is None:
                self._first_option = value
            if "selected" in attrs:
                self.data[self._select].append(value)
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = [""]

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][0] += data

    def handle_endtag(self, tag):
        if tag == "select" and self._select:
            # A single select with nothing marked submits its first option, as browsers do.
            chosen = self.data[self._select]
            if not chosen and not self._select_multiple and self._first_option is not None:
                chosen.append(self._first_option)
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def form_fields(html: str, *, start: str = "<form") -> dict[str, list[str]]:
    """The fields of the first form in `html` that begins with `start`, each with its values."""
    begin = html.index(start)
    parser = _FormFields()
    parser.feed(html[begin : html.index("</form>", begin)])
    return parser.data
