"""The import structure of ``src/skyshield``, read with ``ast`` (nothing is imported):

- no import circle between modules through module-level imports (imports inside functions
  and under ``if TYPE_CHECKING:`` are allowed: the deferred ones that would close a circle are
  listed in :data:`DEFERRED`, so that a new one is seen);
- no module imports a package above it (:data:`LAYERS`): ``results/`` never imports
  ``skyshield.plan``, ``analysis``, ``report`` or a CLI, and nothing imports names from the
  package root ``skyshield`` (its ``__init__``) — only its submodules.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PKG = SRC / "skyshield"

#: The layers, lowest first; a module may import its own layer and those below it.
#: The key is a top-level module or package of ``skyshield``; every ``cli`` module of a
#: package belongs to the CLI layer whatever its package.
LAYERS: list[set[str]] = [
    {"_version", "errors", "progress", "args", "clock", "contract", "limits", "display",
     "interrupt", "outfolder", "distributed"},
    {"terrain"},
    {"scenario"},
    {"wta", "track"},
    {"engine"},
    {"results"},
    {"montecarlo"},
    {"analysis"},
    {"plan"},
    {"report"},
    {"cli", "commands", "core_cli", "cli_options", "<cli>"},
    {"<root>"},  # skyshield/__init__.py
]

#: Upward imports tolerated, as (importer, imported module) -> why. Empty: every layer is
#: respected.
ALLOWED_UPWARD: dict[tuple[str, str], str] = {}

#: Module-level import circles tolerated, each as the sorted tuple of its modules -> why.
#: Empty: there is none.
ALLOWED_CIRCLES: dict[tuple[str, ...], str] = {}

#: Deferred imports (inside a function or under ``if TYPE_CHECKING:``) that would close a
#: circle with the module-level imports, as (importer, imported): allowed, listed here so
#: that a new one is seen.
DEFERRED: dict[tuple[str, str], str] = {}


@dataclass(frozen=True)
class Import:
    importer: str
    imported: str
    line: int
    deferred: bool  # inside a function or under `if TYPE_CHECKING:`


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(p): p for p in sorted(PKG.rglob("*.py"))}


def _is_package(name: str) -> bool:
    return MODULES.get(name, Path()).name == "__init__.py"


def _resolve(importer: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = importer.split(".")
    if not _is_package(importer):
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _targets(importer: str, node: ast.Import | ast.ImportFrom) -> list[str]:
    """The skyshield modules an import statement depends on: ``from pkg import name`` is the
    submodule ``pkg.name`` when there is one, else ``pkg`` itself."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if a.name.split(".")[0] == "skyshield"]
    mod = _resolve(importer, node)
    if mod.split(".")[0] != "skyshield":
        return []
    out = []
    for a in node.names:
        sub = f"{mod}.{a.name}"
        out.append(sub if sub in MODULES else mod)
    return sorted(set(out))


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _walk(node: ast.AST, deferred: bool, found: list[tuple[ast.Import | ast.ImportFrom, bool]]
          ) -> None:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.Import | ast.ImportFrom):
            found.append((child, deferred))
        elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            _walk(child, True, found)
        elif isinstance(child, ast.If) and _is_type_checking(child.test):
            for stmt in child.body:
                _walk(ast.Module(body=[stmt], type_ignores=[]), True, found)
            for stmt in child.orelse:
                _walk(ast.Module(body=[stmt], type_ignores=[]), deferred, found)
        else:
            _walk(child, deferred, found)


def _imports() -> list[Import]:
    out = []
    for name, path in MODULES.items():
        found: list[tuple[ast.Import | ast.ImportFrom, bool]] = []
        _walk(ast.parse(path.read_text(encoding="utf-8"), str(path)), False, found)
        for node, deferred in found:
            for target in _targets(name, node):
                if target != name:
                    out.append(Import(name, target, node.lineno, deferred))
    return out


IMPORTS = _imports()


def _layer(module: str) -> int:
    parts = module.split(".")
    if module == "skyshield":
        key = "<root>"
    elif parts[-1] == "cli":
        key = "<cli>" if len(parts) > 2 else "cli"
    else:
        key = parts[1]
    for i, layer in enumerate(LAYERS):
        if key in layer:
            return i
    raise AssertionError(f"{module}: add its package {key!r} to LAYERS")


def _graph(deferred: bool) -> dict[str, set[str]]:
    g: dict[str, set[str]] = {m: set() for m in MODULES}
    g.update({i.imported: set() for i in IMPORTS if i.imported not in g})
    for imp in IMPORTS:
        if deferred or not imp.deferred:
            g[imp.importer].add(imp.imported)
    return g


def _reaches(g: dict[str, set[str]], start: str, goal: str) -> bool:
    seen, todo = {start}, [start]
    while todo:
        m = todo.pop()
        if m == goal:
            return True
        for n in g.get(m, ()):
            if n not in seen:
                seen.add(n)
                todo.append(n)
    return False


def _circles(g: dict[str, set[str]]) -> list[tuple[str, ...]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[tuple[str, ...]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(g[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(tuple(sorted(comp)))

    for v in sorted(g):
        if v not in index:
            visit(v)
    return out


def test_the_walk_sees_the_package() -> None:
    assert "skyshield.results.core" in MODULES and "skyshield" in MODULES
    assert any(i.importer == "skyshield.montecarlo" and i.imported == "skyshield.results.core"
               and not i.deferred for i in IMPORTS)
    # `from skyshield.engine import rng` depends on the submodule, not on the package
    assert any(i.importer == "skyshield.engine.compile" and i.imported == "skyshield.engine.rng"
               for i in IMPORTS)


def test_no_module_level_import_circle() -> None:
    found = {c: "" for c in _circles(_graph(deferred=False))}
    unexpected = sorted(set(found) - set(ALLOWED_CIRCLES))
    assert not unexpected, f"module-level import circles: {unexpected}"
    stale = sorted(set(ALLOWED_CIRCLES) - set(found))
    assert not stale, f"ALLOWED_CIRCLES entries that are gone (remove them): {stale}"


def test_deferred_imports_that_close_a_circle_are_listed() -> None:
    g = _graph(deferred=False)
    closing = {(i.importer, i.imported) for i in IMPORTS
               if i.deferred and _reaches(g, i.imported, i.importer)}
    unexpected = sorted(closing - set(DEFERRED))
    assert not unexpected, (
        f"deferred imports closing a circle (list them in DEFERRED with a reason): {unexpected}")
    stale = sorted(set(DEFERRED) - closing)
    assert not stale, f"DEFERRED entries that no longer close a circle: {stale}"


def test_no_module_imports_a_layer_above_it() -> None:
    bad = {}
    for i in IMPORTS:
        if _layer(i.imported) > _layer(i.importer):
            bad[(i.importer, i.imported)] = f"line {i.line}"
    unexpected = sorted(set(bad) - set(ALLOWED_UPWARD))
    assert not unexpected, "upward imports: " + ", ".join(
        f"{a} -> {b} ({bad[(a, b)]})" for a, b in unexpected)
    stale = sorted(set(ALLOWED_UPWARD) - set(bad))
    assert not stale, f"ALLOWED_UPWARD entries that are gone (remove them): {stale}"


@pytest.mark.parametrize("layer", ["results", "scenario", "engine", "wta"])
def test_lower_packages_never_name_the_upper_ones(layer: str) -> None:
    upper = ("skyshield.plan", "skyshield.analysis", "skyshield.report", "skyshield.cli",
             "skyshield.core_cli", "skyshield.commands")
    bad = [(i.importer, i.imported, i.line) for i in IMPORTS
           if i.importer.startswith(f"skyshield.{layer}")
           and (i.imported == "skyshield" or i.imported.startswith(upper))
           and (i.importer, i.imported) not in ALLOWED_UPWARD]
    assert not bad


#: What a CLI module may import at module level besides the standard library (``--help``
#: stays instant): typer, and the project's standard-library-only modules.
CLI_MODULE_LEVEL = {"typer", "skyshield.errors", "skyshield.args", "skyshield.cli_options"}


def _cli_modules() -> list[str]:
    return sorted(m for m in MODULES if m.endswith(".cli") or m in (
        "skyshield.commands", "skyshield.core_cli"))


@pytest.mark.parametrize("module", _cli_modules())
def test_cli_modules_import_only_typer_and_the_standard_library(module: str) -> None:
    import sys

    found: list[tuple[ast.Import | ast.ImportFrom, bool]] = []
    _walk(ast.parse(MODULES[module].read_text(encoding="utf-8")), False, found)
    bad = []
    for node, deferred in found:
        if deferred:
            continue
        names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                 else [_resolve(module, node)])
        for name in names:
            top = name.split(".")[0]
            if top in sys.stdlib_module_names or top == "__future__":
                continue
            if name in CLI_MODULE_LEVEL or top in CLI_MODULE_LEVEL:
                continue
            bad.append((name, node.lineno))
    assert not bad, f"{module} imports at module level: {bad}"
