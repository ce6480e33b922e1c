"""Generate the reference tables of ``docs/scenario.md`` and ``docs/catalogue.md``.

One source of truth: the scenario field tables come from the pydantic models (types,
constraints, defaults, attribute docstrings), the catalogue tables from the domain table
(:mod:`skyshield.scenario.domain`) and ``skyshield/data/catalogue.yaml``. The
hand-written prose of each page stays; only the part between the markers is replaced::

    python -m skyshield.scenario.docgen           # rewrite both pages
    python -m skyshield.scenario.docgen --check   # exit 1 if a page is out of date

A test runs the check, so a schema or catalogue change without its documentation fails.
"""

from __future__ import annotations

import argparse
import sys
import types
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import annotated_types
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from skyshield.scenario.catalogue import Catalogue, EquipmentClass, default_catalogue
from skyshield.scenario.domain import KIND_MEANINGS, PK, TABLES, Param, Table, format_number
from skyshield.scenario.schema import LatLon, Scenario

BEGIN = "<!-- BEGIN GENERATED: python -m skyshield.scenario.docgen -->"
END = "<!-- END GENERATED -->"
PLACEHOLDER = "**placeholder** (no public source; order-of-magnitude modelling choice)"

_UNITS = (("_mps", "m/s"), ("_m2", "m²"), ("_usd", "US$"), ("_s", "s"), ("_m", "m"))


def unit_of(name: str) -> str:
    """The unit a field name declares by its suffix (``speed_mps`` → ``m/s``), or ``""``."""
    if name in ("lat", "lon"):
        return "degrees"
    for suffix, unit in _UNITS:
        if name.endswith(suffix):
            return unit
    return ""


def _bounds(metadata: list[Any]) -> str:
    lo = hi = ""
    flat: list[Any] = []
    for m in metadata:
        # Field(ge=...) inside Annotated arrives as a FieldInfo holding the constraints
        flat += m.metadata if isinstance(m, FieldInfo) else [m]
    for m in flat:
        if isinstance(m, annotated_types.Gt):
            lo = f"> {m.gt:g}"
        elif isinstance(m, annotated_types.Ge):
            lo = f"≥ {m.ge:g}"
        elif isinstance(m, annotated_types.Lt):
            hi = f"< {m.lt:g}"
        elif isinstance(m, annotated_types.Le):
            hi = f"≤ {m.le:g}"
        elif isinstance(m, annotated_types.MinLen) and m.min_length > 0:
            lo = "non-empty"
    return ", ".join(x for x in (lo, hi) if x)


def _is_point(tp: Any) -> bool:
    args = typing.get_args(tp)
    if typing.get_origin(tp) is typing.Annotated:
        return _is_point(args[0])
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        plain = [typing.get_args(a)[0] if typing.get_origin(a) is typing.Annotated else a
                 for a in args]
        return LatLon in plain and any(typing.get_origin(a) is tuple for a in plain)
    return False


def type_name(tp: Any, metadata: list[Any] | None = None) -> str:
    """A short, readable name of a field type, with its bounds (``number > 0``)."""
    metadata = list(metadata or [])
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if _is_point(tp):
        return "position"
    if origin is typing.Annotated:
        return type_name(args[0], [*metadata, *args[1:]])
    if origin in (typing.Union, types.UnionType):
        names = [type_name(a) for a in args if a is not type(None)]
        base = " or ".join(names)
        return f"{base} or null" if type(None) in args else base
    if origin is typing.Literal:
        return " \\| ".join(f"`{a}`" for a in args)
    if origin is list:
        return f"list of {type_name(args[0])}"
    if origin is tuple:
        return "[" + ", ".join(type_name(a) for a in args) + "]"
    if origin is dict:
        return f"map: name → {type_name(args[1])}"
    plain = {float: "number", int: "integer", str: "text", bool: "boolean"}
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        base = f"[{tp.__name__}](#{tp.__name__.lower()})"
    else:
        base = plain.get(tp, str(tp))
    bounds = _bounds(metadata)
    return f"{base} ({bounds})" if bounds else base


def _default(info: FieldInfo) -> str:
    if info.is_required():
        return "required"
    if info.default_factory is not None:
        value = info.default_factory()  # type: ignore[call-arg]
        if isinstance(value, BaseModel):
            return "all defaults"
        return f"`{value!r}`".replace("'", "")
    if info.default is None:
        return "null"
    if info.default == "":
        return '`""`'
    if info.default is PydanticUndefined:  # pragma: no cover - is_required() covers it
        return "required"
    return f"`{info.default}`"


def _models(root: type[BaseModel]) -> Iterator[type[BaseModel]]:
    """The models reachable from ``root``, depth first, each once."""
    seen: list[type[BaseModel]] = []

    def walk(tp: Any) -> None:
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            if tp in seen:
                return
            seen.append(tp)
            for info in tp.model_fields.values():
                walk(info.annotation)
            return
        for arg in typing.get_args(tp):
            walk(arg)

    walk(root)
    yield from seen


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def scenario_tables() -> str:
    """Markdown: one table per scenario model, every field with type, unit, default, meaning."""
    out: list[str] = []
    for model in _models(Scenario):
        doc = (model.__doc__ or "").strip().split("\n\n")[0]
        out += [f"### {model.__name__}", "", _cell(doc), "",
                "| field | type | unit | default | meaning |", "|---|---|---|---|---|"]
        for name, info in model.model_fields.items():
            tp = type_name(info.annotation, info.metadata)
            out.append(f"| `{name}` | {_cell(tp)} | {unit_of(name)} | {_default(info)} | "
                       f"{_cell(info.description or '')} |")
        out.append("")
    return "\n".join(out)


def _source(entry: EquipmentClass, key: str) -> str:
    src = entry.sources.get(key)
    return _cell(src) if src else PLACEHOLDER


def _applies(p: Param, table: Table) -> str:
    if not table.kinds or set(p.kinds) == set(table.kinds):
        return "all"
    return ", ".join(f"`{k}`" for k in p.kinds)


def domain_tables(tables: dict[str, Table] | None = None) -> str:
    """Markdown: the parameter table of each section (name, type, unit, default, kinds,
    meaning), as declared in :mod:`skyshield.scenario.domain`."""
    out: list[str] = []
    for table in (tables or TABLES).values():
        out += [f"### {table.section.capitalize()}: parameters", ""]
        if table.kinds:
            out += ["Kinds: " + "; ".join(f"`{k}` — {KIND_MEANINGS[k]}" for k in table.kinds)
                    + ".", ""]
        out += ["| parameter | type | unit | default | applies to | meaning |",
                "|---|---|---|---|---|---|"]
        rows = list(table.params) + ([PK] if table.section == "effectors" else [])
        for p in rows:
            default = "required" if p.default is None else f"{p.default:g}"
            name = "pk.CLASS" if p is PK else p.name
            if p is PK:
                default = "per class"
            kind: str = p.type
            if "*" in p.positive or (p.positive and set(p.positive) == set(table.kinds)):
                kind += ", > 0"
            elif p.positive:
                kind += ", > 0 for " + ", ".join(f"`{k}`" for k in p.positive)
            if p.minimum is not None:
                kind = f"{p.type}, ≥ {p.minimum:g}"
            if p.maximum is not None:
                kind += f", ≤ {format_number(p.maximum)}"
            out.append(f"| `{name}` | {kind} | {p.unit} | {default} | "
                       f"{_applies(p, table)} | {_cell(p.description)} |")
        out.append("")
    return "\n".join(out)


def catalogue_tables(cat: Catalogue | None = None) -> str:
    """Markdown: the domain tables, then every class of the catalogue, every parameter with
    unit, value and source."""
    cat = cat or default_catalogue()
    out: list[str] = [domain_tables()]
    for section, table in TABLES.items():
        out += [f"### {section.capitalize()}", ""]
        for name, entry in cat.section(section).items():
            out += [f"#### `{name}`", "", _cell(entry.description), ""]
            if entry.kind is not None:
                out += [f"Kind: `{entry.kind}`.", ""]
            out += ["| parameter | unit | default | meaning | source |", "|---|---|---|---|---|"]
            for p in table.of_kind(entry.kind):
                out.append(f"| `{p.name}` | {p.unit} | {entry.params[p.name]:g} | "
                           f"{_cell(p.description)} | {_source(entry, p.name)} |")
            jammer = entry.kind == "jammer"
            for cls, value in entry.pk.items():
                unit = "1/s" if jammer else "1"
                what = "defeat rate per second" if jammer else "kill probability per shot"
                out.append(f"| `pk.{cls}` | {unit} | {value:g} | {what} against `{cls}` | "
                           f"{_source(entry, 'pk')} |")
            out.append("")
    return "\n".join(out)


def render(page: str, generated: str) -> str:
    """``page`` with the text between the markers replaced by ``generated``."""
    try:
        head, rest = page.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
    except ValueError:
        raise ValueError(f"the page lacks the markers {BEGIN!r} ... {END!r}") from None
    return f"{head}{BEGIN}\n\n{generated.strip()}\n\n{END}{tail}"


def pages(root: Path) -> dict[Path, str]:
    """Each generated page and its up-to-date text."""
    out = {}
    for rel, generated in (("docs/scenario.md", scenario_tables()),
                           ("docs/catalogue.md", catalogue_tables())):
        path = root / rel
        out[path] = render(path.read_text(encoding="utf-8"), generated)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="fail if a page is out of date")
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="repository root")
    args = parser.parse_args(argv)
    stale = []
    for path, text in pages(args.root).items():
        if path.read_text(encoding="utf-8") != text:
            stale.append(path)
            if not args.check:
                path.write_text(text, encoding="utf-8")
    if args.check and stale:
        print("out of date (run python -m skyshield.scenario.docgen): "
              + ", ".join(map(str, stale)), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
