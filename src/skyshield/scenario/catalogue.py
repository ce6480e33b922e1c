"""The equipment catalogue: generic threat, sensor and effector classes with sourced defaults.

The data live in ``skyshield/data/catalogue.yaml``; ``docs/catalogue.md`` gives the references.
Which parameters a class has, with their units and defaults, is declared once in
:mod:`skyshield.scenario.domain`: a class gives its ``kind`` (sensors and effectors) and the
parameters of that kind, and is checked against the table when read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml

from skyshield.scenario.domain import TABLES, Section, Table


@dataclass(frozen=True)
class EquipmentClass:
    """One catalogue entry.

    Attributes
    ----------
    name, description
        The class's name and one line about it.
    params
        Every parameter of its kind (:mod:`~skyshield.scenario.domain`), defaults filled in.
    sources
        Where each value comes from, by parameter (``pk`` for the kill probabilities).
    pk
        Effectors: kill probability per shot (jammer: defeat rate per second) by threat class.
    kind
        The sensor or effector kind (``None`` for a threat).
    """

    name: str
    description: str
    params: dict[str, float]
    sources: dict[str, str] = field(default_factory=dict)
    pk: dict[str, float] = field(default_factory=dict)
    kind: str | None = None


@dataclass(frozen=True)
class Catalogue:
    threats: dict[str, EquipmentClass]
    sensors: dict[str, EquipmentClass]
    effectors: dict[str, EquipmentClass]

    def section(self, name: Section) -> dict[str, EquipmentClass]:
        return {"threats": self.threats, "sensors": self.sensors,
                "effectors": self.effectors}[name]


class CatalogueError(ValueError):
    """A catalogue class that does not match the domain table."""


def make_class(name: str, raw: dict[str, Any], table: Table) -> EquipmentClass:
    """A catalogue class from its YAML mapping, checked against ``table``.

    Raises
    ------
    CatalogueError
        For a missing or unknown kind, a parameter its kind does not have, a required
        parameter it lacks, or a value out of the parameter's bounds.
    """
    from skyshield.scenario.domain import problem

    raw = dict(raw)
    where = f"catalogue {table.section}.{name}"
    desc = str(raw.pop("description", ""))
    sources = {str(k): str(v) for k, v in (raw.pop("sources", None) or {}).items()}
    pk = {str(k): float(v) for k, v in (raw.pop("pk", None) or {}).items()}
    kind = raw.pop("kind", None)
    if table.kinds and kind not in table.kinds:
        raise CatalogueError(f"{where}: kind {kind!r} is not one of {', '.join(table.kinds)}")
    if not table.kinds and kind is not None:
        raise CatalogueError(f"{where}: {table.section} have no kind")
    own = table.names(kind)
    extra = [k for k in raw if k not in own]
    if extra:
        raise CatalogueError(f"{where}: {extra[0]!r} is not a parameter of "
                             f"{kind or table.section} (known: {', '.join(own)})")
    params: dict[str, float] = {}
    for p in table.of_kind(kind):
        if p.name in raw:
            value = float(raw[p.name])
        elif p.default is not None:
            value = p.default
        else:
            raise CatalogueError(f"{where}: missing parameter {p.name!r}")
        bad = problem(p, value, kind)
        if bad:
            raise CatalogueError(f"{where}.{p.name}: {bad}")
        params[p.name] = value
    stale = set(sources) - set(params) - {"pk"}
    if stale:
        raise CatalogueError(f"{where}: a source for {sorted(stale)[0]!r}, not a parameter")
    return EquipmentClass(name, desc, params, sources, pk, kind)


def catalogue_from_dict(raw: dict[str, Any]) -> Catalogue:
    """A catalogue from the plain form of ``catalogue.yaml``."""
    sections = {sec: {str(n): make_class(str(n), e, TABLES[sec])
                      for n, e in (raw.get(sec) or {}).items()} for sec in TABLES}
    return Catalogue(threats=sections["threats"], sensors=sections["sensors"],
                     effectors=sections["effectors"])


def raw_catalogue() -> dict[str, Any]:
    """The plain form of the built-in ``catalogue.yaml``."""
    text = resources.files("skyshield").joinpath("data/catalogue.yaml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


@cache
def default_catalogue() -> Catalogue:
    """The built-in catalogue (read once per process), checked against the domain table."""
    return catalogue_from_dict(raw_catalogue())
