#!/usr/bin/env python3
"""Every command's --help against what the command accepts.

    run-help.py CLI SRCDIR

For each command: its --help lists each option once, and each option it
lists is one the command accepts: `CMD OPTION [ARG] --help` must reach the
help (exit 0) rather than stop at the option ("does not apply", "unrecognized
option"), and --version prints the version. The other way round, an option some other command's help lists
must be refused by a command whose help does not list it (no hidden option). Options are read from the help's option lines (" -J, --json ...",
"     --sysroot <dir> ..."), so a new option in a help text is tested without
touching this file; an option taking an argument gets a valid sample below.
A help cites the kernel or the man page, never the project's internal
documents (SPEC, docs/, design notes). One line per check, 'ok ...' or 'FAIL ...' (tests/summarize.py counts them).
"""
import os
import re
import subprocess
import sys

cli, src = sys.argv[1], sys.argv[2]
os.chdir(src)

COMMANDS = ["regions", "groups", "iova", "tables", "predict", "explain", "check", "snapshot"]
# A value each option taking an argument accepts at parse time.
SAMPLE = {
    "output": "start", "sysroot": "examples/intel-server",
    "table": "examples/intel-server/sys/firmware/acpi/tables/DMAR",
    "lspci": "tests/data/lspci/intel-server.lspci", "view": "kernel",
    "aperture": "0-0xfffff", "format": "sysfs", "kernel-version": "6.1",
    "assume": "preserve-config=yes", "page-size": "4K", "guest": "q35:4G",
    "device": "00:00.0", "policy": "strict", "source": "/", "map": "term",
    "kernel-cmdline": "quiet",
}
INTERNAL = re.compile(r"SPEC|§|docs/|design\.md|json\.md|kernel-semantics")
OPTION_LINE = re.compile(r"^ (?:(-[A-Za-z]), )?\s*(--[a-z][a-z0-9-]*)(?:[ =](<[^>]*>|\S+))?")

passed = failed = 0


def ok(msg):
    global passed
    passed += 1
    print(f"ok {msg}")


def bad(msg, detail=""):
    global failed
    failed += 1
    print(f"FAIL {msg}")
    for line in detail.splitlines()[:6]:
        print(f"    {line}")


def run(args):
    return subprocess.run([cli] + args, stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, errors="replace", timeout=60)


listed = {}      # command -> {long option: (short, takes an argument)}
for cmd in COMMANDS:
    listed[cmd] = {}
    p = run([cmd, "--help"])
    if p.returncode != 0 or not p.stdout.startswith("Usage:"):
        bad(f"{cmd} --help: exit {p.returncode}", p.stderr)
        continue
    cited = [line for line in p.stdout.splitlines() if INTERNAL.search(line)]
    if cited:
        bad(f"{cmd} --help cites an internal document", "\n".join(cited))
    else:
        ok(f"{cmd} --help cites no internal document")
    seen = {}
    for line in p.stdout.splitlines():
        m = OPTION_LINE.match(line)
        if not m:
            continue
        short, long, arg = m.groups()
        seen.setdefault(long, []).append(line.strip())
        listed[cmd][long] = (short, bool(arg and arg.startswith("<")))
        if long == "--help":
            continue
        if long == "--version":
            r = run([cmd, short or long])
            if r.returncode == 0 and r.stdout.startswith("iommu-resv "):
                ok(f"{cmd} {short or long}: the version")
            else:
                bad(f"{cmd} --help lists {long}, which does not print the version", r.stderr)
            continue
        name = long[2:]
        args = [cmd, short or long]
        if arg and arg.startswith("<"):
            if name not in SAMPLE:
                bad(f"{cmd} {long}: no sample argument for {arg} in run-help.py")
                continue
            args.append(SAMPLE[name])
        r = run(args + ["--help"])
        if r.returncode == 0 and r.stdout.startswith("Usage:"):
            ok(f"{cmd} {' '.join(args[1:])}: accepted")
        else:
            bad(f"{cmd} --help lists {long}, which {cmd} refuses (exit {r.returncode})",
                r.stderr)
    for long, lines in seen.items():
        if len(lines) > 1:
            bad(f"{cmd} --help lists {long} {len(lines)} times", "\n".join(lines))
    if not seen:
        bad(f"{cmd} --help lists no option")
    else:
        ok(f"{cmd} --help: {len(seen)} options, each listed once")

everything = {}
for opts in listed.values():
    everything.update(opts)
for cmd in COMMANDS:
    for long, (short, takes) in sorted(everything.items()):
        if long in listed[cmd] or long == "--help":
            continue
        args = [cmd, long] + ([SAMPLE.get(long[2:], "x")] if takes else [])
        r = run(args + ["--help"])
        if r.returncode == 0:
            bad(f"{cmd} accepts {long}, which its --help does not list")
        else:
            ok(f"{cmd} {long}: refused, as its --help says")

print(f"help: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
