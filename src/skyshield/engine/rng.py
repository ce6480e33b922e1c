"""Counter-based random numbers: every draw is a hash of what it is for.

A uniform number is never taken from a stream's "next" position; it is computed from a key
that names its purpose: (seed, replication, stream, entity, counter). A replication therefore
draws the same numbers whatever the batch, the thread or the worker that runs it, and two
scenario variants that share a drone (same wave name, same index in the wave) share its
launch, aim and kill draws: common random numbers for free.

The function is specified exactly in ``docs/model.md`` ("Random numbers"); the constants are
those of splitmix64 (Steele, Lea and Flood 2014), whose finaliser is a bijection of 64-bit
words with full avalanche.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from skyshield.scenario.keys import name_key

#: The golden-ratio increment of splitmix64.
GAMMA = np.uint64(0x9E3779B97F4A7C15)
M1 = np.uint64(0xBF58476D1CE4E5B9)
M2 = np.uint64(0x94D049BB133111EB)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S11 = np.uint64(11)
#: 2**-53: maps the top 53 bits of a word onto [0, 1).
INV53 = 1.0 / 9007199254740992.0

# Stream identifiers: one per purpose of a draw (docs/model.md, table "Random draws").
S_LAUNCH_T = 1
S_LAUNCH_R = 2
S_LAUNCH_A = 3
S_TARGET = 4
S_AIM_1 = 5
S_AIM_2 = 6
S_LEAK = 7
S_SURGE_R = 8
S_SURGE_A = 9
S_DETECT = 10
S_KILL = 11
S_JAM = 12
S_IMPACT = 13
S_AIR_HIT = 14
S_FF_ID = 15
S_FF_HIT = 16
S_FEINT = 17
S_MEAS_1 = 18
S_MEAS_2 = 19
S_FA_N = 20
S_FA_R = 21
S_FA_A = 22
S_ASSESS = 23


@njit(cache=True)
def mix64(z: np.uint64) -> np.uint64:
    """The splitmix64 finaliser (a bijection of 64-bit words)."""
    z = (z ^ (z >> _S30)) * M1
    z = (z ^ (z >> _S27)) * M2
    return z ^ (z >> _S31)


@njit(cache=True)
def absorb(h: np.uint64, x: np.uint64) -> np.uint64:
    """Fold one key component into a hash: ``mix64((h + GAMMA) ^ x)`` (wrapping add)."""
    return mix64((h + GAMMA) ^ x)


@njit(cache=True)
def to_unit(h: np.uint64) -> float:
    """The top 53 bits of a word as a double in [0, 1)."""
    return float(h >> _S11) * INV53


@njit(cache=True)
def rep_key(seed: int | np.integer, rep: int | np.integer) -> np.uint64:
    """The key of one replication: ``absorb(absorb(0, seed), rep)``."""
    return absorb(absorb(np.uint64(0), np.uint64(seed)), np.uint64(rep))


@njit(cache=True)
def u2(h: np.uint64, a: np.uint64, b: np.uint64) -> float:
    """Uniform from a prefix hash and two more key components."""
    return to_unit(absorb(absorb(h, a), b))


def drone_key(wave_name: str, index: int) -> int:
    """The key of drone ``index`` of a wave: ``crc32(wave name) << 32 | index``."""
    return (name_key(wave_name) << 32) | (index & 0xFFFFFFFF)


# ----------------------------------------------------------------- plain-Python twins
_MASK = (1 << 64) - 1


def py_mix64(z: int) -> int:
    """:func:`mix64` on Python integers (for the reference implementation and tests)."""
    z &= _MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return z ^ (z >> 31)


def py_absorb(h: int, x: int) -> int:
    """:func:`absorb` on Python integers."""
    return py_mix64(((h + 0x9E3779B97F4A7C15) & _MASK) ^ (x & _MASK))


def py_rep_key(seed: int, rep: int) -> int:
    """:func:`rep_key` on Python integers."""
    return py_absorb(py_absorb(0, seed), rep)


def py_uniform(h: int, *parts: int) -> float:
    """A uniform in [0, 1) from a replication key and the key components, in order."""
    for p in parts:
        h = py_absorb(h, p)
    return (h >> 11) * INV53
