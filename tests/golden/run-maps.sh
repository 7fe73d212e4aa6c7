#!/bin/sh
# --map: golden pictures, XML well-formedness, rendering (issue 14).
#
#   run-maps.sh CLI SRCDIR golden   each case of tests/golden/maps/cases against
#                                   its NAME.svg / NAME.txt (GOLDEN_UPDATE=1
#                                   rewrites them: review the diff, and look at
#                                   the pictures)
#   run-maps.sh CLI SRCDIR xml      every SVG is well-formed XML (xmllint), and
#                                   keeps svg-check.py's promises
#   run-maps.sh CLI SRCDIR render   every SVG renders (rsvg-convert) to a PNG
#                                   that is not blank (png-check.py)
#
# xml and render need libxml2-utils and librsvg2-bin: without them they skip
# (exit 77), except under `make check`, which installs them and sets
# RESV_MAP_TOOLS_REQUIRED=1.
. "$(dirname "$0")/common.sh"
mode=${3:-golden}
unset COLUMNS	# the text map fits $COLUMNS: the golden files are at full width
dir=tests/golden/maps

need() {
	command -v "$1" >/dev/null 2>&1 && return 0
	if [ "${RESV_MAP_TOOLS_REQUIRED:-}" = 1 ]; then
		echo "FAIL $1 is missing (Debian package $2)"
		exit 1
	fi
	echo "skip: $1 is missing (Debian package $2)"
	exit 77
}
case $mode in
xml) need xmllint libxml2-utils ;;
render) need rsvg-convert librsvg2-bin ;;
golden) ;;
*) echo "usage: run-maps.sh CLI SRCDIR golden|xml|render" >&2; exit 2 ;;
esac

while IFS='	' read -r name want args; do
	case $name in ''|'#'*) continue ;; esac
	case $name in *-term) how=--map=term; ext=txt ;; *) how='--map -'; ext=svg ;; esac
	[ "$mode" = golden ] || [ "$ext" = svg ] || continue
	# shellcheck disable=SC2086
	eval "set -- $args $how"
	"$cli" "$@" >"$tmp/$name.$ext" 2>"$tmp/err" </dev/null
	rc=$?
	if [ "$rc" != "$want" ]; then
		bad "$name: exit $rc, expected $want"
		sed 's/^/    stderr: /' "$tmp/err"
		continue
	fi
	case $mode in
	golden)
		if [ "${GOLDEN_UPDATE:-}" = 1 ]; then
			cp "$tmp/$name.$ext" "$dir/$name.$ext"
			ok "$name (updated)"
		elif cmp -s "$tmp/$name.$ext" "$dir/$name.$ext"; then
			ok "$name"
		else
			bad "$name: $cli $args $how differs from $dir/$name.$ext"
			diff -u "$dir/$name.$ext" "$tmp/$name.$ext" | head -40 | sed 's/^/    /'
		fi
		;;
	xml)
		if ! xmllint --noout "$tmp/$name.svg" 2>"$tmp/xmlerr"; then
			bad "$name: not well-formed XML"
			sed 's/^/    /' "$tmp/xmlerr"
		elif python3 tests/golden/svg-check.py "$tmp/$name.svg" >"$tmp/xmlerr"; then
			ok "$name: well-formed XML, self-contained, a <title> on every shape"
		else
			bad "$name: breaks a promise of the SVG (svg-check.py)"
			sed 's/^/    /' "$tmp/xmlerr"
		fi
		;;
	render)
		# Half size: the check reads every pixel in Python.
		if ! rsvg-convert --zoom 0.5 -o "$tmp/$name.png" "$tmp/$name.svg" 2>"$tmp/rerr" ||
		   [ -s "$tmp/rerr" ]; then
			bad "$name: rsvg-convert failed"
			sed 's/^/    /' "$tmp/rerr"
		elif python3 tests/golden/png-check.py "$tmp/$name.png" >"$tmp/stat"; then
			ok "$name: renders, $(cat "$tmp/stat")"
		else
			bad "$name: the rendering looks blank: $(cat "$tmp/stat")"
		fi
		;;
	esac
done <"$dir/cases"

# The picture is the same bytes every time (no clock, no address, no locale).
if [ "$mode" = golden ]; then
	"$cli" check --guest q35:16G --device 01:00.0 --sysroot examples/intel-server \
		--map "$tmp/a.svg" >/dev/null 2>&1
	LC_ALL=C.UTF-8 TZ=Pacific/Kiritimati "$cli" check --guest q35:16G --device 01:00.0 \
		--sysroot examples/intel-server --map "$tmp/b.svg" >/dev/null 2>&1
	if [ -s "$tmp/a.svg" ] && cmp -s "$tmp/a.svg" "$tmp/b.svg"; then
		ok "deterministic: two runs, another locale and time zone, same bytes"
	else
		bad "deterministic: two runs differ"
	fi
	# --map FILE keeps the command's own output; - and term replace it.
	if "$cli" groups 18 --sysroot examples/intel-server --map "$tmp/c.svg" >"$tmp/out" &&
	   grep -q '^GROUP' "$tmp/out" && [ -s "$tmp/c.svg" ]; then
		ok "--map FILE: the table still on standard output"
	else
		bad "--map FILE: the table is missing or the file is empty"
	fi
	if "$cli" groups 18 --sysroot examples/intel-server --map /nonexistent/dir/x.svg \
		>/dev/null 2>"$tmp/err"; then
		bad "--map to an unwritable path: exit 0"
	elif grep -q 'cannot write /nonexistent/dir/x.svg' "$tmp/err"; then
		ok "--map to an unwritable path: an error naming it"
	else
		bad "--map to an unwritable path: no message"
	fi
	# The text map fits the width it is given: every line of its table.
	COLUMNS=50 "$cli" check --guest q35:600G --sysroot examples/intel-laptop 1 --map=term \
		>"$tmp/narrow" 2>/dev/null
	if grep -q '^0x.*|$' "$tmp/narrow" && ! grep '|$' "$tmp/narrow" | awk 'length($0) > 50 { bad = 1 } END { exit !bad }'; then
		ok "--map=term: its lanes fit COLUMNS=50"
	else
		bad "--map=term: a line is wider than COLUMNS=50"
	fi
	# Hostile names (as run-golden.sh): a device link and a reserved_regions
	# line carrying terminal escapes, a newline and a byte that is not UTF-8.
	# The picture holds no control character, and is XML.
	h=$tmp/hostile
	cp -a examples/intel-server "$h"
	evil=$(printf 'evil\033[2J\302\233\n\377x')
	gdev=$h/sys/kernel/iommu_groups/18/devices
	ln -s "$(readlink "$gdev/0000:01:00.0")" "$gdev/$evil"
	printf '0x00000000000e8000 0x00000000000e8fff direct\033]0;pwned\007\n' \
		>>"$h/sys/kernel/iommu_groups/18/reserved_regions"
	for args in "groups --map -" "groups 18 --map=term" "check --guest q35:4G --map -" \
		    "check --guest q35:4G --map=term" "explain 01:00.0 --map -"; do
		# shellcheck disable=SC2086
		"$cli" $args --sysroot "$h" >"$tmp/out" 2>/dev/null
		if LC_ALL=C grep -q "$(printf '[\001-\010\013-\037\177]')" "$tmp/out" ||
		   grep -q "$(printf '\302[\200-\237]')" "$tmp/out"; then
			bad "hostile names: $args prints a control character"
		elif case $args in *-) command -v xmllint >/dev/null &&
		     ! xmllint --noout "$tmp/out" 2>/dev/null ;; *) false ;; esac; then
			bad "hostile names: $args is not XML"
		elif case $args in *term) false ;; *) ! grep -q 'evil\\x1b\[2J\\xc2\\x9b\\x0a\\xffx' "$tmp/out" ;; esac; then
			bad "hostile names: $args does not show the escaped name"
		else
			ok "hostile names: $args"
		fi
	done
	if "$cli" groups --sysroot examples/intel-server -J --map - >/dev/null 2>&1; then
		bad "--map - with -J accepted"
	else
		ok "--map - with -J refused"
	fi
fi

finish "maps $mode"
