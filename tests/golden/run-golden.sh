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
set -u
cli=$1
src=$2
cd "$src" || exit 2
pass=0
fail=0
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT

ok() { pass=$((pass + 1)); echo "ok $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }

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

echo "golden: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
