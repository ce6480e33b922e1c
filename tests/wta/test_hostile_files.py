"""Hostile WTA instance files and arguments: refused with one line (file, line, field) and
exit 2 before anything large is allocated — a header declaring 10¹² weapons, a gzip bomb, an
oversized file, broken gzip or text — instead of a ``MemoryError`` or a traceback."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from skyshield.errors import InputError
from skyshield.wta import read_instance
from testkit import cli_error


@pytest.fixture(autouse=True)
def eight_gb(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SKYSHIELD_MEMORY_LIMIT", "8e9")


def _file(tmp_path: Path, data: bytes, name: str = "w.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(("header", "what"), [
    ("1000000000000 5 1", "1,000,000,000,000 weapon types x 5 targets"),
    ("5 1000000000000 1", "5 weapon types x 1,000,000,000,000 targets"),
    ("100000 100000 1", "100,000 weapon types x 100,000 targets"),
    ("5 5 1000000000000000", "1,000,000,000,000,000 units"),
])
def test_header_too_large_is_refused_before_allocating(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], header: str, what: str) -> None:
    path = _file(tmp_path, f"{header}\n1\n2\n3\n4\n5\n0 0 0.5\n".encode())
    with pytest.raises(InputError) as info:
        read_instance(path)
    assert (info.value.line, info.value.field) == (1, "header")
    line = cli_error(["wta", "solve", str(path)], capsys, where=f"{path}:1", field="header",
                     says=what)
    assert "of memory" in line and "more than the 7.45 GiB allowed" in line


def test_gzip_bomb_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # 65 MiB of text in 65 kB: decompressed no further than the input limit (64 MiB)
    data = gzip.compress(b"2 2 1\n1\n1\n0 0 0.5\n" + b" " * (65 * 2**20), 9)
    assert len(data) < 200_000
    path = _file(tmp_path, data, "bomb.txt.gz")
    cli_error(["wta", "solve", str(path)], capsys, where=str(path),
              says="larger than 64 MiB: not a WTA instance this tool reads (once decompressed)")


def test_oversized_plain_file_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import skyshield.limits

    monkeypatch.setattr(skyshield.limits, "MAX_INPUT_BYTES", 4096)
    path = _file(tmp_path, b"2 2 1\n1\n1\n" + b"0 0 0.5\n" * 1000)
    cli_error(["wta", "solve", str(path)], capsys, where=f"{path}: larger than 4 KiB")


@pytest.mark.parametrize(("data", "line", "says"), [
    (gzip.compress(b"2 2 1\n1\n1\n0 0 0.5\n")[:-6], None, "corrupt gzip data"),
    (b"\x1f\x8b" + b"\x00" * 40, None, "corrupt gzip data"),
    (b"2 2 1\n\xff\xfe\n", None, "not a text file (UTF-8)"),
    (b"2 2 1e3\n1\n1\n0 0 0.5\n", 1, "header must be 3 integers"),
    (b"2 2 -1\n1\n1\n0 0 0.5\n", 1, "mu >= 0"),
    (b"1 1 1\nnan\n0 0 0.5\n", 2, "must be finite"),
    (b"1 1 1\n1e400\n0 0 0.5\n", 2, "must be finite"),
    (b"1 1 1\n1\n0 0 nan\n", 3, "outside [0, 1]"),
    (b"1 1 1\n1\n0 0 1e400\n", 3, "outside [0, 1]"),
    (b"1 1 1\n1\n0x0 0 0.5\n", 3, "expected 'i j p'"),
    (b"1 1 1\n1\n-1 0 0.5\n", 3, "outside 1 weapon types"),
])
def test_malformed_files(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                         data: bytes, line: int | None, says: str) -> None:
    path = _file(tmp_path, data, "w.txt.gz" if data[:2] == b"\x1f\x8b" else "w.txt")
    cli_error(["wta", "solve", str(path)], capsys,
              where=str(path) if line is None else f"{path}:{line}", says=says)


def test_folder_and_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cli_error(["wta", "solve", str(tmp_path)], capsys, where=str(tmp_path),
              says="is a directory")
    cli_error(["wta", "solve", str(tmp_path / "nope.txt")], capsys, says="file not found")


@pytest.mark.parametrize("args", [
    ["ahuja", "--weapons", "1000000000"],
    ["andersen", "--weapons", "10000000"],
    ["ahuja", "--weapons", "10", "--units", "1000000000000000"],
])
def test_generate_too_large_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                       args: list[str]) -> None:
    out = tmp_path / "x.txt"
    cli_error(["wta", "generate", args[0], str(out), *args[1:]], capsys, where="<argument>",
              field="--weapons", says="of memory")
    assert not out.exists()
