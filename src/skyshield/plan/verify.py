"""The Monte Carlo check of plans: each flown in the scenario, changed by its posture.

:func:`posture_scenario` applies an escort posture's scenario changes; :func:`check_postures`
refuses, before any planning work, postures whose changes do not give a valid scenario;
:func:`verify` flies plans in the Monte Carlo and records their loss probabilities in the
outcome.
"""

from __future__ import annotations

from skyshield.plan.outcome import PlanOutcome
from skyshield.plan.spec import PlanSpec, Posture
from skyshield.scenario.schema import Scenario


def posture_scenario(scenario: Scenario, posture: Posture) -> Scenario:
    """The scenario with the posture's changes applied, validated (the Monte Carlo flies the
    posture, not only the planner's hazard factors)."""
    from skyshield.errors import InputError
    from skyshield.scenario.paths import get_value, with_changes

    if not posture.scenario:
        return scenario
    base = scenario.model_dump(mode="json")
    for path in posture.scenario:
        try:
            get_value(base, path)
        except InputError as exc:
            raise InputError(f"posture '{posture.name}': {exc.message}", file="<plan spec>",
                             field=f"postures[{posture.name}].scenario.{path}") from None
    return with_changes(scenario, posture.scenario,
                        file=f"<plan spec, posture '{posture.name}'>")


def check_postures(scenario: Scenario, spec: PlanSpec) -> None:
    """Refuse, up front, a posture whose scenario changes do not give a valid scenario."""
    for posture in spec.postures:
        posture_scenario(scenario, posture)


def verify(outcome: PlanOutcome, indices: list[int], replications: int, seed: int,
           workers: int = 1, *, progress: bool = False) -> None:
    """Monte Carlo check of candidate plans: each flown in a variant of the scenario."""
    from skyshield.montecarlo import simulate
    from skyshield.progress import progress_bar
    from skyshield.scenario.paths import with_flight

    st = outcome.setting
    postured: dict[int, Scenario] = {}
    advance, stop = progress_bar("Monte Carlo check of the plans", len(indices),
                                 enabled=progress)
    try:
        for i in indices:
            wps = outcome.waypoints(i)
            a_i = outcome.candidates[i].posture
            if a_i not in postured:
                postured[a_i] = posture_scenario(st.scenario, st.spec.postures[a_i])
            variant = with_flight(postured[a_i], [(w["x_m"], w["y_m"], w["t_s"]) for w in wps],
                                  asset=st.asset_index, departure_s=wps[0]["t_s"],
                                  altitude_m=st.altitude, file="<plan variant>")
            res = simulate(variant, replications, seed, workers=workers, record=0)
            a = res.summary["assets"][st.asset_index]
            outcome.mc[i] = {"p_loss": float(a["p_loss"]),
                             "ci95": [float(v) for v in a["p_loss_ci95"]],
                             "replications": replications}
            advance(1)
    finally:
        stop()
