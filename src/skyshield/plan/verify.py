"""The Monte Carlo check of plans: each flown in the scenario, changed by its posture.

:func:`posture_scenario` applies an escort posture's scenario changes; :func:`check_postures`
refuses, before any planning work, postures whose changes do not give a valid scenario;
:func:`verify` flies plans in the Monte Carlo and records their loss probabilities in the
outcome.
"""

from __future__ import annotations

from typing import Any

from skyshield.plan.outcome import PlanOutcome
from skyshield.plan.spec import PlanSpec, Posture
from skyshield.scenario.schema import Scenario


def posture_scenario(base: dict[str, Any], posture: Posture) -> dict[str, Any]:
    """A deep copy of the scenario dict with the posture's changes applied (the Monte Carlo
    flies the posture, not only the planner's hazard factors)."""
    import copy

    from skyshield.analysis.spec import set_value
    from skyshield.errors import InputError

    data = copy.deepcopy(base)
    for path, value in posture.scenario.items():
        try:
            set_value(data, path, value)
        except InputError as exc:
            raise InputError(f"posture '{posture.name}': {exc.message}", file="<plan spec>",
                             field=f"postures[{posture.name}].scenario.{path}") from None
    return data


def check_postures(scenario: Scenario, spec: PlanSpec) -> None:
    """Refuse, up front, a posture whose scenario changes do not give a valid scenario."""
    from skyshield.scenario import scenario_from_dict

    base = scenario.model_dump(mode="json")
    for posture in spec.postures:
        if posture.scenario:
            scenario_from_dict(posture_scenario(base, posture),
                               file=f"<plan spec, posture '{posture.name}'>")


def verify(outcome: PlanOutcome, indices: list[int], replications: int, seed: int,
           workers: int = 1, *, progress: bool = False) -> None:
    """Monte Carlo check of candidate plans: each flown in a variant of the scenario."""
    from skyshield.montecarlo import simulate
    from skyshield.progress import progress_bar
    from skyshield.scenario import scenario_from_dict

    st = outcome.setting
    base = st.scenario.model_dump(mode="json")
    advance, stop = progress_bar("Monte Carlo check of the plans", len(indices),
                                 enabled=progress)
    try:
        for i in indices:
            wps = outcome.waypoints(i)
            data = posture_scenario(base, st.spec.postures[outcome.candidates[i].posture])
            assets = dict(data["assets"])
            movers = [dict(m) for m in assets["moving"]]
            m = movers[st.asset_index]
            m["waypoints"] = [{"position": [w["x_m"], w["y_m"]], "t_s": w["t_s"]}
                              for w in wps]
            m["departure_s"] = wps[0]["t_s"]
            m["altitude_m"] = st.altitude
            movers[st.asset_index] = m
            assets["moving"] = movers
            data["assets"] = assets
            variant = scenario_from_dict(data, file="<plan variant>")
            res = simulate(variant, replications, seed, workers=workers, record=0)
            a = res.summary["assets"][st.asset_index]
            outcome.mc[i] = {"p_loss": float(a["p_loss"]),
                             "ci95": [float(v) for v in a["p_loss_ci95"]],
                             "replications": replications}
            advance(1)
    finally:
        stop()
