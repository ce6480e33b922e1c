"""Terrain: elevation grids (read from a file or synthesised), line of sight over them
(viewsheds for fixed sites, ray marching for moving mounts) — ``docs/model.md`` §4.9.

Nothing here imports the scenario, the engine or numba at package import: the grid and its
readers are plain NumPy, the viewshed and the line-of-sight kernels live in their own modules.
"""
