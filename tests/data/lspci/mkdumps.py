#!/usr/bin/env python3
"""Write the `lspci -xxxx` dumps of the example snapshots.

    python3 tests/data/lspci/mkdumps.py [OUTDIR]

Python 3 standard library only. For each of intel-laptop, intel-server and
amd-desktop it reads examples/NAME/sys/bus/pci/devices/*/config and writes
NAME.lspci, shaped as `lspci -D -xxxx` prints it as root (pciutils lspci.c
show_device() then show_hex_dump(): the whole config file, 4096 bytes for
PCI Express functions and host bridges, 256 for the others):

    0000:00:1f.0 ISA bridge: Intel Corporation Device 0284
    00: 86 80 84 02 ...            16 bytes a row, offset in hex
    ...
    (blank line)

It also writes intel-laptop-nodomain.lspci, the same machine as plain
`lspci -xxxx` prints it ("00:1f.0 ISA bridge: ..."; lspci leaves the domain
out when every device is in domain 0, lspci.c show_slot_name()), and
malformed.lspci, a dump whose second row has a byte that is not two hex
digits: libpci's dump reader (lib/dump.c dump_init) stops on it with
"dump: Malformed line".

Names: the class names are pci.ids' (the subclass name, as lspci prints it);
the vendor names are pci.ids' too, the device always "Device xxxx" (what
lspci prints for an ID pci.ids lacks), so the output does not depend on the
pci.ids of the machine. libpci's dump reader reads only the address at the
start of the line. Revision: " (rev xx)" when non-zero, as lspci does.
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
EXAMPLES = ("intel-laptop", "intel-server", "amd-desktop")

# pci.ids "C" lines: (class, subclass) -> name.
CLASS_NAMES = {
    (0x01, 0x04): "RAID bus controller",
    (0x01, 0x06): "SATA controller",
    (0x01, 0x08): "Non-Volatile memory controller",
    (0x02, 0x00): "Ethernet controller",
    (0x02, 0x80): "Network controller",
    (0x03, 0x00): "VGA compatible controller",
    (0x04, 0x03): "Audio device",
    (0x04, 0x80): "Multimedia controller",
    (0x05, 0x00): "RAM memory",
    (0x06, 0x00): "Host bridge",
    (0x06, 0x01): "ISA bridge",
    (0x06, 0x04): "PCI bridge",
    (0x07, 0x00): "Serial controller",
    (0x07, 0x80): "Communication controller",
    (0x08, 0x00): "PIC",
    (0x08, 0x80): "System peripheral",
    (0x0c, 0x03): "USB controller",
    (0x0c, 0x05): "SMBus",
    (0x0c, 0x80): "Serial bus controller",
    (0x10, 0x80): "Encryption controller",
    (0x11, 0x80): "Signal processing controller",
}

VENDOR_NAMES = {
    0x1002: "Advanced Micro Devices, Inc. [AMD/ATI]",
    0x1022: "Advanced Micro Devices, Inc. [AMD]",
    0x102b: "Matrox Electronics Systems Ltd.",
    0x103c: "Hewlett-Packard Company",
    0x10b5: "PLX Technology, Inc.",
    0x10ec: "Realtek Semiconductor Co., Ltd.",
    0x1179: "Toshiba Corporation",
    0x144d: "Samsung Electronics Co Ltd",
    0x14e4: "Broadcom Inc. and subsidiaries",
    0x17cb: "Qualcomm Technologies, Inc",
    0x1912: "Renesas Technology Corp.",
    0x8086: "Intel Corporation",
}


def functions(example):
    """(address, config bytes) of every function, in address order."""
    devdir = os.path.join(ROOT, "examples", example, "sys/bus/pci/devices")
    for addr in sorted(os.listdir(devdir)):
        with open(os.path.join(devdir, addr, "config"), "rb") as f:
            yield addr, f.read()


def header(addr, cfg):
    vendor = cfg[0] | cfg[1] << 8
    device = cfg[2] | cfg[3] << 8
    rev, base, sub = cfg[8], cfg[11], cfg[10]
    cls = CLASS_NAMES.get((base, sub), "Class %02x%02x" % (base, sub))
    line = "%s %s: %s Device %04x" % (addr, cls, VENDOR_NAMES[vendor], device)
    if rev:
        line += " (rev %02x)" % rev
    return line


def dump(example, domains=True):
    out = []
    for addr, cfg in functions(example):
        out.append(header(addr if domains else addr[5:], cfg))
        for off in range(0, len(cfg), 16):
            out.append("%02x: %s" % (off, " ".join(
                "%02x" % b for b in cfg[off:off + 16])))
        out.append("")
    return "\n".join(out) + "\n"


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else HERE
    files = {name + ".lspci": dump(name) for name in EXAMPLES}
    files["intel-laptop-nodomain.lspci"] = dump("intel-laptop", domains=False)
    bad = dump("intel-laptop", domains=False).split("\n")
    bad[2] = bad[2].replace(" 00", " 0g", 1)
    files["malformed.lspci"] = "\n".join(bad[:18]) + "\n"
    for name, text in files.items():
        with open(os.path.join(outdir, name), "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
