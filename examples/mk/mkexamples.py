#!/usr/bin/env python3
"""Regenerate the example sysfs snapshots under examples/.

    python3 examples/mk/mkexamples.py [--corpus DIR] [EXAMPLES_DIR]

Python 3 standard library only. For each of intel-laptop, intel-server and
amd-desktop it deletes and rewrites the `sys/` tree (the README.md files
are hand-written and left alone). What it writes:

- the PCI devices (sys/devices/pci0000:00/..., nested under their bridges),
  with class/vendor/device, a config space as root reads it (header
  fields, a capability list with the PCI Express capability of the
  function's type, and for PCI Express functions and host bridges the 4096
  bytes with the extended capabilities, ACS where the hardware has it; see
  "Config space" below) and the iommu_group / iommu links;
- sys/bus/pci/devices/* and sys/kernel/iommu_groups/N/{type,devices/,
  reserved_regions};
- the firmware table: the real corpus bytes for intel-laptop (DMAR) and
  amd-desktop (IVRS), checked against a SHA-256 below and taken from the
  snapshot itself when the corpus is absent; for intel-server a synthetic
  HP-style DMAR built here (the corpus has no HP table, see its README);
- sys/firmware/memmap (an e820 map) and sys/class/iommu -> devices/virtual/iommu.

The regions each device gets are declared BY HAND in the machine tables
below (which RMRR/IVMD names which device, as derived in each README), not
computed from the firmware table: `verify.py` recomputes them independently
from the table bytes and the config space, so the two must agree. The
group's reserved_regions is then built with a literal re-implementation of
the kernel's iommu_insert_resv_region() (drivers/iommu/iommu.c, v5.4+).
"""

import hashlib
import os
import shutil
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_CORPUS = "/work/shared/corpus"

DIRECT, RELAXABLE, RESERVED, MSI = 0, 1, 2, 3
TYPE_NAMES = {DIRECT: "direct", RELAXABLE: "direct-relaxable",
              RESERVED: "reserved", MSI: "msi"}

MSI_WINDOW = (0xFEE00000, 0xFEEFFFFF, MSI)            # x86 IOAPIC/MSI window
HT_HOLE = (0xFD00000000, 0xFFFFFFFFFF, RESERVED)      # AMD HyperTransport hole


# ---------------------------------------------------------------------------
# The kernel's merge (drivers/iommu/iommu.c iommu_insert_resv_region, v5.4+)

def kernel_insert(regions, new):
    """Insert new = [start, last, type] the way the kernel does."""
    start, last, rtype = new
    pos = len(regions)
    for i, (s, _l, t) in enumerate(regions):
        if start < s or (start == s and rtype <= t):
            pos = i
            break
    regions.insert(pos, [start, last, rtype])
    stack = []
    for reg in regions:
        if reg[2] != rtype:
            stack.append(reg)
            continue
        top = None
        for cand in reversed(stack):
            if cand[2] == rtype:
                top = cand
                break
        # Overflow-free on purpose: no region here ends at 2^64-1.
        if top is None or reg[0] > top[1] + 1:
            stack.append(reg)
        else:
            top[1] = max(top[1], reg[1])
    regions[:] = stack


def sysfs_text(regions):
    return "".join("0x%016x 0x%016x %s\n" % (s, l, TYPE_NAMES[t]) for s, l, t in regions)


# ---------------------------------------------------------------------------
# Synthetic HP ProLiant-style DMAR for intel-server

def _scope(stype, bus, path, enum_id=0):
    body = b"".join(struct.pack("<BB", d, f) for d, f in path)
    return struct.pack("<BBBBBB", stype, 6 + len(body), 0, 0, enum_id, bus) + body


def _ep(path, bus=0):
    return _scope(1, bus, path)


def _br(path, bus=0):
    return _scope(2, bus, path)


ILO = [[(0x1C, 7), (0, f)] for f in (0, 1, 2, 4)]   # 01:00.0/.1/.2/.4 behind 00:1c.7

SERVER_RMRRS = [
    # (base, end, [scope bytes]); table order = "RMRR #n" (0-based) in the README
    (0x000E8000, 0x000E8FFF, [_ep([(0x1C, 7), (0, 0)]), _ep([(0x1C, 7), (0, 2)]),
                              _ep([(0x1C, 7), (0, 1)])]),
    (0x000F4000, 0x000F4FFF, [_ep([(0x1D, 0)]), _ep([(0x1A, 0)]),
                              _ep([(0x1C, 7), (0, 4)]), _ep([(0x1C, 7), (0, 0)]),
                              _ep([(0x1C, 7), (0, 2)])]),
    (0xBDDDE000, 0xBDDDEFFF, [_ep([(0x01, 0), (0, 0)])]
     + [_ep([(0x02, 0), (0, f)]) for f in range(4)]
     + [_ep([(0x02, 2), (0, 0)])]),                     # 00:02.2 does not exist
    (0xBDF6E000, 0xBDF6EFFF, [_ep(p) for p in ILO] + [_ep([(0x1F, 0)])]),
    (0xBDF6F000, 0xBDF7EFFF, [_ep(p) for p in ILO] + [_ep([(0x1F, 0)])]),
    (0xBDF7F000, 0xBDF82FFF, [_ep(p) for p in ILO] + [_ep([(0x1F, 0)])]),
    (0xBDF83000, 0xBDF84FFF, [_ep(p) for p in ILO] + [_ep([(0x1F, 0)])]),
    (0xBDFF6000, 0xBDFFCFFF, [_ep([(0x03, 0), (0, 0), (1, 0), (0, 0)]),
                              _ep([(0x03, 0), (0, 0), (1, 0), (0, 1)])]),
    (0xBDFFD000, 0xBDFFFFFF, [_br([(0x03, 0), (0, 0)])]),
]


def build_server_dmar():
    subs = []
    # DRHD: INCLUDE_PCI_ALL, segment 0, IIO IOAPIC 00:05.4, PCH IOAPIC and HPET.
    scopes = (_scope(3, 0x00, [(0x05, 4)], enum_id=8)
              + _scope(3, 0xF0, [(0x1F, 0)], enum_id=0)
              + _scope(4, 0xF0, [(0x0F, 0)], enum_id=0))
    subs.append(struct.pack("<HHBBHQ", 0, 16 + len(scopes), 0x01, 0, 0, 0xFBFFE000) + scopes)
    for base, end, sc in SERVER_RMRRS:
        body = b"".join(sc)
        subs.append(struct.pack("<HHHHQQ", 1, 24 + len(body), 0, 0, base, end) + body)
    # ATSR: the three IIO root ports.
    body = _br([(1, 0)]) + _br([(2, 0)]) + _br([(3, 0)])
    subs.append(struct.pack("<HHBBH", 2, 8 + len(body), 0, 0, 0) + body)
    # RHSA: the unit sits in proximity domain 0.
    subs.append(struct.pack("<HHIQI", 3, 20, 0, 0xFBFFE000, 0))
    payload = b"".join(subs)
    length = 48 + len(payload)
    hdr = struct.pack("<4sIBB6s8sI4sI", b"DMAR", length, 1, 0, b"HP    ",
                      b"ProLiant", 1, b"HP  ", 1)
    hdr += struct.pack("<BB10s", 0x2D, 0x01, b"\0" * 10)   # 46-bit HAW, INTR_REMAP
    table = bytearray(hdr + payload)
    table[9] = (-sum(table)) & 0xFF
    assert sum(table) & 0xFF == 0 and len(table) == length
    return bytes(table)


# ---------------------------------------------------------------------------
# Machine descriptions
#
# Device tuple: (bdf, vendor, device, class, revision, kind, extra)
#   kind: "ep" endpoint or "br" bridge; extra for bridges: (secondary, subordinate)
#   multifunction bit: set for every function of a slot with more than one function.
# Groups: list of (type, [bdf, ...]); group number = list index.
# regions: bdf -> list of (start, last, type, why); msi (and the HT hole on AMD)
#   are added to every device automatically.

INTEL_LAPTOP = {
    "name": "intel-laptop",
    "table": ("DMAR", "linuxhw-ACPI/282408B7FDEC/DMAR.dat",
              "824ee6995328a663f30166490cfee32f0a5e53fcdcb48f9ca8ad1a6a97c7ec4c"),
    "arch": "intel",
    "devices": [
        ("00:00.0", 0x8086, 0x9B61, 0x060000, 0x0C, "ep", None),
        ("00:02.0", 0x8086, 0x9B41, 0x030000, 0x02, "ep", None),
        ("00:04.0", 0x8086, 0x1903, 0x118000, 0x0C, "ep", None),
        ("00:08.0", 0x8086, 0x1911, 0x088000, 0x00, "ep", None),
        ("00:12.0", 0x8086, 0x02F9, 0x118000, 0x00, "ep", None),
        ("00:14.0", 0x8086, 0x02ED, 0x0C0330, 0x00, "ep", None),
        ("00:14.2", 0x8086, 0x02EF, 0x050000, 0x00, "ep", None),
        ("00:14.3", 0x8086, 0x02F0, 0x028000, 0x00, "ep", None),
        ("00:15.0", 0x8086, 0x02E8, 0x0C8000, 0x00, "ep", None),
        ("00:15.1", 0x8086, 0x02E9, 0x0C8000, 0x00, "ep", None),
        ("00:16.0", 0x8086, 0x02E0, 0x078000, 0x00, "ep", None),
        ("00:16.3", 0x8086, 0x02E3, 0x070002, 0x00, "ep", None),
        ("00:1d.0", 0x8086, 0x02B0, 0x060400, 0xF0, "br", (0x03, 0x03)),
        ("00:1d.4", 0x8086, 0x02B4, 0x060400, 0xF0, "br", (0x04, 0x04)),
        ("00:1f.0", 0x8086, 0x0284, 0x060100, 0x00, "ep", None),
        ("00:1f.3", 0x8086, 0x02C8, 0x040380, 0x00, "ep", None),
        ("00:1f.4", 0x8086, 0x02A3, 0x0C0500, 0x00, "ep", None),
        ("00:1f.5", 0x8086, 0x02A4, 0x0C8000, 0x00, "ep", None),
        ("00:1f.6", 0x8086, 0x0D4E, 0x020000, 0x00, "ep", None),
        ("03:00.0", 0x1179, 0x011A, 0x010802, 0x00, "ep", None),
    ],
    "groups": [
        ("DMA", ["00:00.0"]),
        ("DMA", ["00:02.0"]),
        ("DMA", ["00:04.0"]),
        ("DMA", ["00:08.0"]),
        ("DMA", ["00:12.0"]),
        ("DMA", ["00:14.0", "00:14.2"]),
        ("DMA", ["00:15.0", "00:15.1"]),
        ("DMA", ["00:16.0", "00:16.3"]),
        ("DMA", ["00:1d.0"]),
        ("DMA", ["00:1d.4"]),
        ("DMA", ["00:1f.0", "00:1f.3", "00:1f.4", "00:1f.5", "00:1f.6"]),
        ("DMA", ["03:00.0"]),
        # The CNVi Wi-Fi is an Intel RCiEP: pci_quirk_rciep_acs isolates it
        # from 14.0/14.2 (numbered last so that the older numbers stay).
        ("DMA", ["00:14.3"]),
    ],
    # Config space per function (see config_space): conventional PCH
    # functions (no PCI Express capability, as on real Comet Lake-U: xHCI,
    # SRAM, serial IO, MEI, LPC, HDA, SMBus, SPI, I219 MAC), the RCiEPs
    # (iGPU, CNVi), the PCH root ports with a standard ACS capability (Cannon
    # Point and later; not in either Intel PCH quirk's ID list) and the NVMe.
    "caps": {
        "00:00.0": "none", "00:02.0": "rciep", "00:04.0": "conv", "00:08.0": "conv",
        "00:12.0": "conv", "00:14.0": "conv", "00:14.2": "conv", "00:14.3": "rciep",
        "00:15.0": "conv", "00:15.1": "conv", "00:16.0": "conv", "00:16.3": "conv",
        "00:1d.0": "rp+acs", "00:1d.4": "rp+acs", "00:1f.0": "none", "00:1f.3": "conv",
        "00:1f.4": "none", "00:1f.5": "none", "00:1f.6": "conv", "03:00.0": "ep",
    },
    "regions": {
        # RMRR #0 @0x68 scope 00:14.0 (xHCI, class 0x0c03 -> relaxable)
        "00:14.0": [(0x6E6CF000, 0x6E6EEFFF, RELAXABLE)],
        # RMRR #1 @0x88 scope 00:02.0 (VGA, class 0x03 -> relaxable)
        "00:02.0": [(0x79000000, 0x7D7FFFFF, RELAXABLE)],
        # FLOPPY_WA: ISA bridge (class 0x0601)
        "00:1f.0": [(0x0, 0xFFFFFF, RELAXABLE)],
        # RMRR #2 @0xa8 names 00:16.7, which does not exist: nobody gets it.
    },
    "units": {
        "dmar0": {"address": "fed90000", "cap": "1c0000c40660462",
                  "ecap": "19e2ff0505e", "version": "1:0"},
        "dmar1": {"address": "fed91000", "cap": "d2008c40660462",
                  "ecap": "f050da", "version": "1:0"},
    },
    "unit_of": lambda bdf: "dmar0" if bdf == "00:02.0" else "dmar1",
    "memmap": [
        (0x0, 0x9EFFF, "System RAM"),
        (0x9F000, 0xFFFFF, "Reserved"),
        (0x100000, 0x6DB86FFF, "System RAM"),
        (0x6DB87000, 0x6E7A6FFF, "Reserved"),
        (0x6E7A7000, 0x6EC91FFF, "ACPI Non-volatile Storage"),
        (0x6EC92000, 0x6ED09FFF, "ACPI Tables"),
        (0x6ED0A000, 0x6F7FFFFF, "System RAM"),
        (0x6F800000, 0x7D7FFFFF, "Reserved"),
        (0xC0000000, 0xCFFFFFFF, "Reserved"),
        (0xFE000000, 0xFE010FFF, "Reserved"),
        (0xFEC00000, 0xFEC00FFF, "Reserved"),
        (0xFED00000, 0xFED00FFF, "Reserved"),
        (0xFED10000, 0xFED19FFF, "Reserved"),
        (0xFED84000, 0xFED84FFF, "Reserved"),
        (0xFEE00000, 0xFEE00FFF, "Reserved"),
        (0xFF600000, 0xFFFFFFFF, "Reserved"),
        (0x100000000, 0x47E7FFFFF, "System RAM"),
    ],
}

ILO_BDFS = ["01:00.0", "01:00.1", "01:00.2", "01:00.4"]
HP_LPC = [(0xBDF6E000, 0xBDF6EFFF), (0xBDF6F000, 0xBDF7EFFF),
          (0xBDF7F000, 0xBDF82FFF), (0xBDF83000, 0xBDF84FFF)]   # RMRR #3..#6


def _server_regions():
    r = {}

    def add(bdf, start, last, t):
        r.setdefault(bdf, []).append((start, last, t))
    # RMRR #0 0xe8000: iLO 01:00.0, 01:00.2 (class 0x0880 -> direct), 01:00.1 (VGA -> relaxable)
    add("01:00.0", 0xE8000, 0xE8FFF, DIRECT)
    add("01:00.2", 0xE8000, 0xE8FFF, DIRECT)
    add("01:00.1", 0xE8000, 0xE8FFF, RELAXABLE)
    # RMRR #1 0xf4000: EHCI 00:1d.0, 00:1a.0 and iLO USB 01:00.4 (USB -> relaxable); 01:00.0/.2 direct
    add("00:1d.0", 0xF4000, 0xF4FFF, RELAXABLE)
    add("00:1a.0", 0xF4000, 0xF4FFF, RELAXABLE)
    add("01:00.4", 0xF4000, 0xF4FFF, RELAXABLE)
    add("01:00.0", 0xF4000, 0xF4FFF, DIRECT)
    add("01:00.2", 0xF4000, 0xF4FFF, DIRECT)
    # RMRR #2 0xbddde000: Smart Array 02:00.0 and the four BCM5719 functions (direct)
    for bdf in ["02:00.0", "03:00.0", "03:00.1", "03:00.2", "03:00.3"]:
        add(bdf, 0xBDDDE000, 0xBDDDEFFF, DIRECT)
    # RMRR #3..#6: iLO (per class) and the LPC bridge 00:1f.0 (direct)
    for s, l in HP_LPC:
        for bdf in ILO_BDFS:
            add(bdf, s, l, RELAXABLE if bdf in ("01:00.1", "01:00.4") else DIRECT)
        add("00:1f.0", s, l, DIRECT)
    # RMRR #7: the two 82599 functions behind the switch (4-step paths), direct
    for bdf in ["06:00.0", "06:00.1"]:
        add(bdf, 0xBDFF6000, 0xBDFFCFFF, DIRECT)
    # RMRR #8: bridge scope on the switch upstream port 04:00.0 -> itself and buses 05..07
    for bdf in ["04:00.0", "05:01.0", "05:02.0", "06:00.0", "06:00.1"]:
        add(bdf, 0xBDFFD000, 0xBDFFFFFF, DIRECT)
    add("07:00.0", 0xBDFFD000, 0xBDFFFFFF, RELAXABLE)     # xHCI card: relaxable
    # FLOPPY_WA: ISA bridge 00:1f.0
    add("00:1f.0", 0x0, 0xFFFFFF, RELAXABLE)
    return r


INTEL_SERVER = {
    "name": "intel-server",
    "table": ("DMAR", None, None),          # synthetic, built above
    "arch": "intel",
    "devices": [
        ("00:00.0", 0x8086, 0x3C00, 0x060000, 0x07, "ep", None),
        ("00:01.0", 0x8086, 0x3C02, 0x060400, 0x07, "br", (0x02, 0x02)),
        ("00:02.0", 0x8086, 0x3C04, 0x060400, 0x07, "br", (0x03, 0x03)),
        ("00:03.0", 0x8086, 0x3C08, 0x060400, 0x07, "br", (0x04, 0x07)),
        ("00:05.0", 0x8086, 0x3C28, 0x088000, 0x07, "ep", None),
        ("00:05.2", 0x8086, 0x3C2A, 0x088000, 0x07, "ep", None),
        ("00:05.4", 0x8086, 0x3C2C, 0x080020, 0x07, "ep", None),
        ("00:16.0", 0x8086, 0x1D3A, 0x078000, 0x05, "ep", None),
        ("00:1a.0", 0x8086, 0x1D2D, 0x0C0320, 0x05, "ep", None),
        ("00:1c.7", 0x8086, 0x1D1E, 0x060400, 0xB5, "br", (0x01, 0x01)),
        ("00:1d.0", 0x8086, 0x1D26, 0x0C0320, 0x05, "ep", None),
        ("00:1f.0", 0x8086, 0x1D41, 0x060100, 0x05, "ep", None),
        ("00:1f.2", 0x8086, 0x1D02, 0x010601, 0x05, "ep", None),
        ("01:00.0", 0x103C, 0x3306, 0x088000, 0x05, "ep", None),
        ("01:00.1", 0x102B, 0x0533, 0x030000, 0x00, "ep", None),
        ("01:00.2", 0x103C, 0x3307, 0x088000, 0x05, "ep", None),
        ("01:00.4", 0x103C, 0x3300, 0x0C0300, 0x02, "ep", None),
        ("02:00.0", 0x103C, 0x323B, 0x010400, 0x01, "ep", None),
        ("03:00.0", 0x14E4, 0x1657, 0x020000, 0x01, "ep", None),
        ("03:00.1", 0x14E4, 0x1657, 0x020000, 0x01, "ep", None),
        ("03:00.2", 0x14E4, 0x1657, 0x020000, 0x01, "ep", None),
        ("03:00.3", 0x14E4, 0x1657, 0x020000, 0x01, "ep", None),
        ("04:00.0", 0x10B5, 0x8724, 0x060400, 0xCA, "br", (0x05, 0x07)),
        ("05:01.0", 0x10B5, 0x8724, 0x060400, 0xCA, "br", (0x06, 0x06)),
        ("05:02.0", 0x10B5, 0x8724, 0x060400, 0xCA, "br", (0x07, 0x07)),
        ("06:00.0", 0x8086, 0x10FB, 0x020000, 0x01, "ep", None),
        ("06:00.1", 0x8086, 0x10FB, 0x020000, 0x01, "ep", None),
        ("07:00.0", 0x1912, 0x0015, 0x0C0330, 0x02, "ep", None),
    ],
    "groups": [
        ("DMA-FQ", ["00:00.0"]),
        ("DMA-FQ", ["00:01.0"]),
        ("DMA-FQ", ["00:02.0"]),
        ("DMA-FQ", ["00:03.0"]),
        ("DMA-FQ", ["00:05.0"]),
        ("DMA-FQ", ["00:16.0"]),
        ("DMA-FQ", ["00:1a.0"]),
        ("DMA-FQ", ["00:1c.7"]),
        ("DMA-FQ", ["00:1d.0"]),
        ("DMA-FQ", ["00:1f.0", "00:1f.2"]),
        ("DMA-FQ", ["02:00.0"]),
        ("DMA-FQ", ["03:00.0", "03:00.1", "03:00.2", "03:00.3"]),
        ("DMA-FQ", ["04:00.0"]),
        ("DMA-FQ", ["05:01.0"]),
        ("DMA-FQ", ["05:02.0"]),
        ("DMA-FQ", ["06:00.0"]),
        ("DMA-FQ", ["06:00.1"]),
        ("DMA-FQ", ["07:00.0"]),
        ("DMA-FQ", ["01:00.0", "01:00.1", "01:00.2", "01:00.4"]),
        # The IIO functions 00:05.x are Intel RCiEPs, each isolated by
        # pci_quirk_rciep_acs (numbered last so that the older numbers stay).
        ("DMA-FQ", ["00:05.2"]),
        ("DMA-FQ", ["00:05.4"]),
    ],
    # Sandy Bridge-EP IIO: the DMI2 port 00:00.0 (a root port in a type 0
    # header), root ports with ACS, RCiEPs at 00:05.x; Patsburg PCH:
    # conventional MEI/EHCI/LPC/SATA, the root port 00:1c.7 without ACS
    # (pci_quirk_intel_pch_acs, through the LPC's RCBA); PCIe endpoints,
    # a PLX switch with ACS on its downstream ports.
    "caps": {
        "00:00.0": "rp", "00:01.0": "rp+acs", "00:02.0": "rp+acs", "00:03.0": "rp+acs",
        "00:05.0": "rciep", "00:05.2": "rciep", "00:05.4": "rciep", "00:16.0": "conv",
        "00:1a.0": "conv", "00:1c.7": "rp", "00:1d.0": "conv", "00:1f.0": "lpc-rcba",
        "00:1f.2": "conv", "01:00.0": "ep", "01:00.1": "ep", "01:00.2": "ep",
        "01:00.4": "ep", "02:00.0": "ep", "03:00.0": "ep", "03:00.1": "ep",
        "03:00.2": "ep", "03:00.3": "ep", "04:00.0": "up", "05:01.0": "dp+acs",
        "05:02.0": "dp+acs", "06:00.0": "ep", "06:00.1": "ep", "07:00.0": "ep",
    },
    "regions": _server_regions(),
    "units": {
        "dmar0": {"address": "fbffe000", "cap": "d2078c106f0466",
                  "ecap": "f020de", "version": "1:0"},
    },
    "unit_of": lambda bdf: "dmar0",
    "memmap": [
        (0x0, 0x9BFFF, "System RAM"),
        (0x9C000, 0x9FFFF, "Reserved"),
        (0xE0000, 0xFFFFF, "Reserved"),
        (0x100000, 0xBDDABFFF, "System RAM"),
        (0xBDDAC000, 0xBDFFFFFF, "Reserved"),
        (0xE0000000, 0xEFFFFFFF, "Reserved"),
        (0xFEC00000, 0xFEE0FFFF, "Reserved"),
        (0xFF800000, 0xFFFFFFFF, "Reserved"),
        (0x100000000, 0x83FFFFFFF, "System RAM"),
    ],
}

AMD_DESKTOP = {
    "name": "amd-desktop",
    "table": ("IVRS", "linuxhw-ACPI/405067A82A69/IVRS.dat",
              "4df2423166d15cb369385ed00d04b60c5574b12428c3fd871fc52008248fba66"),
    "arch": "amd",
    "devices": [
        ("00:01.0", 0x1022, 0x14B7, 0x060000, 0x00, "ep", None),
        ("00:02.0", 0x1022, 0x14B7, 0x060000, 0x00, "ep", None),
        ("00:02.1", 0x1022, 0x14BA, 0x060400, 0x00, "br", (0x01, 0x01)),
        ("00:02.2", 0x1022, 0x14BA, 0x060400, 0x00, "br", (0x02, 0x02)),
        ("00:02.4", 0x1022, 0x14BA, 0x060400, 0x00, "br", (0x03, 0x03)),
        ("00:08.0", 0x1022, 0x14B7, 0x060000, 0x00, "ep", None),
        ("00:08.1", 0x1022, 0x14B9, 0x060400, 0x10, "br", (0x04, 0x04)),
        ("00:14.0", 0x1022, 0x790B, 0x0C0500, 0x71, "ep", None),
        ("00:14.3", 0x1022, 0x790E, 0x060100, 0x51, "ep", None),
        ("00:18.0", 0x1022, 0x1679, 0x060000, 0x00, "ep", None),
        ("00:18.1", 0x1022, 0x167A, 0x060000, 0x00, "ep", None),
        ("00:18.2", 0x1022, 0x167B, 0x060000, 0x00, "ep", None),
        ("00:18.3", 0x1022, 0x167C, 0x060000, 0x00, "ep", None),
        ("00:18.4", 0x1022, 0x167D, 0x060000, 0x00, "ep", None),
        ("00:18.5", 0x1022, 0x167E, 0x060000, 0x00, "ep", None),
        ("00:18.6", 0x1022, 0x167F, 0x060000, 0x00, "ep", None),
        ("00:18.7", 0x1022, 0x1680, 0x060000, 0x00, "ep", None),
        ("01:00.0", 0x10EC, 0x8168, 0x020000, 0x0E, "ep", None),
        ("02:00.0", 0x17CB, 0x1103, 0x028000, 0x01, "ep", None),
        ("03:00.0", 0x144D, 0xA80A, 0x010802, 0x00, "ep", None),
        ("04:00.0", 0x1002, 0x1681, 0x030000, 0xC1, "ep", None),
        ("04:00.1", 0x1002, 0x1640, 0x040300, 0x00, "ep", None),
        ("04:00.2", 0x1022, 0x1649, 0x108000, 0x00, "ep", None),
        ("04:00.3", 0x1022, 0x161D, 0x0C0330, 0x00, "ep", None),
        ("04:00.4", 0x1022, 0x161E, 0x0C0330, 0x00, "ep", None),
        ("04:00.5", 0x1022, 0x15E2, 0x048000, 0x60, "ep", None),
        ("04:00.6", 0x1022, 0x15E3, 0x040300, 0x00, "ep", None),
        ("04:00.7", 0x1022, 0x15E4, 0x118000, 0x00, "ep", None),
    ],
    "groups": [
        ("DMA-FQ", ["00:01.0"]),
        ("DMA-FQ", ["00:02.0"]),
        ("DMA-FQ", ["00:02.1"]),
        ("DMA-FQ", ["00:02.2"]),
        ("DMA-FQ", ["00:02.4"]),
        ("DMA-FQ", ["00:08.0"]),
        ("DMA-FQ", ["00:08.1"]),
        ("DMA-FQ", ["00:14.0", "00:14.3"]),
        ("DMA-FQ", ["00:18.%d" % f for f in range(8)]),
        ("DMA-FQ", ["01:00.0"]),
        ("DMA-FQ", ["02:00.0"]),
        ("DMA-FQ", ["03:00.0"]),
        ("identity", ["04:00.0"]),
        ("DMA-FQ", ["04:00.%d" % f for f in range(1, 8)]),
    ],
    # Root-complex dummy host bridges and data fabric without capabilities
    # (4096 bytes: host bridges), GPP bridges (root ports) with ACS,
    # conventional FCH SMBus/LPC, PCIe endpoints; the GPU has an ACS
    # capability (RR, CR), its sibling functions have none.
    "caps": dict([("00:01.0", "none"), ("00:02.0", "none"), ("00:02.1", "rp+acs"),
                  ("00:02.2", "rp+acs"), ("00:02.4", "rp+acs"), ("00:08.0", "none"),
                  ("00:08.1", "rp+acs"), ("00:14.0", "none"), ("00:14.3", "none"),
                  ("01:00.0", "ep"), ("02:00.0", "ep"), ("03:00.0", "ep"),
                  ("04:00.0", "ep+acs")]
                 + [("00:18.%d" % f, "none") for f in range(8)]
                 + [("04:00.%d" % f, "ep") for f in range(1, 8)]),
    "regions": {
        # IVMD type 0x21 @0xd0, devid 0x0100 = 01:00.0, exclusion flag only
        # (v5.6+: read/write unity map, type direct); 0xc9f42000 + 0x26000 - 1
        "01:00.0": [(0xC9F42000, 0xC9F67FFF, DIRECT)],
    },
    "units": {
        "ivhd0": {"cap": "190b640f", "features": "206d73ef22254ade"},
    },
    "unit_of": lambda bdf: "ivhd0",
    "memmap": [
        (0x0, 0x9FFFF, "System RAM"),
        (0xA0000, 0xFFFFF, "Reserved"),
        (0x100000, 0x9AFFFFF, "System RAM"),
        (0x9B00000, 0x9DFFFFF, "Reserved"),
        (0x9E00000, 0x9EFFFFF, "System RAM"),
        (0x9F00000, 0x9F0FFFF, "ACPI Non-volatile Storage"),
        (0x9F10000, 0xC9B5DFFF, "System RAM"),
        (0xC9B5E000, 0xCC5FDFFF, "Reserved"),
        (0xCC5FE000, 0xCE5FDFFF, "ACPI Non-volatile Storage"),
        (0xCE5FE000, 0xCE6FDFFF, "ACPI Tables"),
        (0xCE6FE000, 0xCF7FFFFF, "System RAM"),
        (0xCF800000, 0xDFFFFFFF, "Reserved"),
        (0xF0000000, 0xF7FFFFFF, "Reserved"),
        (0xFD000000, 0xFFFFFFFF, "Reserved"),
        (0x100000000, 0x40E2FFFFF, "System RAM"),
    ],
}

MACHINES = [INTEL_LAPTOP, INTEL_SERVER, AMD_DESKTOP]


# ---------------------------------------------------------------------------
# Writers

def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    mode = "wb" if isinstance(data, bytes) else "w"
    with open(path, mode) as f:
        f.write(data)


def link(path, target):
    """Relative symlink path -> target (both absolute), target must exist later."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    os.symlink(os.path.relpath(target, os.path.dirname(path)), path)


def bdf_bus(bdf):
    return int(bdf[:2], 16)


def bdf_devfn(bdf):
    return int(bdf[3:5], 16), int(bdf[6], 16)


# ---------------------------------------------------------------------------
# Config space
#
# What `cat config` as root gives after boot (drivers/pci/pci-sysfs.c
# pci_read_config: pdev->cfg_size bytes). probe.c pci_cfg_space_size() makes
# that 4096 for PCI Express functions and host bridges (class 0x0600) and
# 256 for conventional functions. Capability kinds ("caps" per machine):
#   none      no capability list (status bit 4 clear)
#   conv      conventional: Power Management and MSI, no PCI Express capability
#   lpc-rcba  conventional Intel LPC with RCBA (0xf0) = 0xfed1c000 | enable:
#             pci_quirk_enable_intel_pch_acs() needs it to isolate PCH root ports
#   ep, rciep, rp, up, dp[+acs]
#             PCI Express capability (v2) of that device/port type (PCIe 6.0
#             §7.5.3.2: endpoint 0, root port 4, upstream 5, downstream 6,
#             RCiEP 9), then AER at 0x100 and, with "+acs", ACS at 0x140.
# ACS Control is what pci_std_enable_acs() left (drivers/pci/pci.c, v5.10+:
# Control |= Capability & (SV | RR | CR | UF)); a snapshot is taken after boot.

PCIE_TYPES = {"ep": 0, "rp": 4, "up": 5, "dp": 6, "pcibr": 7, "rciep": 9}
ACS_SV, ACS_TB, ACS_RR, ACS_CR, ACS_UF = 0x01, 0x02, 0x04, 0x08, 0x10
RCBA = 0xFED1C000


def config_space(dev, multifunction, primary, caps):
    bdf, ven, did, cls, rev, kind, extra = dev
    base, acs = caps.split("+")[0], caps.endswith("+acs")
    express = base in PCIE_TYPES
    size = 4096 if express or (cls >> 8) == 0x0600 else 256
    cfg = bytearray(size)
    struct.pack_into("<HH", cfg, 0, ven, did)
    struct.pack_into("<H", cfg, 4, 0x0007 if kind == "br" else 0x0006)
    cfg[8] = rev
    cfg[9] = cls & 0xFF
    cfg[10] = (cls >> 8) & 0xFF
    cfg[11] = (cls >> 16) & 0xFF
    cfg[14] = (0x01 if kind == "br" else 0x00) | (0x80 if multifunction else 0)
    if kind == "br":
        cfg[0x18] = primary
        cfg[0x19], cfg[0x1A] = extra
    if base == "lpc-rcba":
        struct.pack_into("<I", cfg, 0xF0, RCBA | 1)
    if base in ("none", "lpc-rcba"):
        return bytes(cfg)
    cfg[6] |= 0x10                                  # Status: capability list
    cfg[0x34] = 0x40
    # 0x40 Power Management (ID 1) -> 0x50 MSI (ID 5, 64-bit) [-> 0x60 PCIe]
    struct.pack_into("<BBH", cfg, 0x40, 0x01, 0x50, 0x0003)
    struct.pack_into("<BBH", cfg, 0x50, 0x05, 0x60 if express else 0, 0x0080)
    if not express:
        return bytes(cfg)
    ptype = PCIE_TYPES[base]
    flags = 0x0002 | ptype << 4 | (0x0100 if ptype in (4, 6) else 0)   # v2, slot
    struct.pack_into("<BBH", cfg, 0x60, 0x10, 0x00, flags)
    # 0x100 AER (ID 1, v1) [-> 0x140 ACS (ID 0xd, v1)]
    struct.pack_into("<I", cfg, 0x100, 0x0001 | 1 << 16 | (0x140 if acs else 0) << 20)
    if acs:
        if ptype in (4, 6):
            cap = ACS_SV | ACS_TB | ACS_RR | ACS_CR | ACS_UF
        else:                                       # multifunction endpoint
            cap = ACS_RR | ACS_CR
        ctrl = cap & (ACS_SV | ACS_RR | ACS_CR | ACS_UF)
        struct.pack_into("<IHH", cfg, 0x140, 0x000D | 1 << 16, cap, ctrl)
    return bytes(cfg)


def device_dirs(m, sysdir):
    """bdf -> absolute device directory, nested under bridges."""
    devs = {d[0]: d for d in m["devices"]}
    parent = {}
    for d in m["devices"]:
        if d[5] != "br":
            continue
        sec = d[6][0]
        for o in m["devices"]:
            # direct child: on the secondary bus
            if bdf_bus(o[0]) == sec:
                parent[o[0]] = d[0]
    out = {}

    def path_of(bdf):
        if bdf in out:
            return out[bdf]
        base = parent.get(bdf)
        head = path_of(base) if base else os.path.join(sysdir, "devices", "pci0000:00")
        out[bdf] = os.path.join(head, "0000:" + bdf)
        return out[bdf]
    for bdf in devs:
        path_of(bdf)
    return out, parent


def load_table(m, exdir, corpus):
    sig, rel, sha = m["table"]
    if rel is None:
        return build_server_dmar()
    candidates = [os.path.join(exdir, "sys/firmware/acpi/tables", sig)]
    if corpus:
        candidates.insert(0, os.path.join(corpus, rel))
    for c in candidates:
        if os.path.isfile(c):
            data = open(c, "rb").read()
            if hashlib.sha256(data).hexdigest() == sha:
                return data
    sys.exit("%s: no copy of %s with SHA-256 %s (give --corpus)" % (m["name"], rel, sha))


def uevent(d, cfg):
    """A PCI device's uevent, as pci-driver.c pci_uevent() writes it (no
    driver is bound in the models): the subsystem IDs of a type 0 header from
    its config space, 0 for a bridge without an SSVID capability."""
    bdf, vendor, device, cls = "0000:" + d[0], d[1], d[2], d[3]
    ssv = ssd = 0
    if len(cfg) >= 0x30 and cfg[0x0e] & 0x7f == 0:
        ssv, ssd = struct.unpack_from("<HH", cfg, 0x2c)
    return ("PCI_CLASS=%04X\nPCI_ID=%04X:%04X\nPCI_SUBSYS_ID=%04X:%04X\nPCI_SLOT_NAME=%s\n"
            "MODALIAS=pci:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02x\n"
            % (cls, vendor, device, ssv, ssd, bdf, vendor, device, ssv, ssd,
               cls >> 16, cls >> 8 & 0xff, cls & 0xff))


def build(m, exroot, corpus):
    exdir = os.path.join(exroot, m["name"])
    table = load_table(m, exdir, corpus)
    sysdir = os.path.join(exdir, "sys")
    if os.path.exists(sysdir):
        shutil.rmtree(sysdir)
    dirs, parent = device_dirs(m, sysdir)
    slots = {}
    for d in m["devices"]:
        slots.setdefault(d[0][:5], []).append(d[0])
    group_of = {}
    for n, (_t, members) in enumerate(m["groups"]):
        for bdf in members:
            assert bdf not in group_of, bdf
            group_of[bdf] = n
    assert set(group_of) == {d[0] for d in m["devices"]}
    assert set(m["caps"]) == {d[0] for d in m["devices"]}

    # sys/devices/virtual/iommu and sys/class/iommu
    for unit, attrs in m["units"].items():
        udir = os.path.join(sysdir, "devices/virtual/iommu", unit)
        sub = "intel-iommu" if m["arch"] == "intel" else "amd-iommu"
        for k, v in attrs.items():
            write(os.path.join(udir, sub, k), v + "\n")
        link(os.path.join(sysdir, "class/iommu", unit), udir)

    for d in m["devices"]:
        bdf = d[0]
        ddir = dirs[bdf]
        primary = bdf_bus(bdf)
        cfg = config_space(d, len(slots[bdf[:5]]) > 1, primary, m["caps"][bdf])
        write(os.path.join(ddir, "class"), "0x%06x\n" % d[3])
        write(os.path.join(ddir, "vendor"), "0x%04x\n" % d[1])
        write(os.path.join(ddir, "device"), "0x%04x\n" % d[2])
        write(os.path.join(ddir, "uevent"), uevent(d, cfg))
        write(os.path.join(ddir, "config"), cfg)
        gdir = os.path.join(sysdir, "kernel/iommu_groups", str(group_of[bdf]))
        link(os.path.join(ddir, "iommu_group"), gdir)
        link(os.path.join(ddir, "iommu"),
             os.path.join(sysdir, "devices/virtual/iommu", m["unit_of"](bdf)))
        link(os.path.join(sysdir, "bus/pci/devices", "0000:" + bdf), ddir)
        link(os.path.join(gdir, "devices", "0000:" + bdf), ddir)

    for n, (gtype, members) in enumerate(m["groups"]):
        gdir = os.path.join(sysdir, "kernel/iommu_groups", str(n))
        regions = []
        for bdf in members:
            dev_regions = list(m["regions"].get(bdf, []))
            dev_regions.append(MSI_WINDOW)
            if m["arch"] == "amd":
                dev_regions.append(HT_HOLE)
            for r in dev_regions:
                kernel_insert(regions, r)
        write(os.path.join(gdir, "reserved_regions"), sysfs_text(regions))
        write(os.path.join(gdir, "type"), gtype + "\n")

    write(os.path.join(sysdir, "firmware/acpi/tables", m["table"][0]), table)
    for n, (start, end, mtype) in enumerate(m["memmap"]):
        mdir = os.path.join(sysdir, "firmware/memmap", str(n))
        write(os.path.join(mdir, "start"), "0x%x\n" % start)
        write(os.path.join(mdir, "end"), "0x%x\n" % end)
        write(os.path.join(mdir, "type"), mtype + "\n")


def main(argv):
    corpus = DEFAULT_CORPUS if os.path.isdir(DEFAULT_CORPUS) else None
    args = list(argv)
    if "--corpus" in args:
        i = args.index("--corpus")
        corpus = args[i + 1]
        del args[i:i + 2]
    exroot = args[0] if args else os.path.dirname(HERE)
    for m in MACHINES:
        build(m, exroot, corpus)
        print("wrote", os.path.join(exroot, m["name"]))


if __name__ == "__main__":
    main(sys.argv[1:])
