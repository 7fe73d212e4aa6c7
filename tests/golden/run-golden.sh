#!/bin/sh
# Golden tests: run the CLI on the example snapshots and recorded inputs and
# compare stdout, stderr and the exit status with tests/golden/expected/.
#
#   run-golden.sh CLI SRCDIR            compare
#   GOLDEN_UPDATE=1 run-golden.sh ...   rewrite the expected files (review the diff!)
#
# Besides the recorded cases, for every example snapshot and every group,
# `groups N --view kernel --format sysfs` must equal the group's own
# reserved_regions file byte for byte: parsing and printing lose nothing.
. "$(dirname "$0")/common.sh"

for ex in examples/*/; do
	ex=${ex%/}
	[ -d "$ex/sys/kernel/iommu_groups" ] || continue
	for g in "$ex"/sys/kernel/iommu_groups/*/; do
		g=${g%/}
		n=${g##*/}
		"$cli" groups "$n" --sysroot "$ex" --view kernel --format sysfs \
			>"$tmp/out" 2>"$tmp/err"
		if cmp -s "$tmp/out" "$g/reserved_regions" && [ ! -s "$tmp/err" ]; then
			ok "$ex group $n: kernel view equals reserved_regions"
		else
			bad "$ex group $n: kernel view differs from reserved_regions"
			diff -u "$g/reserved_regions" "$tmp/out" | sed 's/^/    /'
			sed 's/^/    stderr: /' "$tmp/err"
		fi
	done
done

# Prediction from the firmware table and config space alone, group by group,
# must equal what the snapshot's kernel wrote; --compare must agree, both with
# the snapshot's config space and with the same topology as an lspci dump.
for ex in examples/*/; do
	ex=${ex%/}
	[ -d "$ex/sys/kernel/iommu_groups" ] || continue
	for g in "$ex"/sys/kernel/iommu_groups/*/; do
		g=${g%/}
		n=${g##*/}
		"$cli" predict "$n" --sysroot "$ex" --format sysfs >"$tmp/out" 2>"$tmp/err"
		rc=$?
		if [ $rc -eq 0 ] && cmp -s "$tmp/out" "$g/reserved_regions"; then
			ok "$ex group $n: predicted from the firmware, equals reserved_regions"
		else
			bad "$ex group $n: prediction differs from reserved_regions (exit $rc)"
			diff -u "$g/reserved_regions" "$tmp/out" | sed 's/^/    /'
		fi
	done
	name=${ex##*/}
	for pci in "" "--lspci tests/data/lspci/$name.lspci"; do
		[ -z "$pci" ] || [ -f "tests/data/lspci/$name.lspci" ] || continue
		# shellcheck disable=SC2086
		if "$cli" predict --compare --sysroot "$ex" $pci >"$tmp/out" 2>"$tmp/err"; then
			ok "$ex: predict --compare ${pci:-(config space)}: $(tail -n1 "$tmp/out")"
		else
			bad "$ex: predict --compare ${pci:-(config space)}"
			sed 's/^/    /' "$tmp/out"
		fi
	done
done

# cases: NAME<TAB>ARGS (split by the shell; run from the source root).
while IFS='	' read -r name args; do
	case $name in ''|'#'*) continue ;; esac
	# shellcheck disable=SC2086
	eval "set -- $args"
	"$cli" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	rc=$?
	{
		cat "$tmp/out"
		echo "--- stderr"
		cat "$tmp/err"
		echo "--- exit $rc"
	} >"$tmp/got"
	exp=tests/golden/expected/$name.out
	if [ "${GOLDEN_UPDATE:-}" = 1 ]; then
		cp "$tmp/got" "$exp"
		ok "$name (updated)"
	elif grep -q ' $' "$tmp/out"; then
		# util-linux tables end each line at its last cell (issue 12 item 12).
		bad "$name: a line of the output ends in a blank: $cli $args"
		grep -n ' $' "$tmp/out" | head -3 | cat -A | sed 's/^/    /'
	elif [ -f "$exp" ] && cmp -s "$tmp/got" "$exp"; then
		ok "$name"
	else
		bad "$name: $cli $args"
		if [ -f "$exp" ]; then
			diff -u "$exp" "$tmp/got" | sed 's/^/    /'
		else
			echo "    no expected file $exp"
		fi
	fi
done <tests/golden/cases

# The kernel command line a snapshot recorded: the parameters that change the
# answer are shown with what they change (issue 12 item 15), in text and -J,
# also from sysfs alone (no tables).
c=$tmp/cmdline
cp -a examples/intel-server "$c"
mkdir -p "$c/proc"
printf 'BOOT_IMAGE=/vmlinuz quiet intel_iommu=on,igfx_off iommu=pt intel_iommu=relax_rmrr\n' \
	>"$c/proc/cmdline"
for tables in yes no; do
	[ $tables = no ] && rm -rf "$c/sys/firmware/acpi/tables"
	"$cli" check --guest q35:4G --device 00:1a.0 --sysroot "$c" >"$tmp/out" 2>"$tmp/err"
	"$cli" check --guest q35:4G --device 00:1a.0 --sysroot "$c" -J >"$tmp/json" 2>>"$tmp/err"
	if grep -q '^Kernel command line (proc/cmdline):$' "$tmp/out" &&
	   [ "$(grep -c '^  \(iommu=pt\|intel_iommu=igfx_off\|intel_iommu=relax_rmrr\): ' "$tmp/out")" = 3 ] &&
	   python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
assert [f["param"] for f in d["kernel_cmdline"]] == ["iommu=pt", "intel_iommu=igfx_off", "intel_iommu=relax_rmrr"], d["kernel_cmdline"]' "$tmp/json"; then
		ok "kernel command line facts (tables: $tables)"
	else
		bad "kernel command line facts (tables: $tables)"
		sed 's/^/    /' "$tmp/out" "$tmp/err" | tail -20
	fi
done
# explain says the same, from the tables and from sysfs alone.
cp -a examples/intel-server "$c.explain"
mkdir -p "$c.explain/proc"
cp "$c/proc/cmdline" "$c.explain/proc/cmdline"
for tables in yes no; do
	[ $tables = no ] && rm -rf "$c.explain/sys/firmware/acpi/tables"
	"$cli" explain 00:1a.0 --sysroot "$c.explain" >"$tmp/out" 2>"$tmp/err"
	"$cli" explain 00:1a.0 --sysroot "$c.explain" -J >"$tmp/json" 2>>"$tmp/err"
	if grep -q '^Kernel command line (proc/cmdline):$' "$tmp/out" &&
	   python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
assert [f["param"] for f in d["kernel_cmdline"]] == ["iommu=pt", "intel_iommu=igfx_off", "intel_iommu=relax_rmrr"], d["kernel_cmdline"]' "$tmp/json"; then
		ok "explain: kernel command line facts (tables: $tables)"
	else
		bad "explain: kernel command line facts (tables: $tables)"
		sed 's/^/    /' "$tmp/out" "$tmp/err" | tail -20
	fi
done

# Without the PCI ID list (not installed): no names, no NAME column, no message.
for args in "groups --sysroot examples/intel-laptop" "groups 1 -J --sysroot examples/intel-laptop"; do
	# shellcheck disable=SC2086
	IOMMU_RESV_PCI_IDS=$tmp/no-such-pci.ids "$cli" $args >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc -eq 0 ] && [ ! -s "$tmp/err" ] && ! grep -q 'NAME\|Intel Corporation' "$tmp/out" &&
	   { case $args in *-J*) grep -q '"vendor_name": null' "$tmp/out" ;; *) true ;; esac; }; then
		ok "without pci.ids: $args shows no names"
	else
		bad "without pci.ids: $args (exit $rc)"
		sed 's/^/    /' "$tmp/out" "$tmp/err" | head -20
	fi
done

# A malformed list: one note naming the line, no names, the output otherwise the same.
printf '8086  Intel Corporation\nzzzz  not an ID\n' >"$tmp/bad.ids"
IOMMU_RESV_PCI_IDS=$tmp/bad.ids "$cli" groups --sysroot examples/intel-laptop >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ $rc -eq 0 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q 'bad.ids, line 2' "$tmp/err" &&
   ! grep -q 'NAME\|Intel Corporation' "$tmp/out"; then
	ok "malformed pci.ids: one note, no names"
else
	bad "malformed pci.ids (exit $rc)"
	sed 's/^/    /' "$tmp/out" "$tmp/err" | head -20
fi

# Hostile names: a copy of a snapshot whose file names and file contents
# carry terminal escapes (ESC, the C1 CSI in UTF-8, a newline, a byte that is
# not UTF-8). Whatever the tool prints -- tables, raw, JSON, diagnostics, the
# --compare diff -- must hold no control byte but newline and tab, and the
# JSON must parse.
h=$tmp/hostile
cp -a examples/intel-server "$h"
evil=$(printf 'evil\033[2J\302\233\n\377x')
gdev=$h/sys/kernel/iommu_groups/18/devices
ln -s "$(readlink "$gdev/0000:01:00.0")" "$gdev/$evil"
printf '0x00000000000e8000 0x00000000000e8fff direct\033]0;pwned\007\n' \
	>>"$h/sys/kernel/iommu_groups/18/reserved_regions"
mkdir "$h/sys/firmware/memmap/$evil" 2>/dev/null || mkdir -p "$h/sys/firmware/memmap/$evil"
mkdir -p "$h/sys/bus/pci/drivers/$evil"
ln -s "../../../../bus/pci/drivers/$evil" \
	"$h/sys/bus/pci/devices/$(readlink "$h/sys/bus/pci/devices/0000:01:00.0")/driver"
for args in "groups" "groups -r" "groups -J" "groups 18 -o group,devices,source" \
	    "predict --compare" "predict 18" "explain 01:00.0" "tables" "iova -J" \
	    "check --guest q35:4G" "check --guest q35:4G -J"; do
	# shellcheck disable=SC2086
	"$cli" $args --sysroot "$h" >"$tmp/out" 2>"$tmp/err"
	if LC_ALL=C grep -q "$(printf '[\001-\010\013-\037\177]')" "$tmp/out" "$tmp/err" ||
	   grep -q "$(printf '\302[\200-\237]')" "$tmp/out" "$tmp/err"; then
		bad "hostile names: $args prints a control character"
		LC_ALL=C grep -n "$(printf '[\001-\010\013-\037\177]')" "$tmp/out" "$tmp/err" |
			sed 's/^/    /' | cat -v
	elif case $args in *-J*) ! python3 -m json.tool "$tmp/out" >/dev/null 2>&1 ;; *) false ;; esac; then
		bad "hostile names: $args -J is not JSON"
	elif ! grep -q 'evil\\x1b\[2J\\xc2\\x9b\\x0a\\xffx\|evil\\x5cx1b\|evil\\u001b' "$tmp/out" "$tmp/err" &&
	     [ "$args" != tables ] && [ "$args" != "iova -J" ]; then
		bad "hostile names: $args does not show the escaped name"
		sed 's/^/    /' "$tmp/out" "$tmp/err" | cat -v | head -20
	else
		ok "hostile names: $args"
	fi
done

finish golden
