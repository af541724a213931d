"""The README's map of user actions names files and functions that exist, so it cannot drift
silently when code moves."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# `path/to/file.py` or `path/to/file.py::name` / `::Class.method`, as the map writes them.
REFERENCE = re.compile(r"`((?:[\w]+/)+[\w]+\.(?:py|html))(?:::([\w.]+))?`")


def _map_section() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("### Map: where each user action goes")
    return readme[start : readme.index("\n### ", start + 1)]


def _defined(path: Path, dotted: str) -> bool:
    scope = ast.parse(path.read_text(encoding="utf-8")).body
    for part in dotted.split("."):
        found = [
            node
            for node in scope
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
            and node.name == part
        ]
        if not found:
            return False
        scope = found[0].body
    return True


def test_every_action_of_the_map_is_there():
    table = [line for line in _map_section().splitlines() if line.startswith("|")]
    assert table[0].startswith("| action | view |") and table[1].startswith("|---")
    rows = table[2:]
    actions = [row.split("|")[1].strip().split(" (")[0] for row in rows]
    assert actions == [
        "apply for membership",
        "approve an application",
        "report a year",
        "import a file",
        "open a member page",
        "download",
        "call the API",
        "the office's start page",
        "ask a member",
    ]


def test_every_file_and_function_the_map_names_exists():
    references = REFERENCE.findall(_map_section())
    assert len(references) > 20
    missing = []
    for path, name in references:
        file = ROOT / path
        if not file.is_file():
            missing.append(path)
        elif name and not _defined(file, name):
            missing.append(f"{path}::{name}")
    assert missing == []
