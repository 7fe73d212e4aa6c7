#!/bin/bash
# SPDX-License-Identifier: MIT
#
# build-guest.sh ARCH OUTDIR: the two guest programs, static, for amd64
# (gcc) or arm64 (aarch64-linux-gnu-gcc): resv-snap from the library's own
# sources (libc only) and vfio-probe.
set -euo pipefail

arch=$1 out=$2
src=$(cd "$(dirname "$0")/../.." && pwd)
case $arch in
amd64) cc=${CC_AMD64:-gcc} ;;
arm64) cc=${CC_ARM64:-aarch64-linux-gnu-gcc} ;;
*) echo "build-guest: unknown arch $arch" >&2; exit 1 ;;
esac
mkdir -p "$out"
version=$(sed -n "s/^\tversion: '\(.*\)',/\1/p" "$src/meson.build" | head -n1)
printf '#define RESV_VERSION "%s"\n' "$version" > "$out/config.h"
flags=(-static -O2 -std=gnu11 -D_GNU_SOURCE -Wall -Wno-format-truncation)
"$cc" "${flags[@]}" -I "$src/include" -I "$src/lib" -I "$src/lib/firmware" -I "$src/lib/host" \
	-I "$src/lib/engine" -I "$src/lib/guest" -I "$src/lib/groups" -I "$out" \
	-o "$out/resv-snap" "$src"/lib/*.c "$src"/lib/*/*.c "$src/tests/kernel/guest/resv-snap.c"
"$cc" "${flags[@]}" -o "$out/vfio-probe" "$src/tests/kernel/guest/vfio-probe.c"
