"""``check_run_args``: the one check of a run's arguments, with the order of its messages."""

from __future__ import annotations

from typing import Any

import pytest

from skyshield.args import check_run_args, run_args_problem
from skyshield.errors import InputError


@pytest.mark.parametrize(("args", "kw", "field", "words"), [
    ((0, 0, 1), {}, "--replications", "must be at least 1"),
    ((10, -1, 1), {}, "--seed", "[0, 2**63)"),
    ((10, 2**63, 1), {}, "--seed", "[0, 2**63)"),
    ((10, 0, 0), {}, "--workers", "must be at least 1"),
    ((10, 0, 1), {"precision": 0.0}, "--precision", "(0, 0.5)"),
    ((10, 0, 1), {"precision": 0.5}, "--precision", "(0, 0.5)"),
    ((-1, 0, 1), {"min_replications": 0}, "--replications", "must be at least 0"),
    ((1, 0, 1), {"min_replications": 2}, "--replications", "must be at least 2"),
    # a command that needs two replications names a bad seed first (as it always did)
    ((1, -1, 1), {"min_replications": 2}, "--seed", "[0, 2**63)"),
    ((1, 0, 1), {"min_replications": 2, "backend": "dask"}, "--backend", "unknown backend"),
    ((10, 0, None), {"backend": "process", "address": "x:1"}, "--address", "--backend ray"),
    ((0, 0, 1), {"replications_field": "--sweep-replications"}, "--sweep-replications",
     "at least 1"),
])
def test_the_first_bad_argument_is_named(args: tuple[Any, ...], kw: dict[str, Any], field: str,
                                         words: str) -> None:
    with pytest.raises(InputError) as exc:
        check_run_args(*args, **kw)
    assert exc.value.field == field and words in exc.value.message
    assert exc.value.file == "<argument>"


def test_good_and_absent_arguments_pass() -> None:
    check_run_args(1000, 0, 1, precision=0.01, backend="process")
    check_run_args(0, None, None, min_replications=0)
    check_run_args()
    assert run_args_problem(5, 2**63 - 1, 3) is None


@pytest.mark.parametrize(("text", "kind", "asset"), [
    ("vip", "vip", None), ("value", "value", None), ("asset:Villa Orla", "asset", "Villa Orla"),
    ("asset:a:b", "asset", "a:b"),
])
def test_objectives_parse(text: str, kind: str, asset: str | None) -> None:
    from skyshield.args import parse_objective

    obj = parse_objective(text)
    assert (obj.kind, obj.asset) == (kind, asset)
    assert obj.label == text


@pytest.mark.parametrize(("text", "words"), [
    ("cost", "unknown objective 'cost'"), ("vip:x", "unknown objective"),
    ("asset:", "asset:NAME"), ("asset", "asset:NAME"), ("", "unknown objective"),
])
def test_bad_objectives_name_the_option(text: str, words: str) -> None:
    from skyshield.args import parse_objective

    with pytest.raises(InputError) as exc:
        parse_objective(text)
    assert exc.value.field == "--objective" and words in exc.value.message
