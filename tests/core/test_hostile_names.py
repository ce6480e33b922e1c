"""Names are data, on the terminal and in figures (issue 10, "Terminal injection", "markup
crashes", "Plot crashes on names"): escape sequences in names never reach the terminal raw,
rich markup and emoji codes in names print literally, and mathtext in names is drawn as text
by ``run``, ``faults``, ``report`` and ``sweep`` alike."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from skyshield.cli import main
from skyshield.display import json_text, term, term_block
from testkit import ROOT, flagship_small_dict

#: What a terminal would act on: C0 controls but newline, DEL, C1, bidi controls.
RAW = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")

SCENARIO = "esc\x1b[2J [link=http://x]click me[/link] [/bold] $\\frac{$"
SITE = "\x1b]0;pwned\x07 Aldmark [bold]x :smile:"
WAVE = "wave [/bold] :smile: \x9b31m"
EFFECTOR = "SAM $\\frac{$ \u202eexe.gpj"
SENSOR = "Radar [/] \x07"


def _hostile() -> dict[str, Any]:
    d = flagship_small_dict()
    d["name"] = SCENARIO
    old_site = d["assets"]["fixed"][0]["name"]
    d["assets"]["fixed"][0]["name"] = SITE
    old_eff = d["effectors"][0]["name"]
    d["effectors"][0]["name"] = EFFECTOR
    d["sensors"][0]["name"] = SENSOR
    d["raids"][0]["name"] = WAVE
    text = json.dumps(d)  # the names are referred to elsewhere (targeting, zones...)
    text = text.replace(json.dumps(old_site), json.dumps(SITE))
    text = text.replace(json.dumps(old_eff), json.dumps(EFFECTOR))
    out: dict[str, Any] = json.loads(text)
    return out


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("names") / "hostile.yaml"
    path.write_text(yaml.safe_dump(_hostile(), allow_unicode=True), encoding="utf-8")
    return path


def _clean(text: str) -> None:
    bad = RAW.findall(text)
    assert not bad, bad
    assert "Traceback" not in text


def test_helpers() -> None:
    assert term("a\x1b[2Jb\x07") == "a\\x1b[2Jb\\x07"
    assert term("x\u202ey\x9b\n") == "x\\u202ey\\x9b\\x0a"
    assert term_block("a\n\tb\x1b") == "a\n\tb\\x1b"
    assert term("[/bold] ok ünïcode 東京 🚁") == "[/bold] ok ünïcode 東京 🚁"
    obj = {"n": "a\x1b\x9b\u2028\u202e b ü"}
    assert json.loads(json_text(obj)) == obj
    _clean(json_text(obj))
    assert json_text({"n": "ü €"}) == json.dumps({"n": "ü €"}, indent=2, ensure_ascii=False) + "\n"


def test_run_prints_names_literally(hostile: Path, tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main(["run", str(hostile), "-n", "20", "--record", "1", "--quiet",
                 "--out", str(out)]) == 0
    printed = capsys.readouterr()
    _clean(printed.out + printed.err)
    flat = "".join(printed.out.split())
    for literal in ("[link=http://x]clickme[/link]", "[/bold]", ":smile:", "\\x1b[2J",
                    "\\x1b]0;pwned\\x07", "$\\frac{$", "[bold]x"):
        assert literal in flat, literal
    # figures with mathtext names were drawn
    for name in ("loss_probability", "timeline", "effectors", "map"):
        assert (out / "plots" / f"{name}.png").stat().st_size > 1000
    # the JSON keeps the names exactly, escaped
    assert main(["run", str(hostile), "-n", "5", "--record", "0", "--json"]) == 0
    text = capsys.readouterr().out
    _clean(text)
    got = json.loads(text)
    assert got["scenario"] == SCENARIO and SITE in [a["name"] for a in got["assets"]]
    assert WAVE in [w["name"] for w in got["threats"]["waves"]]
    _clean((out / "summary.json").read_text(encoding="utf-8"))
    _clean((out / "layout.json").read_text(encoding="utf-8"))
    # the report of the folder: its figures too, and what it prints
    assert main(["report", str(out)]) == 0
    printed = capsys.readouterr()
    _clean(printed.out + printed.err)
    assert (out / "report" / "map.png").is_file() and (out / "report" / "leakers.png").is_file()


def test_faults_and_sweep_print_names_literally(hostile: Path, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "faults"
    assert main(["faults", str(hostile), "-n", "4", "--workers", "1", "--quiet",
                 "--out", str(out)]) == 0
    printed = capsys.readouterr()
    _clean(printed.out + printed.err)
    assert "$\\frac{$" in printed.out and "\\u202eexe.gpj" in printed.out
    assert (out / "plots" / "tornado.png").stat().st_size > 1000
    assert json.loads((out / "faults.json").read_text())["scenario"] == SCENARIO
    assert main(["sweep", str(hostile), "--vary", "raids[0].count=1,2", "-n", "4",
                 "--workers", "1", "--quiet", "--out", str(tmp_path / "sweep")]) == 0
    printed = capsys.readouterr()
    _clean(printed.out + printed.err)
    assert "[link=http://x]click me[/link]" in printed.out
    assert main(["sweep", str(hostile), "--vary", "raids[0].count=1,2", "-n", "4",
                 "--workers", "1", "--json", "--out", str(tmp_path / "sweep")]) == 0
    text = capsys.readouterr().out
    _clean(text)
    assert json.loads(text)["scenario"] == SCENARIO


def test_errors_and_paths_print_names_literally(hostile: Path, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    d = _hostile()
    d["raids"][0]["targeting"]["weights"] = {"\x1b]0;pwned\x07 [/bold] nowhere": 1}
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(d, allow_unicode=True), encoding="utf-8")
    assert main(["validate", str(bad)]) == 2
    err = capsys.readouterr().err
    _clean(err)
    assert len(err.strip().splitlines()) == 1 and "\\x1b]0;pwned\\x07" in err
    # a file whose own name is hostile
    odd = tmp_path / "sc\x1b[2J[bold].yaml"
    odd.write_bytes(hostile.read_bytes())
    assert main(["validate", str(odd)]) == 0
    printed = capsys.readouterr()
    _clean(printed.out)
    assert "sc\\x1b[2J[bold].yaml" in printed.out
    assert main(["run", str(tmp_path / "no\x1b[2Jpe.yaml")]) == 2
    _clean(capsys.readouterr().err)
    assert main(["run", str(hostile), "--seed", "x\x1b[2J"]) == 2
    _clean(capsys.readouterr().err)


def test_the_terminal_sees_no_escape_sequence(hostile: Path, tmp_path: Path) -> None:
    """The real command on a pseudo-terminal (colours and all): only skyshield's own style
    sequences, never a name's."""
    import os
    import pty

    master, slave = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "COLUMNS": "200"}
    try:
        proc = subprocess.run([sys.executable, "-m", "skyshield.cli", "run", str(hostile),
                               "-n", "5", "--record", "0", "--quiet"],
                              stdout=slave, stderr=subprocess.PIPE, env=env, timeout=600,
                              check=False)
        os.close(slave)
        chunks = []
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(master)
    assert proc.returncode == 0, proc.stderr
    text = b"".join(chunks).decode("utf-8")
    # rich styles: CSI ... m only; no clear screen (2J), no OSC (ESC ]), no BEL, no C1
    assert re.findall("\x1b\\[[0-9;]*[A-Za-ln-z]", text) == []
    assert "\x1b]" not in text and "\x07" not in text and "\x9b" not in text
    assert "\u202e" not in text
    plain = "".join(re.sub("\x1b\\[[0-9;]*m", "", text).split())
    assert "[link=http://x]clickme[/link]" in plain and "\\x1b[2J" in plain
