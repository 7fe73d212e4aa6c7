#!/usr/bin/env python3
"""What --map promises of its SVG, beyond well-formed XML (xmllint checks that):

- an <svg> root in the SVG namespace, with width, height and viewBox;
- self-contained: no <script>, <image>, <foreignObject>, <a>, no href, no
  url() but to its own patterns, no @import or @font-face;
- every drawn shape (rect, line, path, circle) and every text outside the
  title block sits in a <g> whose first child is a non-empty <title>
  (the hover text), except the page background, the patterns and the legend;
- text is text: some <text> elements hold the addresses (0x + 16 digits).
Prints what is wrong and exits 1.
"""
import re
import sys
import xml.etree.ElementTree as ET

NS = "{http://www.w3.org/2000/svg}"


def main(path):
    errors = []
    root = ET.parse(path).getroot()
    if root.tag != NS + "svg":
        errors.append(f"root is {root.tag}, not svg in the SVG namespace")
    for a in ("width", "height", "viewBox"):
        if a not in root.attrib:
            errors.append(f"svg has no {a}")
    text = open(path, encoding="utf-8").read()
    for bad in ("<script", "<image", "<foreignObject", "<a ", "href=", "@import", "@font-face"):
        if bad in text:
            errors.append(f"not self-contained: {bad}")
    for u in re.findall(r"url\(([^)]*)\)", text):
        if not u.startswith("#p-"):
            errors.append(f"url({u}) is not one of its own patterns")
    # Shapes that need no title: the background, pattern tiles, the legend.
    exempt = set()
    for d in root.iter(NS + "defs"):
        exempt.update(id(e) for e in d.iter())
    parents = {id(c): p for p in root.iter() for c in p}
    legend = False
    untitled = 0
    for e in root:
        if e.tag == NS + "text" and e.text == "Legend":
            legend = True
        if legend:
            exempt.update(id(x) for x in e.iter())
    for e in root.iter():
        if e.tag not in (NS + "rect", NS + "line", NS + "path", NS + "circle") or id(e) in exempt:
            continue
        p = parents.get(id(e))
        if p is root and e.tag == NS + "rect" and e.get("fill") == "#FFFFFF" and "x" not in e.attrib:
            continue    # the page
        if p is None or p.tag != NS + "g" or not len(p) or p[0].tag != NS + "title" or \
                not (p[0].text or "").strip():
            untitled += 1
    if untitled:
        errors.append(f"{untitled} shapes without a <title>")
    addresses = [t for t in root.iter(NS + "text") if re.fullmatch(r"0x[0-9a-f]{16}", t.text or "")]
    if len(addresses) < 2:
        errors.append("no address labels as text")
    for e in errors:
        print(f"{path}: {e}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
