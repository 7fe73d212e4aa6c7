#!/usr/bin/env python3
"""The text table printer against libsmartcols, byte for byte.

    run-table-diff.py CLI SRCDIR

Tables that do not go to a terminal are printed by cli/table-text.c, which
follows libsmartcols' layout rules without calling it; IOMMU_RESV_SCOLS=1
makes the CLI hand the same cells to libsmartcols instead. Each case below
runs both ways and must give the same stdout, stderr and exit status:
random region lists (merged regions, so multi-line SOURCE cells; sizes all
narrower than their header; long and short origins; non-ASCII names, which
always go to libsmartcols), every column in random orders and subsets,
-n, --bytes, the three views, and the host commands on every example.
One line per case, 'ok ...' or 'FAIL ...' (tests/summarize.py counts them).
"""
import os
import random
import subprocess
import sys
import tempfile

cli, src = sys.argv[1], sys.argv[2]
os.chdir(src)

REGION_COLUMNS = ["START", "LAST", "SIZE", "TYPE", "PROT", "SOURCE", "DEVICE"]
TYPES = ["direct", "direct-relaxable", "reserved", "msi", "sw-msi"]
passed = failed = 0


def ok(msg):
    global passed
    passed += 1
    print(f"ok {msg}")


def bad(msg, detail=""):
    global failed
    failed += 1
    print(f"FAIL {msg}")
    for line in detail.splitlines()[:12]:
        print(f"    {line}")


def run(args, scols):
    env = dict(os.environ)
    env.pop("IOMMU_RESV_SCOLS", None)
    if scols:
        env["IOMMU_RESV_SCOLS"] = "1"
    return subprocess.run([cli] + args, stdin=subprocess.DEVNULL, capture_output=True,
                          env=env, timeout=120)


def same(name, args):
    a, b = run(args, False), run(args, True)
    if (a.returncode, a.stdout, a.stderr) == (b.returncode, b.stdout, b.stderr):
        ok(name)
        return
    al = a.stdout.decode(errors="replace").splitlines()
    bl = b.stdout.decode(errors="replace").splitlines()
    for i, (x, y) in enumerate(zip(al + [""] * len(bl), bl + [""] * len(al))):
        if x != y:
            bad(name, f"{' '.join(args)}\nline {i + 1}:\n  ours:  {x!r}\n  scols: {y!r}")
            return
    bad(name, f"{' '.join(args)}\nexit {a.returncode}/{b.returncode}, stderr "
        f"{a.stderr[:200]!r} / {b.stderr[:200]!r}")


def region_file(r, path, n, small):
    with open(path, "w") as f:
        for _ in range(n):
            start = r.randrange(0, 1 << (20 if small else 40)) & ~0xfff
            size = 0x1000 if small else r.choice([0x1000, 0x10000, 0x123456, 1 << 30,
                                                   r.randrange(1, 1 << 24)])
            last = min(start + size - 1, (1 << 64) - 1)
            f.write(f"{start:#x} {last:#x} {r.choice(TYPES)}\n")
        if not small and r.random() < 0.3:
            f.write(f"0 {(1 << 64) - 1:#x} reserved\n")


def main():
    r = random.Random(1376)
    with tempfile.TemporaryDirectory() as tmp:
        names = ["a", "regions with a longer name.txt", "x" * 70]
        for case in range(60):
            small = case % 5 == 0
            name = names[case % len(names)]
            if case % 17 == 3:
                name = "r\u00e9gions-\u00fcber.txt"    # UTF-8: libsmartcols prints it
            path = os.path.join(tmp, name)
            region_file(r, path, r.randrange(1, 40), small)
            cols = r.sample(REGION_COLUMNS, r.randrange(1, len(REGION_COLUMNS) + 1))
            args = ["regions", path, "--view", r.choice(["kernel", "resolved", "usable"])]
            if "usable" not in args:
                args += ["-o", ",".join(cols)]
            if r.random() < 0.3:
                args.append("-n")
            if r.random() < 0.3:
                args.append("--bytes")
            same(f"regions case {case}", args)
        for ex in sorted(os.listdir("examples")):
            root = os.path.join("examples", ex)
            if not os.path.isdir(os.path.join(root, "sys")):
                continue
            for args in (["groups"], ["groups", "-o", "+prot,source,device"],
                         ["groups", "-o", "group,name,driver,start,type"],
                         ["iova"], ["predict"], ["predict", "-o", "group,devices,start,last,type"],
                         ["check"]):
                same(f"{ex}: {' '.join(args)}", args + ["--sysroot", root])
    print(f"table-diff: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
