# skyshield — everything a fresh machine needs is set up from here.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
BENCH_STAMP := $(VENV)/.installed-bench

.PHONY: venv demo test test-fast lint bench browser gdal clean clean-cache

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev,ray,track-ref,notebook]'
	touch $(STAMP)

venv: $(STAMP)

# Debian's Chromium for the browser tests of the after-action report.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; fi; }

# Debian's GDAL (gdal_viewshed, 3.6 on bookworm) for the viewshed tests against GDAL.
gdal:
	@command -v gdal_viewshed >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gdal-bin >/dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gdal-bin >/dev/null; fi; }

demo: $(STAMP)
	$(BIN)/skyshield run examples/vip-transit.yaml --replications 2000 --seed 1 --out out/vip-transit
	$(BIN)/skyshield report out/vip-transit --raid-sweep --value-of-information 100 --vector

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy

# The kernel compiles into numba's disk cache beside the linters (one core each), so that
# the two test workers load it instead of both compiling it at once.
test: $(STAMP) browser gdal
	@$(BIN)/python -m skyshield.engine.warm examples/vip-transit.yaml & warm=$$!; \
	  $(BIN)/ruff check src tests benchmarks && $(BIN)/mypy; lint=$$?; \
	  wait $$warm; w=$$?; test $$lint -eq 0 && test $$w -eq 0
	$(BIN)/pytest -n 2 -q

# The tests without a browser and without Ray (no `make browser` needed), on two workers.
test-fast: $(STAMP)
	$(BIN)/pytest -n 2 -q -m "not browser and not ray"

# the benchmarks' own extra (xarray-spatial, for bench_viewshed's ratio)
$(BENCH_STAMP): $(STAMP)
	$(BIN)/pip install -q -e '.[bench]'
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP) gdal
	$(BIN)/python -m benchmarks.run $(BENCH_ARGS)

# numba's on-disk caches (beside the sources): they do not notice changes in njit functions
# called from another file, so clear them after editing one (CONTRIBUTING.md).
clean-cache:
	find src tests benchmarks -name __pycache__ -type d -prune -exec rm -rf {} +

clean: clean-cache
	rm -rf $(VENV) out .pytest_cache .mypy_cache
