"""What a scenario *is*, as a key: canonical JSON and its SHA-256.

Two scenarios are the same scenario when their validated plain-dict forms
(``Scenario.model_dump(mode="json")``) are equal; :func:`scenario_hash` names that form. It
says which scenario an output folder's artefacts belong to (``skyshield.outfolder``), and the
sweep keys are built on the same :func:`digest`.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from skyshield.scenario.schema import Scenario


def canonical_json(obj: Any) -> str:
    """JSON with sorted keys and no spaces: the text hashed into keys."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def digest(obj: Any) -> str:
    """SHA-256 (hex) of :func:`canonical_json`."""
    return hashlib.sha256(canonical_json(obj).encode("utf-8")).hexdigest()


def scenario_hash(scenario: Scenario) -> str:
    """SHA-256 (hex) of the scenario's canonical plain-dict form: equal for equal scenarios,
    whatever file, key order or spelling of numbers they were read from.

    Flat terrain (``terrain.source: none``, the default) is left out of the form, so that a
    scenario keeps the key it had before terrain existed; an elevation file enters by its
    content's SHA-256 in place of its path (the same grid anywhere is the same scenario)."""
    return digest(scenario_form(scenario))


def scenario_form(scenario: Scenario) -> dict[str, Any]:
    """The plain-dict form :func:`scenario_hash` hashes (and sweep keys embed)."""
    form = scenario.model_dump(mode="json")
    ter = form.get("terrain") or {}
    if ter.get("source", "none") == "none":
        form.pop("terrain", None)
    elif scenario.terrain.is_file:
        ter["source"] = "sha256:" + file_sha256(scenario.terrain.source)
    return form


def file_sha256(path: str) -> str:
    """SHA-256 (hex) of a file's bytes (``""`` when it cannot be read: the loader has
    already refused such a file)."""
    try:
        with open(path, "rb") as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest()
    except OSError:
        return ""
