# A thin front over meson; see README.md.
BUILD ?= build
PYTEST ?= /usr/bin/python3 -m pytest
JAILOR = $(BUILD)/src/cli/jailor

.PHONY: all deps deps-check build vendor docs screenshots check check-vm unit integration demo install clean bench

all: build docs

deps:
	tools/install-deps.sh build

deps-check:
	tools/install-deps.sh check

$(BUILD)/build.ninja:
	meson setup $(BUILD)

# the web UI's xterm.js, from npm (package-lock.json), into web/vendor/
vendor: deps
	tools/vendor-web.sh

build: deps vendor $(BUILD)/build.ninja
	ninja -C $(BUILD)

# docs/properties.md is generated from the property table (src/lib/props).
docs: build
	cp $(BUILD)/tools/properties.md docs/properties.md

unit: deps-check build
	meson test -C $(BUILD) --suite unit --print-errorlogs

integration: deps-check build
	JAILOR_BUILD_DIR=$(abspath $(BUILD)) $(PYTEST) -p no:cacheprovider tests/integration

# docs/screenshots/: the web UI's browser test, keeping its screenshots.
screenshots: deps-check build
	JAILOR_SCREENSHOTS=$(abspath docs/screenshots) JAILOR_BUILD_DIR=$(abspath $(BUILD)) \
		$(PYTEST) -p no:cacheprovider tests/integration/test_webui.py

# The README's test command: unit tests, then the integration tests as root.
check: unit integration

# cgroup v2 limits in a qemu guest booted with cgroup_no_v1=all (slow: software emulation).
check-vm: build
	JAILOR_BUILD_DIR=$(abspath $(BUILD)) tests/vm/run

# Side-by-side benchmarks against LXC and systemd-nspawn (installs them);
# the table goes to bench/results.md and into docs/PERFORMANCE.md.
BENCH_ARGS ?=
bench: build
	tools/install-deps.sh bench
	JAILOR_BUILD_DIR=$(abspath $(BUILD)) /usr/bin/python3 bench/run.py --doc docs/PERFORMANCE.md $(BENCH_ARGS)

# The main job so far: the embedded pool, a Debian release in it (fetched once), a jail booted.
demo: build
	JAILOR=$(JAILOR) tools/demo.sh

install: build
	meson install -C $(BUILD)

clean:
	rm -rf $(BUILD)
