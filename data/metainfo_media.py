#!/usr/bin/python3
"""The metainfo's pictures: its screenshots and its brand colours.

    metainfo_media.py screenshots METAINFO SHOTS_DIR
        every <screenshot> image is a raw.githubusercontent.com URL of data/screenshots/ on
        main of the repository that the metainfo's vcs-browser names, the file is committed
        in SHOTS_DIR, and its PNG size is the width and height the metainfo declares
    metainfo_media.py branding METAINFO ICON_SVG
        each brand colour (light and dark scheme) stands out from the icon's outline, measured
        on the icon rendered at 128 px: the outline's pixels, weighted by count, have a mean
        WCAG contrast of at least 3:1 with the colour (the WCAG minimum for graphics), and
        none of the outline's colours falls below 2:1
    metainfo_media.py refresh METAINFO BUILD_SHOTS_DIR SHOTS_DIR
        (./run screenshots) copies the screenshots that the gui tests wrote into the build tree
        over the committed ones (only those: a new one is kept by copying it once), and writes
        their sizes into the metainfo's <image> elements

The checks print one line per check and "N passed, M failed".
"""

import os
import re
import shutil
import struct
import sys
import xml.etree.ElementTree as ET

SHOTS_PATH = 'data/screenshots/'
CONTRAST_MEAN = 3.0
CONTRAST_FLOOR = 2.0
ICON_SIZE = 128


class Checks:
    def __init__(self):
        self.passed = self.failed = 0

    def check(self, ok, name, detail=''):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
        print('%s: %s%s' % ('ok' if ok else 'FAIL', name,
                            '' if ok or not detail else ' -- ' + detail), flush=True)
        return ok

    def finish(self):
        print('%d passed, %d failed' % (self.passed, self.failed), flush=True)
        return 0 if self.failed == 0 and self.passed > 0 else 1


def png_size(path):
    with open(path, 'rb') as f:
        head = f.read(24)
    if head[:8] != b'\x89PNG\r\n\x1a\n' or head[12:16] != b'IHDR':
        raise ValueError('%s is not a PNG' % path)
    return struct.unpack('>II', head[16:24])


def screenshot_images(root):
    for shot in root.iter('screenshot'):
        for image in shot.findall('image'):
            yield shot, image


def raw_url_prefix(root):
    vcs = next((u.text.strip() for u in root.findall('url') if u.get('type') == 'vcs-browser'),
               '')
    repo = vcs.removeprefix('https://github.com/')
    return 'https://raw.githubusercontent.com/%s/main/%s' % (repo, SHOTS_PATH)


def check_screenshots(metainfo, shots_dir):
    checks = Checks()
    root = ET.parse(metainfo).getroot()
    prefix = raw_url_prefix(root)
    images = list(screenshot_images(root))
    checks.check(len(images) >= 3, 'the metainfo has at least three screenshots (the window, '
                 'the dialog, the dialog with an error)', '%d' % len(images))
    checks.check(sum(1 for s in root.iter('screenshot') if s.get('type') == 'default') == 1,
                 'exactly one screenshot is the default')
    for shot, image in images:
        url = (image.text or '').strip()
        name = url[len(prefix):] if url.startswith(prefix) else None
        checks.check(name is not None and '/' not in name, '%s is a file of %s on main of the '
                     'metainfo\'s repository' % (url, SHOTS_PATH), 'expected %s…' % prefix)
        checks.check(bool((shot.findtext('caption') or '').strip()), '%s has a caption' % url)
        if name is None:
            continue
        path = os.path.join(shots_dir, name)
        if not checks.check(os.path.isfile(path), '%s is committed' % (SHOTS_PATH + name)):
            continue
        declared = (image.get('width'), image.get('height'))
        actual = tuple(str(n) for n in png_size(path))
        checks.check(declared == actual, '%s is %s×%s px, as the metainfo declares'
                     % (name, *actual), 'declared %s×%s' % declared)
    return checks.finish()


# -- brand colours -----------------------------------------------------------------------------

def luminance(rgb):
    def linear(c):
        c /= 255.0
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (linear(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b):
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def hex_rgb(text):
    if not re.fullmatch(r'#[0-9a-fA-F]{6}', text or ''):
        raise ValueError('%r is not #rrggbb' % text)
    return tuple(int(text[i:i + 2], 16) for i in (1, 3, 5))


def icon_outline(svg):
    """{(r, g, b): count} of the opaque pixels that touch a transparent one (or the edge),
    on the icon rendered at ICON_SIZE: what meets the brand colour behind it."""
    import gi
    gi.require_version('GdkPixbuf', '2.0')
    from gi.repository import GdkPixbuf
    pixbuf = GdkPixbuf.Pixbuf.new_from_file_at_size(svg, ICON_SIZE, ICON_SIZE)
    if not pixbuf.get_has_alpha():
        raise ValueError('%s renders with no transparency: it has no outline' % svg)
    data, stride = pixbuf.get_pixels(), pixbuf.get_rowstride()
    w, h = pixbuf.get_width(), pixbuf.get_height()

    def opaque(x, y):
        return 0 <= x < w and 0 <= y < h and data[y * stride + x * 4 + 3] >= 128

    outline = {}
    for y in range(h):
        for x in range(w):
            if opaque(x, y) and not all(opaque(x + dx, y + dy) for dx, dy in
                                        ((1, 0), (-1, 0), (0, 1), (0, -1))):
                o = y * stride + x * 4
                rgb = tuple(data[o:o + 3])
                outline[rgb] = outline.get(rgb, 0) + 1
    return outline


def check_branding(metainfo, svg):
    checks = Checks()
    root = ET.parse(metainfo).getroot()
    colours = {c.get('scheme_preference'): c.text.strip()
               for c in root.iter('color') if c.get('type') == 'primary'}
    checks.check(set(colours) == {'light', 'dark'}, 'the metainfo has a primary brand colour '
                 'for the light and for the dark scheme', repr(colours))
    outline = icon_outline(svg)
    total = sum(outline.values())
    main = sorted(outline.items(), key=lambda kv: -kv[1])[:4]
    print('# the icon\'s outline at %d px: %d pixels, mostly %s' % (ICON_SIZE, total, ', '.join(
        '#%02x%02x%02x (%d)' % (*rgb, n) for rgb, n in main)), flush=True)
    for scheme in ('light', 'dark'):
        if scheme not in colours:
            continue
        brand = hex_rgb(colours[scheme])
        mean = sum(contrast(brand, rgb) * n for rgb, n in outline.items()) / total
        # Anti-aliased pixels blend into the background; the floor is for real colours.
        floor = min(contrast(brand, rgb) for rgb, n in outline.items() if n * 50 >= total)
        checks.check(mean >= CONTRAST_MEAN, '%s brand colour %s: mean contrast with the icon\'s '
                     'outline %.2f:1 (at least %.1f:1)' % (scheme, colours[scheme], mean,
                                                         CONTRAST_MEAN))
        checks.check(floor >= CONTRAST_FLOOR, '%s brand colour %s: no main outline colour below '
                     '%.1f:1 (lowest %.2f:1)' % (scheme, colours[scheme], CONTRAST_FLOOR, floor))
    return checks.finish()


# -- ./run screenshots -------------------------------------------------------------------------

def refresh(metainfo, build_shots, shots_dir):
    made = sorted(n for n in os.listdir(build_shots) if n.endswith('.png'))
    if not made:
        print('metainfo_media.py: the tests wrote no screenshot into %s' % build_shots,
              file=sys.stderr)
        return 1
    # The tests photograph more states than the README shows: only the pictures already kept
    # are replaced (copy a new one into SHOTS_DIR once to keep it too).
    for name in made:
        if not os.path.isfile(os.path.join(shots_dir, name)):
            print('%s%s: not kept (a state the tests photograph; copy it once to keep it)'
                  % (SHOTS_PATH, name))
            continue
        shutil.copyfile(os.path.join(build_shots, name), os.path.join(shots_dir, name))
        print('%s%s: %d×%d' % (SHOTS_PATH, name, *png_size(os.path.join(shots_dir, name))))
    with open(metainfo, encoding='utf-8') as f:
        text = f.read()

    def sized(match):
        name = match.group('url').rsplit('/', 1)[-1]
        path = os.path.join(shots_dir, name)
        if not os.path.isfile(path):
            return match.group(0)
        return '<image type="source" width="%d" height="%d">%s</image>' % (
            *png_size(path), match.group('url'))

    text2 = re.sub(r'<image type="source"[^>]*>(?P<url>[^<]+)</image>', sized, text)
    if text2 != text:
        with open(metainfo, 'w', encoding='utf-8') as f:
            f.write(text2)
        print('%s: screenshot sizes updated' % os.path.basename(metainfo))
    return 0


def main(argv):
    if len(argv) == 4 and argv[1] == 'screenshots':
        return check_screenshots(argv[2], argv[3])
    if len(argv) == 4 and argv[1] == 'branding':
        return check_branding(argv[2], argv[3])
    if len(argv) == 5 and argv[1] == 'refresh':
        return refresh(argv[2], argv[3], argv[4])
    print(__doc__.strip(), file=sys.stderr)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv))
