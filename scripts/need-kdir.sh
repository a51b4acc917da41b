#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# need-kdir.sh KDIR: say in one line why the module cannot be built when
# KDIR holds no kernel build tree, and name the trees that are installed.
set -eu

kdir=$1
[ -f "$kdir/Makefile" ] && exit 0

found=
for d in /lib/modules/*/build; do
	[ -f "$d/Makefile" ] && found="$found make KDIR=$d;"
done
if [ -n "$found" ]; then
	echo "error: no kernel headers at $kdir (kernel $(uname -r)); installed:$found" >&2
else
	echo "error: no kernel headers at $kdir and none installed: apt-get install linux-headers-$(uname -r) (or linux-headers-amd64), then make KDIR=/lib/modules/<release>/build" >&2
fi
exit 2
