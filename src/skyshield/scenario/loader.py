"""Loading scenarios: YAML (:mod:`~skyshield.scenario.yaml_lines`), schema validation,
consistency checks (:mod:`~skyshield.scenario.consistency`).

Every problem becomes an :class:`~skyshield.errors.InputError` naming the file, the line and
the field path. Nothing in a scenario is executed: the YAML is read with the safe loader and
only plain mappings, sequences and scalars are accepted.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from skyshield.errors import InputError, did_you_mean, field_path
from skyshield.limits import decode_text, read_input
from skyshield.scenario.catalogue import Catalogue
from skyshield.scenario.consistency import check_consistency
from skyshield.scenario.schema import Scenario
from skyshield.scenario.yaml_lines import Loc, line_for, parse_yaml


def _clean_loc(loc: tuple[Any, ...], data: Any, keep_last: bool) -> Loc:
    """The part of a pydantic error location that indexes into ``data``.

    pydantic puts union branch tags (``<east_m, north_m>``), ``[key]`` and validator names
    into the location; they are dropped by following the location through the data. The last
    part is kept when it names something absent (``keep_last``: a missing key).
    """
    out: list[str | int] = []
    cur = data
    for k, part in enumerate(loc):
        if isinstance(cur, dict) and isinstance(part, str) and part in cur:
            cur = cur[part]
        elif (isinstance(cur, list) and isinstance(part, int) and not isinstance(part, bool)
              and 0 <= part < len(cur)):
            cur = cur[part]
        elif k == len(loc) - 1 and keep_last and isinstance(part, str | int):
            pass
        else:
            continue
        out.append(part)
    return tuple(out)


_UNITS = (("_mps", "m/s"), ("_m2", "m²"), ("_usd", "US$"), ("_s", "s"), ("_m", "m"))


def _unit(loc: Loc) -> str:
    for part in reversed(loc):
        if isinstance(part, str):
            for suffix, unit in _UNITS:
                if part.endswith(suffix):
                    return unit
            return ""
    return ""


def _named_field(loc: Loc, msg: str, data: Any) -> Loc:
    """Narrow a model-level error ("end_s must be after start_s") to the field it begins
    with, when the file writes that field, so that the line is the field's own."""
    node: Any = data
    for part in loc:
        node = node[part]
    first = msg.split(" ", 1)[0]
    if isinstance(node, dict) and first in node:
        return (*loc, first)
    return loc


def _schema_keys() -> set[str]:
    """Every field name of the scenario's models (for "did you mean")."""
    from typing import get_args

    from pydantic import BaseModel

    seen: set[type] = set()
    names: set[str] = set()

    def walk(tp: Any) -> None:
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            if tp in seen:
                return
            seen.add(tp)
            for name, f in tp.model_fields.items():
                names.add(name)
                walk(f.annotation)
            return
        for arg in get_args(tp):
            walk(arg)

    walk(Scenario)
    return names


def _message(err: Any, loc: Loc, missing: set[str] | None = None) -> str:
    kind = err["type"]
    msg = str(err["msg"]).removeprefix("Value error, ")
    value = err.get("input")
    if kind == "extra_forbidden":
        # a misspelt key: the missing field beside it first, else any field of the schema
        key = str(loc[-1])
        hint = did_you_mean(key, missing or set()) or did_you_mean(key, _schema_keys())
        return f"unknown key '{key}'{hint}"
    if kind == "missing":
        return f"missing required field '{loc[-1]}'"
    if kind == "number_type":
        unit = _unit(loc)
        what = f"a number in {unit}" if unit else "a number"
        got = f"the boolean {str(value).lower()}" if isinstance(value, bool) else f"{value!r}"
        return f"expected {what}, got {got}"
    if isinstance(value, (int, float, str)) and not isinstance(value, bool):
        return f"{msg} (got {value!r})"
    return msg


def _terrain_beside(data: dict[str, Any], file: str) -> dict[str, Any]:
    """``terrain.source`` naming a file relative to the scenario file, made absolute (so
    that the validated scenario runs from anywhere)."""
    ter = data.get("terrain")
    if not isinstance(ter, dict):
        return data
    src = ter.get("source")
    if (not isinstance(src, str) or src in ("none", "synthetic") or Path(src).is_absolute()
            or not Path(file).is_file()):
        return data
    return {**data, "terrain": {**ter, "source": str(Path(file).resolve().parent / src)}}


def scenario_from_dict(
    data: Any,
    *,
    file: str = "<scenario>",
    lines: dict[Loc, int] | None = None,
    catalogue: Catalogue | None = None,
) -> Scenario:
    """Validate plain data (as read from YAML) into a :class:`Scenario`.

    Raises
    ------
    InputError
        naming the file, the line (when ``lines`` is given) and the field path.
    """
    lines = lines or {}
    if not isinstance(data, dict):
        raise InputError("a scenario must be a YAML mapping", file=file, line=1)
    data = _terrain_beside(data, file)
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        # an unknown key first: a misspelt key also makes its field "missing"
        err = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
        loc = _clean_loc(tuple(err["loc"]), data, keep_last=err["type"] == "missing")
        parent = tuple(err["loc"])[:-1]
        missing = {str(e["loc"][-1]) for e in errors
                   if e["type"] == "missing" and tuple(e["loc"])[:-1] == parent}
        msg = _message(err, loc, missing)
        if err["type"] == "value_error":
            loc = _named_field(loc, msg, data)
        more = len(errors) - 1
        if more:
            msg += f" [and {more} more problem{'s' if more > 1 else ''}]"
        raise InputError(msg, file=file, line=line_for(loc, lines),
                         field=field_path(loc) or None) from None
    check_consistency(scenario, file=file, lines=lines, catalogue=catalogue)
    return scenario


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file (YAML).

    Parameters
    ----------
    path
        The scenario file.

    Raises
    ------
    InputError
        For any problem, naming the file, the line and the field.
    """
    file = str(path)
    text = decode_text(read_input(path, "scenario file"), file)
    data, lines = parse_yaml(text, file)
    if data is None:
        raise InputError("the scenario file is empty", file=file, line=1)
    return scenario_from_dict(data, file=file, lines=lines)
