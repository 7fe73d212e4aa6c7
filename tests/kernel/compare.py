#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Judge iommu-resv against what a real kernel did (the kernel bench).

compare.py [--cli PATH] [--matrix] [--all OUT_ROOT] [RESULT_DIR...]

A RESULT_DIR is what boot-one.sh unpacked for one configuration and one
kernel (snap/, vfio-probe.txt, boot.txt, ...). For each, five checks, and a
report.txt beside them:

  sysfs    every group's reserved_regions equals, byte for byte,
           `iommu-resv groups N --format sysfs --sysroot snap`
  predict  `iommu-resv predict --compare --sysroot snap` exits 0
  iova     for each group VFIO type1 accepted, the kernel's IOVA ranges
           (VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE) equal
           `iommu-resv iova N --format sysfs --sysroot snap`
  iommufd  the same for iommufd's IOMMU_IOAS_IOVA_RANGES, per device; n/a
           when the kernel has no iommufd or no VFIO device cdev
  vfio     VFIO accepted the group (SET_CONTAINER and SET_IOMMU type1v2)
           exactly when `iommu-resv explain BDF -J` calls each of its
           endpoints assignable for the snapshot's kernel
  groups   on a copy of the snapshot without its groups
           (sys/kernel/iommu_groups and every device's iommu_group link
           removed), `iommu-resv predict -J` predicts exactly the kernel's
           member sets; only PCI devices the kernel put in a group count
           (on Arm and virtio-iommu a device without a driver has none);
           n/a when the kernel made no PCI group

RESULT_DIR is OUT_ROOT/CONFIG/KERNEL; --all OUT_ROOT takes every one there.
--matrix prints the configurations x kernels matrix instead of the reports
(which are written all the same). Exit status: 0 when every check of every result passes or is n/a, 1 otherwise,
2 on bad usage.

Re-runnable on saved results: nothing here boots anything.
"""
import argparse
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

CHECKS = ['sysfs', 'predict', 'iova', 'iommufd', 'vfio', 'groups']


def run(cli, args):
    p = subprocess.run([cli] + args, capture_output=True, timeout=120)
    return (p.returncode, p.stdout.decode('utf-8', 'replace'),
            p.stderr.decode('utf-8', 'replace'))


def diff_lines(want, got, want_name, got_name):
    """The lines only one side has, in order, marked - (kernel) and + (ours)."""
    import difflib
    out = []
    for line in difflib.unified_diff(want.splitlines(), got.splitlines(),
                                     want_name, got_name, lineterm='', n=0):
        out.append('    ' + line)
    return out


def read(path, default=''):
    try:
        with open(path, 'rb') as f:
            return f.read().decode('utf-8', 'replace')
    except OSError:
        return default


def parse_probe(text):
    """vfio-probe.txt as {group: {...}} (see guest/vfio-probe.c)."""
    groups = {}

    def g(n):
        return groups.setdefault(n, {
            'devices': [], 'steps': {}, 'iova': [], 'skip': None,
            'binds': {}, 'iommufd': {}})
    for line in text.splitlines():
        w = line.split()
        if len(w) < 3:
            continue
        if w[0] == 'group' and w[1].isdigit():
            grp = g(int(w[1]))
            key = w[2]
            if key == 'devices':
                grp['devices'] = w[3:]
            elif key == 'skip':
                grp['skip'] = ' '.join(w[3:])
            elif key == 'bind' and len(w) >= 5:
                grp['binds'][w[3]] = ' '.join(w[4:])
            elif key == 'iova' and len(w) == 5:
                grp['iova'].append('%s %s' % (w[3], w[4]))
            else:
                grp['steps'][key] = ' '.join(w[3:])
        elif w[0] == 'iommufd' and w[1].isdigit() and len(w) >= 5:
            dev = g(int(w[1]))['iommufd'].setdefault(
                w[2], {'steps': {}, 'iova': []})
            if w[3] == 'iova' and len(w) == 6:
                dev['iova'].append('%s %s' % (w[4], w[5]))
            else:
                dev['steps'][w[3]] = ' '.join(w[4:])
    return groups


def version_tuple(s):
    m = re.match(r'(\d+)\.(\d+)', s)
    return (int(m.group(1)), int(m.group(2))) if m else None


def verdict_applies(kernel_range, release):
    """Whether explain's verdict for "6.6+", "3.17-6.5" or "6.1" covers @release."""
    v = version_tuple(release)
    if v is None:
        return False
    if '-' not in kernel_range and not kernel_range.endswith('+'):
        return version_tuple(kernel_range) == v
    if kernel_range.endswith('+'):
        lo = version_tuple(kernel_range[:-1])
        return lo is not None and v >= lo
    lo, _, hi = kernel_range.partition('-')
    lo, hi = version_tuple(lo), version_tuple(hi)
    return lo is not None and hi is not None and lo <= v <= hi


def is_bridge(snap, bdf):
    cls = read(os.path.join(snap, 'sys/bus/pci/devices', bdf, 'class')).strip()
    try:
        return int(cls, 16) >> 8 == 0x0604
    except ValueError:
        return False


class Result:
    def __init__(self):
        self.status = {c: 'PASS' for c in CHECKS}
        self.lines = {c: [] for c in CHECKS}
        self.notes = {c: [] for c in CHECKS}
        self.boot = 'missing'

    def fail(self, check, *lines):
        self.status[check] = 'FAIL'
        self.lines[check].extend(lines)

    def note(self, check, *lines):
        self.notes[check].extend(lines)


def layout(rdir):
    """(snapshot root, directory of the bench's files) of a result: a bench
    result holds snap/ beside boot.txt; an example (examples/qemu-*) is the
    snapshot itself with the bench's files in bench/."""
    if (not os.path.isdir(os.path.join(rdir, 'snap')) and
            os.path.isdir(os.path.join(rdir, 'sys')) and
            os.path.isdir(os.path.join(rdir, 'bench'))):
        return rdir, os.path.join(rdir, 'bench')
    return os.path.join(rdir, 'snap'), rdir


def compare(cli, rdir):
    snap, files = layout(rdir)
    boot = dict(l.split(' ', 1) for l in read(os.path.join(files, 'boot.txt')).splitlines()
                if ' ' in l)
    r = Result()
    r.boot = boot.get('status', 'missing')
    header = ['config   %s' % boot.get('config', '?'),
              'kernel   %s' % boot.get('kernel', '?'),
              'boot     %s in %ss' % (boot.get('status', 'missing'), boot.get('seconds', '?'))]
    for l in read(os.path.join(files, 'boot.txt')).splitlines():
        if l.startswith('package '):
            header.append('package  %s' % l[8:])
        if l.startswith('kconfig '):
            header.append('kconfig  %s' % l[8:])
        if l.startswith('retried-after '):
            header.append('boot     the first boot gave %s; this is the second' % l[14:])
    # The configuration's ASSUME (boot.txt "assume KEY=VALUE"), with its reason.
    assume = []
    for l in read(os.path.join(files, 'boot.txt')).splitlines():
        if l.startswith('assume '):
            assume += ['--assume', l[7:].strip()]
            header.append('assume   %s' % l[7:].strip())
        elif l.startswith('assume-why '):
            header.append('         (%s)' % l[11:].strip())
    if boot.get('status') != 'ok' or not os.path.isdir(snap):
        for c in CHECKS:
            r.status[c] = 'FAIL'
            r.lines[c].append('    no snapshot: boot %s' % boot.get('status', 'missing'))
        return r, header
    release = read(os.path.join(snap, 'proc/sys/kernel/osrelease')).strip()
    gdir = os.path.join(snap, 'sys/kernel/iommu_groups')
    groups = sorted(int(n) for n in os.listdir(gdir) if n.isdigit()) if os.path.isdir(gdir) else []
    header.append('snapshot %d IOMMU groups' % len(groups))

    # (a) the kernel's files, read and printed back by us
    for n in groups:
        want = read(os.path.join(gdir, str(n), 'reserved_regions'))
        rc, got, err = run(cli, ['groups', str(n), '--format', 'sysfs', '--sysroot', snap])
        if rc != 0 or got != want:
            r.fail('sysfs', '  group %d (exit %d):' % (n, rc),
                   *diff_lines(want, got, 'kernel reserved_regions', 'iommu-resv groups --format sysfs'))
            if err.strip():
                r.lines['sysfs'].extend('    ' + l for l in err.strip().splitlines())
    if not groups:
        r.note('sysfs', '  no IOMMU groups: nothing to compare')

    # (b) the prediction from firmware and topology, for this kernel
    rc, out, err = run(cli, ['predict', '--compare', '--sysroot', snap] + assume)
    if rc != 0:
        # The groups that differ, with their lines, and the findings; not
        # the identical ones.
        r.fail('predict', '  exit %d' % rc,
               *('    ' + l for l in (out + err).strip().splitlines()
                 if not re.match(r'group \d+: identical$', l)))

    # (c), (d): what VFIO said, against iova and explain
    probe_text = read(os.path.join(files, 'vfio-probe.txt'))
    probe = parse_probe(probe_text)
    if 'vfio-probe: done' not in probe_text:
        r.fail('vfio', '  vfio-probe did not finish')
    any_type1 = any_fd = any_verdict = False
    for n in groups:
        p = probe.get(n)
        if p is None:
            r.fail('vfio', '  group %d: vfio-probe did not see it' % n)
            continue
        endpoints = [d for d in p['devices'] if not is_bridge(snap, d)]
        if p['skip'] == 'not-all-pci' or not endpoints:
            continue
        accepted = (p['steps'].get('set-container') == 'ok' and
                    p['steps'].get('set-iommu') == 'ok')
        how = ', '.join('%s %s' % (k, p['steps'][k]) for k in
                        ('open', 'viable', 'set-container', 'set-iommu') if k in p['steps'])
        binds = '; '.join('%s %s' % kv for kv in p['binds'].items() if kv[1] != 'ok')

        if accepted:
            any_type1 = True
            # iova reads the kernel's regions (sysfs): no assumption applies.
            rc, ours, err = run(cli, ['iova', str(n), '--format', 'sysfs', '--sysroot', snap])
            kern = ''.join(l + '\n' for l in p['iova'])
            if p['steps'].get('iova-cap') != 'yes':
                r.fail('iova', '  group %d: VFIO gave no IOVA-range capability (%s)' %
                       (n, p['steps'].get('get-info', '?')))
            elif rc != 0 or ours != kern:
                r.fail('iova', '  group %d (exit %d):' % (n, rc),
                       *diff_lines(kern, ours, 'kernel VFIO type1 IOVA ranges', 'iommu-resv iova'))
            for dev, d in sorted(p['iommufd'].items()):
                if d['steps'].get('cdev', '').startswith('n/a'):
                    continue
                any_fd = True
                if d['steps'].get('ranges') != 'ok':
                    bad = ', '.join('%s %s' % kv for kv in d['steps'].items() if kv[1] != 'ok')
                    r.fail('iommufd', '  group %d %s: %s' % (n, dev, bad))
                    continue
                got = ''.join(l + '\n' for l in d['iova'])
                if got != ours:
                    r.fail('iommufd', '  group %d %s:' % (n, dev),
                           *diff_lines(got, ours, 'kernel IOMMU_IOAS_IOVA_RANGES', 'iommu-resv iova'))

        for dev in endpoints:
            rc, out, err = run(cli, ['explain', dev, '--sysroot', snap, '-J'] + assume)
            try:
                verdicts = json.loads(out).get('verdicts', [])
            except ValueError:
                r.fail('vfio', '  group %d %s: explain exit %d, no JSON: %s' %
                       (n, dev, rc, err.strip().splitlines()[-1:] or ''))
                continue
            mine = [v for v in verdicts if verdict_applies(v.get('kernel', ''), release)]
            if len(verdicts) == 1 and not mine:
                mine = verdicts
            if len(mine) != 1:
                r.fail('vfio', '  group %d %s: explain gives %d verdicts for %s: %s' %
                       (n, dev, len(mine), release, [v.get('kernel') for v in verdicts]))
                continue
            any_verdict = True
            ours = bool(mine[0].get('assignable'))
            if ours != accepted:
                reason = mine[0].get('reason')
                r.fail('vfio', '  group %d %s: kernel %s (%s%s), iommu-resv %s (verdict for %s%s)' %
                       (n, dev, 'accepts' if accepted else 'refuses', how,
                        '; bind: ' + binds if binds else '',
                        'assignable' if ours else 'not assignable',
                        mine[0].get('kernel'), ': ' + reason if reason else ''))
    if not any_type1:
        r.status['iova'] = 'n/a' if r.status['iova'] == 'PASS' else r.status['iova']
        r.note('iova', '  no group accepted by VFIO type1')
    if not any_fd and r.status['iommufd'] == 'PASS':
        r.status['iommufd'] = 'n/a'
        why = sorted({d['steps'].get('cdev', '') for p in probe.values()
                      for d in p['iommufd'].values()})
        r.note('iommufd', '  ' + (', '.join(why) if why else 'no device probed'))
    if not any_verdict and r.status['vfio'] == 'PASS':
        r.status['vfio'] = 'n/a'
        r.note('vfio', '  no endpoint group to judge')

    # (e) the groups themselves, predicted without the kernel's
    check_groups(cli, snap, assume, r)
    return r, header


# --- groups: membership predicted from config space against the kernel's ---

PCI_BDF = re.compile(r'^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$')
PCIE_TYPES = {0: 'endpoint', 1: 'legacy endpoint', 4: 'root port', 5: 'upstream port',
              6: 'downstream port', 7: 'PCIe-to-PCI bridge', 8: 'PCI-to-PCIe bridge',
              9: 'RCiEP', 10: 'RC event collector'}


def kernel_members(snap):
    """The kernel's groups as sets of PCI BDFs; other devices are left out,
    and so are groups without a PCI device."""
    gdir = os.path.join(snap, 'sys/kernel/iommu_groups')
    out = []
    if not os.path.isdir(gdir):
        return out
    for n in os.listdir(gdir):
        ddir = os.path.join(gdir, n, 'devices')
        if n.isdigit() and os.path.isdir(ddir):
            devs = frozenset(d for d in os.listdir(ddir) if PCI_BDF.match(d))
            if devs:
                out.append(devs)
    return out


def copy_without_groups(snap, tmp):
    """A copy of the snapshot as an offline machine would give it: no
    sys/kernel/iommu_groups, no device's iommu_group link."""
    copy = os.path.join(tmp, 'snap')
    shutil.copytree(snap, copy, symlinks=True)
    shutil.rmtree(os.path.join(copy, 'sys/kernel/iommu_groups'), ignore_errors=True)
    for root, dirs, files in os.walk(os.path.join(copy, 'sys')):
        for name in dirs + files:
            if name == 'iommu_group':
                os.unlink(os.path.join(root, name))
    return copy


def pci_facts(snap, bdf):
    """What grouping reads of one function, from its config file: 'BDF
    VVVV:DDDD kind[, multifunction][, ACS cap 0x.. ctl 0x..| no ACS]'."""
    try:
        with open(os.path.join(snap, 'sys/bus/pci/devices', bdf, 'config'), 'rb') as f:
            c = f.read(4096)
    except OSError:
        return '%s (no config file)' % bdf
    if len(c) < 64:
        return '%s (config %d bytes)' % (bdf, len(c))
    words = ['%s %04x:%04x' % ((bdf,) + struct.unpack_from('<HH', c, 0))]
    kind = 'conventional bridge' if c[0x0e] & 0x7f == 1 else 'conventional'
    is_pcie = False
    if c[6] & 0x10:
        pos, seen = c[0x34] & 0xfc, 0
        while pos and pos + 4 <= len(c) and seen < 48:
            if c[pos] == 0x10:
                t = (struct.unpack_from('<H', c, pos + 2)[0] >> 4) & 0xf
                kind, is_pcie = PCIE_TYPES.get(t, 'PCIe type %d' % t), True
                break
            pos, seen = c[pos + 1] & 0xfc, seen + 1
    words.append(kind)
    if c[0x0e] & 0x80:
        words.append('multifunction')
    if is_pcie:
        if len(c) <= 256:
            words.append('ACS unknown (config %d bytes)' % len(c))
        else:
            acs, pos, seen = None, 0x100, 0
            while pos and pos + 8 <= len(c) and seen < 512:
                h = struct.unpack_from('<I', c, pos)[0]
                if h in (0, 0xffffffff):
                    break
                if h & 0xffff == 0x000d:
                    acs = struct.unpack_from('<HH', c, pos + 4)
                    break
                pos, seen = (h >> 20) & 0xffc, seen + 1
            words.append('ACS cap 0x%04x ctl 0x%04x' % acs if acs else 'no ACS')
    return ', '.join([words[0] + ' ' + words[1]] + words[2:])


def upstream_path(snap, bdf):
    """The function and the bridges above it, from its sysfs path."""
    real = os.path.realpath(os.path.join(snap, 'sys/bus/pci/devices', bdf))
    path = [p for p in real.split(os.sep) if PCI_BDF.match(p)]
    return list(reversed(path)) or [bdf]


def group_line(g):
    return ' '.join(sorted(g))


def check_groups(cli, snap, assume, r):
    """The groups check: predicted member sets equal the kernel's."""
    kernel = kernel_members(snap)
    if not kernel:
        r.status['groups'] = 'n/a'
        r.note('groups', '  the kernel put no PCI device in a group')
        return
    grouped = frozenset().union(*kernel)
    with tempfile.TemporaryDirectory(prefix='compare-groups-') as tmp:
        copy = copy_without_groups(snap, tmp)
        rc, out, err = run(cli, ['predict', '--sysroot', copy, '-J'] + assume)
    try:
        doc = json.loads(out)
    except ValueError:
        r.fail('groups', '  predict -J without sysfs groups: exit %d, no JSON' % rc,
               *('    ' + l for l in err.strip().splitlines()[-3:]))
        return
    membership = doc.get('membership')
    if not isinstance(membership, dict):
        r.fail('groups', '  predict -J gives no "membership": groups are not predicted'
               ' (each device is shown alone)')
    else:
        if membership.get('source') != 'predicted':
            r.fail('groups', '  membership source %r, not "predicted"' % membership.get('source'))
        if membership.get('exact') is not True:
            r.fail('groups', '  membership not exact (undecided: %s) although every'
                   ' config file is whole' % ' '.join(membership.get('undecided') or []))
    predicted, seen = [], {}
    for g in doc.get('groups') or []:
        names = frozenset(d.get('name', '') for d in g.get('devices') or []
                          if PCI_BDF.match(d.get('name', '')))
        for n in names:
            seen[n] = seen.get(n, 0) + 1
        if names & grouped:
            predicted.append(names & grouped)
    twice = sorted(n for n, k in seen.items() if k > 1)
    if twice:
        r.fail('groups', '  predicted in more than one group: %s' % ' '.join(twice))
    missing = grouped - frozenset().union(*predicted) if predicted else grouped
    if missing:
        r.fail('groups', '  in a kernel group but in no predicted group: %s' %
               ' '.join(sorted(missing)))
    kset, pset = set(kernel), set(predicted)
    if kset != pset:
        order = lambda gs: sorted(gs, key=lambda g: min(g))
        r.fail('groups', '  member sets (- kernel, + predicted; PCI devices the kernel grouped):',
               *diff_lines(''.join(group_line(g) + '\n' for g in order(kset)),
                           ''.join(group_line(g) + '\n' for g in order(pset)),
                           'kernel iommu_groups', 'iommu-resv predict -J'))
        devs = sorted(frozenset().union(*(kset ^ pset)))
        r.lines['groups'].append('  what decides them (each device, then the bridges above it):')
        for d in devs:
            r.lines['groups'].append('    ' + ' <- '.join(
                pci_facts(snap, b) for b in upstream_path(snap, d)))
    r.note('groups', '  %d kernel groups with PCI devices, %d devices:' % (len(kernel), len(grouped)),
           *('    ' + group_line(g) for g in sorted(kernel, key=min)))


# What the guest kernel said about its IOMMU and firmware, for the reader of
# a report (not judged): the drivers' own prefixes and the table upgrade.
KERNEL_LOG = re.compile(r'DMAR|AMD-Vi|IORT|VIOT|virtio_iommu|arm-smmu|iommu:|vfio|'
                        r'Table Upgrade|OVERRIDE|Firmware Bug|FW_BUG|RMRR|IVMD|IVRS')


def report_text(rdir, r, header):
    lines = list(header) + ['']
    for c in CHECKS:
        lines.append('%-8s %s' % (c, r.status[c]))
        lines.extend(r.lines[c])
        lines.extend(r.notes[c])
    log = [l for l in read(os.path.join(layout(rdir)[1], 'dmesg.txt')).splitlines()
           if KERNEL_LOG.search(l) and 'Adding to iommu group' not in l]
    if log:
        lines += ['', 'kernel log (IOMMU, firmware, VFIO lines of dmesg.txt):']
        lines += ['  ' + l for l in log[:200]]
    return '\n'.join(lines) + '\n'


def write_report(rdir, r, header):
    """report.txt and result.json beside a bench result; an example in the
    source tree is left as it is (its report goes to standard output)."""
    text = report_text(rdir, r, header)
    if layout(rdir)[1] != rdir:
        return text
    with open(os.path.join(rdir, 'report.txt'), 'w') as f:
        f.write(text)
    with open(os.path.join(rdir, 'result.json'), 'w') as f:
        json.dump(dict(r.status, boot=r.boot), f)
    return text


def cell(status):
    if status.get('boot', 'ok') != 'ok':
        return 'BOOT:' + status['boot']
    bad = [c for c in CHECKS if status.get(c) == 'FAIL']
    return 'PASS' if not bad else 'FAIL:' + ','.join(bad)


def kernel_key(k):
    return tuple(int(x) for x in re.findall(r'\d+', k)) or (999,)


def matrix(results):
    """Print configurations x kernels from {(config, kernel): status}."""
    kernels = sorted({k for _, k in results}, key=kernel_key)
    configs = sorted({c for c, _ in results})
    cells = {key: cell(st) for key, st in results.items()}
    w = max([len(c) for c in configs] + [13])
    cw = max([len(v) for v in cells.values()] + [len(k) for k in kernels] + [4])
    print('%-*s  %s' % (w, 'configuration', '  '.join('%-*s' % (cw, k) for k in kernels)))
    for c in configs:
        print('%-*s  %s' % (w, c, '  '.join('%-*s' % (cw, cells.get((c, k), '-')) for k in kernels)))
    print('PASS: every check passed or is n/a; FAIL:CHECKS: see CONFIG/KERNEL/report.txt;'
          ' BOOT:STATUS: no result (timeout, panic, ...; see console.log)')


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--cli', default=os.environ.get('IOMMU_RESV', 'build/cli/iommu-resv'))
    ap.add_argument('--all', metavar='OUT_ROOT',
                    help='every OUT_ROOT/CONFIG/KERNEL that has a boot.txt')
    ap.add_argument('--matrix', action='store_true',
                    help='print the configurations x kernels matrix, not the reports')
    ap.add_argument('dirs', nargs='*')
    a = ap.parse_args()
    if not os.access(a.cli, os.X_OK):
        print('compare.py: no iommu-resv at %s (--cli)' % a.cli, file=sys.stderr)
        return 2
    dirs = list(a.dirs)
    if a.all:
        for c in sorted(os.listdir(a.all)):
            cdir = os.path.join(a.all, c)
            if os.path.isdir(cdir):
                dirs += [os.path.join(cdir, k) for k in sorted(os.listdir(cdir))
                         if os.path.isfile(os.path.join(cdir, k, 'boot.txt'))]
    if not dirs:
        ap.print_usage(sys.stderr)
        return 2
    failed, results = False, {}
    for d in dirs:
        r, header = compare(a.cli, d)
        text = write_report(d, r, header)
        if not a.matrix:
            sys.stdout.write(text + '\n')
        d = os.path.normpath(d)
        results[(os.path.basename(os.path.dirname(d)), os.path.basename(d))] = dict(r.status, boot=r.boot)
        failed |= any(v == 'FAIL' for v in r.status.values())
    if a.matrix:
        matrix(results)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
