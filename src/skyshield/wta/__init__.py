"""Weapon–target assignment solvers (issue 3)."""
