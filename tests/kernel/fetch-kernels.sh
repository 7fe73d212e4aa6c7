#!/bin/bash
# SPDX-License-Identifier: MIT
#
# fetch-kernels.sh CACHE ARCH:SHORT...
#
# Fetch Debian kernel packages (and busybox-static) for the bench, without
# installing anything: a private apt state under CACHE/apt-ARCH (its own
# sources.list, lists, archives; no dpkg status), made from the mirror the
# host's own apt configuration names, then `apt-get download` and
# `dpkg-deb -x` into CACHE/kernel-ARCH-SHORT/.
#
# SHORT: 5.10 (bullseye), 6.1 (bookworm), 6.12 (trixie), 7 (newest in sid).
# ARCH: amd64 or arm64. Each result directory holds links vmlinuz, config
# and modules (the lib/modules/RELEASE tree), release.txt (uname -r) and
# package.txt naming the packages and versions used.
# A directory already complete (package.txt present) is left alone; set
# KERNEL_REFRESH=1 to update the lists and take newer packages.
set -euo pipefail

CACHE=${1:?usage: fetch-kernels.sh CACHE ARCH:SHORT...}
shift
mkdir -p "$CACHE"
CACHE=$(cd "$CACHE" && pwd)

suite_of() {
	case $1 in
	5.10) echo bullseye ;;
	6.1) echo bookworm ;;
	6.12) echo trixie ;;
	7) echo sid ;;
	*) echo "fetch-kernels: unknown kernel '$1' (5.10 6.1 6.12 7)" >&2; return 1 ;;
	esac
}

# The first Debian archive URI of the host's apt configuration (deb822
# .sources files first, then one-line sources.list), skipping the security
# archive: the bench never writes a mirror name of its own.
host_mirror() {
	local f uri
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		uri=$(awk 'tolower($1) == "uris:" { for (i = 2; i <= NF; i++) print $i }' "$f" |
		      grep -v -- '-security' | head -n1)
		[ -n "$uri" ] && { echo "$uri"; return 0; }
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		uri=$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i !~ /\]$/ && $i !~ /=/) { print $i; break } }' "$f" |
		      grep -v -- '-security' | head -n1)
		[ -n "$uri" ] && { echo "$uri"; return 0; }
	done
	echo "fetch-kernels: no deb URI in the host's apt configuration" >&2
	return 1
}

KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

# Private apt state for one architecture: echo the apt options.
apt_state() {
	local arch=$1 dir=$CACHE/apt-$1 mirror
	mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial" "$dir/etc"
	if [ ! -s "$dir/etc/sources.list" ]; then
		mirror=$(host_mirror)
		for s in bullseye bookworm trixie sid; do
			echo "deb [arch=$arch signed-by=$KEYRING] $mirror $s main"
		done > "$dir/etc/sources.list"
	fi
	echo -o "APT::Architecture=$arch" -o "APT::Architectures=$arch" \
		-o "Dir::Etc::SourceList=$dir/etc/sources.list" \
		-o "Dir::Etc::SourceParts=/dev/null" \
		-o "Dir::Etc::Preferences=/dev/null" \
		-o "Dir::Etc::PreferencesParts=/dev/null" \
		-o "Dir::State::Lists=$dir/lists" \
		-o "Dir::Cache=$dir/cache" \
		-o "Dir::State::Status=/dev/null" \
		-o "APT::Sandbox::User=root" -o "Debug::NoLocking=1" -o "APT::Get::AllowUnauthenticated=0"
}

update_state() {
	local arch=$1 stamp=$CACHE/apt-$1/updated
	# shellcheck disable=SC2046
	if [ ! -e "$stamp" ] || [ "${KERNEL_REFRESH:-0}" = 1 ]; then
		echo "fetch-kernels: apt-get update ($arch, private state in $CACHE/apt-$arch)"
		apt-get $(apt_state "$arch") -qq update
		touch "$stamp"
	fi
}

# The newest linux-image-VERSION-ARCH package of @suite (the signed image
# on amd64; not -rt, -cloud, -dbg, -unsigned), printed as "name version".
pick_image() {
	local arch=$1 suite=$2 flav=$1
	# shellcheck disable=SC2046
	apt-cache $(apt_state "$arch") \
		search --names-only "^linux-image-[0-9][-0-9.+a-z]*-$flav\$" |
		awk '{ print $1 }' | grep -v -e '-rt-' -e '-cloud-' -e '-dbg' -e '-unsigned' | while read -r p; do
			# Only packages that come from @suite, with that suite's version.
			# shellcheck disable=SC2046
			apt-cache $(apt_state "$arch") madison "$p" |
				awk -F'|' -v s=" $suite/main " -v p="$p" 'index($3, s) { gsub(/ /, "", $2); print p, $2 }'
		done | sort -V -k2 | tail -n1
}

# Download @pkg=@ver into @out/debs and unpack it into @out.
get_pkg() {
	local arch=$1 spec=$2 out=$3
	mkdir -p "$out/debs"
	# shellcheck disable=SC2046
	(cd "$out/debs" && apt-get $(apt_state "$arch") -qq download "$spec")
}

fetch_one() {
	local arch=$1 short=$2 suite name ver out deps dep
	suite=$(suite_of "$short")
	out=$CACHE/kernel-$arch-$short
	if [ -s "$out/package.txt" ] && [ "${KERNEL_REFRESH:-0}" != 1 ]; then
		return 0
	fi
	update_state "$arch"
	read -r name ver < <(pick_image "$arch" "$suite") || true
	if [ -z "${name:-}" ]; then
		echo "fetch-kernels: no linux-image-*-$arch in $suite" >&2
		return 1
	fi
	echo "fetch-kernels: $arch $short: $name $ver"
	rm -rf "$out"
	get_pkg "$arch" "$name=$ver" "$out"
	# From 7.x the image package is a small package that depends on
	# linux-binary-* (vmlinuz) and linux-modules-* (the modules): take the
	# dependencies so named, of the same version.
	# shellcheck disable=SC2046
	deps=$(apt-cache $(apt_state "$arch") show "$name=$ver" |
	       awk -F': ' '$1 == "Depends" { print $2; exit }' | tr ',' '\n' |
	       sed -n 's/^ *\(linux-\(modules\|binary\)-[^ ]*\).*/\1/p')
	for dep in $deps; do
		get_pkg "$arch" "$dep=$ver" "$out" 2>/dev/null ||
			get_pkg "$arch" "$dep" "$out"
	done
	for deb in "$out"/debs/*.deb; do
		dpkg-deb -x "$deb" "$out/root"
	done
	# busybox-static of the same architecture, from bookworm.
	if [ ! -e "$CACHE/busybox-$arch" ]; then
		local bb=$CACHE/bb-$arch
		rm -rf "$bb"
		get_pkg "$arch" "busybox-static/bookworm" "$bb"
		dpkg-deb -x "$bb"/debs/*.deb "$bb/root"
		cp "$bb/root/bin/busybox" "$CACHE/busybox-$arch"
		dpkg-deb --show --showformat='${Package} ${Version}\n' "$bb"/debs/*.deb > "$CACHE/busybox-$arch.txt"
	fi
	# /lib/modules up to bookworm, /usr/lib/modules from trixie (merged /usr).
	local moddir
	moddir=$(ls -d "$out"/root/lib/modules/*/ "$out"/root/usr/lib/modules/*/ 2>/dev/null | head -n1)
	if [ -z "$moddir" ]; then
		echo "fetch-kernels: $arch $short: no modules in the packages" >&2
		return 1
	fi
	moddir=${moddir%/}
	ln -sfn "${moddir#"$out"/}" "$out/modules"
	basename "$moddir" > "$out/release.txt"
	# boot/vmlinuz-RELEASE up to trixie; from 7.x in the modules directory.
	local f
	for f in vmlinuz config; do
		local path
		path=$(ls "$out/root/boot/$f-"* "$moddir/$f" 2>/dev/null | head -n1)
		if [ -z "$path" ] && [ $f = vmlinuz ]; then
			echo "fetch-kernels: $arch $short: no vmlinuz in the packages" >&2
			return 1
		fi
		[ -n "$path" ] && ln -sfn "${path#"$out"/}" "$out/$f"
	done
	for deb in "$out"/debs/*.deb; do
		dpkg-deb --show --showformat='${Package} ${Version}\n' "$deb"
	done > "$out/package.txt"
	rm -rf "$out/debs"
}

status=0
for spec in "$@"; do
	fetch_one "${spec%%:*}" "${spec#*:}" || status=1
done
exit $status
