#!/bin/sh
# iommu-resv snapshot, end to end:
#  - every example snapshot, snapshotted again, gives every command the same
#    output (the sysroot path itself replaced by @ROOT@) and the same status;
#  - a fake root whose links lead out of sys/, loop or dangle: nothing from
#    outside is copied, every link of the copy stays in it, each is reported;
#  - an existing DIR (directory, empty directory, link, dangling link, file)
#    is refused and left as it was;
#  - a failure midway (a 2 MiB table; an unreadable file when not root)
#    leaves neither DIR nor DIR.tmp-*;
#  - the live system, when run as root.
#
#   snapshot.sh CLI SRCDIR
. "$(dirname "$0")/common.sh"

# Run the CLI: stdout, "--- stderr", stderr, "--- exit N", with @ROOT@ for $1.
run() {
	root=$1
	shift
	timeout 60 "$cli" "$@" >"$tmp/o" 2>"$tmp/e" </dev/null
	rc=$?
	pat=$(printf '%s' "$root" | sed 's/[].[\*^$|]/\\&/g')
	{ cat "$tmp/o"; echo "--- stderr"; cat "$tmp/e"; echo "--- exit $rc"; } |
		sed "s|$pat|@ROOT@|g"
}

# No DIR.tmp-* beside $1.
no_temp() {
	for t in "$1".tmp-*; do
		[ -e "$t" ] || [ -L "$t" ] || continue
		echo "    left behind: $t"
		return 1
	done
	return 0
}

# --- (a) the examples, and the small golden sysroots ----------------------
for ex in examples/*/ tests/golden/inputs/arm-smmu/ tests/golden/inputs/xen-igd/ tests/golden/inputs/vfio-drivers/; do
	ex=${ex%/}
	[ -d "$ex/sys" ] || continue
	name=$(echo "$ex" | tr / _)
	snap=$tmp/$name
	if ! timeout 60 "$cli" snapshot --sysroot "$ex" "$snap" 2>"$tmp/err"; then
		bad "$ex: snapshot failed"
		sed 's/^/    /' "$tmp/err"
		continue
	fi
	if [ -s "$tmp/err" ]; then
		bad "$ex: snapshot reported something"
		sed 's/^/    /' "$tmp/err"
	fi
	if diff -r --no-dereference -x README.md -x bench -x .keep -x iommu-resv-snapshot.txt "$ex" "$snap" \
		>"$tmp/diff"; then
		ok "$ex: the snapshot holds the same files and links"
	else
		bad "$ex: the snapshot differs from its source"
		sed 's/^/    /' "$tmp/diff"
	fi
	dev=$(ls "$ex/sys/bus/pci/devices" | head -n1)
	arm=
	[ "$ex" = tests/golden/inputs/arm-smmu ] &&
		arm="--table tests/data/arm/IORT --lspci tests/data/arm/arm.lspci"
	while read -r args; do
		# shellcheck disable=SC2086
		run "$ex" $args --sysroot "$ex" >"$tmp/want"
		# shellcheck disable=SC2086
		run "$snap" $args --sysroot "$snap" >"$tmp/got"
		if cmp -s "$tmp/want" "$tmp/got"; then
			ok "$ex: $args: same on the snapshot ($(tail -n1 "$tmp/got" | sed "s/--- //"))"
		else
			bad "$ex: $args: differs on the snapshot"
			diff -u "$tmp/want" "$tmp/got" | sed 's/^/    /'
		fi
	done <<EOF
groups
groups --format sysfs
groups -J
groups --view kernel -o group,devices,start,last,type,source
iova
iova -J
tables
tables -J
predict
predict -J $arm
predict --compare
predict --compare -J
explain $dev
explain $dev -J $arm
check --guest q35:4G
check --guest q35:4G -J
EOF
	# A snapshot of the snapshot is the same again.
	if timeout 60 "$cli" snapshot --sysroot "$snap" "$snap-again" 2>"$tmp/err" &&
		diff -r --no-dereference -x iommu-resv-snapshot.txt "$snap" "$snap-again" >"$tmp/diff"; then
		ok "$ex: a snapshot of the snapshot is the same"
	else
		bad "$ex: a snapshot of the snapshot differs"
		sed 's/^/    /' "$tmp/err" "$tmp/diff"
	fi
done

# --- (b) links that leave ---------------------------------------------------
f=$tmp/fake
mkdir -p "$tmp/outside/dev" "$f/sys/kernel/iommu_groups/0/devices" "$f/sys/bus/pci/devices" \
	"$f/sys/devices/pci0000:00/0000:00:02.0" "$f/sys/firmware/acpi/tables" \
	"$f/sys/class/iommu" "$f/private"
echo "SECRET outside" >"$tmp/outside/dev/class"
echo "SECRET in the root" >"$f/private/class"
printf '0x00000000fee00000 0x00000000feefffff msi\n' \
	>"$f/sys/kernel/iommu_groups/0/reserved_regions"
printf '0x030000\n' >"$f/sys/devices/pci0000:00/0000:00:02.0/class"
printf '0x8086\n' >"$f/sys/devices/pci0000:00/0000:00:02.0/vendor"
printf '0x9b41\n' >"$f/sys/devices/pci0000:00/0000:00:02.0/device"
ln -s ../../../../devices/pci0000:00/0000:00:02.0 "$f/sys/kernel/iommu_groups/0/devices/0000:00:02.0"
ln -s ../../../devices/pci0000:00/0000:00:02.0 "$f/sys/bus/pci/devices/0000:00:02.0"
ln -s /etc "$f/sys/bus/pci/devices/0000:00:03.0"                         # absolute
ln -s ../../../../private "$f/sys/bus/pci/devices/0000:00:04.0"          # out of sys/
ln -s ../../../../../outside/dev "$f/sys/kernel/iommu_groups/0/devices/0000:00:05.0"
ln -s loop-b "$f/sys/firmware/acpi/tables/DMAR"                          # a loop
ln -s DMAR "$f/sys/firmware/acpi/tables/loop-b"
ln -s IVRS-gone "$f/sys/firmware/acpi/tables/IVRS"                       # dangling
ln -s ../../../.. "$f/sys/class/iommu/up"
run "$f" snapshot --sysroot "$f" "$tmp/fake-snap" >"$tmp/got"
for want in "--- exit 0" \
	"@ROOT@/sys/bus/pci/devices/0000:00:03.0: link sys/bus/pci/devices/0000:00:03.0 -> /etc leads out of sys/" \
	"@ROOT@/sys/bus/pci/devices/0000:00:04.0: link sys/bus/pci/devices/0000:00:04.0 -> ../../../../private leads out of sys/" \
	"@ROOT@/sys/kernel/iommu_groups/0/devices/0000:00:05.0: link sys/kernel/iommu_groups/0/devices/0000:00:05.0 -> ../../../../../outside/dev leads out of sys/" \
	"@ROOT@/sys/firmware/acpi/tables/DMAR: link" "(a loop); not copied [SNAPSHOT_LINK_LOOP]" \
	"@ROOT@/sys/firmware/acpi/tables/IVRS: link sys/firmware/acpi/tables/IVRS -> IVRS-gone: sys/firmware/acpi/tables/IVRS-gone does not exist; not copied [SNAPSHOT_LINK_DANGLING]" \
	"@ROOT@/sys/class/iommu/up: link sys/class/iommu/up -> ../../../.. leads out of sys/"; do
	if grep -qF -- "$want" "$tmp/got"; then
		ok "links out: reported: $want"
	else
		bad "links out: not reported: $want"
		sed 's/^/    /' "$tmp/got"
	fi
done
if grep -rq SECRET "$tmp/fake-snap"; then
	bad "links out: outside content was copied"
	grep -rl SECRET "$tmp/fake-snap" | sed 's/^/    /'
else
	ok "links out: nothing from outside sys/ was copied"
fi
escaped=$(find "$tmp/fake-snap" -type l | while read -r l; do
	r=$(realpath -e "$l" 2>/dev/null) || { echo "$l dangles"; continue; }
	case $r in "$tmp/fake-snap/sys/"*) ;; *) echo "$l -> $r" ;; esac
done)
if [ -z "$escaped" ] && [ -d "$tmp/fake-snap/sys/devices/pci0000:00/0000:00:02.0" ]; then
	ok "links out: every link of the snapshot resolves inside it"
else
	bad "links out: links of the snapshot leave it: $escaped"
fi
if [ ! -e "$tmp/fake-snap/lspci-xxx.txt" ] &&
	grep -q '^lspci: not run (the source is not the live system)$' \
		"$tmp/fake-snap/iommu-resv-snapshot.txt" &&
	grep -c '^not copied: ' "$tmp/fake-snap/iommu-resv-snapshot.txt" | grep -qx 6; then
	ok "links out: no host lspci for another root; the record lists the 6 links"
else
	bad "links out: lspci or the record"
	sed 's/^/    /' "$tmp/fake-snap/iommu-resv-snapshot.txt"
fi
run "$tmp/fake-snap" groups --sysroot "$tmp/fake-snap" >"$tmp/got"
if grep -q '^--- exit 0$' "$tmp/got" && grep -q '0000:00:02.0' "$tmp/got"; then
	ok "links out: the snapshot reads"
else
	bad "links out: the snapshot does not read"
	sed 's/^/    /' "$tmp/got"
fi

# --- (c) DIR exists -------------------------------------------------------
x=$tmp/exists
mkdir -p "$x/dir/sub" "$x/empty"
echo keep >"$x/dir/sub/file"
echo keep >"$x/file"
ln -s dir "$x/link"
ln -s nowhere "$x/dangling"
for d in dir empty link dangling file dir/ link/; do
	before=$(cd "$x" && find . -printf '%p %y %l %s %T@\n' | sort)
	run "$x" snapshot --sysroot examples/intel-laptop "$x/$d" >"$tmp/got"
	after=$(cd "$x" && find . -printf '%p %y %l %s %T@\n' | sort)
	if grep -q "^--- exit 1$" "$tmp/got" && grep -q "already exists" "$tmp/got" &&
		[ "$before" = "$after" ]; then
		ok "DIR exists ($d): refused, nothing changed"
	else
		bad "DIR exists ($d)"
		sed 's/^/    /' "$tmp/got"
	fi
done

# --- (d) failures midway, and usage -----------------------------------------
b=$tmp/big
mkdir -p "$b/sys/firmware/acpi/tables" "$b/sys/kernel/iommu_groups/1/devices"
: >"$b/sys/kernel/iommu_groups/1/reserved_regions"
truncate -s 2M "$b/sys/firmware/acpi/tables/DMAR"
run "$b" snapshot --sysroot "$b" "$tmp/big-snap" >"$tmp/got"
if grep -q "^--- exit 1$" "$tmp/got" && grep -q "larger than 1 MiB.*SNAPSHOT_FAILED" "$tmp/got" &&
	[ ! -e "$tmp/big-snap" ] && no_temp "$tmp/big-snap"; then
	ok "a 2 MiB table: exit 1, nothing left behind"
else
	bad "a 2 MiB table"
	sed 's/^/    /' "$tmp/got"
fi
if [ "$(id -u)" -ne 0 ]; then
	u=$tmp/unreadable
	mkdir -p "$u/sys/kernel/iommu_groups/1/devices"
	: >"$u/sys/kernel/iommu_groups/1/reserved_regions"
	chmod 000 "$u/sys/kernel/iommu_groups/1/reserved_regions"
	run "$u" snapshot --sysroot "$u" "$tmp/unreadable-snap" >"$tmp/got"
	if grep -q "^--- exit 1$" "$tmp/got" && grep -q "Permission denied" "$tmp/got" &&
		[ ! -e "$tmp/unreadable-snap" ] && no_temp "$tmp/unreadable-snap"; then
		ok "an unreadable file: exit 1, nothing left behind"
	else
		bad "an unreadable file"
		sed 's/^/    /' "$tmp/got"
	fi
	mkdir "$tmp/ro"
	chmod 555 "$tmp/ro"
	run "$tmp" snapshot --sysroot examples/intel-laptop "$tmp/ro/snap" >"$tmp/got"
	if grep -q "^--- exit 1$" "$tmp/got" && [ -z "$(ls -A "$tmp/ro")" ]; then
		ok "a parent directory not writable: exit 1, nothing left behind"
	else
		bad "a parent directory not writable"
		sed 's/^/    /' "$tmp/got"
	fi
else
	echo "skip unreadable file and read-only parent: root reads and writes them anyway"
fi
run "$tmp" snapshot --sysroot examples/intel-laptop "$tmp/exists/file/snap" >"$tmp/got"
if grep -q "^--- exit 1$" "$tmp/got" && no_temp "$tmp/exists/file/snap"; then
	ok "a parent that is a file: exit 1"
else
	bad "a parent that is a file"
	sed 's/^/    /' "$tmp/got"
fi
# A name that fits while its temporary sibling (DIR.tmp-XXXXXX) does not:
# the message names DIR, never the temporary copy.
long=$(printf '%0250d' 0)
run "$tmp" snapshot --sysroot examples/intel-laptop "$tmp/$long" >"$tmp/got"
if grep -q "^--- exit 1$" "$tmp/got" && grep -q "cannot create @ROOT@/$long: " "$tmp/got" &&
	! grep -q "tmp-" "$tmp/got"; then
	ok "a temporary copy that cannot be made: the message names DIR"
else
	bad "a temporary copy that cannot be made"
	sed 's/^/    /' "$tmp/got"
fi
for args in "snapshot" "snapshot a b" "snapshot --json x" "snapshot --sysroot /nonexistent x"; do
	# shellcheck disable=SC2086
	run "$tmp" $args >"$tmp/got"
	if grep -q "^--- exit 1$" "$tmp/got" && [ ! -e x ] && [ ! -e a ]; then
		ok "usage: $args: exit 1"
	else
		bad "usage: $args"
		sed 's/^/    /' "$tmp/got"
	fi
done

# --- (e) the live system ----------------------------------------------------
if [ "$(id -u)" -eq 0 ] && [ -d /sys/bus/pci/devices ]; then
	if timeout 120 "$cli" snapshot "$tmp/live" 2>"$tmp/err"; then
		ok "live: snapshot of / ($(grep '^copied:' "$tmp/live/iommu-resv-snapshot.txt"))"
		for args in "groups -J" "tables -J" "predict --compare"; do
			# shellcheck disable=SC2086
			run "$tmp/live" $args --sysroot "$tmp/live" | sed 's|@ROOT@||g' >"$tmp/got"
			# shellcheck disable=SC2086
			run @NONE@ $args >"$tmp/want"
			if cmp -s "$tmp/want" "$tmp/got"; then
				ok "live: $args: same on the snapshot"
			else
				bad "live: $args: differs on the snapshot"
				diff -u "$tmp/want" "$tmp/got" | sed 's/^/    /'
			fi
		done
		if command -v lspci >/dev/null 2>&1; then
			if head -n1 "$tmp/live/lspci-xxx.txt" | grep -Eq '^[0-9a-f]{4}:[0-9a-f]{2}:'; then
				ok "live: lspci -D -xxx recorded"
			else
				bad "live: no lspci -D -xxx"
			fi
		fi
	else
		bad "live: snapshot of / failed"
		sed 's/^/    /' "$tmp/err"
	fi
else
	echo "skip live system: not root"
fi

finish snapshot
