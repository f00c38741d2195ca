#!/usr/bin/python3
"""A peer of the credentials-file benchmark (bench/README.md): what a Python tool such as
aws-mfa does to update one profile, with the standard library's configparser: read the whole
file, set the four keys of SECTION, write it out again (here atomically, as ours does:
temporary file, fsync, rename, fsync of the folder; aws-mfa itself rewrites in place).

    configparser_update.py FILE SECTION RUNS

Prints the seconds of each run, one line per run, measured inside the process (the
interpreter's start-up is left out, which favours this peer). configparser keeps no comments
and no layout: the file it writes is not the one it read, another reason it is only a peer."""

import configparser
import gc
import os
import sys
import time


def update(path, section, run):
    config = configparser.RawConfigParser(interpolation=None)
    config.optionxform = str  # keep the spelling of the keys
    with open(path, encoding="utf-8") as f:
        config.read_file(f)
    if not config.has_section(section):
        config.add_section(section)
    # Made-up values of the lengths a real session has.
    tag = "%06d" % run
    config.set(section, "aws_access_key_id", "ASIA" + tag + "X" * 10)
    config.set(section, "aws_secret_access_key", tag + "s" * 34)
    config.set(section, "aws_session_token", "IQoJb3JpZ2luX2VjE" + tag + "t" * 457)
    config.set(section, "expiration", "2030-01-01T00:00:00Z")
    directory = os.path.dirname(os.path.abspath(path))
    temp = os.path.join(directory, ".configparser-update.%d" % os.getpid())
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        config.write(f)
        f.flush()
        os.fsync(f.fileno())
    os.rename(temp, path)
    dir_fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def main():
    if len(sys.argv) != 4:
        sys.stderr.write(__doc__)
        return 2
    path, section, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
    for run in range(runs):
        # The parser of the last run is kept alive by reference cycles: free it outside the
        # timing, as a process of its own per update would.
        gc.collect()
        t0 = time.perf_counter()
        update(path, section, run)
        print("%.9f" % (time.perf_counter() - t0), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
