"""Sweep specifications: paths, value specs, designs, and the errors on bad input."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skyshield.analysis.spec import (
    design,
    get_value,
    latin_hypercube,
    parse_path,
    parse_vary,
    point_scenarios,
    set_value,
)
from skyshield.errors import InputError


@pytest.fixture()
def base(flagship):
    return flagship.model_dump(mode="json")


def test_parse_path_names_indices_and_dotted_names() -> None:
    assert parse_path("raids[0].count") == ["raids", 0, "count"]
    assert parse_path("raids[Shahed wave west].count") == ["raids", ("Shahed wave west",),
                                                             "count"]
    assert parse_path("effectors[Dr. No's gun].params.magazine") == [
        "effectors", ("Dr. No's gun",), "params", "magazine"]
    assert parse_path("assets.fixed[1].position[0]") == ["assets", "fixed", 1, "position", 0]


@pytest.mark.parametrize("bad", ["", "raids[0", "raids[]", "[0].count", "raids..count",
                                 "raids[0]count", "raids.", "c2]"])
def test_parse_path_rejects_malformed(bad: str) -> None:
    with pytest.raises(InputError):
        parse_path(bad)


def test_get_and_set_by_name_and_index(base) -> None:
    assert get_value(base, "raids[Shahed wave west].count") == 140
    assert get_value(base, "raids[2].count") == 60
    assert get_value(base, "raids[-1].count") == base["raids"][-1]["count"] == 4
    assert get_value(base, "leak.probability") == 0.2
    assert get_value(base, "c2.escort_priority") == 0.5
    # a catalogue parameter not overridden in the file: a free key, not set yet
    assert get_value(base, "effectors[SAM Aldmark].params.magazine") is None
    set_value(base, "effectors[SAM Aldmark].params.magazine", 12)
    assert base["effectors"][0]["params"] == {"magazine": 12}
    set_value(base, "raids[Decoys].count", 5)
    assert base["raids"][1]["count"] == 5


@pytest.mark.parametrize(("path", "words"), [
    ("raids[0].cout", "no field 'cout'"),
    ("raids[Nobody].count", "no item named 'Nobody'"),
    ("raids[9].count", "out of range"),
    ("raids[0]", "not a single value"),
    ("c2.escort_priority.x", "not a mapping"),
    ("leek.probability", "no field 'leek'"),
    ("c2[0]", "not a list"),
])
def test_unknown_parameters_are_named(base, path: str, words: str) -> None:
    with pytest.raises(InputError) as exc:
        get_value(base, path)
    assert words in str(exc.value)
    assert exc.value.field == "--vary"


def test_range_spec_is_inclusive_and_keeps_integers(base) -> None:
    v = parse_vary("raids[0].count=50:800:50", base)
    assert v.values == tuple(range(50, 801, 50)) and len(v.values) == 16
    assert all(type(x) is int for x in v.values)
    assert parse_vary("leak.probability=0.1:0.3:0.1", base).values == (0.1, 0.2, 0.3)
    assert parse_vary("c2.policy=greedy,local", base).values == ("greedy", "local")
    assert parse_vary("c2.escort_priority=0.25", base).values == (0.25,)
    v = parse_vary("raids[0].count=1e2,2.5e2", base)
    assert v.values == (100, 250) and all(type(x) is int for x in v.values)
    assert parse_vary("raids[0].count=2.5", base).values == (2.5,)  # refused on validation
    base["raids"][0]["name"] = "a=b"
    assert parse_vary("raids[a=b].count=3", base).path == "raids[a=b].count"


@pytest.mark.parametrize(("arg", "words"), [
    ("raids[0].count=800:50:50", "empty range"),
    ("raids[0].count=50:800:0", "must not be zero"),
    ("raids[0].count=50:800", "a:b:step"),
    ("raids[0].count=lhs(5,5)", "empty range"),
    ("raids[0].count=lhs(5)", "lhs(a,b)"),
    ("raids[0].count=", "empty"),
    ("raids[0].count", "PATH=SPEC"),
    ("raids[0].count=1,,2", "empty value"),
    ("raids[0].count=a:b:c", "not a number"),
    ("=5", "path is empty"),
    ("raids[0].nope=1,2", "no field 'nope'"),
])
def test_bad_specs_get_clear_errors(base, arg: str, words: str) -> None:
    with pytest.raises(InputError) as exc:
        parse_vary(arg, base)
    assert words in str(exc.value)


@settings(deadline=None)  # the shared test machine's load makes timings erratic
@given(a=st.integers(-1000, 1000), span=st.integers(0, 5000), step=st.integers(1, 700))
def test_integer_range_matches_python_range(a: int, span: int, step: int) -> None:
    v = parse_vary(f"x={a}:{a + span}:{step}")
    assert list(v.values) == list(range(a, a + span + 1, step))


@settings(deadline=None)
@given(a=st.floats(-10, 10), span=st.floats(0, 10), step=st.floats(0.01, 3))
def test_float_range_covers_interval(a: float, span: float, step: float) -> None:
    v = parse_vary(f"x={a!r}:{a + span!r}:{step!r}")
    vals = [float(x) for x in v.values]  # type: ignore[arg-type]
    assert len(vals) == math.floor(span / step + 1e-9) + 1 or len(vals) == math.floor(
        (a + span - a) / step + 1e-9) + 1
    assert vals[0] == pytest.approx(a, abs=1e-9)
    assert all(b > c for b, c in zip(vals[1:], vals, strict=False))
    assert vals[-1] <= a + span + 1e-6 * max(1.0, abs(a + span))
    assert a + span - vals[-1] < step + 1e-9


@settings(max_examples=50, deadline=None)
@given(n=st.integers(1, 60), dims=st.integers(1, 4), seed=st.integers(0, 2**63 - 1))
def test_latin_hypercube_has_one_point_per_stratum(n: int, dims: int, seed: int) -> None:
    pts = latin_hypercube(n, dims, seed)
    assert len(pts) == n
    for j in range(dims):
        strata = sorted(math.floor(p[j] * n) for p in pts)
        assert strata == list(range(n))
    assert pts == latin_hypercube(n, dims, seed)  # reproducible


def test_full_factorial_order_and_lhs_crossing(base) -> None:
    a = parse_vary("raids[0].count=10,20", base)
    b = parse_vary("c2.escort_priority=0.2,0.5,0.8", base)
    pts = design([a, b], None, 0)
    assert pts == [{"raids[0].count": c, "c2.escort_priority": e}
                   for c in (10, 20) for e in (0.2, 0.5, 0.8)]
    c = parse_vary("raids[1].count=lhs(10,90)", base)
    pts = design([a, c], 5, 7)
    assert len(pts) == 10
    cube = [p["raids[1].count"] for p in pts]
    assert cube[:5] == cube[5:]  # the same samples crossed with every grid value
    assert all(type(x) is int and 10 <= x <= 90 for x in cube)  # integer parameter rounded


@pytest.mark.parametrize(("lhs", "varies", "words"), [
    (None, ["raids[0].count=lhs(1,9)"], "--lhs N"),
    (5, ["raids[0].count=1,2"], "lhs(a,b)"),
    (0, ["raids[0].count=lhs(1,9)"], "at least 1"),
    (None, [], "at least one --vary"),
    (None, ["raids[0].count=1,2", "raids[0].count=3"], "varied twice"),
])
def test_design_errors(base, lhs, varies, words) -> None:
    with pytest.raises(InputError) as exc:
        design([parse_vary(v, base) for v in varies], lhs, 0)
    assert words in str(exc.value)


def test_invalid_point_is_refused_before_work(flagship, base) -> None:
    v = parse_vary("leak.probability=0.5,1.5", base)
    with pytest.raises(InputError) as exc:
        point_scenarios(flagship, design([v], None, 0))
    assert "sweep point 1" in str(exc.value) and "leak.probability=1.5" in str(exc.value)
    v = parse_vary("effectors[SAM Aldmark].params.magazin=4,8", base)
    with pytest.raises(InputError) as exc:
        point_scenarios(flagship, design([v], None, 0))
    assert "unknown parameter 'magazin'" in str(exc.value)


def test_point_scenarios_apply_values(flagship, base) -> None:
    v = parse_vary("raids[Decoys].count=3,4", base)
    w = parse_vary("effectors[SAM Aldmark].params.magazine=12", base)
    scs = point_scenarios(flagship, design([v, w], None, 0))
    assert [s.raids[1].count for s in scs] == [3, 4]
    assert all(s.effectors[0].params["magazine"] == 12 for s in scs)
    assert flagship.raids[1].count == 80  # the base scenario is untouched
