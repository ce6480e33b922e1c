"""Scenario files: schema, loading with line-accurate errors, the equipment domain.

Modules: ``schema`` (the pydantic models), ``yaml_lines`` (YAML with line numbers),
``consistency`` (cross-field checks), ``loader`` (file → validated :class:`Scenario`),
``geo`` (positions in local metres), ``domain`` (the parameter table of every equipment
kind), ``catalogue`` (the classes of ``data/catalogue.yaml``), ``equipment`` (catalogue +
overrides → :func:`resolve_equipment`), ``paths`` (dotted paths and scenario variants),
``layout`` (the scenario's map for plots and the report), ``identity`` (``scenario_hash``:
which scenario an artefact belongs to), ``docgen`` (generated docs).
"""

from skyshield.scenario.catalogue import Catalogue, EquipmentClass, default_catalogue
from skyshield.scenario.consistency import check_consistency
from skyshield.scenario.equipment import resolve_equipment
from skyshield.scenario.geo import to_local
from skyshield.scenario.identity import scenario_hash
from skyshield.scenario.loader import load_scenario, scenario_from_dict
from skyshield.scenario.paths import with_changes, with_flight
from skyshield.scenario.schema import Scenario
from skyshield.scenario.yaml_lines import parse_yaml

__all__ = [
    "Catalogue",
    "EquipmentClass",
    "Scenario",
    "check_consistency",
    "default_catalogue",
    "load_scenario",
    "parse_yaml",
    "resolve_equipment",
    "scenario_from_dict",
    "scenario_hash",
    "to_local",
    "with_changes",
    "with_flight",
]
