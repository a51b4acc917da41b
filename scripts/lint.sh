#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make lint: the checks a kernel maintainer runs before reading a patch.
#   checkpatch.pl --strict on every .c and .h (one check per file), with
#   the newest kernel's checkpatch, which knows the newest API
#   kernel-doc -none on every .c and .h (one check per file; any output fails)
#   a W=1 build with -Werror, and a sparse (C=2) build with no report
# Both builds cover the module and its client modules (samples, tests,
# bench), against Debian's packaged kernel headers (KERNEL, 6.1 by
# default; make matrix builds with W=1 on every kernel).
set -eu
. "$(dirname "$0")/lib.sh"

need_pkgs $AS_PKGS_LINT
tree=$(kernel_tree newest)
kernel_ensure "${KERNEL:-6.1}"
cd "$AS_ROOT"

pass=0
fail=0
check() {	# check NAME OUTPUT-FILE: pass if the command succeeded silently
	local name=$1 out=$2 rc=$3
	if [ "$rc" -eq 0 ] && [ ! -s "$out" ]; then
		echo "ok   $name"
		pass=$((pass + 1))
	else
		echo "FAIL $name"
		sed 's/^/     /' "$out"
		fail=$((fail + 1))
	fi
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

files=$(git ls-files -co --exclude-standard -- "*.c" "*.h" | sort)

say "checkpatch.pl --strict and kernel-doc on $(echo "$files" | wc -l) files"
for f in $files; do
	rc=0
	ignore=()
	# The compat header holds the one version test, the supported range.
	[ "$f" = compat/compat.h ] && ignore=(--ignore LINUX_VERSION_CODE)
	perl "$tree/scripts/checkpatch.pl" --strict --no-tree --quiet \
		--show-types "${ignore[@]}" -f "$f" >"$tmp/out" 2>&1 || rc=$?
	check "checkpatch $f" "$tmp/out" "$rc"
	rc=0
	"$tree/scripts/kernel-doc" -none "$f" >"$tmp/out" 2>&1 || rc=$?
	check "kernel-doc $f" "$tmp/out" "$rc"
done

# A fresh copy, so that every file is compiled and every warning shows.
say "W=1 build with -Werror for $K_REL"
lintdir=$(build_dir lint)
rm -rf "$lintdir"
rc=0
build_modules "$lintdir" W=1 KCFLAGS=-Werror >"$tmp/out" || rc=$?
grep -v -e '^Skipping BTF generation' "$tmp/out" >"$tmp/w1" || true
check "build W=1 -Werror" "$tmp/w1" "$rc"

say "sparse build (C=2) for $K_REL"
need_chroot_pkgs "$K_SUITE" sparse
rc=0
build_modules "$lintdir" C=2 CHECK=sparse >"$tmp/out" || rc=$?
grep -v -e '^Skipping BTF generation' "$tmp/out" >"$tmp/sparse" || true
check "sparse C=2" "$tmp/sparse" "$rc"

total lint "$pass" "$fail"
[ "$fail" -eq 0 ]
