# Sourced by the golden scripts (run-golden.sh, snapshot.sh), called as
# "SCRIPT CLI SRCDIR": the CLI, the source root as the working directory, a
# scratch directory $tmp removed on exit, and the ok/FAIL lines that
# tests/summarize.py counts.
set -u
cli=$1
src=$2
cd "$src" || exit 2
# Device names from a fixed list, not from whatever pci.ids the host has.
IOMMU_RESV_PCI_IDS=$PWD/tests/golden/inputs/pci.ids
export IOMMU_RESV_PCI_IDS
pass=0
fail=0
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT

ok() { pass=$((pass + 1)); echo "ok $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }

# The last line: "NAME: N passed, N failed"; the status says whether all passed.
finish() {
	echo "$1: $pass passed, $fail failed"
	[ "$fail" -eq 0 ]
}
