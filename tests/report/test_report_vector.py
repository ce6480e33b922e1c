"""``skyshield report DIR --vector``: every figure also as SVG and PDF, reproducible."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from skyshield.report import build_report


def test_vector_figures_beside_every_png(run_copy: Path) -> None:
    out = build_report(run_copy, vector=True)
    assert out.figures
    for stem, png in out.figures.items():
        svg, pdf = png.with_suffix(".svg"), png.with_suffix(".pdf")
        assert svg.is_file() and pdf.is_file(), stem
        assert ET.parse(svg).getroot().tag.endswith("svg")
        assert pdf.read_bytes().startswith(b"%PDF")
    first = {p.name: p.read_bytes() for p in (run_copy / "report").iterdir()}
    build_report(run_copy, vector=True)
    again = {p.name: p.read_bytes() for p in (run_copy / "report").iterdir()}
    assert first == again  # same folder, same bytes
    build_report(run_copy)  # without --vector the vector files of the last report go
    assert not list((run_copy / "report").glob("*.svg"))


def test_every_figure_has_a_caption_that_says_what_it_shows(run_copy: Path) -> None:
    from skyshield.report.figures import CAPTIONS, FIGURES

    assert set(CAPTIONS) == {stem for stem, _t, _m in FIGURES}
    html = build_report(run_copy, png=False).html.read_text()
    for stem, caption in CAPTIONS.items():
        if f'id="fig-{stem}"><img' in html:
            assert caption.replace("'", "&#x27;") in html, stem
