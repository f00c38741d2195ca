"""Writers that rewrite a file in place, as a shell redirect, an editor that truncates, Python's
configparser or `aws configure set` do: open the same inode, truncate it (or write part of it),
and write the rest later. None of them takes our lock.

As a program (/usr/bin/python3 inplace_edit.py FILE): in-place edits of FILE in a loop until
SIGTERM, each setting [editor] edit_count to the next number (configparser read, truncate, half
or nothing, the rest 2 ms later); then prints the last number written. While FILE.pause exists
it waits between edits, so that a test can look at the file whole."""

import configparser
import io
import os
import signal
import sys
import time


def rewrite_in_place(path, transform, pause=2.0, first_part=0.0):
    """Reads path, truncates it in place, writes first_part (a fraction) of transform(text), and
    after pause seconds the whole of it; returns the text written."""
    with open(path, "r+b") as f:
        text = f.read()
        new = transform(text)
        f.seek(0)
        f.truncate()
        f.write(new[:int(len(new) * first_part)])
        f.flush()
        time.sleep(pause)
        f.seek(0)
        f.write(new)
        f.truncate()
        f.flush()
        os.fsync(f.fileno())
    return new


def configparser_edit(text, number):
    """What a script using configparser does: parse, set one value, write it all back."""
    parser = configparser.RawConfigParser()
    parser.read_string(text.decode())
    if not parser.has_section("editor"):
        parser.add_section("editor")
    parser.set("editor", "edit_count", str(number))
    out = io.StringIO()
    parser.write(out)
    return out.getvalue().encode()


def main():
    path = sys.argv[1]
    stop = []
    signal.signal(signal.SIGTERM, lambda *args: stop.append(True))
    number = 0
    while not stop:
        if os.path.exists(path + ".pause"):
            time.sleep(0.005)
            continue
        number += 1
        rewrite_in_place(path, lambda text: configparser_edit(text, number), pause=0.002,
                         first_part=0.5 if number % 2 else 0.0)
        time.sleep(0.005)
    print(number)


if __name__ == "__main__":
    main()
