#!/usr/bin/env python3
"""JSON Schema test: -J output validates against the schemas in docs/schema/.

    run-schema.py CLI SRCDIR

- every golden case of check, explain, predict, groups, iova, regions and tables,
  run with -J (check's cases are the check golden cases: every preset,
  policy, verdict and suggestion kind), and a few runs over whole machines;
- explain -J for every PCI function of every example and of the Arm dump;
- check -J's counts agree with its groups, as docs/json.md says;
- every suggested layout, fed back with --guest @FILE, validates and has no
  error-level conflict: -J's ranges are the layout file's;
- the layout files of tests/golden/inputs/guest: the good ones validate
  against guest.schema.json; a bad one fails JSON or the schema, unless it is
  one the schema cannot tell (SEMANTIC_ONLY), which the tool refuses itself.

One line per case, 'ok ...' or 'FAIL ...' (tests/summarize.py counts them).
python3-jsonschema is required: without it the test fails, it never skips.
"""
import json
import os
import shlex
import subprocess
import sys
import tempfile

try:
    import jsonschema
except ImportError:
    print("FAIL python3-jsonschema is not installed (make deps installs it)")
    sys.exit(1)

cli, src = sys.argv[1], sys.argv[2]
os.chdir(src)

SCHEMAS = {}
for name in ("check", "explain", "groups", "guest", "tables"):
    with open(f"docs/schema/{name}.schema.json") as f:
        SCHEMAS[name] = json.load(f)
SCHEMA_OF = {"check": "check", "explain": "explain", "predict": "groups",
             "groups": "groups", "iova": "groups", "regions": "groups", "tables": "tables"}
# Bad layout files whose fault no JSON Schema can see (the tool does).
SEMANTIC_ONLY = {"overlap", "start-above-last", "below-4g-too-big", "preset-wraps"}

passed = failed = 0


def ok(msg):
    global passed
    passed += 1
    print(f"ok {msg}")


def bad(msg, detail=""):
    global failed
    failed += 1
    print(f"FAIL {msg}")
    for line in detail.splitlines():
        print(f"    {line}")


def errors_of(schema, doc):
    v = jsonschema.Draft202012Validator(SCHEMAS[schema])
    return sorted(v.iter_errors(doc), key=lambda e: list(e.absolute_path))


def describe(errs):
    return "\n".join(f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message[:300]}"
                     for e in errs[:5])


def check_counts(doc):
    """errors and warnings as docs/json.md defines them."""
    e = w = 0
    for g in doc["groups"]:
        e += (not g["assignable"]) + g["usable_empty"] + (g["vfio_viable"] is False)
        for c in g["conflicts"]:
            e += c["severity"] == "error"
            w += c["severity"] == "warning"
    if (e, w) != (doc["errors"], doc["warnings"]):
        return f"errors/warnings {doc['errors']}/{doc['warnings']}, the groups say {e}/{w}"
    return None


def run(args):
    return subprocess.run([cli] + args, stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, errors="replace")


def validate(name, args, schema):
    """Run, validate stdout; return the document (None when no JSON)."""
    if "-J" not in args and "--json" not in args:
        args = args + ["-J"]
    p = run(args)
    if not p.stdout:
        if p.returncode != 0:
            ok(f"{name}: exit {p.returncode}, no JSON")
        else:
            bad(f"{name}: exit 0 and no output", p.stderr)
        return None
    try:
        doc = json.loads(p.stdout)
    except ValueError as e:
        bad(f"{name}: not JSON: {e}", p.stdout[:2000])
        return None
    errs = errors_of(schema, doc)
    if errs:
        bad(f"{name}: {len(errs)} deviation(s) from {schema}.schema.json: "
            f"{shlex.join(args)}", describe(errs))
        return None
    if schema == "check" and (why := check_counts(doc)):
        bad(f"{name}: {why}")
        return None
    ok(f"{name}: valid ({schema}.schema.json)")
    return doc


for name, schema in SCHEMAS.items():
    try:
        jsonschema.Draft202012Validator.check_schema(schema)
        ok(f"{name}.schema.json is a valid draft 2020-12 schema")
    except jsonschema.SchemaError as e:
        bad(f"{name}.schema.json: {e.message}")

# The golden cases, with -J.
checks = []
with open("tests/golden/cases") as f:
    for line in f:
        if not line.strip() or line.startswith("#"):
            continue
        name, args = line.rstrip("\n").split("\t", 1)
        args = shlex.split(args)
        schema = SCHEMA_OF.get(args[0])
        if not schema:
            continue
        doc = validate(name, args, schema)
        if schema == "check":
            checks.append((name, args, doc))

# Whole machines.
EXAMPLES = ["examples/intel-laptop", "examples/intel-server", "examples/amd-desktop"]
extra = [
    ["check", "--guest", "q35:16G", "--sysroot", "examples/intel-server"],
    ["check", "--guest", "q35:1T", "--sysroot", "examples/amd-desktop", "--policy", "strict"],
    ["check", "--guest", "pc:3584M,max-ram-below-4g=2G", "--sysroot", "examples/intel-laptop"],
    ["check", "--guest", "ram=0-0xffffffffffff,mmio=0x1000000000000-0x1ffffffffffff",
     "--sysroot", "examples/intel-laptop"],
]
for ex in EXAMPLES:
    extra += [["predict", "--sysroot", ex], ["predict", "--compare", "--sysroot", ex],
              ["groups", "--sysroot", ex, "-o", "group,gtype,devices,start,last,size,type,prot,"
               "source,device"], ["iova", "--sysroot", ex]]
for ex in EXAMPLES + ["examples/qemu-intel-rmrr", "examples/qemu-amd-ivmd",
                      "examples/qemu-arm-rmr", "examples/qemu-virtio-x86"]:
    extra.append(["tables", "--sysroot", ex])
for args in extra:
    validate("extra " + shlex.join(args), args, SCHEMA_OF[args[0]])

# explain, every function.
for ex in EXAMPLES:
    for dev in sorted(os.listdir(f"{ex}/sys/bus/pci/devices")):
        validate(f"explain {dev} ({ex})", ["explain", dev, "--sysroot", ex], "explain")
arm = ["--sysroot", "tests/golden/inputs", "--table", "tests/data/arm/IORT",
       "--lspci", "tests/data/arm/arm.lspci"]
with open("tests/data/arm/arm.lspci") as f:
    for line in f:
        bdf = line.split(" ", 1)[0]
        if len(bdf) == 7 and bdf[2] == ":" and bdf[5] == ".":
            validate(f"explain {bdf} (arm)", ["explain", bdf] + arm, "explain")

# A suggested layout, fed back as a layout file, has no error-level conflict.
with tempfile.TemporaryDirectory() as tmp:
    for name, args, doc in checks:
        if not doc or not doc["suggestions"]["layout"]:
            continue
        path = os.path.join(tmp, name + ".json")
        with open(path, "w") as f:
            json.dump({"ranges": doc["suggestions"]["layout"]}, f)
        if errors_of("guest", {"ranges": doc["suggestions"]["layout"]}):
            bad(f"{name}: the suggested layout is not a guest.schema.json file")
            continue
        i = args.index("--guest")
        again = validate(f"{name} fed back", args[:i + 1] + ["@" + path] + args[i + 2:],
                         "check")
        if again is None:
            continue
        left = [c for g in again["groups"] for c in g["conflicts"] if c["severity"] == "error"]
        if left:
            bad(f"{name} fed back: {len(left)} error-level conflict(s) left",
                json.dumps(left[0]))
        elif again["guest"]["ranges"] != doc["suggestions"]["layout"]:
            bad(f"{name} fed back: the layout read differs from the one written")
        else:
            ok(f"{name} fed back: the suggested layout has no error-level conflict")

# The layout files.
G = "tests/golden/inputs/guest"
for f in sorted(os.listdir(G)):
    if f.endswith(".json"):
        with open(f"{G}/{f}") as fp:
            errs = errors_of("guest", json.load(fp))
        if errs:
            bad(f"{G}/{f}: invalid", describe(errs))
        else:
            ok(f"{G}/{f}: valid (guest.schema.json)")
for f in sorted(os.listdir(f"{G}/bad")):
    try:
        with open(f"{G}/bad/{f}", encoding="utf-8") as fp:
            doc = json.load(fp)
    except ValueError:
        ok(f"{G}/bad/{f}: not JSON")
        continue
    valid = not errors_of("guest", doc)
    if valid == (f[:-5] in SEMANTIC_ONLY):
        ok(f"{G}/bad/{f}: {'valid, refused by the tool' if valid else 'invalid'}")
    else:
        bad(f"{G}/bad/{f}: the schema {'accepts' if valid else 'refuses'} it")

print(f"schema: {passed} passed, {failed} failed")
sys.exit(1 if failed or not passed else 0)
