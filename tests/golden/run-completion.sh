#!/bin/bash
# The bash completion (bash-completion/iommu-resv) as bash runs it: each case
# sets the command line and the cursor (COMP_LINE, COMP_POINT), calls the
# completion function and compares what it offers. Offers are what bash
# puts in place of its own current word, which ends at a ':' or '='
# (COMP_WORDBREAKS): completing "0000:01" offers "01:00.0".
#
#   run-completion.sh CLI SRCDIR
cli=$1
cd "$2" || exit 1
# shellcheck source=../../bash-completion/iommu-resv
# shellcheck disable=SC1091
. bash-completion/iommu-resv
passed=0 failed=0

# expect WANT LINE [POINT]: complete LINE ("iommu-resv" becomes the CLI) at
# POINT characters (default: its end).
expect()
{
	local want=$1 line=${2/#iommu-resv/$cli} got
	COMP_LINE=$line
	COMP_POINT=${3:-${#line}}
	[[ -n $3 ]] && COMP_POINT=$(($3 + ${#cli} - 10))
	_iommu_resv
	got=${COMPREPLY[*]}
	if [[ $got == "$want" ]]; then
		echo "ok $2: $want"
		passed=$((passed + 1))
	else
		echo "FAIL $2: got '$got', want '$want'"
		failed=$((failed + 1))
	fi
}

S=examples/intel-server
expect "groups" "iommu-resv gr"
expect "check" "iommu-resv ch"
expect "--kernel-cmdline --kernel-version" "iommu-resv predict --kernel"
expect "--kernel-version" "iommu-resv predict --kernel-v"
expect "--page-size" "iommu-resv explain --page"
expect "" "iommu-resv tables --page"		# tables does not take it
expect "kernel resolved usable" "iommu-resv groups --view "
expect "+prot" "iommu-resv groups -o +pr"
expect "start,last" "iommu-resv groups -o start,la"
expect "prot" "iommu-resv regions -o pr"
expect "4K 16K 64K" "iommu-resv predict --page-size "
expect "yes no" "iommu-resv predict --assume preserve-config="
expect "strict" "iommu-resv check --policy st"
expect "q35:" "iommu-resv check --guest q3"
expect "1 10 11 12 13 14 15 16 17 18 19" "iommu-resv groups --sysroot $S 1"
expect "01:00.0 01:00.1 01:00.2 01:00.4" "iommu-resv groups --sysroot $S 0000:01"
expect "01:00.0 01:00.1 01:00.2 01:00.4" "iommu-resv explain --sysroot=$S 0000:01"
expect "18" "iommu-resv check --sysroot $S 18"
expect "examples/intel-server" "iommu-resv groups --sysroot=examples/intel-s"
expect "examples/intel-server" "iommu-resv groups --sysroot examples/intel-s"
expect "" "iommu-resv iova --aperture "
# A root named after the cursor counts too: "check --device 0000:00:1f| --sysroot S".
expect "1f.0 1f.2" "iommu-resv check --device 0000:00:1f --sysroot $S" 36

echo "completion: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
