#!/usr/bin/env python3
"""bench-host: the big host of issue 13 against the floor, tar.

    bench-host.py CLI [--runs R] [--dir DIR] [--before OLDCLI]

Generates (once, into DIR/iommu-resv-bench-host/, fixed seed) the issue's
big Intel host: 4,096 IOMMU groups, 16,385 PCI functions (a host bridge,
128 root ports 00:01.0-00:10.7, each with 127 Ethernet functions on its
own bus), one INCLUDE_PCI_ALL DRHD and 1,000 RMRRs each naming four
endpoints by path. It is written twice: as a sysroot (sys/..., by
examples/mk/mkexamples.py's writer, the groups' reserved_regions by its
literal re-implementation of the kernel's merge) and as an `lspci -D -xxx`
dump beside the DMAR. Then it runs, R times (default 5), alternating:

    tar -cf - SYSROOT > /dev/null     the floor (issue 13)
    iommu-resv groups --sysroot SYSROOT
    iommu-resv predict --sysroot SYSROOT
    iommu-resv predict --table DMAR --lspci DUMP

and prints medians as bench-cli.py does (CPU = user + system; ratios to
the floor measured in the same alternation). Note that GNU tar notices an
archive on /dev/null and then reads no file contents (only the tree and
the metadata): the floor the issue chose is a low one.
"""
import argparse
import importlib.util
import os
import random
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


mk = load("mkexamples", os.path.join(ROOT, "examples/mk/mkexamples.py"))
dumps = load("mkdumps", os.path.join(ROOT, "tests/data/lspci/mkdumps.py"))
cli = load("bench_cli", os.path.join(HERE, "bench-cli.py"))

PORTS = 128                 # root ports 00:01.0 .. 00:10.7, secondary bus 1..128
PER_BUS = 127               # endpoint functions on each port's bus
GROUPS = 4096
RMRRS = 1000
RMRR_BASE = 0x80000000      # RMRRs at 64 KiB steps, 16 KiB each, in e820 Reserved
VERSION = "3"               # bump when the generated host changes


def port_devfn(i):
    return 1 + i // 8, i % 8


def endpoints(bus):
    return ["%02x:%02x.%x" % (bus, n // 8, n % 8) for n in range(PER_BUS)]


def machine():
    devices = [("00:00.0", 0x8086, 0x2020, 0x060000, 0x04, "ep", None)]
    groups = [("DMA", ["00:00.0"])]
    for i in range(PORTS):
        d, f = port_devfn(i)
        bdf = "00:%02x.%x" % (d, f)
        devices.append((bdf, 0x8086, 0x2030, 0x060400, 0x04, "br", (i + 1, i + 1)))
        groups.append(("DMA", [bdf]))
    left = GROUPS - len(groups)           # endpoint groups, spread over the buses
    for i in range(PORTS):
        eps = endpoints(i + 1)
        for bdf in eps:
            devices.append((bdf, 0x8086, 0x1572, 0x020000, 0x01, "ep", None))
        k = left // (PORTS - i)           # groups on this bus, contiguous chunks
        left -= k
        for g in range(k):
            groups.append(("DMA", eps[g * len(eps) // k:(g + 1) * len(eps) // k]))
    assert len(devices) == 16385 and len(groups) == GROUPS

    r = random.Random(13)
    regions = {}
    rmrrs = []
    for n in range(RMRRS):
        base = RMRR_BASE + n * 0x10000
        last = base + 0x3FFF
        scopes = []
        for _ in range(4):
            port = r.randrange(PORTS)
            fn = r.randrange(PER_BUS)
            d, f = port_devfn(port)
            scopes.append(mk._ep([(d, f), (fn // 8, fn % 8)]))
            bdf = "%02x:%02x.%x" % (port + 1, fn // 8, fn % 8)
            regions.setdefault(bdf, []).append((base, last, mk.DIRECT))
        rmrrs.append((base, last, scopes))
    # Config space as a Xeon's: root ports with ACS, endpoints with a PCIe capability.
    caps = {d[0]: "none" if d[5] != "br" and d[3] >> 8 == 0x0600 else
            "rp+acs" if d[5] == "br" else "ep" for d in devices}
    return {
        "name": "bench-host",
        "caps": caps,
        "table": ("DMAR", None, None),
        "arch": "intel",
        "devices": devices,
        "groups": groups,
        "regions": regions,
        "units": {"dmar0": {"address": "fbffe000", "cap": "d2078c106f0466",
                            "ecap": "f020de", "version": "1:0"}},
        "unit_of": lambda bdf: "dmar0",
        "memmap": [
            (0x0, 0x9BFFF, "System RAM"),
            (0x9C000, 0xFFFFF, "Reserved"),
            (0x100000, 0x7FFFFFFF, "System RAM"),
            (0x80000000, 0x8FFFFFFF, "Reserved"),
            (0xFEC00000, 0xFEE0FFFF, "Reserved"),
            (0x100000000, 0x83FFFFFFF, "System RAM"),
        ],
        "rmrrs": rmrrs,
    }


def dmar(m):
    """One INCLUDE_PCI_ALL DRHD (IOAPIC and HPET scopes) and the RMRRs."""
    scopes = mk._scope(3, 0xF0, [(0x1F, 0)], enum_id=8) + mk._scope(4, 0xF0, [(0x0F, 0)])
    subs = [struct.pack("<HHBBHQ", 0, 16 + len(scopes), 0x01, 0, 0, 0xFBFFE000) + scopes]
    for base, last, sc in m["rmrrs"]:
        body = b"".join(sc)
        subs.append(struct.pack("<HHHHQQ", 1, 24 + len(body), 0, 0, base, last) + body)
    payload = b"".join(subs)
    length = 48 + len(payload)
    hdr = struct.pack("<4sIBB6s8sI4sI", b"DMAR", length, 1, 0, b"BENCH ",
                      b"BIGHOST ", 1, b"BNCH", 1)
    hdr += struct.pack("<BB10s", 0x2D, 0x01, b"\0" * 10)
    table = bytearray(hdr + payload)
    table[9] = (-sum(table)) & 0xFF
    return bytes(table)


def lspci_dump(sysdir):
    devdir = os.path.join(sysdir, "bus/pci/devices")
    out = []
    for addr in sorted(os.listdir(devdir)):
        with open(os.path.join(devdir, addr, "config"), "rb") as f:
            cfg = f.read()
        out.append(dumps.header(addr, cfg))
        for off in range(0, len(cfg), 16):
            out.append("%02x: %s" % (off, " ".join("%02x" % b for b in cfg[off:off + 16])))
        out.append("")
    return "\n".join(out) + "\n"


def make_host(top):
    """top/bench-host/sys, top/bench-host.lspci; reused when up to date."""
    stamp = os.path.join(top, "stamp")
    if os.path.exists(stamp) and open(stamp).read() == VERSION:
        return
    os.makedirs(top, exist_ok=True)
    if os.path.exists(stamp):
        os.unlink(stamp)
    m = machine()
    table = dmar(m)
    mk.load_table = lambda _m, _exdir, _corpus: table
    mk.build(m, top, None)
    sysdir = os.path.join(top, m["name"], "sys")
    with open(os.path.join(top, "bench-host.lspci"), "w") as f:
        f.write(lspci_dump(sysdir))
    with open(stamp, "w") as f:
        f.write(VERSION)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cli")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--dir", default=os.environ.get("TMPDIR", "/tmp"))
    ap.add_argument("--before", help="another build of the CLI, measured alike")
    a = ap.parse_args()
    top = os.path.join(a.dir, "iommu-resv-bench-host")
    make_host(top)
    sysroot = os.path.join(top, "bench-host")
    table = os.path.join(sysroot, "sys/firmware/acpi/tables/DMAR")
    dump = os.path.join(top, "bench-host.lspci")
    rows = [
        ("groups --sysroot", ["groups", "--sysroot", sysroot], 0.5),
        ("predict --sysroot", ["predict", "--sysroot", sysroot], 0.5),
        ("predict --table DMAR --lspci DUMP", ["predict", "--table", table, "--lspci", dump], 0.5),
    ]
    floor = ["sh", "-c", 'exec tar -cf - "$1" > /dev/null', "tar", sysroot]
    head = (f"big host: {GROUPS} groups, 16385 functions, {RMRRS} RMRRs; median of {a.runs} "
            f"alternating runs; floor tar -cf - SYSROOT > /dev/null")
    cli.compare(a, floor, "tar", head, rows)

if __name__ == "__main__":
    main()
