#!/usr/bin/env python3
"""Count every test case of the meson test logs given, print 'N passed, N failed'.

A cmocka binary reports each case ('[       OK ] name' / '[  FAILED  ] name'),
the golden script each comparison ('ok ...' / 'FAIL ...'). A meson test that
failed without naming a failed case (a crash, a timeout) counts as one failure;
one that passed without naming cases (a fuzz corpus replay) as one pass.
"""
import json
import re
import sys

passed = failed = 0
for path in sys.argv[1:]:
    with open(path) as f:
        for line in f:
            t = json.loads(line)
            out = t.get("stdout") or ""
            ok = len(re.findall(r"^\[       OK \] ", out, re.M)) + \
                len(re.findall(r"^ok ", out, re.M))
            bad = len(re.findall(r"^\[  FAILED  \] (?!\d+ test)", out, re.M)) + \
                len(re.findall(r"^FAIL ", out, re.M))
            if t.get("result") != "OK" and bad == 0:
                bad = 1
                print(f"{path}: {t.get('name')}: {t.get('result')}", file=sys.stderr)
            if t.get("result") == "OK" and ok == 0 and bad == 0:
                ok = 1
            passed += ok
            failed += bad
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed or not passed else 0)
