"""Multi-target tracking and intent inference for the information side of the model
(``docs/model.md`` §4.5, ``c2.information: tracks``): arrays of constant-velocity Kalman
tracks, gating, global-nearest-neighbour association, confirmation and deletion, clutter, the
GOSPA metric, and intent (``nearest``, ``heading``, ``bridge``). Compiled with numba; nothing
here imports the engine, so the tracker is tested and benchmarked on its own (against Stone
Soup, the reference implementation of the field, in ``tests/track``)."""
