#!/bin/sh
# Prints the SONAME of the shared library the C compiler links for -lNAME:
#   soname.sh CC NAME      (e.g. soname.sh cc curl  ->  libcurl.so.4)
set -eu
cc=$1 name=$2
file=$($cc -print-file-name="lib$name.so")
[ -e "$file" ] || { echo "soname.sh: no lib$name.so for $cc" >&2; exit 1; }
# a linker script (some libraries ship one) names the real file
if ! head -c 4 "$file" | grep -q ELF; then
        real=$(sed -n 's/.*\(GROUP\|INPUT\) *( *\([^ )]*\).*/\2/p' "$file" | head -1)
        file=$real
fi
objdump -p "$file" | awk '$1 == "SONAME" { print $2; found = 1 } END { exit !found }'
