"""Scenario files: schema, loading with line-accurate errors, the equipment catalogue."""

from skyshield.scenario.catalogue import Catalogue, EquipmentClass, default_catalogue
from skyshield.scenario.loader import (
    check_consistency,
    load_scenario,
    parse_yaml,
    scenario_from_dict,
    to_local,
)
from skyshield.scenario.schema import Scenario

__all__ = [
    "Catalogue",
    "EquipmentClass",
    "Scenario",
    "check_consistency",
    "default_catalogue",
    "load_scenario",
    "parse_yaml",
    "scenario_from_dict",
    "to_local",
]
