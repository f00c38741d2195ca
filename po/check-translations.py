#!/usr/bin/python3
"""Checks every translation in po/LINGUAS: msgfmt --check accepts it (header, printf formats,
plural forms), it has no fuzzy and no untranslated message, and it translates every string the
sources have now. For the last, the strings are extracted afresh from po/POTFILES.in with
xgettext (the keywords of meson's 'glib' preset plus the arguments po/meson.build gives) and
compared with msgcmp: a string added or changed in the sources and not in the .po fails here,
not in front of a German user. A LINGUAS entry without its .po, a .po not in LINGUAS, or an
unsorted LINGUAS fail too.

Usage: check-translations.py SOURCE_ROOT [XGETTEXT_ARG...]"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

# meson's i18n module, preset 'glib': the keywords decide which strings are extracted.
GLIB_KEYWORDS = [
    '--keyword=_',
    '--keyword=N_',
    '--keyword=C_:1c,2',
    '--keyword=NC_:1c,2',
    '--keyword=g_dcgettext:2',
    '--keyword=g_dngettext:2,3',
    '--keyword=g_dpgettext2:2c,3',
]
STATISTICS = re.compile(r'(\d+) (translated|fuzzy|untranslated) (?:message|translation)s?')
LANGUAGE = re.compile(r'^"Language: ([^\\"]*)\\n"$', re.MULTILINE)


def run(args):
    # msgfmt's statistics are parsed below: in English.
    env = dict(os.environ, LC_ALL='C', LANGUAGE='')
    return subprocess.run(args, env=env, capture_output=True, text=True)


def linguas(po_dir):
    with open(os.path.join(po_dir, 'LINGUAS'), encoding='utf-8') as f:
        return [word for line in f if not line.startswith('#') for word in line.split()]


def extract_template(source, extra_args, tmp):
    pot = os.path.join(tmp, 'current.pot')
    result = run(['xgettext', '--from-code=UTF-8', *GLIB_KEYWORDS, *extra_args,
                  '--files-from=' + os.path.join(source, 'po', 'POTFILES.in'),
                  '--directory=' + source, '--output=' + pot])
    if result.returncode != 0:
        sys.exit('FAIL: xgettext could not extract the strings:\n' + result.stderr)
    return pot


def check_language(po_dir, lang, pot, tmp):
    problems = []
    po = os.path.join(po_dir, lang + '.po')
    if not os.path.exists(po):
        return ['po/LINGUAS lists %s, but there is no po/%s.po' % (lang, lang)]

    result = run(['msgfmt', '--check', '--statistics',
                  '--output-file=' + os.path.join(tmp, lang + '.mo'), po])
    counts = {kind: int(n) for n, kind in STATISTICS.findall(result.stderr)}
    print('%s: %s' % (lang, result.stderr.strip().replace('\n', ' | ')))
    if result.returncode != 0:
        problems.append('msgfmt --check rejects po/%s.po (see above)' % lang)
    if counts.get('translated', 0) == 0:
        problems.append('po/%s.po translates nothing' % lang)
    for kind in ('fuzzy', 'untranslated'):
        if counts.get(kind, 0) > 0:
            problems.append('po/%s.po has %d %s message%s'
                            % (lang, counts[kind], kind, '' if counts[kind] == 1 else 's'))

    with open(po, encoding='utf-8') as f:
        header_language = LANGUAGE.search(f.read())
    if header_language is None or header_language.group(1) != lang:
        problems.append('po/%s.po does not say "Language: %s" in its header' % (lang, lang))

    result = run(['msgcmp', po, pot])
    if result.returncode != 0:
        print(result.stderr.strip())
        problems.append('po/%s.po does not translate every string of the sources (see above): '
                        'run "ninja -C BUILDDIR aws-mfa-tray-update-po" and translate what is new'
                        % lang)
    return problems


def main():
    source = sys.argv[1]
    extra_args = sys.argv[2:]
    po_dir = os.path.join(source, 'po')
    problems = []

    for tool in ('xgettext', 'msgfmt', 'msgcmp'):
        if shutil.which(tool) is None:
            sys.exit('FAIL: %s is missing (Debian package gettext)' % tool)

    languages = linguas(po_dir)
    if not languages:
        problems.append('po/LINGUAS lists no language')
    if languages != sorted(languages):
        problems.append('po/LINGUAS is not sorted')
    for name in sorted(os.listdir(po_dir)):
        if name.endswith('.po') and name[:-3] not in languages:
            problems.append('po/%s is not listed in po/LINGUAS' % name)

    with tempfile.TemporaryDirectory() as tmp:
        pot = extract_template(source, extra_args, tmp)
        for lang in languages:
            problems.extend(check_language(po_dir, lang, pot, tmp))

    for problem in problems:
        print('FAIL: ' + problem)
    print('%d languages, %d problems' % (len(languages), len(problems)))
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
