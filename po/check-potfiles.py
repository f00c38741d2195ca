#!/usr/bin/python3
"""Checks po/POTFILES.in against the sources: every file with a translatable string (_(, N_(,
ngettext, translatable="yes", or a gschema/desktop/metainfo file) is listed, every listed file
exists, and the list is sorted. A string in a file missing from the list is a string nobody can
translate."""

import os
import re
import sys

SOURCE = sys.argv[1]
MARKERS = re.compile(r'\b(?:_|N_|C_|NC_|g_dngettext|ngettext)\s*\(|translatable="yes"')
DATA = ('.desktop.in', '.metainfo.xml.in', '.gschema.xml')


def listed():
    with open(os.path.join(SOURCE, 'po', 'POTFILES.in')) as f:
        return [line.strip() for line in f if line.strip() and not line.startswith('#')]


def needed():
    found = set()
    for top in ('src', 'data'):
        for root, _, files in os.walk(os.path.join(SOURCE, top)):
            for name in files:
                path = os.path.relpath(os.path.join(root, name), SOURCE)
                if name.endswith(DATA):
                    found.add(path)
                elif name.endswith(('.c', '.ui')):
                    with open(os.path.join(SOURCE, path), encoding='utf-8') as f:
                        if MARKERS.search(f.read()):
                            found.add(path)
    return found


def main():
    files = listed()
    problems = []
    for path in sorted(needed() - set(files)):
        problems.append('%s has translatable strings but is not in po/POTFILES.in' % path)
    for path in files:
        if not os.path.exists(os.path.join(SOURCE, path)):
            problems.append('po/POTFILES.in lists %s, which does not exist' % path)
    if files != sorted(files):
        problems.append('po/POTFILES.in is not sorted')
    for problem in problems:
        print('FAIL: ' + problem)
    print('%d files listed, %d problems' % (len(files), len(problems)))
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
