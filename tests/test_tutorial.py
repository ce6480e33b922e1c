"""The tutorial notebook (``docs/tutorial.ipynb``, the one a newcomer opens first) runs from
top to bottom and shows its tables as pandas frames."""

from __future__ import annotations

from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_the_tutorial_runs_and_shows_tables() -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    nb = nbformat.read(DOCS / "tutorial.ipynb", as_version=4)
    assert not any(c.get("outputs") for c in nb.cells if c.cell_type == "code"), \
        "commit the notebook without outputs"
    nbclient.NotebookClient(nb, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(DOCS)}}).execute()
    html = [o["data"]["text/html"] for c in nb.cells if c.cell_type == "code"
            for o in c.get("outputs", []) if "text/html" in o.get("data", {})]
    assert any("dataframe" in h for h in html)  # pandas frames, as a notebook shows them
    assert any(h.startswith("<div><b>Results</b>") for h in html)
    images = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if "image/png" in o.get("data", {})]
    assert images  # the map
    text = "".join(o.get("data", {}).get("text/plain", "") for c in nb.cells
                   if c.cell_type == "code" for o in c.get("outputs", []))
    assert "P(VIP lost) = " in text and "ΔP(VIP lost), tracks − truth" in text
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert not errors
