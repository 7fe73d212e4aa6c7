# The two set-up commands of the README, and a few more. Meson does the
# building; this file installs what a fresh Debian machine lacks and runs
# the right builds in the right order.
#
#   make demo    build, then run the main job on a bundled snapshot
#   make check   build (release and dev = ASan+UBSan), run every test
#   make bench   build, run the benchmarks (prints figures; not a test): the
#                engine, the calculator against LC_ALL=C sort (bench-cli.py),
#                and a generated 16,385-function host against tar (bench-host.py)
#   make check-kernel  the kernel bench: real Debian kernels under QEMU judge
#                the tool (tests/kernel/README.md); not part of make check

DEBIAN_PACKAGES := meson ninja-build pkg-config gcc libc6-dev libcmocka-dev \
		   libpci-dev libsmartcols-dev libjson-c-dev python3 python3-jsonschema \
		   valgrind libxml2-utils librsvg2-bin
BUILD := build
DEV := build-dev
EXAMPLE := examples/intel-server
CLI := $(BUILD)/cli/iommu-resv

.PHONY: all deps build build-dev demo check bench clean check-valgrind fuzz fuzz-deps fuzz-merge \
	check-kernel kernel-deps

all: build

# Install only what is missing; needs root (apt-get) when something is.
deps:
	@missing=$$(for p in $(DEBIAN_PACKAGES); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' \
		|| echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing:" $$missing; \
		if [ "$$(id -u)" -ne 0 ]; then \
			echo "Run as root, or: sudo apt-get install" $$missing; exit 1; \
		fi; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(BUILD)/build.ninja:
	meson setup $(BUILD)

$(DEV)/build.ninja:
	meson setup $(DEV) --native-file meson/dev.ini

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

build-dev: deps $(DEV)/build.ninja
	ninja -C $(DEV)

demo: build
	@echo '$$ iommu-resv groups --sysroot $(EXAMPLE)      # resolved view'
	@$(CLI) groups --sysroot $(EXAMPLE)
	@echo
	@echo '# Group 18 (HP iLO: VGA and USB are relaxable, the management functions are not),'
	@echo '# exactly as the kernel prints it, then resolved, with provenance:'
	@echo '$$ iommu-resv groups 18 --sysroot $(EXAMPLE) --format sysfs'
	@$(CLI) groups 18 --sysroot $(EXAMPLE) --format sysfs
	@echo '$$ iommu-resv groups 18 --sysroot $(EXAMPLE) -o start,last,size,type,source'
	@$(CLI) groups 18 --sysroot $(EXAMPLE) -o start,last,size,type,source
	@echo
	@echo '$$ iommu-resv iova 18 --sysroot $(EXAMPLE)       # usable IOVA, aperture from the VT-d cap'
	@$(CLI) iova 18 --sysroot $(EXAMPLE) -o group,start,last,size

# Unit tests under ASan/UBSan (dev), in the release build and under valgrind
# (release build: no leaks, no uninitialised reads; meson names that log
# testlog-valgrind); golden and fuzz-corpus
# tests in both builds. The last line counts every test case: "N passed, N
# failed".
VALGRIND := valgrind --error-exitcode=99 --leak-check=full \
	    --errors-for-leak-kinds=definite,indirect,possible -q

# The --map tests need xmllint and rsvg-convert (installed above): here
# their absence is a failure, not a skip (tests/golden/run-maps.sh).
check: export RESV_MAP_TOOLS_REQUIRED = 1
check: build build-dev
	@status=0; \
	meson test -C $(DEV) --print-errorlogs || status=1; \
	meson test -C $(BUILD) --print-errorlogs || status=1; \
	PROPERTY_SCALE=5 meson test -C $(BUILD) --suite unit --suite fuzz \
		--wrap='$(VALGRIND)' --timeout-multiplier 4 --print-errorlogs || status=1; \
	python3 tests/summarize.py $(DEV)/meson-logs/testlog.json \
		$(BUILD)/meson-logs/testlog.json \
		$(BUILD)/meson-logs/testlog-valgrind.json || status=1; \
	exit $$status

# Only the valgrind run.
check-valgrind: build
	PROPERTY_SCALE=5 meson test -C $(BUILD) --suite unit --suite fuzz \
		--wrap='$(VALGRIND)' --timeout-multiplier 4 --print-errorlogs

bench: build
	ninja -C $(BUILD) bench/bench-region bench/bench-groups
	$(BUILD)/bench/bench-region
	python3 bench/bench-cli.py $(CLI)
	python3 bench/bench-host.py $(CLI)
	$(BUILD)/bench/bench-groups

clean:
	rm -rf $(BUILD) $(DEV) $(FUZZ) build-kernel

# The kernel bench (tests/kernel/run-bench.sh): fetches Debian's kernels
# through a private apt state, boots every configuration of
# tests/kernel/configs on each under QEMU (TCG), compares, prints the matrix.
# Knobs: KERNEL_CONFIGS="intel-default amd-default" KERNELS="6.1 6.12"
# KERNEL_JOBS=2 KERNEL_CACHE=DIR KERNEL_OUT=DIR BOOT_TIMEOUT=300.
KERNEL_PACKAGES := qemu-system-x86 qemu-system-arm qemu-efi-aarch64 cpio acpica-tools \
		   gcc-aarch64-linux-gnu libc6-dev-arm64-cross debian-archive-keyring zstd
KERNEL_JOBS ?= 2
export KERNEL_CONFIGS KERNEL_CONFIG_ROOT KERNELS ARM_KERNELS KERNEL_CACHE KERNEL_OUT BOOT_TIMEOUT KERNEL_JOBS

kernel-deps: deps
	@$(MAKE) --no-print-directory deps DEBIAN_PACKAGES="$(KERNEL_PACKAGES)"

check-kernel: build kernel-deps
	tests/kernel/run-bench.sh

# libFuzzer (clang): each target for FUZZ_SECONDS, starting from its corpus in
# fuzz/corpus/NAME (read only); new inputs go to build-fuzz/corpus/NAME and
# crashes to build-fuzz/artifacts/. `make fuzz-merge` adds the new inputs
# that widen coverage to fuzz/corpus (then commit them).
FUZZ := build-fuzz
FUZZ_SECONDS ?= 600
FUZZ_TARGETS ?= tables dmar ivrs iort viot acpidump sysfs regions engine acs-override groups
FUZZ_PACKAGES := clang libclang-rt-14-dev

fuzz-deps: deps
	@$(MAKE) --no-print-directory deps DEBIAN_PACKAGES="$(FUZZ_PACKAGES)"

$(FUZZ)/build.ninja: | fuzz-deps
	CC=clang meson setup $(FUZZ) -Dfuzz=true -Dbuildtype=debugoptimized -Db_lundef=false

fuzz: $(FUZZ)/build.ninja
	ninja -C $(FUZZ)
	@mkdir -p $(FUZZ)/artifacts
	@for t in $(FUZZ_TARGETS); do \
		mkdir -p $(FUZZ)/corpus/$$t; \
		echo "fuzz-$$t: $(FUZZ_SECONDS) s"; \
		$(FUZZ)/fuzz/fuzz-$$t -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
			-artifact_prefix=$(FUZZ)/artifacts/$$t- \
			$(FUZZ)/corpus/$$t fuzz/corpus/$$t 2>&1 | \
			grep -E '^(stat::number_of_executed_units|stat::peak_rss|==[0-9]+==|SUMMARY|Done)' ; \
	done

fuzz-merge: $(FUZZ)/build.ninja
	ninja -C $(FUZZ)
	@for t in $(FUZZ_TARGETS); do \
		$(FUZZ)/fuzz/fuzz-$$t -merge=1 fuzz/corpus/$$t $(FUZZ)/corpus/$$t; \
	done
