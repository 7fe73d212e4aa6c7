#!/bin/bash
# SPDX-License-Identifier: MIT
#
# boot-one.sh CONFIG_DIR KERNEL OUTDIR
#
# Boot one configuration on one kernel under QEMU (TCG) and unpack what the
# guest shipped out into OUTDIR: snap/ (the snapshot resv_snapshot_write()
# made in the guest), vfio-probe.txt, dmesg.txt, modules.log, bind.log,
# drivers.txt, and the host's console.log, qemu-cmd.txt, boot.txt (status,
# seconds, kernel package). Status: ok, timeout, panic, no-output,
# bad-checksum, qemu-failed. Exit 0 only for ok.
#
# Needs (made by run-bench.sh): $KERNEL_CACHE/kernel-ARCH-KERNEL/ (from
# fetch-kernels.sh), $KERNEL_BUILD/initrd-ARCH-KERNEL.cpio.gz (from
# make-initrd.sh), and $HEX2AML for tables written as .hex.
set -uo pipefail

config_dir=$(cd "$1" && pwd) kernel=$2 outdir=$3
: "${KERNEL_CACHE:?}" "${KERNEL_BUILD:?}"
BOOT_TIMEOUT=${BOOT_TIMEOUT:-300}
HEX2AML=${HEX2AML:-build/tests/hex2aml}

ARCH= CMDLINE= QEMU_ARGS=()
CONFIG_DIR=$config_dir
# shellcheck source=/dev/null
. "$config_dir/config"
case $ARCH in
x86_64) arch=amd64 qemu=qemu-system-x86_64 console=ttyS0 ;;
arm64) arch=arm64 qemu=qemu-system-aarch64 console=ttyAMA0 ;;
*) echo "boot-one: $config_dir: ARCH '$ARCH'" >&2; exit 1 ;;
esac
kdir=$KERNEL_CACHE/kernel-$arch-$kernel
initrd=$KERNEL_BUILD/initrd-$arch-$kernel.cpio.gz
[ -e "$kdir/vmlinuz" ] && [ -e "$initrd" ] || {
	echo "boot-one: no kernel $kdir or initramfs $initrd" >&2; exit 1; }

rm -rf "$outdir"
mkdir -p "$outdir/tables"
outdir=$(cd "$outdir" && pwd)

# The ACPI table upgrade: an uncompressed cpio of kernel/firmware/acpi/*.aml
# in front of the initramfs (Documentation/admin-guide/acpi/initrd_table_override.rst).
fw=$outdir/tables/kernel/firmware/acpi
mkdir -p "$fw"
for t in "$config_dir"/*.dsl "$config_dir"/*.hex; do
	[ -e "$t" ] || continue
	sig=$(basename "${t%.*}")
	case $t in
	*.dsl) iasl -p "$fw/$sig" "$t" > "$outdir/tables/iasl-$sig.log" 2>&1 || {
		echo "boot-one: iasl $t failed, see $outdir/tables/iasl-$sig.log" >&2; exit 1; } ;;
	*.hex) "$HEX2AML" "$t" "$fw/$sig.aml" || exit 1 ;;
	esac
done
rd=$outdir/initrd.img
if ls "$fw"/*.aml > /dev/null 2>&1; then
	(cd "$outdir/tables" && find kernel | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0) > "$rd"
	cat "$initrd" >> "$rd"
else
	cp "$initrd" "$rd"
fi

token=$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')
append="console=$console quiet loglevel=1 panic=-1 log_buf_len=4M bench.token=$token $CMDLINE"
generic=(-m "${GUEST_MEM:-1024}" -smp 1 -nodefaults -display none -monitor none
	 -serial "file:$outdir/console.log" -no-reboot
	 -kernel "$kdir/vmlinuz" -initrd "$rd")
if [ "$arch" = amd64 ]; then
	# check_timer() counts timer ticks in a busy loop; under TCG on a busy
	# host too few arrive and, with interrupt remapping, the kernel panics
	# "timer doesn't work through Interrupt-remapped IO-APIC" (seen on
	# 5.10, 6.1, 6.12 with amd-iommu, one boot in three). The timer works.
	append="$append no_timer_check"
fi
if [ "$arch" = arm64 ]; then
	# UEFI, so that the kernel gets ACPI (IORT); acpi=force because EDK2
	# may hand over a device tree as well.
	generic+=(-cpu "${ARM_CPU:-cortex-a57}" -bios "${QEMU_EFI:-/usr/share/qemu-efi-aarch64/QEMU_EFI.fd}")
	append="$append acpi=force"
fi
cmd=("$qemu" "${QEMU_ARGS[@]}" "${generic[@]}" -append "$append")
printf '%q ' "${cmd[@]}" > "$outdir/qemu-cmd.txt"
echo >> "$outdir/qemu-cmd.txt"

start=$(date +%s%N)
timeout -k 5 "$BOOT_TIMEOUT" "${cmd[@]}" > "$outdir/qemu.log" 2>&1
rc=$?
secs=$(awk -v a="$start" -v b="$(date +%s%N)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')

status=ok
log=$outdir/console.log
if ! grep -q "^===BENCH-END $token " "$log" 2>/dev/null; then
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		status=timeout
	elif grep -q "Kernel panic" "$log" 2>/dev/null; then
		status=panic
	elif [ "$rc" != 0 ]; then
		status=qemu-failed
	else
		status=no-output
	fi
else
	want=$(sed -n "s/^===BENCH-END $token \([0-9a-f]*\)===.*/\1/p" "$log" | tr -d '\r')
	sed -n "/^===BENCH-BEGIN $token===/,/^===BENCH-END $token /p" "$log" |
		sed '1d;$d' | tr -d '\r' | base64 -d > "$outdir/guest.tgz" 2>/dev/null
	got=$(md5sum < "$outdir/guest.tgz" | cut -d' ' -f1)
	if [ "$got" != "$want" ]; then
		status=bad-checksum
	else
		tar -C "$outdir" -xzf "$outdir/guest.tgz" || status=bad-checksum
		rm -f "$outdir/guest.tgz"
	fi
fi
rm -f "$rd"
{
	echo "status $status"
	echo "seconds $secs"
	echo "qemu-exit $rc"
	echo "config $(basename "$config_dir")"
	echo "kernel $kernel $(cat "$kdir/release.txt")"
	sed 's/^/package /' "$kdir/package.txt"
	# Facts the configuration knows but the tables cannot tell: passed by
	# compare.py as --assume to predict and explain.
	for a in ${ASSUME[@]+"${ASSUME[@]}"}; do echo "assume $a"; done
	[ -z "${ASSUME_WHY:-}" ] || echo "assume-why $ASSUME_WHY"
	# The options that decide what the guest can show (iommufd, cdev, virtio-iommu).
	grep -hE '^(# )?CONFIG_(IOMMUFD|VFIO_DEVICE_CDEV|VFIO_CONTAINER|VIRTIO_IOMMU|ARM_SMMU_V3|ACPI_TABLE_UPGRADE)[= ]' \
		"$kdir/config" 2>/dev/null | sed 's/^# \(CONFIG_[A-Z0-9_]*\) is not set/\1=n/; s/^/kconfig /'
} > "$outdir/boot.txt"
echo "boot-one: $(basename "$config_dir") $kernel: $status in ${secs%.*}s"
[ "$status" = ok ]
