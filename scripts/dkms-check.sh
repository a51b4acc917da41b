#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make dkms-check: prove that DKMS can add, build and install the module for
# a Debian kernel (KERNEL, 6.1 by default), then remove it again, in the
# chroot of the Debian release that ships that kernel. Nothing is loaded. The version in dkms.conf must match
# MODULE_VERSION, or dkms would install a module that reports another one.
set -eu -o pipefail
. "$(dirname "$0")/lib.sh"

need_pkgs $AS_PKGS_VM
kernel_ensure "${KERNEL:-6.1}"
kver=$K_REL
need_chroot_pkgs "$K_SUITE" dkms
dkms() { in_chroot "$K_SUITE" dkms "$@"; }
modinfo() { in_chroot "$K_SUITE" modinfo "$@"; }
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$AS_ROOT/dkms.conf")
modver=$(sed -n 's/^MODULE_VERSION("\(.*\)");/\1/p' "$AS_ROOT/alertable_sleep.c")
pkg=alertable_sleep/$version

pass=0
fail=0

rc=0
[ -n "$version" ] && [ "$version" = "$modver" ] || rc=1
result "dkms.conf version ($version) matches MODULE_VERSION ($modver)" $rc

# dkms add copies the folder it is given, so give it a clean copy.
src=$K_ROOT/var/tmp/alertable_sleep/dkms/alertable_sleep-$version
rm -rf "$src"
mkdir -p "$src"
(cd "$AS_ROOT" && cp Kbuild Makefile dkms.conf alertable_sleep.c \
	alertable_sleep.h alertable_sleep_trace.h "$src/")
mkdir -p "$src/scripts" && cp "$AS_ROOT/scripts/need-kdir.sh" \
	"$AS_ROOT/scripts/dkms-symvers.sh" "$src/scripts/"
# Kbuild names kunit/, and make clean visits it; compat/ is force-included.
cp -r "$AS_ROOT/kunit" "$AS_ROOT/compat" "$src/"

dkms remove "$pkg" --all >/dev/null 2>&1 || true
rm -rf "$K_ROOT/usr/src/alertable_sleep-$version"

say "dkms add $src"
rc=0; dkms add "${src#"$K_ROOT"}" || rc=$?
result "dkms add" $rc

say "dkms build $pkg -k $kver"
rc=0; dkms build "$pkg" -k "$kver" 2>&1 | tee "$src.build.log" || rc=$?
# dkms reports a failed clean step but still exits 0
! grep -q 'bad exit status' "$src.build.log" || rc=1
result "dkms build -k $kver" $rc

say "dkms install $pkg -k $kver"
rc=0; dkms install "$pkg" -k "$kver" || rc=$?
result "dkms install -k $kver" $rc

ko=$(modinfo -k "$kver" -n alertable_sleep 2>/dev/null || true)
got=$(modinfo -k "$kver" -F version alertable_sleep 2>/dev/null || true)
rc=0; [ "$got" = "$version" ] || rc=1
result "modinfo -k $kver finds $ko, version $got" $rc

say "dkms remove $pkg --all"
rc=0; dkms remove "$pkg" --all || rc=$?
result "dkms remove" $rc
rm -rf "$K_ROOT/usr/src/alertable_sleep-$version"

rc=0; ! modinfo -k "$kver" -n alertable_sleep >/dev/null 2>&1 || rc=1
result "module gone after remove" $rc

total dkms-check "$pass" "$fail"
[ "$fail" -eq 0 ]
