#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# dkms-symvers.sh: dkms.conf's hooks that give client modules the symbols
# of the DKMS build of alertable_sleep, for their KBUILD_EXTRA_SYMBOLS, at
# /lib/modules/<release>/updates/dkms/alertable_sleep.symvers, beside the
# module. DKMS itself installs no Module.symvers, and before 3.1 keeps none.
#
#   dkms-symvers.sh build RELEASE ARCH
#	POST_BUILD, run in the DKMS build folder: keep its Module.symvers
#	beside the built module in the DKMS tree (../RELEASE/ARCH/).
#   dkms-symvers.sh sync DKMS_TREE
#	POST_INSTALL and POST_REMOVE: install the kept file for every kernel
#	that DKMS has alertable_sleep installed for, remove it (and the
#	folders left empty) for every other. It needs no ${kernelver}:
#	dkms 2.8 and 3.0 remove from every kernel after reading dkms.conf
#	once, and each call puts every kernel right.
set -eu

name=alertable_sleep
modules=/lib/modules

case ${1:-} in
build)
	[ $# -eq 3 ] || exit 2
	cp -f Module.symvers "../$2/$3/Module.symvers"
	;;
sync)
	[ $# -eq 2 ] || exit 2
	tree=$2/$name
	# kernel-<release>-<arch> links to the version installed for it.
	for link in "$tree"/kernel-*; do
		[ -L "$link" ] || continue
		dir=$(readlink -f "$link")
		rel=$(basename "$(dirname "$dir")")
		for f in "$dir/Module.symvers" "$dir/module/Module.symvers"; do
			[ -f "$f" ] || continue
			mkdir -p "$modules/$rel/updates/dkms"
			cp -f "$f" "$modules/$rel/updates/dkms/$name.symvers"
			break
		done
	done
	for f in "$modules"/*/updates/dkms/"$name.symvers"; do
		[ -f "$f" ] || continue
		rel=${f#"$modules"/}
		rel=${rel%%/*}
		for link in "$tree/kernel-$rel-"*; do
			[ -L "$link" ] && continue 2
		done
		rm -f "$f"
		rmdir "$modules/$rel/updates/dkms" "$modules/$rel/updates" \
			2>/dev/null || true
	done
	;;
*)
	sed -n '9,17s/^# \{0,1\}//p' "$0" >&2
	exit 2
	;;
esac
