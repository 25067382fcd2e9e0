"""The code's shape: the folders show the concepts, data flows one way, and no import circle.

The import graph is read from the source (every ``import``, also those inside functions: a
deferred import is still a dependency), so a circle cannot hide behind an import made late.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

ROOT = Path(__file__).parents[1]
# the repository's folders and the names they install under (pyproject.toml's package-dir)
FOLDERS = {"gradsheet": "gradsheet", "derive": "gradsheet.derive", "generate": "gradsheet.generate"}
# derive's concepts in the order the data flows: a group imports only from groups before it
# (and from derive's top-level errors and limits, which everything may use)
DERIVE_FLOW = ("engine", "symbolic", "graphs", "checking", "printing", "figures", "formats")
DERIVE_BASE = ("errors", "limits", "deferred")
MAX_TOP_MODULES = 12


@cache
def modules() -> dict[str, Path]:
    found = {}
    for folder, package in FOLDERS.items():
        for path in sorted((ROOT / folder).rglob("*.py")):
            parts = path.relative_to(ROOT / folder).with_suffix("").parts
            parts = parts[:-1] if parts[-1] == "__init__" else parts
            found[".".join((package, *parts))] = path
    return found


@cache
def imports() -> dict[str, frozenset[str]]:
    """Each module's gradsheet imports, as module names (``from pkg import mod`` is mod)."""
    known = modules()
    graph = {}
    for name, path in known.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        edges = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                edges |= {a.name for a in node.names if a.name in known}
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[:len(package.split(".")) - node.level + 1]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                if target not in known:
                    continue
                subs = {f"{target}.{a.name}" for a in node.names} & known.keys()
                edges |= subs
                if len(subs) < len(node.names):
                    edges.add(target)
        edges.discard(name)
        graph[name] = frozenset(edges)
    return graph


def circles(graph: dict[str, frozenset[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def _inside(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def test_no_two_modules_import_each_other_in_a_circle() -> None:
    # package __init__ files are left out: importing gradsheet.derive.x runs gradsheet.derive's
    # __init__, which is not a dependency of x's code
    graph = {m: frozenset(e for e in es if modules()[e].name != "__init__.py") for m, es in imports().items()}
    assert circles(graph) == []


def test_the_circle_finder_finds_a_circle() -> None:
    graph = {"a": frozenset({"b"}), "b": frozenset({"c"}), "c": frozenset({"a"}), "d": frozenset({"a"})}
    assert circles(graph) == [["a", "b", "c"]]


def test_derive_keeps_at_most_twelve_modules_at_its_top_level() -> None:
    top = sorted(p.name for p in (ROOT / "derive").glob("*.py"))
    assert len(top) <= MAX_TOP_MODULES, top


def test_derive_never_imports_generate() -> None:
    leaks = {m: sorted(e for e in es if _inside(e, "gradsheet.generate") or e in ("gradsheet.api", "gradsheet"))
             for m, es in imports().items() if _inside(m, "gradsheet.derive")}
    # the package's own __init__ is the API function gradsheet.derive(…), and console.py the
    # console scripts' shared entry point (`generate` too): both sit above the mathematics
    allowed = {"gradsheet.derive", "gradsheet.derive.console"}
    assert {m: e for m, e in leaks.items() if e and m not in allowed} == {}


def test_derive_groups_import_only_from_the_groups_before_them() -> None:
    def group(name: str) -> str | None:
        rest = name.removeprefix("gradsheet.derive.").split(".")
        return rest[0] if name.startswith("gradsheet.derive.") and rest[0] in DERIVE_FLOW else None

    backwards = []
    for m, es in imports().items():
        mine = group(m)
        if mine is None:
            continue
        for e in es:
            theirs = group(e)
            if theirs is not None and DERIVE_FLOW.index(theirs) > DERIVE_FLOW.index(mine):
                backwards.append((m, e))
            elif theirs is None and _inside(e, "gradsheet.derive") and e.rpartition(".")[2] not in DERIVE_BASE \
                    and modules()[e].name != "__init__.py":
                backwards.append((m, e))
    assert backwards == []


def test_every_package_folder_is_listed_for_installation() -> None:
    listed = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    packages = sorted(m for m, p in modules().items() if p.name == "__init__.py")
    assert [p for p in packages if f'"{p}"' not in listed] == []
