"""The layers import only downwards (shared/architecture.md): `members` imports nothing from the
apps above it, `indicators` nothing from the apps between members (questions, good examples),
`indicators`, and the common layer imports nothing from either app or the project package
(Django and the standard library are fine). Read from the source files' syntax trees, so an
import inside a function or behind TYPE_CHECKING counts as much as one at the top."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

RULES = {
    # package: packages it must not import
    "members": {"indicators", "conversations", "examples"},
    # The apps between members (questions, good examples) build on indicators, never the reverse:
    # indicators calls them only through its hooks (indicators/hooks.py).
    "indicators": {"conversations", "examples"},
    "common": {"members", "indicators", "ekokommun"},
}


def imported_modules(source: str, *, module: str) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in a module's source; relative imports
    are resolved against `module` (e.g. "members.admin.fees", "members.admin.__init__")."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")[: -node.level]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            found.append((node.lineno, name))
            # `from members import x` names a module too when x is one.
            found += [(node.lineno, f"{name}.{alias.name}".lstrip(".")) for alias in node.names]
    return found


def forbidden_imports(package: str, forbidden: set[str], *, root: Path = ROOT) -> list[str]:
    """ "path:line imports name" for each import in `package` of one of `forbidden`."""
    problems = []
    for path in sorted((root / package).rglob("*.py")):
        relative = path.relative_to(root)
        # A package's __init__ keeps its name here, so "from . import x" resolves inside it.
        parts = list(relative.with_suffix("").parts)
        for line, name in imported_modules(path.read_text(), module=".".join(parts)):
            top = name.split(".", 1)[0]
            if top in forbidden:
                problems.append(f"{relative}:{line} imports {name}")
    return sorted(set(problems))


@pytest.mark.parametrize(("package", "forbidden"), sorted(RULES.items()))
def test_a_layer_imports_nothing_from_the_layers_above_it(package, forbidden):
    assert (ROOT / package / "__init__.py").exists()
    assert forbidden_imports(package, forbidden) == []


@pytest.mark.parametrize(
    ("source", "module"),
    [
        ("from indicators.models import Indicator\n", "members.views"),
        ("import indicators.selectors\n", "members.views"),
        ("from indicators import selectors\n", "members.admin.fees"),
        ("def f():\n    from indicators import numbers\n", "members.views"),
        ("from ..indicators import models\n", "members.views"),
        ("from .. import indicators\n", "members.views"),
        ("if TYPE_CHECKING:\n    from indicators.models import Indicator\n", "members.models"),
    ],
)
def test_the_rule_sees_every_way_of_writing_an_import(tmp_path, source, module):
    # A stand-in tree, so the check is shown to fail on each form of a forbidden import.
    path = tmp_path.joinpath(*module.split(".")).with_suffix(".py")
    path.parent.mkdir(parents=True)
    path.write_text(source)
    assert forbidden_imports("members", {"indicators"}, root=tmp_path) != []


def test_the_rule_lets_allowed_imports_through(tmp_path):
    (tmp_path / "common").mkdir()
    (tmp_path / "common" / "numbers.py").write_text(
        "import re\nfrom django.utils.translation import gettext\nfrom . import spreadsheets\n"
        "from common.spreadsheets import safe_cell\n"
    )
    assert forbidden_imports("common", {"members", "indicators", "ekokommun"}, root=tmp_path) == []
