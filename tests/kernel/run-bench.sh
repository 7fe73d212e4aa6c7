#!/bin/bash
# SPDX-License-Identifier: MIT
#
# run-bench.sh: the kernel bench (`make check-kernel`). Fetches the kernels,
# builds the guest programs and one initramfs per (arch, kernel), boots every
# configuration on each of its kernels (KERNEL_JOBS QEMUs at a time),
# compares (compare.py) and prints the matrix. Exit 0 only when every check
# of every boot passes or is n/a.
#
# Environment:
#   KERNEL_CONFIGS  configuration names (default: every CONFIG_ROOT/*/config)
#   KERNEL_CONFIG_ROOT  where they are (tests/kernel/configs)
#   KERNELS         kernel short names to boot (default: 5.10 6.1 6.12 7 for
#                   x86_64, ARM_KERNELS for arm64), intersected with each
#                   configuration's own KERNELS
#   ARM_KERNELS     default arm64 kernels (6.1 6.12 7)
#   KERNEL_JOBS     QEMUs in parallel (2)
#   KERNEL_CACHE    downloads ($XDG_CACHE_HOME/iommu-resv-bench or ~/.cache/...)
#   KERNEL_BUILD    guest programs, initramfs images (build-kernel)
#   KERNEL_OUT      results, OUT/CONFIG/KERNEL (KERNEL_BUILD/out)
#   BOOT_TIMEOUT    seconds per boot (300)
#   IOMMU_RESV      the release CLI (build/cli/iommu-resv)
set -euo pipefail

src=$(cd "$(dirname "$0")/../.." && pwd)
here=$src/tests/kernel
export KERNEL_CACHE=${KERNEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/iommu-resv-bench}
export KERNEL_BUILD=${KERNEL_BUILD:-$src/build-kernel}
export KERNEL_OUT=${KERNEL_OUT:-$KERNEL_BUILD/out}
export HEX2AML=${HEX2AML:-$src/build/tests/hex2aml}
export IOMMU_RESV=${IOMMU_RESV:-$src/build/cli/iommu-resv}
ARM_KERNELS=${ARM_KERNELS:-6.1 6.12 7}
configs=${KERNEL_CONFIG_ROOT:-$here/configs}
KERNEL_JOBS=${KERNEL_JOBS:-2}
mkdir -p "$KERNEL_BUILD" "$KERNEL_OUT"

if [ -z "${KERNEL_CONFIGS:-}" ]; then
	KERNEL_CONFIGS=$(cd "$configs" && for c in */config; do echo "${c%/config}"; done)
fi

# The (config, kernel) pairs: each configuration's KERNELS (default: all of
# its arch), intersected with $KERNELS when given.
pairs=() need=()
for c in $KERNEL_CONFIGS; do
	[ -f "$configs/$c/config" ] || { echo "run-bench: no configuration $c" >&2; exit 2; }
	# shellcheck source=/dev/null
	read -r arch ks < <(ARCH= KERNELS= CONFIG_DIR=$configs/$c
		. "$configs/$c/config"
		if [ "$ARCH" = arm64 ]; then echo "arm64 ${KERNELS:-$ARM_KERNELS}"
		else echo "amd64 ${KERNELS:-5.10 6.1 6.12 7}"; fi)
	for k in $ks; do
		if [ -n "${KERNELS:-}" ] && ! [[ " $KERNELS " == *" $k "* ]]; then
			continue
		fi
		pairs+=("$c $k")
		[[ " ${need[*]} " == *" $arch:$k "* ]] || need+=("$arch:$k")
	done
done
[ ${#pairs[@]} -gt 0 ] || { echo "run-bench: nothing to boot" >&2; exit 2; }

t0=$(date +%s)
# One fetch at a time per cache (two benches may share it).
mkdir -p "$KERNEL_CACHE"
flock "$KERNEL_CACHE/.lock" "$here/fetch-kernels.sh" "$KERNEL_CACHE" "${need[@]}"
t_fetch=$(date +%s)
for a in $(printf '%s\n' "${need[@]}" | cut -d: -f1 | sort -u); do
	"$here/build-guest.sh" "$a" "$KERNEL_BUILD/guest-$a"
done
for ak in "${need[@]}"; do
	a=${ak%%:*} k=${ak#*:}
	"$here/make-initrd.sh" "$KERNEL_CACHE/kernel-$a-$k" "$KERNEL_CACHE/busybox-$a" \
		"$KERNEL_BUILD/guest-$a" "$KERNEL_BUILD/initrd-$a-$k.cpio.gz"
done
t_build=$(date +%s)

echo "run-bench: ${#pairs[@]} boots, $KERNEL_JOBS at a time"
for p in "${pairs[@]}"; do
	rm -rf "$KERNEL_OUT/${p% *}/${p#* }"
done
export CONFIGS=$configs
printf '%s\n' "${pairs[@]}" | xargs -P "$KERNEL_JOBS" -L 1 \
	sh -c '"$0" "$CONFIGS/$1" "$2" "$KERNEL_OUT/$1/$2" || true' "$here/boot-one.sh"
# A boot that produced no result (timeout, a panic under a busy host's TCG,
# no output) is tried once more, alone; its boot.txt says so. A second
# failure stays a failure.
for p in "${pairs[@]}"; do
	d="$KERNEL_OUT/${p% *}/${p#* }"
	grep -qx 'status ok' "$d/boot.txt" 2>/dev/null && continue
	first=$(sed -n 's/^status //p' "$d/boot.txt" 2>/dev/null)
	echo "run-bench: ${p% *} ${p#* }: ${first:-no result}; booting it once more"
	rm -rf "$d"
	"$here/boot-one.sh" "$configs/${p% *}" "${p#* }" "$d" || true
	echo "retried-after ${first:-no-result}" >>"$d/boot.txt"
done
t_boot=$(date +%s)

status=0
dirs=()
for p in "${pairs[@]}"; do
	dirs+=("$KERNEL_OUT/${p% *}/${p#* }")
done
echo
python3 "$here/compare.py" --cli "$IOMMU_RESV" --matrix "${dirs[@]}" || status=1
for d in "${dirs[@]}"; do
	cat "$d/report.txt"
	echo
done > "$KERNEL_OUT/reports.txt"
t_end=$(date +%s)
echo "run-bench: fetch $((t_fetch - t0))s, build $((t_build - t_fetch))s," \
	"boots $((t_boot - t_build))s, compare $((t_end - t_boot))s; all $((t_end - t0))s"
echo "run-bench: reports in $KERNEL_OUT/CONFIG/KERNEL/report.txt (all: $KERNEL_OUT/reports.txt)"
exit $status
