#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The kernel bench's comparison (compare.py) can fail: make check, no QEMU.

test-compare.py CLI SRCROOT

A result directory is made from examples/qemu-intel-rmrr (a snapshot a real
Linux 6.12 wrote, so its groups too are the kernel's) and a vfio-probe.txt
written to agree with iommu-resv, so compare.py must pass it;
then each kind of disagreement is put in, one at a time, and compare.py must
name that check as FAIL, with the differing line, and exit 1. This tests the
comparison, not the library: the "kernel" side here is made up.

The groups check is tested on its own (check_groups) with a stand-in CLI
that answers `predict -J` with member sets written here, against the real
groups of examples/qemu-intel-rmrr: equal sets pass, a split, a merge, a
missing device, an inexact or absent membership fail; devices the kernel
did not group are not counted.
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
from compare import verdict_applies, check_groups, kernel_members, Result  # noqa: E402
example = os.path.join(src, 'examples/qemu-intel-rmrr')
with open(os.path.join(example, 'proc/sys/kernel/osrelease')) as f:
    RELEASE = f.read().strip()
failures = 0


def run(args):
    p = subprocess.run([cli] + args, capture_output=True, text=True)
    return p.returncode, p.stdout


def check(cond, what):
    global failures
    print('%s - %s' % ('ok' if cond else 'not ok', what))
    failures += 0 if cond else 1


def make_result(root):
    rdir = os.path.join(root, 'example', '6.12')
    snap = os.path.join(rdir, 'snap')
    shutil.copytree(example, snap, symlinks=True,
                    ignore=lambda d, names: ['bench', 'README.md'] if d == example else [])
    with open(os.path.join(rdir, 'boot.txt'), 'w') as f:
        f.write('status ok\nseconds 1.0\nconfig example\nkernel 6.12 %s\n' % RELEASE)
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
                 if verdict_applies(x['kernel'], RELEASE)]
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
    for c in ('sysfs', 'predict', 'iova', 'vfio', 'groups'):
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


# --- the groups check, with a stand-in CLI ---

FAKE_CLI = """#!/usr/bin/env python3
import json, os, sys
a = sys.argv[1:]
root = a[a.index('--sysroot') + 1]
# What the check must hand over: the snapshot without its groups.
leak = os.path.exists(os.path.join(root, 'sys/kernel/iommu_groups')) or any(
    'iommu_group' in names for _, dirs, names in os.walk(os.path.join(root, 'sys'))
    for names in [names + dirs])
doc = json.load(open(os.environ['FAKE_PREDICT']))
if leak:
    doc['membership'] = {'source': 'sysfs', 'exact': True, 'undecided': []}
print(json.dumps(doc))
"""


def fake_doc(groups, exact=True, membership=True):
    doc = {'groups': [{'name': min(g), 'group': None,
                       'devices': [{'name': d, 'pci': True} for d in sorted(g)]}
                      for g in groups]}
    if membership:
        doc['membership'] = {'source': 'predicted', 'exact': exact,
                             'undecided': [] if exact else [min(groups[0])]}
    return doc


def judge(tmp, snap, doc):
    with open(os.path.join(tmp, 'predict.json'), 'w') as f:
        json.dump(doc, f)
    os.environ['FAKE_PREDICT'] = os.path.join(tmp, 'predict.json')
    r = Result()
    check_groups(os.path.join(tmp, 'fake-cli'), snap, [], r)
    return r.status['groups'], '\n'.join(r.lines['groups'])


with tempfile.TemporaryDirectory() as tmp:
    fake = os.path.join(tmp, 'fake-cli')
    with open(fake, 'w') as f:
        f.write(FAKE_CLI)
    os.chmod(fake, 0o755)
    snap = os.path.join(tmp, 'snap')
    shutil.copytree(os.path.join(src, 'examples/qemu-intel-rmrr'), snap, symlinks=True)
    kernel = sorted((sorted(g) for g in kernel_members(snap)), key=min)
    multi = [g for g in kernel if len(g) > 1]
    check(len(multi) >= 2, 'qemu-intel-rmrr has groups of several devices')

    st, text = judge(tmp, snap, fake_doc(kernel))
    check(st == 'PASS', 'the kernel\'s own member sets pass groups (%s)' % st)
    # A device the kernel put in no group, predicted somewhere: not counted.
    st, text = judge(tmp, snap, fake_doc(kernel + [['0000:0f:1f.7']]))
    check(st == 'PASS', 'a predicted device the kernel did not group is not counted')
    st, text = judge(tmp, snap, fake_doc([multi[0] + ['0000:0f:1f.7']] +
                                         [g for g in kernel if g != multi[0]]))
    check(st == 'PASS', '... nor when it is in a kernel group\'s predicted set')

    split = [g for g in kernel if g != multi[0]] + [[d] for d in multi[0]]
    st, text = judge(tmp, snap, fake_doc(split))
    check(st == 'FAIL' and ('-' + ' '.join(multi[0])) in text,
          'a split group fails groups with the kernel\'s line')
    check(('+' + multi[0][0] + '\n') in text + '\n', 'and shows the predicted pieces')
    check('ACS' in text or 'conventional' in text,
          'and names what decides them (ACS, bridge kinds)')

    merged = [g for g in kernel if g not in multi[:2]] + [multi[0] + multi[1]]
    st, text = judge(tmp, snap, fake_doc(merged))
    check(st == 'FAIL' and ('+' + ' '.join(sorted(multi[0] + multi[1]))) in text,
          'two groups predicted as one fail groups')

    st, text = judge(tmp, snap, fake_doc(kernel[1:]))
    check(st == 'FAIL' and kernel[0][0] in text and 'no predicted group' in text,
          'a device missing from the prediction fails groups')

    twice = kernel + [[kernel[0][0]]]
    st, text = judge(tmp, snap, fake_doc(twice))
    check(st == 'FAIL' and 'more than one group' in text, 'a device predicted twice fails')

    st, text = judge(tmp, snap, fake_doc(kernel, exact=False))
    check(st == 'FAIL' and 'not exact' in text, 'an inexact membership fails groups')
    st, text = judge(tmp, snap, fake_doc(kernel, membership=False))
    check(st == 'FAIL' and 'no "membership"' in text, 'a prediction without membership fails')

    # The snapshot itself keeps its groups; only the copy loses them.
    check(os.path.isdir(os.path.join(snap, 'sys/kernel/iommu_groups')),
          'the snapshot is left as it was')

    shutil.rmtree(os.path.join(snap, 'sys/kernel/iommu_groups'))
    st, text = judge(tmp, snap, fake_doc(kernel))
    check(st == 'n/a', 'no kernel groups: groups n/a')

print('%d failed' % failures)
sys.exit(1 if failures else 0)
