"""Project-wide test settings.

On CI (``CI=true``) Hypothesis runs derandomized: the same examples every run, so a red CI
always reproduces; local runs keep exploring new examples.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
