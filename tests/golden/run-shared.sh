#!/bin/sh
# The CLI links the library's objects; iommu-resv-shared is the same CLI
# linked against libiommu-resv.so (it links only if everything the CLI
# calls is exported). Both must print the same on every command.
#
#   run-shared.sh CLI SHARED_CLI SRCDIR
cli=$1 shared=$2
cd "$3" || exit 2
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
while read -r args; do
	# shellcheck disable=SC2086 # the arguments are meant to split
	"$cli" $args >"$tmp/a" 2>&1; a=$?
	# shellcheck disable=SC2086
	"$shared" $args >"$tmp/b" 2>&1; b=$?
	if [ "$a" = "$b" ] && cmp -s "$tmp/a" "$tmp/b"; then
		passed=$((passed + 1)); echo "ok $args"
	else
		failed=$((failed + 1)); echo "FAIL $args (exit $a / $b)"
	fi
done <<'LIST'
--version
regions --view kernel examples/intel-server/sys/kernel/iommu_groups/18/reserved_regions
groups --sysroot examples/intel-server -J
predict --sysroot examples/qemu-intel-rmrr --compare
explain 00:14.0 --sysroot examples/intel-laptop
check --sysroot examples/intel-server --guest q35:4G
tables --sysroot examples/qemu-arm-rmr
LIST
echo "shared: $passed passed, $failed failed"
[ "$failed" = 0 ]
