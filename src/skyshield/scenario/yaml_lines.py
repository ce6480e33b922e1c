"""YAML loading with line numbers: safe, data only, every field's line recorded.

:func:`parse_yaml` turns YAML text into plain data (mappings, sequences, scalars) and a map
from each field's location (a tuple of keys and list indices) to its 1-based line, so that
every later error can name ``file:line``. Nothing is executed: only the data tags are accepted,
aliases are bounded ("billion laughs") and cycles refused.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, NoReturn

import yaml

from skyshield.errors import InputError, field_path

#: A location in the data: keys and list indices from the document root.
Loc = tuple[str | int, ...]


_ALLOWED_TAGS = {
    "tag:yaml.org,2002:" + t
    for t in ("map", "seq", "str", "int", "float", "bool", "null")
}
_MERGE_TAG = "tag:yaml.org,2002:merge"
#: PyYAML follows YAML 1.1, where ``1e3`` and ``1.5e3`` (no dot, or no sign in the exponent)
#: are strings; YAML 1.2 and every user read them as numbers.
_PLAIN_FLOAT = re.compile(r"[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9_]+)[eE][-+]?[0-9]+")
#: Aliases can make a small file expand exponentially ("billion laughs"); no real scenario
#: comes near this many values.
MAX_NODES = 200_000
#: Mappings and lists nested deeper than this are refused before they are read (a scenario
#: nests about 8 deep; a file of 100,000 '[' would otherwise exhaust Python's recursion).
MAX_DEPTH = 64


class _TooDeep(Exception):
    def __init__(self, mark: yaml.Mark) -> None:
        self.mark = mark


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing nesting deeper than :data:`MAX_DEPTH` (its composer
    recurses once per level; the parser and scanner below it do not)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _TooDeep(self.peek_event().start_mark)  # type: ignore[no-untyped-call]
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _Reader:
    """Turns a composed YAML node graph into plain data, recording the line of every field."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.lines: dict[Loc, int] = {}
        self.nodes = 0
        self.active: set[int] = set()  # ids of the collections being read (alias cycles)
        self.loader = yaml.SafeLoader("")

    def fail(self, msg: str, node: yaml.Node, loc: Loc) -> NoReturn:
        raise InputError(msg, file=self.file, line=node.start_mark.line + 1,
                         field=field_path(loc) or None)

    def read(self, node: yaml.Node, loc: Loc) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            self.fail(f"too many values (over {MAX_NODES:,}; aliases expanding?)", node, loc)
        self.lines.setdefault(loc, node.start_mark.line + 1)
        if node.tag not in _ALLOWED_TAGS:
            self.fail(f"YAML tag '{node.tag}' is not allowed in a scenario (data only)",
                      node, loc)
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node, loc)
        if id(node) in self.active:
            self.fail("recursive alias: a value contains itself", node, loc)
        self.active.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self.mapping(node, loc)
            if isinstance(node, yaml.SequenceNode):
                return [self.read(v, (*loc, i)) for i, v in enumerate(node.value)]
        finally:
            self.active.discard(id(node))
        self.fail("unsupported YAML node", node, loc)  # pragma: no cover - composer's types

    def mapping(self, node: yaml.MappingNode, loc: Loc) -> dict[str, Any]:
        out: dict[str, Any] = {}
        merges: list[yaml.Node] = []
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.fail("mapping keys must be plain scalars", key_node, loc)
            if key_node.tag == _MERGE_TAG:
                merges.append(value_node)
                continue
            if key_node.tag not in _ALLOWED_TAGS:
                self.fail(f"YAML tag '{key_node.tag}' is not allowed in a scenario (data only)",
                          key_node, loc)
            # Keys are kept as written: every key in the schema is text (names, classes).
            key = key_node.value
            if key in out:
                self.fail(f"duplicate key '{key}'", key_node, (*loc, key))
            self.lines.setdefault((*loc, key), key_node.start_mark.line + 1)
            out[key] = self.read(value_node, (*loc, key))
        # '<<: *anchor' or '<<: [*a, *b]' (YAML merge keys): the keys written here win, then
        # the earlier merges. Read after the own keys, so that those keep their own lines.
        merged: dict[str, Any] = {}
        for value_node in merges:
            sources = (value_node.value if isinstance(value_node, yaml.SequenceNode)
                       else [value_node])
            for src in sources:
                if not isinstance(src, yaml.MappingNode):
                    self.fail("a merge key '<<' takes a mapping or a list of mappings",
                              src, loc)
                for k, v in self.read(src, loc).items():
                    merged.setdefault(k, v)
        if not merged:
            return out
        return {**{k: v for k, v in merged.items() if k not in out}, **out}

    def scalar(self, node: yaml.ScalarNode, loc: Loc) -> Any:
        if (node.tag == "tag:yaml.org,2002:str" and node.style is None
                and _PLAIN_FLOAT.fullmatch(node.value)):
            return float(node.value.replace("_", ""))
        try:
            return self.loader.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, OverflowError) as exc:
            problem = getattr(exc, "problem", None) or str(exc)
            self.fail(f"bad {node.tag.rsplit(':', 1)[-1]} value: {problem}", node, loc)


def parse_yaml(text: str, file: str) -> tuple[Any, dict[Loc, int]]:
    """Parse YAML safely, returning plain data and a map from field location to line.

    Parameters
    ----------
    text
        The YAML text.
    file
        The file name, for error messages.

    Returns
    -------
    data, lines
        The plain data (``None`` for an empty document) and, for every location (a tuple of
        keys and list indices), the 1-based line where it is written.

    Raises
    ------
    InputError
        On a syntax error, a non-data tag (``!!python/...``, ``!!timestamp``...), a duplicate
        key, a recursive alias or an alias bomb.
    """
    try:
        node = yaml.compose(text, Loader=_Loader)
    except _TooDeep as exc:
        raise InputError(f"mappings and lists nested more than {MAX_DEPTH} deep",
                         file=file, line=exc.mark.line + 1) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        msg = exc.problem or str(exc)
        if msg.startswith("but ") and exc.context:
            # PyYAML splits some messages: context "expected X", problem "but found Y"
            msg = f"{exc.context}, {msg}"
        raise InputError(f"YAML syntax error: {msg}", file=file, line=line) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        raise InputError(f"character {exc.character!r} is not allowed in YAML", file=file,
                         line=line) from None
    except yaml.YAMLError as exc:
        raise InputError(f"YAML error: {exc}", file=file) from None
    if node is None:
        return None, {}
    reader = _Reader(file)
    try:
        return reader.read(node, ()), reader.lines
    finally:
        reader.loader.dispose()


def line_of_field(lines: dict[Loc, int], field: str | None) -> int | None:
    """The line of a dotted field path (``raids[0].count``) in a file parsed by
    :func:`parse_yaml`, or of the nearest enclosing key that is there."""
    loc: Loc = tuple(int(s) if s.isdigit() else s
                     for s in (field or "").replace("[", ".").replace("]", "").split(".") if s)
    while loc:  # never the document's first line for a key that is not there at all
        if loc in lines:
            return lines[loc]
        loc = loc[:-1]
    return None


def field_line(path: str | Path, field: str | None) -> int | None:
    """:func:`line_of_field` for a YAML file on disk (``None`` when it cannot be read)."""
    try:
        _, lines = parse_yaml(Path(path).read_text(encoding="utf-8"), str(path))
    except (OSError, InputError):
        return None
    return line_of_field(lines, field)


def line_for(loc: Loc, lines: dict[Loc, int]) -> int | None:
    """The line of a location (a tuple of keys and indices), or of the nearest enclosing one
    that :func:`parse_yaml` recorded (``None`` when none is)."""
    while True:
        if loc in lines:
            return lines[loc]
        if not loc:
            return None
        loc = loc[:-1]
