#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make deb: build the Debian package alertable-sleep-dkms (debian/) with
# dpkg-buildpackage, from a copy of the sources outside the work tree, and
# check it with lintian: no error and no warning (info and pedantic tags
# are shown, and fail nothing). Installs what it lacks with apt.
#
# The build folder is $AS_CACHE/deb/build, made anew each run; the .deb
# is copied to $AS_CACHE/deb/ (DEB_OUT), whose path is printed, and that
# make deb-check installs. The source package (.dsc, native tarball) is
# built too, so that lintian checks debian/ itself (copyright, control)
# and not only the .deb. Ends with "deb: N passed, N failed".
set -eu -o pipefail
. "$(dirname "$0")/lib.sh"

# build-essential: dpkg-buildpackage checks for it, whatever the package.
need_pkgs build-essential debhelper dh-dkms dpkg-dev lintian rsync

pass=0
fail=0
finish() {
	total deb "$pass" "$fail"
	exit $((fail > 0))
}

# One source of the version: MODULE_VERSION. debian/changelog and
# dkms.conf must say the same, or the package would install
# /usr/src/alertable_sleep-X with a module that reports Y.
modver=$(sed -n 's/^MODULE_VERSION("\(.*\)");/\1/p' "$AS_ROOT/alertable_sleep.c")
confver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$AS_ROOT/dkms.conf")
debver=$(dpkg-parsechangelog -l "$AS_ROOT/debian/changelog" -SVersion)
rc=0
[ -n "$modver" ] && [ "$debver" = "$modver" ] && [ "$confver" = "$modver" ] || rc=1
result "version: debian/changelog $debver, dkms.conf $confver, MODULE_VERSION $modver" $rc
[ "$rc" -eq 0 ] || finish

out=$AS_CACHE/deb
mkdir -p "$out"
exec 9>"$out.lock"
flock 9	# one build at a time in this folder
build=$out/build
src=$build/src
rm -rf "$build"
mkdir -p "$src"
# What git tracks (and new files it does not ignore), never build
# products; without git, the sources less what stage_sources leaves out.
if command -v git >/dev/null && git -C "$AS_ROOT" rev-parse >/dev/null 2>&1; then
	git -C "$AS_ROOT" ls-files -z -co --exclude-standard |
		rsync -a --from0 --files-from=- --ignore-missing-args \
			"$AS_ROOT/" "$src/"
else
	stage_sources "$build"
fi

say "dpkg-buildpackage -us -uc in $src (log: $build/build.log)"
rc=0
(cd "$src" && dpkg-buildpackage -us -uc) >"$build/build.log" 2>&1 || rc=$?
[ "$rc" -eq 0 ] || tail -n 30 "$build/build.log"
deb=$(ls "$build"/alertable-sleep-dkms_"$debver"_all.deb 2>/dev/null || true)
[ -n "$deb" ] || rc=1
result "dpkg-buildpackage -us -uc" $rc
[ "$rc" -eq 0 ] || finish

# What DKMS and a client module need, where they need it: the sources
# with dkms.conf in /usr/src/<PACKAGE_NAME>-<version>, the scripts that
# the Makefile and dkms.conf run still executable.
usrc=./usr/src/alertable_sleep-$debver
list=$(dpkg-deb -c "$deb")
missing=
for f in dkms.conf Kbuild Makefile alertable_sleep.c alertable_sleep.h \
	alertable_sleep_trace.h compat/compat.h compat/Kbuild.include \
	kunit/Kbuild scripts/need-kdir.sh scripts/dkms-symvers.sh; do
	grep -qE "^-.* $usrc/$f\$" <<<"$list" || missing="$missing $f"
done
for f in scripts/need-kdir.sh scripts/dkms-symvers.sh; do
	grep -qE "^-rwxr-xr-x .* $usrc/$f\$" <<<"$list" || missing="$missing $f(not executable)"
done
rc=0
[ -z "$missing" ] || { echo "missing from $usrc:$missing"; rc=1; }
result "the .deb holds the DKMS sources in ${usrc#.}" $rc

changes=$build/alertable-sleep_${debver}_$(dpkg-architecture -qDEB_BUILD_ARCH).changes
say "lintian -I --pedantic $(basename "$changes") (source and binary)"
rc=0
lintian --fail-on error,warning -I --pedantic "$changes" \
	>"$build/lintian.log" 2>&1 || rc=$?
# lintian's own note about root is not a tag.
grep -v '^running with root privileges is not recommended!$' \
	"$build/lintian.log" || echo "(lintian: no tags)"
result "lintian: no error, no warning" $rc

cp -f "$deb" "$out/"
DEB_OUT=$out/$(basename "$deb")
say "package: $DEB_OUT"
echo "$DEB_OUT" >"$out/last"
finish
