"""Instance files: round trip, the published files, generators, and line-accurate errors."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest

from skyshield.errors import InputError
from skyshield.wta import (
    WTAProblem,
    ahuja_instance,
    andersen_instance,
    read_instance,
    write_instance,
)
from skyshield.wta.bench import DATA

# the published instances (../shared beside the checkout): tests/conftest.py skips these
# tests, with the reason, where they are missing (an error on CI)
needs_data = pytest.mark.wta_data


@pytest.mark.parametrize("name", ["p.txt", "p.txt.gz"])
def test_round_trip(tmp_path: Path, name: str) -> None:
    p = andersen_instance(4, 2, seed=3)
    write_instance(p, tmp_path / name)
    q = read_instance(tmp_path / name)
    np.testing.assert_array_equal(q.values, p.values)
    np.testing.assert_allclose(q.pk, p.pk, atol=1e-12)
    np.testing.assert_array_equal(q.units, p.units)


@needs_data
def test_reads_published_file() -> None:
    p = read_instance(DATA / "wta_50x100x2.txt.gz")
    assert p.pk.shape == (50, 100)
    assert np.all(p.units == 2)
    assert p.values[:3].tolist() == [13.0, 60.0, 71.0]
    assert p.pk[0, 0] == pytest.approx(0.409311426086)


def test_generators_follow_their_recipes() -> None:
    a = ahuja_instance(30, seed=5)
    assert a.pk.shape == (30, 30)
    assert np.all((a.pk >= 0.6) & (a.pk <= 0.9))
    assert np.all((a.values >= 25) & (a.values <= 100))
    b = andersen_instance(10, 3, seed=5)
    assert b.pk.shape == (10, 20)
    assert np.all(b.units == 3)
    assert np.all((b.values >= 1) & (b.values <= 99) & (b.values == np.round(b.values)))
    assert np.all((b.pk > 0) & (b.pk < 1))
    # Same seed, same instance; different seed, different instance.
    np.testing.assert_array_equal(ahuja_instance(30, seed=5).pk, a.pk)
    assert not np.array_equal(ahuja_instance(30, seed=6).pk, a.pk)


def _write(tmp_path: Path, text: str, gz: bool = False) -> Path:
    path = tmp_path / ("bad.txt.gz" if gz else "bad.txt")
    data = text.encode()
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("", 1, "empty"),
        ("2 2\n", 1, "header"),
        ("2 x 1\n", 1, "header"),
        ("2 2 1\n5\n", 3, "expected 2 target values"),
        ("2 2 1\n5\n6 7\n0 0 0.5\n", 3, "one number"),
        ("2 2 1\n5\nabc\n0 0 0.5\n", 3, "not a number"),
        ("2 2 1\n5\n6\n0 0 1.5\n", 4, "outside [0, 1]"),
        ("2 2 1\n5\n6\n0 0 -0.1\n", 4, "outside [0, 1]"),
        ("2 2 1\n5\n6\n0 0 0.5\n3 0 0.5\n", 5, "outside 2 weapon types"),
        ("2 2 1\n5\n6\n0 0 0.5\n0 0 0.4\n", 5, "given twice"),
        ("2 2 1\n5\n6\n0 0\n", 4, "expected 'i j p'"),
        ("2 2 1\n5\n6\n", 4, "no kill probabilities"),
        ("2 2 1\n-5\n6\n0 0 0.5\n", 2, ">= 0"),
    ],
)
def test_malformed_files_name_the_line(tmp_path: Path, text: str, line: int,
                                       words: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(InputError) as err:
        read_instance(path)
    assert err.value.line == line
    assert words in err.value.message
    assert f"{path}:{line}" in str(err.value)


def test_corrupt_gzip_and_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "x.gz"
    path.write_bytes(b"\x1f\x8b\x08\x00garbage")
    with pytest.raises(InputError, match="gzip"):
        read_instance(path)
    # the one message of every input file (skyshield.limits.read_input)
    with pytest.raises(InputError, match="file not found"):
        read_instance(tmp_path / "missing.txt")


def test_problem_validation() -> None:
    with pytest.raises(InputError):
        WTAProblem(np.ones(2), np.full((1, 2), 1.5), np.ones(1))
    with pytest.raises(InputError):
        WTAProblem(np.ones(3), np.full((1, 2), 0.5), np.ones(1))
    p = WTAProblem(np.ones(2), np.array([[0.5, 0.0]]), np.array([2]),
                   max_shots=np.array([[1, 1]]))
    assert p.cap.tolist() == [[1, 0]]  # capacity and infeasible pair both respected
