#!/usr/bin/python3
# The source tree keeps its shape (README, Layout):
#  - each folder of src/ includes only its own headers and those of the folders below it
#    (base < files, aws < core < cli, app; files and aws do not know each other);
#  - no two modules include each other (a module is NAME.c with NAME-*.c when NAME-private.h
#    exists: a class split over files is one module);
#  - nothing below src/app includes GTK;
#  - no source file is over about 1,000 lines (1,050) unless its first comment says why (it
#    names "1,000 lines").
# Prints one line per finding and exits 1 when there is any.
import os
import re
import sys

ALLOWED = {
    'base': {'base'},
    'files': {'base', 'files'},
    'aws': {'base', 'aws'},
    'core': {'base', 'files', 'aws', 'core'},
    'cli': {'base', 'files', 'aws', 'core', 'cli'},
    'app': {'base', 'files', 'aws', 'core', 'app'},
}
GENERATED = {'amt-files-enums.h': 'files', 'config.h': None}
# "About 1,000" (issue 14): a few dozen lines over are tolerated; past that, a file says why.
MAX_LINES = 1050
INCLUDE = re.compile(r'^\s*#\s*include\s+([<"])([^>"]+)[>"]', re.M)


def main(source_root):
    src = os.path.join(source_root, 'src')
    where = {}      # header name -> folder
    sources = []    # (folder, file name)
    for folder in ALLOWED:
        for name in sorted(os.listdir(os.path.join(src, folder))):
            if name.endswith('.h'):
                where[name] = folder
            if name.endswith(('.c', '.h')):
                sources.append((folder, name))
    where.update({k: v for k, v in GENERATED.items() if v})

    problems = []
    split_classes = {n[:-len('-private.h')] for n in where if n.endswith('-private.h')}

    def module_of(name):
        stem = name.rsplit('.', 1)[0]
        if stem.endswith('-private'):
            stem = stem[:-len('-private')]
        for cls in split_classes:
            if stem.startswith(cls + '-') or stem == cls:
                return cls
        return stem

    uses = {}       # module -> modules whose headers it includes
    for folder, name in sources:
        path = os.path.join(src, folder, name)
        with open(path, encoding='utf-8') as f:
            text = f.read()
        for kind, header in INCLUDE.findall(text):
            if kind == '<':
                if header.startswith('gtk/') and folder != 'app':
                    problems.append('src/%s/%s includes <%s>: only src/app may use GTK'
                                    % (folder, name, header))
                continue
            if header in GENERATED and GENERATED[header] is None:
                continue
            target = where.get(header)
            if target is None:
                continue  # a header of the same folder that is generated, or a .ui/.css
            if target not in ALLOWED[folder]:
                problems.append('src/%s/%s includes %s of src/%s, a folder it may not use'
                                % (folder, name, header, target))
            a, b = module_of(name), module_of(header)
            if a != b:
                uses.setdefault(a, set()).add(b)
        lines = text.count('\n')
        if name.endswith('.c') and lines > MAX_LINES:
            head = text[:text.find('*/') + 2] if text.startswith('/*') else ''
            if '1,000 lines' not in head:
                problems.append('src/%s/%s has %d lines and its first comment does not say '
                                'why it is longer than 1,000 lines' % (folder, name, lines))

    for a in sorted(uses):
        for b in sorted(uses[a]):
            if a < b and a in uses.get(b, ()):
                problems.append('%s and %s include each other' % (a, b))

    for p in problems:
        print(p)
    print('%d source files, %d modules: %d problems' % (len(sources), len(uses), len(problems)))
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1]))
