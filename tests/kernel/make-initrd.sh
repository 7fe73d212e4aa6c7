#!/bin/bash
# SPDX-License-Identifier: MIT
#
# make-initrd.sh KERNEL_DIR BUSYBOX GUEST_BIN_DIR OUT.cpio.gz
#
# The bench's base initramfs for one kernel: busybox-static, guest/init,
# the two guest programs (resv-snap, vfio-probe) and the modules VFIO needs,
# with their dependencies (each module's modinfo), decompressed here
# (.ko.xz, .ko.zst, .ko.gz) so that busybox insmod loads them. A module the
# kernel does not have, or has built in, is listed in modules.list as a
# comment and the guest logs it.
set -euo pipefail

kdir=$1 busybox=$2 bindir=$3 out=$4
here=$(cd "$(dirname "$0")" && pwd)
moddir=$(readlink -f "$kdir/modules")
[ -d "$moddir/kernel" ] || { echo "make-initrd: no $moddir/kernel" >&2; exit 1; }

# What the guest needs: VFIO (type1, PCI, iommufd where present), pci-stub,
# the IOMMU drivers that may be modules (Arm SMMUv3, virtio-iommu) and the
# virtio PCI transport virtio-iommu sits on.
WANT="irqbypass vfio vfio_iommu_type1 vfio_virqfd vfio_pci_core vfio_pci iommufd
pci_stub arm_smmu_v3 virtio virtio_ring virtio_pci virtio_iommu"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
root=$tmp/root
mkdir -p "$root"/{bin,proc,sys,dev,lib/modules,tmp}
cp "$busybox" "$root/bin/busybox"
cp "$here/guest/init" "$root/init"
cp "$bindir/resv-snap" "$bindir/vfio-probe" "$root/"

# Debian's packages carry no modules.dep (depmod runs at installation):
# each module's dependencies are read from its own .modinfo "depends=" and
# loaded before it.
python3 - "$moddir" "$root/lib/modules" $WANT > "$root/modules.list" <<'PY'
import gzip, lzma, os, re, subprocess, sys

moddir, dest, want = sys.argv[1], sys.argv[2], sys.argv[3:]
def name_of(path):
    return os.path.basename(path).split('.ko')[0].replace('-', '_')
byname = {}
for top, _, files in os.walk(os.path.join(moddir, 'kernel')):
    for f in files:
        if re.search(r'\.ko(\.xz|\.gz|\.zst)?$', f):
            byname[name_of(f)] = os.path.join(top, f)
builtin = set()
try:
    with open(os.path.join(moddir, 'modules.builtin')) as f:
        builtin = {name_of(l.strip()) for l in f if l.strip()}
except OSError:
    pass
def load(path):
    if path.endswith('.xz'):
        return lzma.open(path).read()
    if path.endswith('.gz'):
        return gzip.open(path).read()
    if path.endswith('.zst'):
        return subprocess.run(['zstd', '-dc', path], check=True, capture_output=True).stdout
    return open(path, 'rb').read()
order, seen, data = [], set(), {}
def visit(name):
    if name in seen:
        return
    seen.add(name)
    data[name] = load(byname[name])
    m = re.search(rb'(?:^|\0)depends=([^\0]*)\0', data[name])
    for d in (m.group(1).decode().split(',') if m and m.group(1) else []):
        d = d.replace('-', '_')
        if d in byname:
            visit(d)
        else:
            print('# absent %s (needed by %s)' % (d, name))
    order.append(name)
for w in want:
    if w in byname:
        visit(w)
    elif w in builtin:
        print('# builtin %s' % w)
    else:
        print('# absent %s' % w)
for name in order:
    with open(os.path.join(dest, name + '.ko'), 'wb') as f:
        f.write(data[name])
    print(name + '.ko')
PY
(cd "$root" && find . | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0) | gzip -9 > "$out.tmp"
mv "$out.tmp" "$out"
