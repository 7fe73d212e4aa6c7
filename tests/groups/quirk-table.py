#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Keep lib/groups/quirks_*.def current with the kernel's drivers/pci/quirks.c.

A maintainer's tool, not a CI test (CI has no kernel source). It reads
drivers/pci/quirks.c (and include/linux/pci_ids.h for the vendor names) of
one kernel, extracts what changes IOMMU groups:

  - pci_dev_acs_enabled[]                  (acs rows, in order)
  - pci_dev_acs_ops[]                      (enable / disable-redirect quirks)
  - pci_quirk_intel_pch_acs_ids[] and the device ranges of the ACS quirk
    functions that switch on the device ID (ids)
  - the fixups whose hook adds a DMA alias or sets an aliasing dev_flag
    (alias rows), and fixed_dma_alias_tbl[]

and compares each list with the rows of our tables that exist in that
kernel version (a row exists from its QUIRK_KV(major, minor) on).

  quirk-table.py --git LINUX.git --tag v6.12          compare, exit 1 on a difference
  quirk-table.py --file quirks.c --ids pci_ids.h --version 6.12[.SUBLEVEL]
  quirk-table.py ... --dump                            print what the kernel has
  quirk-table.py --first-seen 5.10=a.c 6.1=b.c ...     each row of the last file
                                                       with the first file holding it
  quirk-table.py --vmlinux vmlinux --version 6.1.176   the tables compiled into a distro
                                                       kernel (x86-64 vmlinux, symbols
                                                       stripped is fine; arm64 Image:
                                                       the ACS table only): its stable
                                                       backports, which no tag shows

--vmlinux reads pci_dev_acs_enabled[] (vendor, device, function pointer;
16 bytes an entry, found by its first two AMD rows) and the .pci_fixup
section (PREL32 hook offsets); a function pointer must name one quirk of
ours for every row, and each alias quirk's rows must be exactly the fixups
that share its hook.
"""
import argparse
import os
import re
import struct
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFS = os.path.join(ROOT, 'lib', 'groups')

# The IDs the tables name, for a quirks.c read without its pci_ids.h.
FALLBACK_IDS = {
    'PCI_ANY_ID': 0xffff,
    'PCI_CLASS_BRIDGE_OTHER': 0x0680,
    'PCI_DEVICE_ID_JMICRON_JMB388_ESD': 0x2392,
    'PCI_VENDOR_ID_ADAPTEC2': 0x9005,
    'PCI_VENDOR_ID_AMAZON_ANNAPURNA_LABS': 0x1c36,
    'PCI_VENDOR_ID_AMCC': 0x10e8,
    'PCI_VENDOR_ID_AMD': 0x1022,
    'PCI_VENDOR_ID_AMPERE': 0x1def,
    'PCI_VENDOR_ID_ASMEDIA': 0x1b21,
    'PCI_VENDOR_ID_ASPEED': 0x1a03,
    'PCI_VENDOR_ID_ATI': 0x1002,
    'PCI_VENDOR_ID_BROADCOM': 0x14e4,
    'PCI_VENDOR_ID_CAVIUM': 0x177d,
    'PCI_VENDOR_ID_EFAR': 0x1055,
    'PCI_VENDOR_ID_GLENFLY': 0x6766,
    'PCI_VENDOR_ID_HXT': 0x1dbf,
    'PCI_VENDOR_ID_INTEL': 0x8086,
    'PCI_VENDOR_ID_JMICRON': 0x197b,
    'PCI_VENDOR_ID_LOONGSON': 0x0014,
    'PCI_VENDOR_ID_MARVELL_EXT': 0x1b4b,
    'PCI_VENDOR_ID_MICROSEMI': 0x11f8,
    'PCI_VENDOR_ID_NXP': 0x1957,
    'PCI_VENDOR_ID_PLX': 0x10b5,
    'PCI_VENDOR_ID_QCOM': 0x17cb,
    'PCI_VENDOR_ID_RICOH': 0x1180,
    'PCI_VENDOR_ID_SOLARFLARE': 0x1924,
    'PCI_VENDOR_ID_TTI': 0x1103,
    'PCI_VENDOR_ID_WANGXUN': 0x8088,
    'PCI_VENDOR_ID_ZHAOXIN': 0x1d17,
}


def git_show(gitdir, tag, path):
    return subprocess.run(['git', '--git-dir', gitdir, 'show', f'{tag}:{path}'],
                          check=True, capture_output=True, text=True,
                          errors='replace').stdout


def git_version(gitdir, tag):
    mk = git_show(gitdir, tag, 'Makefile')
    v = dict(re.findall(r'^(VERSION|PATCHLEVEL|SUBLEVEL)\s*=\s*(\d+)', mk, re.M))
    return int(v['VERSION']), int(v['PATCHLEVEL']), int(v.get('SUBLEVEL', 0))


def parse_ids(text):
    ids = dict(FALLBACK_IDS)
    for name, val in re.findall(r'^#define\s+(PCI_\w+)\s+(0x[0-9a-fA-F]+|\d+)\b', text, re.M):
        ids[name] = int(val, 0)
    return ids


def strip_comments(text):
    text = re.sub(r'/\*.*?\*/', ' ', text, flags=re.S)
    return re.sub(r'//[^\n]*', ' ', text)


def value(tok, ids):
    tok = tok.strip()
    if re.fullmatch(r'0[xX][0-9a-fA-F]+|\d+', tok):
        return int(tok, 0)
    if tok.startswith('(u16)'):
        return value(tok[5:], ids)
    if tok in ids:
        return ids[tok]
    raise SystemExit(f'quirk-table: unknown identifier {tok!r} (give --ids pci_ids.h)')


def array_body(code, name):
    m = re.search(r'\}\s*' + re.escape(name) + r'\s*\[\s*\]\s*=\s*\{', code)
    if not m:
        m = re.search(re.escape(name) + r'\s*\[\s*\]\s*=\s*\{', code)
    if not m:
        return None
    depth, i = 1, m.end()
    while depth and i < len(code):
        depth += {'{': 1, '}': -1}.get(code[i], 0)
        i += 1
    return code[m.end():i - 1]


def function_body(code, name):
    m = re.search(r'\n[^\n;]*\b' + re.escape(name) + r'\s*\([^;{]*\)\s*\{', code)
    if not m:
        return None
    depth, i = 1, m.end()
    while depth and i < len(code):
        depth += {'{': 1, '}': -1}.get(code[i], 0)
        i += 1
    return code[m.end():i - 1]


def kernel_acs_rows(code, ids):
    body = array_body(code, 'pci_dev_acs_enabled')
    rows = []
    for v, d, fn in re.findall(r'\{\s*([\w()]+)\s*,\s*([\w()]+)\s*,\s*(\w+)\s*\}', body):
        rows.append((value(v, ids), value(d, ids), fn))
    return rows


def kernel_acs_ops(code, ids):
    body = array_body(code, 'pci_dev_acs_ops')
    rows = []
    if body is None:
        return rows
    for entry in re.findall(r'\{([^{}]*)\}', body):
        parts = [p.strip() for p in entry.split(',') if p.strip()]
        if len(parts) < 3:
            continue
        en = dis = ''
        for p in parts[2:]:
            m = re.match(r'\.(enable_acs|disable_acs_redir)\s*=\s*(\w+)', p)
            if m and m.group(1) == 'enable_acs':
                en = m.group(2)
            elif m:
                dis = m.group(2)
        rows.append((value(parts[0], ids), value(parts[1], ids), en, dis))
    return rows


# ACS quirk functions whose device IDs are data: (function holding them, our name)
ID_FUNCS = [
    ('pci_quirk_cavium_acs_match', 'pci_quirk_cavium_acs'),
    ('pci_quirk_zhaoxin_pcie_ports_acs', 'pci_quirk_zhaoxin_pcie_ports_acs'),
    ('pci_quirk_intel_spt_pch_acs_match', 'pci_quirk_intel_spt_pch_acs'),
    ('pci_quirk_wangxun_nic_acs', 'pci_quirk_wangxun_nic_acs'),
]


def kernel_ids(code):
    out = []
    body = array_body(code, 'pci_quirk_intel_pch_acs_ids')
    for v in re.findall(r'0x[0-9a-fA-F]+', body or ''):
        out.append(('pci_quirk_intel_pch_acs', int(v, 16), int(v, 16)))
    for holder, name in ID_FUNCS:
        body = function_body(code, holder)
        if body is None:
            continue
        for lo, hi in re.findall(r'case\s+(0x[0-9a-fA-F]+)(?:\s*\.\.\.\s*(0x[0-9a-fA-F]+))?\s*:', body):
            out.append((name, int(lo, 16), int(hi or lo, 16)))
    return out


ALIAS_MARKS = re.compile(r'pci_add_dma_alias\s*\(|PCI_DEV_FLAGS_BRIDGE_XLATE_ROOT|'
                         r'PCI_DEV_FLAG_PCIE_BRIDGE_ALIAS|PCI_DEV_FLAGS_PCI_BRIDGE_NO_ALIAS')


def alias_hooks(code):
    hooks = set()
    for m in re.finditer(r'\n(?:static\s+)?void\s+(\w+)\s*\(\s*struct pci_dev \*\w+\s*\)\s*\{', code):
        body = function_body(code, m.group(1)) or ''
        if ALIAS_MARKS.search(body):
            hooks.add(m.group(1))
    return hooks


def expand_fixup_macros(code):
    """Expand one-parameter macros whose body is one DECLARE_PCI_FIXUP_* (SWITCHTEC_QUIRK)."""
    code = code.replace('\\\n', ' ')
    macros = {}
    for m in re.finditer(r'^#define\s+(\w+)\((\w+)\)\s*(DECLARE_PCI_FIXUP_\w+\([^)]*\))', code, re.M):
        macros[m.group(1)] = (m.group(2), m.group(3))
    # the definitions themselves are not fixups
    code = re.sub(r'^#define[^\n]*', ' ', code, flags=re.M)
    for name, (param, body) in macros.items():
        def sub(mm, param=param, body=body):
            return re.sub(r'\b' + param + r'\b', mm.group(1), body) + ';'
        code = re.sub(r'^\s*' + name + r'\(([^)]*)\)\s*;', sub, code, flags=re.M)
    return code


def kernel_alias_rows(code, ids):
    hooks = alias_hooks(code)
    code = expand_fixup_macros(code)
    rows = []
    for kind, args in re.findall(r'DECLARE_PCI_FIXUP_(\w+)\s*\(([^;]*?)\)\s*;', code, re.S):
        parts = [p.strip() for p in args.replace('\n', ' ').split(',')]
        hook = parts[-1]
        if hook not in hooks:
            continue
        cls = 0
        if kind.startswith('CLASS_'):
            cls = value(parts[2], ids)
        rows.append((value(parts[0], ids), value(parts[1], ids), cls, hook))
    return rows


def kernel_fixed_aliases(code, ids):
    body = array_body(code, 'fixed_dma_alias_tbl') or ''
    rows = []
    for v, d, sv, sd, slot, fn in re.findall(
            r'PCI_DEVICE_SUB\(\s*(\w+)\s*,\s*(\w+)\s*,\s*(\w+)\s*,\s*(\w+)\s*\)\s*,\s*'
            r'\.driver_data\s*=\s*PCI_DEVFN\(\s*(\w+)\s*,\s*(\w+)\s*\)', body):
        rows.append((value(v, ids), value(d, ids), value(sv, ids), value(sd, ids),
                     int(slot, 0) << 3 | int(fn, 0)))
    return rows


def kernel_tables(code, ids):
    code = strip_comments(code)
    return {
        'acs': kernel_acs_rows(code, ids),
        'ops': kernel_acs_ops(code, ids),
        'ids': kernel_ids(code),
        'alias': kernel_alias_rows(code, ids),
        'fixed': kernel_fixed_aliases(code, ids),
    }


# Our side: the .def files and the function names quirks.c gives each ACS_FN_/ALIAS_FN_.
def our_names(prefix):
    src = open(os.path.join(DEFS, 'quirks.c')).read()
    return dict(re.findall(r'\[' + prefix + r'(\w+)\]\s*=\s*"(\w+)"', src))


KV = r'(QUIRK_KV\(\s*\d+\s*,\s*\d+\s*\)|QUIRK_NEVER)'
STABLE = r'STABLE\(([^()]*(?:\([^()]*\)[^()]*)*)\)'


def exists(since, stable, version):
    """A row exists in @version (major, minor, sublevel or None) as quirks.c in_kernel() says."""
    # MAJOR.MINOR: the newest release of the series (quirks.c's reading of an
    # unknown sublevel); MAJOR.MINOR.SUB, and a tag's Makefile: that release
    # exactly, .0 being the mainline tag without backports.
    series, sub = version[:2], version[2] if len(version) > 2 else None
    m = re.match(r'QUIRK_KV\(\s*(\d+)\s*,\s*(\d+)\s*\)', since)
    if m and (int(m.group(1)), int(m.group(2))) <= series:
        return True
    for a, b, c in re.findall(r'QUIRK_KV3\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*\)', stable or ''):
        if (int(a), int(b)) == series and (sub is None or sub >= int(c)):
            return True
    return False


def expand_ids(rows):
    """The ID lists as sets of devices per function (ranges may overlap or be split)."""
    out = {}
    for fn, lo, hi in rows:
        out.setdefault(fn, set()).update(range(lo, hi + 1))
    return sorted((fn, d, d) for fn, ds in out.items() for d in ds)


def our_tables(version):
    acs_names = our_names('ACS_FN_')
    alias_names = our_names('ALIAS_FN_')
    t = {'acs': [], 'ops': [], 'ids': [], 'alias': [], 'fixed': []}
    for line in open(os.path.join(DEFS, 'quirks_acs.def')):
        m = re.match(r'ACS_ROW\(\s*(\w+)\s*,\s*(\w+)\s*,\s*(\w+)\s*,\s*' + KV + r'\s*,\s*' + STABLE, line)
        if m and exists(m.group(4), m.group(5), version):
            t['acs'].append((int(m.group(1), 0), int(m.group(2), 0), acs_names[m.group(3)]))
        m = re.match(r'ACS_OPS\(\s*(\w+)\s*,\s*(\w+)\s*,\s*(\w+)\s*,\s*(\w+)\s*,\s*' + KV, line)
        if m and exists(m.group(5), '', version):
            t['ops'].append((int(m.group(1), 0), int(m.group(2), 0),
                             m.group(3) if m.group(3) != 'NONE' else '',
                             m.group(4) if m.group(4) != 'NONE' else ''))
    for line in open(os.path.join(DEFS, 'quirks_ids.def')):
        m = re.match(r'ACS_IDS\(\s*(\w+)\s*,\s*(\w+)\s*,\s*(\w+)\s*,\s*' + KV + r'\s*,\s*' + STABLE, line)
        if m and exists(m.group(4), m.group(5), version):
            t['ids'].append((acs_names[m.group(1)], int(m.group(2), 0), int(m.group(3), 0)))
    for line in open(os.path.join(DEFS, 'quirks_alias.def')):
        m = re.match(r'ALIAS_ROW\(\s*(\w+)\s*,\s*(\w+)\s*,\s*(\w+)\s*,\s*(\w+)\s*,\s*' + KV +
                     r'\s*,\s*' + STABLE, line)
        if m and exists(m.group(5), m.group(6), version):
            t['alias'].append((int(m.group(1), 0), int(m.group(2), 0), int(m.group(3), 0),
                               alias_names[m.group(4)]))
        m = re.match(r'FIXED_ALIAS\(\s*(\w+)\s*,\s*(\w+)\s*,\s*(\w+)\s*,\s*(\w+)\s*,\s*(\w+)\s*,\s*'
                     + KV, line)
        if m and exists(m.group(6), '', version):
            t['fixed'].append(tuple(int(m.group(i), 0) for i in range(1, 6)))
    return t


def fmt(row):
    return ', '.join(f'{x:#06x}' if isinstance(x, int) else x for x in row)


def diff(kernel, ours, label):
    """Ordered comparison; the ids lists compare as sets (their order is not a rule)."""
    bad = 0
    for what in ('acs', 'ops', 'ids', 'alias', 'fixed'):
        k, o = kernel[what], ours[what]
        if what == 'ids':
            k, o = expand_ids(k), expand_ids(o)
        elif what == 'alias':
            k, o = sorted(k), sorted(o)     # every matching fixup runs: order is no rule
        if k == o:
            print(f'{label}: {what}: {len(k)} rows, same')
            continue
        bad += 1
        print(f'{label}: {what}: kernel {len(k)} rows, ours {len(o)}: DIFFER')
        import difflib
        for line in difflib.unified_diff([fmt(r) for r in k], [fmt(r) for r in o],
                                         'kernel', 'ours', lineterm='', n=1):
            print('   ' + line)
    return bad


def first_seen(specs, ids):
    versions = []
    for spec in specs:
        ver, path = spec.split('=', 1)
        versions.append((ver, kernel_tables(open(path, errors='replace').read(), ids)))
    last = versions[-1][1]
    for what in ('acs', 'ops', 'ids', 'alias', 'fixed'):
        print(f'# {what}')
        for row in last[what]:
            seen = next(v for v, t in versions if row in t[what])
            gone = [v for v, t in versions if row not in t[what] and
                    versions.index((v, t)) > [x[0] for x in versions].index(seen)]
            extra = f'  (missing in {", ".join(gone)})' if gone else ''
            print(f'{seen:>10}  {fmt(row)}{extra}')
        # rows that were dropped on the way
        for v, t in versions[:-1]:
            for row in t[what]:
                if row not in last[what]:
                    print(f'{"dropped":>10}  {fmt(row)} (in {v})')


def elf_sections(data):
    shoff, = struct.unpack_from('<Q', data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from('<HHH', data, 0x3a)
    secs = [struct.unpack_from('<IIQQQQIIQQ', data, shoff + i * shentsize) for i in range(shnum)]
    names = secs[shstrndx][4]
    out = {}
    for sh in secs:
        o = names + sh[0]
        out[data[o:data.index(b'\0', o)].decode()] = sh
    return out


def vmlinux_check(path, version):
    data = open(path, 'rb').read()
    elf = data[:4] == b'\x7fELF' and data[4] == 2 and struct.unpack_from('<H', data, 0x12)[0] == 62
    # an arm64 Image is no ELF: its ACS table is there, its fixups not findable
    image = data[0x38:0x3c] == b'ARM\x64'
    if not elf and not image:
        raise SystemExit('quirk-table: --vmlinux takes an x86-64 ELF vmlinux or an arm64 Image '
                         '(decompress the vmlinuz first)')
    ours = our_tables(version)
    label = f'{os.path.basename(path)} ({".".join(str(x) for x in version)})'
    bad = 0
    # pci_dev_acs_enabled[]
    first = struct.pack('<HH', 0x1002, 0x4385)
    i = data.find(first)
    while i >= 0 and data[i + 16:i + 20] != struct.pack('<HH', 0x1002, 0x439c):
        i = data.find(first, i + 1)
    if i < 0:
        raise SystemExit('quirk-table: pci_dev_acs_enabled[] not found')
    rows = []
    while True:
        v, d, _, hook = struct.unpack_from('<HHIQ', data, i)
        if not hook and (elf or not (v or d)):
            break
        rows.append((v, d, hook))
        i += 16
    # arm64 kernels relocated at boot keep their pointers 0 in the Image
    if not any(h for _, _, h in rows):
        rows = [(v, d, None) for v, d, _ in rows]
    names, hooks = {}, {}
    for (v, d, hook), row in zip(rows, ours['acs']):
        if hook is None:
            continue
        names.setdefault(hook, set()).add(row[2])
        hooks.setdefault(row[2], set()).add(hook)
    got = [(v, d) for v, d, _ in rows]
    want = [(v, d) for v, d, _ in ours['acs']]
    mixed = [n for n in list(names.values()) + list(hooks.values()) if len(n) > 1]
    if got != want or mixed:
        bad += 1
        print(f'{label}: acs: kernel {len(got)} rows, ours {len(want)}: DIFFER')
        import difflib
        for line in difflib.unified_diff([fmt(r) for r in got], [fmt(r) for r in want],
                                         'kernel', 'ours', lineterm='', n=1):
            print('   ' + line)
        for n in mixed:
            print('   one function pointer for several quirks, or the reverse:', sorted(map(str, n)))
    else:
        print(f'{label}: acs: {len(got)} rows, same' +
              (f' (and {len(hooks)} functions)' if hooks else ' (function pointers not in the image)'))
    if not elf:
        print(f'{label}: alias: not checked (no section headers in an Image)')
        return 1 if bad else 0
    # the alias fixups
    sh = elf_sections(data).get('.pci_fixup')
    if not sh:
        raise SystemExit('quirk-table: no .pci_fixup section')
    entries = []
    for o in range(sh[4], sh[4] + sh[5], 16):
        v, d, cls, shift, off = struct.unpack_from('<HHIIi', data, o)
        entries.append((v, d, 0 if cls == 0xffffffff else cls, sh[3] + (o - sh[4]) + 12 + off))
    by_hook = {}
    for v, d, c, h in ours['alias']:
        by_hook.setdefault(h, set()).add((v, d, c))
    seen = set()
    for h, want in sorted(by_hook.items()):
        count = {}
        for v, d, c, t in entries:
            if (v, d, c) in want:
                count[t] = count.get(t, 0) + 1
        target = max(count, key=count.get) if count else None
        got = {(v, d, c) for v, d, c, t in entries if t == target}
        seen.add(target)
        if got != want:
            bad += 1
            print(f'{label}: alias {h}: kernel {len(got)} rows, ours {len(want)}: DIFFER')
            for r in sorted(got - want):
                print('   kernel only: ' + fmt(r))
            for r in sorted(want - got):
                print('   ours only:   ' + fmt(r))
        else:
            print(f'{label}: alias {h}: {len(got)} rows, same')
    return 1 if bad else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--git', help='a Linux git directory')
    ap.add_argument('--tag', help='a tag or commit in it (e.g. v6.12)')
    ap.add_argument('--file', help='a drivers/pci/quirks.c')
    ap.add_argument('--ids', help='include/linux/pci_ids.h (with --file)')
    ap.add_argument('--version', help='MAJOR.MINOR the rows are filtered by (with --file)')
    ap.add_argument('--dump', action='store_true', help="print the kernel's rows only")
    ap.add_argument('--first-seen', nargs='+', metavar='VER=FILE')
    ap.add_argument('--vmlinux', help='an x86-64 vmlinux (with --version MAJOR.MINOR.SUB)')
    a = ap.parse_args()

    if a.vmlinux:
        return vmlinux_check(a.vmlinux, tuple(int(x) for x in a.version.split('.')[:3]))

    if a.git:
        code = git_show(a.git, a.tag, 'drivers/pci/quirks.c')
        ids = parse_ids(git_show(a.git, a.tag, 'include/linux/pci_ids.h'))
        version = git_version(a.git, a.tag)
        label = a.tag
    else:
        ids = parse_ids(open(a.ids).read()) if a.ids else dict(FALLBACK_IDS)
        if a.first_seen:
            first_seen(a.first_seen, ids)
            return 0
        code = open(a.file, errors='replace').read()
        version = tuple(int(x) for x in a.version.split('.')[:3])
        label = os.path.basename(a.file)
    kernel = kernel_tables(code, ids)
    if a.dump:
        for what, rows in kernel.items():
            print(f'# {what}: {len(rows)}')
            for r in rows:
                print('  ' + fmt(r))
        return 0
    shown = '.'.join(str(x) for x in version)
    return 1 if diff(kernel, our_tables(version), f'{label} ({shown})') else 0


if __name__ == '__main__':
    sys.exit(main())
