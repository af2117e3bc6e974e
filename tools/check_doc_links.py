#!/usr/bin/env python3
"""Checks that every relative link (and image) in README.md and docs/*.md points to an existing
file of the repository, and a #fragment to a heading of that file (GitHub's slug rules).
Run from anywhere: ./tools/check_doc_links.py; exit status 1 when a link is broken."""
import glob, os, re, sys
def slugs(path):
    out = set()
    for l in open(path):
        m = re.match(r'#+\s+(.*)', l)
        if m:
            s = m.group(1).strip().lower()
            s = re.sub(r'[^\w\- ]', '', s)   # drop punctuation (backticks, parentheses, colons)
            out.add(s.replace(' ', '-'))
    return out
os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
bad = 0; n = 0
for f in ['README.md'] + sorted(glob.glob('docs/*.md')):
    text = open(f).read()
    text = re.sub(r'```.*?```', '', text, flags=re.S)
    for target in re.findall(r'\]\(([^)\s]+)\)', text):
        if re.match(r'[a-z]+:', target): continue
        n += 1
        path, _, frag = target.partition('#')
        p = os.path.normpath(os.path.join(os.path.dirname(f), path)) if path else f
        if not os.path.exists(p):
            print(f'{f}: {target}: no such file'); bad += 1
        elif frag and frag not in slugs(p):
            print(f'{f}: {target}: no heading #{frag} in {p}'); bad += 1
print(f'{n} relative links, {bad} broken')
sys.exit(1 if bad else 0)
