#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The kernel bench's comparison (compare.py) can fail: make check, no QEMU.

test-compare.py CLI SRCROOT

A result directory is made from examples/intel-server (the snapshot) and a
vfio-probe.txt written to agree with iommu-resv, so compare.py must pass it;
then each kind of disagreement is put in, one at a time, and compare.py must
name that check as FAIL, with the differing line, and exit 1. This tests the
comparison, not the library: the "kernel" side here is made up.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

cli, src = sys.argv[1], sys.argv[2]
compare = os.path.join(src, 'tests/kernel/compare.py')
sys.path.insert(0, os.path.dirname(compare))
from compare import verdict_applies  # noqa: E402
example = os.path.join(src, 'examples/intel-server')
failures = 0


def run(args):
    p = subprocess.run([cli] + args, capture_output=True, text=True)
    return p.returncode, p.stdout


def check(cond, what):
    global failures
    print('%s - %s' % ('ok' if cond else 'not ok', what))
    failures += 0 if cond else 1


def make_result(root):
    rdir = os.path.join(root, 'example', '6.1')
    snap = os.path.join(rdir, 'snap')
    shutil.copytree(example, snap, symlinks=True)
    os.makedirs(os.path.join(snap, 'proc/sys/kernel'), exist_ok=True)
    with open(os.path.join(snap, 'proc/sys/kernel/osrelease'), 'w') as f:
        f.write('6.1.0-50-amd64\n')
    with open(os.path.join(rdir, 'boot.txt'), 'w') as f:
        f.write('status ok\nseconds 1.0\nconfig example\nkernel 6.1 6.1.0-50-amd64\n')
    gdir = os.path.join(snap, 'sys/kernel/iommu_groups')
    lines, accepted, refused = [], [], []
    for n in sorted(int(g) for g in os.listdir(gdir)):
        devs = sorted(os.listdir(os.path.join(gdir, str(n), 'devices')))
        lines.append('group %d devices %s' % (n, ' '.join(devs)))
        ends = []
        for d in devs:
            cls = open(os.path.join(snap, 'sys/bus/pci/devices', d, 'class')).read()
            if int(cls, 16) >> 8 != 0x0604:
                ends.append(d)
        if not ends:
            lines.append('group %d open error ENOENT' % n)
            continue
        ok = True
        for d in ends:
            rc, out = run(['explain', d, '--sysroot', snap, '-J'])
            v = [x for x in json.loads(out)['verdicts']
                 if verdict_applies(x['kernel'], '6.1.0-50-amd64')]
            ok &= bool(v and v[0]['assignable'])
        lines.append('group %d open ok' % n)
        if not ok:
            lines.append('group %d set-container error EPERM' % n)
            refused.append(n)
            continue
        lines += ['group %d set-container ok' % n, 'group %d set-iommu ok' % n,
                  'group %d get-info ok' % n]
        rc, out = run(['iova', str(n), '--format', 'sysfs', '--sysroot', snap])
        lines += ['group %d iova %s' % (n, l) for l in out.splitlines()]
        lines.append('group %d iova-cap yes' % n)
        lines += ['iommufd %d %s cdev n/a no-/dev/iommu' % (n, d) for d in ends]
        accepted.append(n)
    lines.append('vfio-probe: done')
    with open(os.path.join(rdir, 'vfio-probe.txt'), 'w') as f:
        f.write('\n'.join(lines) + '\n')
    return rdir, accepted, refused


def compare_rc(rdir):
    p = subprocess.run([sys.executable, compare, '--cli', cli, rdir],
                       capture_output=True, text=True)
    return p.returncode, open(os.path.join(rdir, 'report.txt')).read()


def status(report, check_name):
    for l in report.splitlines():
        if l.startswith(check_name + ' '):
            return l.split()[1]
    return None


with tempfile.TemporaryDirectory() as tmp:
    rdir, accepted, refused = make_result(tmp)
    probe = os.path.join(rdir, 'vfio-probe.txt')
    good = open(probe).read()
    check(accepted and refused, 'the example has groups VFIO takes and groups it refuses')

    rc, rep = compare_rc(rdir)
    check(rc == 0, 'an agreeing result passes (exit %d)' % rc)
    for c in ('sysfs', 'predict', 'iova', 'vfio'):
        check(status(rep, c) == 'PASS', '%s PASS' % c)
    check(status(rep, 'iommufd') == 'n/a', 'iommufd n/a without /dev/iommu')

    # The kernel's IOVA list differs in its last range.
    g = accepted[0]
    last = [l for l in good.splitlines() if l.startswith('group %d iova 0x' % g)][-1]
    bad = last[:-1] + ('e' if last[-1] != 'e' else 'd')
    open(probe, 'w').write(good.replace(last + '\n', bad + '\n'))
    rc, rep = compare_rc(rdir)
    check(rc == 1 and status(rep, 'iova') == 'FAIL', 'a different IOVA range fails iova')
    check(('-' + bad.split(' ', 3)[3]) in rep, 'the report shows the kernel line')

    # VFIO accepted a group iommu-resv calls not assignable.
    r = refused[0]
    open(probe, 'w').write(good.replace('group %d set-container error EPERM' % r,
                                        'group %d set-container ok\ngroup %d set-iommu ok' % (r, r)))
    rc, rep = compare_rc(rdir)
    check(rc == 1 and status(rep, 'vfio') == 'FAIL', 'a verdict that differs fails vfio')
    check('group %d ' % r in rep and 'kernel accepts' in rep, 'the report names the group')
    open(probe, 'w').write(good)

    # A reserved_regions line iommu-resv cannot print back.
    rr = os.path.join(rdir, 'snap/sys/kernel/iommu_groups/%d/reserved_regions' % g)
    text = open(rr).read()
    open(rr, 'w').write(text + 'not a region\n')
    rc, rep = compare_rc(rdir)
    check(rc == 1 and status(rep, 'sysfs') == 'FAIL', 'a line not printed back fails sysfs')
    open(rr, 'w').write(text)

    # No snapshot: the boot failed.
    shutil.rmtree(os.path.join(rdir, 'snap'))
    open(os.path.join(rdir, 'boot.txt'), 'w').write('status panic\nseconds 3.0\n')
    rc, rep = compare_rc(rdir)
    check(rc == 1 and all(status(rep, c) == 'FAIL' for c in ('sysfs', 'predict', 'vfio')),
          'a boot without a snapshot fails every check')
    p = subprocess.run([sys.executable, compare, '--cli', cli, '--matrix', rdir],
                       capture_output=True, text=True)
    check('BOOT:panic' in p.stdout, 'the matrix shows BOOT:panic')

print('%d failed' % failures)
sys.exit(1 if failures else 0)
