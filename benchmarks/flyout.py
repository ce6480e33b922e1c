"""When would a guided fly-out change outcomes? (``docs/flyout.md``)

Run: ``.venv/bin/python -m benchmarks.flyout``. For the catalogue's missiles and the
interceptor drone against the drone classes, it flies proportional navigation
(:mod:`skyshield.analysis.flyout`) and prints its time of flight beside the straight-line
intercept and the engine's ``distance / projectile_speed_mps``, as ratios.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    from skyshield.analysis.flyout import Shot, collision_time, engine_time, pn_time

    rows = [
        ("SAM (600 m/s, 30 g) vs OWA piston 50 m/s, head-on", Shot(6000, 600, 50, 180)),
        ("SAM vs OWA piston, crossing", Shot(6000, 600, 50, 90)),
        ("SAM vs OWA piston, receding", Shot(4000, 600, 50, 0)),
        ("C-UAS missile (150 m/s, 20 g) vs OWA piston, crossing",
         Shot(6000, 150, 50, 90, a_max_g=20)),
        ("C-UAS missile vs OWA jet 220 m/s, head-on", Shot(8000, 150, 220, 180, a_max_g=20)),
        ("SAM vs OWA piston weaving 2 g", Shot(6000, 600, 50, 90, weave_g=2.0)),
        ("interceptor drone (85 m/s, 4 g) vs OWA piston, crossing",
         Shot(3000, 85, 50, 90, a_max_g=4, hit_m=3, dt=0.01)),
        ("interceptor drone vs OWA piston weaving 2 g",
         Shot(3000, 85, 50, 90, weave_g=2.0, a_max_g=4, hit_m=3, dt=0.01)),
    ]
    print(f"{'shot':<58} {'PN (s)':>8} {'line (s)':>9} {'PN/line':>8} {'engine':>8} "
          f"{'PN/engine':>9}")
    for name, s in rows:
        pn = pn_time(s)
        line = collision_time(s)
        eng = engine_time(s)
        print(f"{name:<58} {pn:8.2f} {line:9.2f} {pn / line:8.4f} {eng:8.2f} "
              f"{pn / eng:9.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
