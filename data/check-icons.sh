#!/bin/sh
# check-icons.sh XMLLINT DIR
# Every SVG under DIR must be well-formed XML and must open its <svg> element within the
# first 256 bytes: gdk-pixbuf (and so GTK and the tray hosts built on it) recognises SVG by
# sniffing that much, and a long leading comment makes the icon fail to load.
# Symbolic icons must not rely on strokes: GTK recolours only fills.
set -eu
xmllint=$1
dir=$2

list=$(find "$dir" -type f -name '*.svg' | LC_ALL=C sort)
if [ -z "$list" ]; then
  echo "no SVG icons under $dir" >&2
  exit 1
fi

status=0
IFS='
'
for f in $list; do
  if ! "$xmllint" --noout "$f"; then
    status=1
  fi
  if ! head -c 256 "$f" | grep -q '<svg'; then
    echo "$f: <svg> does not start within the first 256 bytes; gdk-pixbuf will not recognise it" >&2
    status=1
  fi
  case $f in
    *-symbolic.svg)
      if grep -q 'stroke' "$f"; then
        echo "$f: symbolic icon uses a stroke, which GTK does not recolour; convert it to a fill" >&2
        status=1
      fi
      ;;
  esac
done
exit $status
