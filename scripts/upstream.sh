#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make upstream: alertable_sleep as a patch series against the newest
# kernel source Debian ships (kernel_tree newest: linux-source-7.3 from
# trixie-backports today), generated from this repository's files, and
# proven as a maintainer would take it. Each stage prints its own ok/FAIL
# line; the run ends with "upstream: N passed, N failed":
#   the series written (git format-patch, cover letter with base-commit;
#     each patch Cc's get_maintainer.pl's names, the cover letter all of
#     them and the scheduler and locking maintainers)
#   the in-tree files free of out-of-tree code and of text about older
#     kernels; the KUnit help names every suite
#   checkpatch.pl --strict on each patch file (patch mode)
#   each patch builds on its own, in order (x86_64, W=1, the series' objects)
#   kbuild's misc-check (W=2): a file that exports includes <linux/export.h>
#   kunit.py run on the tip (UML, kunit/.kunitconfig: KASAN, lockdep),
#     no case over a second left unmarked slow
#   kernel-doc -none on the series' files
#   the new page builds with the tree's sphinx setup, with no warning
#   get_maintainer.pl names the new MAINTAINERS entry for each patch
#   git am of the patch files on a fresh pristine tree
#
# The in-tree files are not a second copy: each is produced from the
# repository's file by the small, documented steps of intree_file() below
# (regions between "OUT-OF-TREE ONLY" and "END OUT-OF-TREE ONLY" dropped,
# #include lines and paths rewritten, the few in-tree-only differences of
# upstream/intree/ applied, the slow KUnit cases marked). The hand-written
# parts of the series are in upstream/: the commit messages
# (upstream/commits/), the cover letter, the Kconfig blocks and the
# MAINTAINERS entry, and the conversions of the in-tree users
# (upstream/tty-hvc-khvcd.diff, upstream/pci-pciehp-poll.diff,
# upstream/ipmi-kipmid.diff, upstream/hwmon-adt7470.diff: diffs
# against the pristine tree). The patches are signed off by the runner's
# git identity. make upstream-boot (scripts/upstream-boot.sh) boots the
# users; its table goes in the cover letter when it measured this tree.
#
# Everything lives in $AS_CACHE/upstream (never in this work tree):
#   linux-<version>/        a throwaway git repository of the tree: the
#                           pristine tree is committed and tagged once
#                           (only the first run pays), and each run resets
#                           the branch "series" to it and commits the
#                           series anew from the current files
#   am-<version>/           a git worktree of it where `git am` applies
#                           the patch files to the pristine tree
#   series-<version>/       the patch files, 0000 the cover letter
#   build-x86_64-<version>/ the per-patch W=1 build (O=, configured and
#                           prepared once)
#   kunit-<version>/        kunit.py's UML build folder, kept, so that a
#                           second run rebuilds only what changed
#   docs-<version>/         the one-page sphinx build
# The builds, kunit.py and sphinx run in the trixie chroot, with that
# release's compiler and python3; checkpatch.pl, get_maintainer.pl,
# kernel-doc and git run here.
set -eu

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

need_pkgs git rsync xz-utils perl python3 patch

series_name=newest
tree=$(kernel_tree "$series_name")
version=${tree##*/linux-source-}
suite=$(kernel_spec newest | cut -d' ' -f1)
up=$AS_CACHE/upstream
repo=$up/linux-$version
amdir=$up/am-$version
out=$up/series-$version
xbuild=$up/build-x86_64-$version
kbuild=$up/kunit-$version
docs=$up/docs-$version
src=$AS_ROOT/upstream
say "upstream series against Linux $version (linux-source, Debian $suite) in $up"

# Who signs the patches: whoever runs this, by git's own identity
# (user.name and user.email as this repository sees them, the identity
# `git commit -s` would sign with). Without one, the patches carry no
# Signed-off-by (a note says so: they cannot be sent like that), and the
# commits are made as a placeholder that says who it is not; the
# MAINTAINERS entry then has no M: line, only its list.
name=$(git -C "$AS_ROOT" config user.name || true)
email=$(git -C "$AS_ROOT" config user.email || true)
signoff=-s
if [ -z "$name" ] || [ -z "$email" ]; then
	say "note: no git user.name/user.email set: the patches get no Signed-off-by line" \
		"(set them, as for git commit -s, and run again before sending)"
	name="alertable_sleep series (unsigned)"
	email="unsigned@invalid"
	signoff=
else
	say "the patches are signed off by $name <$email> (git config user.name/user.email)"
fi
ugit() { git -C "$repo" -c user.name="$name" -c user.email="$email" "$@"; }

pass=0
fail=0
summary=
# stage NAME RC: result(), and a line of the closing table.
stage() {
	result "$1" "$2"
	summary="$summary$(printf '  %-4s %s' "$([ "$2" -eq 0 ] && echo ok || echo FAIL)" "$1")
"
}

# uchroot CMD...: run CMD in the trixie chroot with $up mounted at its
# own path, /proc, and a tmpfs on /dev/shm (UML's memory file). As
# kunit.sh's kchroot, in a mount namespace of its own: nothing stays
# mounted.
uchroot() {
	local dir
	dir=$(chroot_dir "$suite")
	mkdir -p "$dir$up" "$dir/dev/shm"
	# shellcheck disable=SC2016 # expanded by sh -c
	DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 PYTHONDONTWRITEBYTECODE=1 \
		PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		as_unshare sh -c '
		d=$1 u=$2
		shift 2
		mount -t proc proc "$d/proc" &&
		mount --bind "$u" "$d$u" &&
		mount -t tmpfs tmpfs "$d/dev/shm" &&
		exec chroot "$d" "$@"' sh "$dir" "$up" "$@"
}

# ---------------------------------------------------------------------
# The pristine tree, once: extracted anew from Debian's tarball (the tree
# that kernel_tree shares is not pristine: kunit.sh grafts into it), a git
# repository with every file committed (-f: a .gitignore'd file of the
# tarball is part of the tree too), tagged "pristine".
mkdir -p "$up"
exec 9>"$up/linux-$version.lock"
flock 9
if ! git -C "$repo" rev-parse -q --verify pristine >/dev/null 2>&1; then
	tarball=$(chroot_dir "$suite")/usr/src/linux-source-${version%.*}.tar.xz
	[ -f "$tarball" ] || die "no $tarball (kernel_tree installs it)"
	say "extracting $tarball into $repo and committing it (once; minutes)"
	rm -rf "$repo" "$repo.tmp" "$amdir"
	mkdir -p "$repo.tmp"
	tar -C "$repo.tmp" --strip-components=1 -xf "$tarball"
	git -C "$repo.tmp" init -q
	git -C "$repo.tmp" add -f -A .
	git -C "$repo.tmp" -c user.name="$name" -c user.email="$email" \
		commit -q -m "Linux $version as Debian ships it (linux-source)"
	git -C "$repo.tmp" tag pristine
	mv "$repo.tmp" "$repo"
fi

# ---------------------------------------------------------------------
# The in-tree files.

# drop_out_of_tree FILE: FILE without its out-of-tree-only regions: from
# a line containing "OUT-OF-TREE ONLY" to the next line containing
# "END OUT-OF-TREE ONLY", both included (in .c and .h files the markers
# are comments, in .rst files ".. OUT-OF-TREE ONLY ..." comments). A start
# marker on the first line of text of a block comment ("/*" alone on the
# line before) takes that "/*" line with it. Fails, naming the line, on a
# start marker with no end marker, an end marker with no start, or a start
# inside a region.
drop_out_of_tree() {
	awk -v f="${1#"$AS_ROOT"/}" '
	function flush() { if (held) print hold; held = 0 }
	/END OUT-OF-TREE ONLY/ {
		if (!skip) { printf "%s:%d: END OUT-OF-TREE ONLY without a start\n", f, NR > "/dev/stderr"; bad = 1; exit }
		skip = 0; next
	}
	/OUT-OF-TREE ONLY/ {
		if (skip) { printf "%s:%d: OUT-OF-TREE ONLY inside the region of line %d\n", f, NR, start > "/dev/stderr"; bad = 1; exit }
		if (!index($0, "/*")) held = 0
		flush()
		skip = 1; start = NR; next
	}
	skip { next }
	{ flush() }
	/^[ \t]*\/\*[ \t]*$/ { hold = $0; held = 1; next }
	{ print }
	END {
		if (bad) exit 1
		flush()
		if (skip) { printf "%s:%d: OUT-OF-TREE ONLY with no END OUT-OF-TREE ONLY\n", f, start > "/dev/stderr"; exit 1 }
	}' "$1"
}

# intree_file REPO-FILE TREE-FILE: write TREE-FILE (a path in the tree)
# from REPO-FILE (a path in this repository): the out-of-tree regions
# dropped, then the steps for that file:
#   .c, .h   runs of blank lines a dropped region leaves squeezed to one
#   all      blank lines at the end of the file dropped
#   #include "alertable_sleep.h", "../alertable_sleep.h"
#            -> #include <linux/alertable_sleep.h>
#   #include "alertable_sleep_trace.h" -> <trace/events/alertable_sleep.h>
#   Documentation/alertable-sleep.rst -> Documentation/driver-api/...
#   include/linux/alertable_sleep.h: include guard _LINUX_ALERTABLE_SLEEP_H
#   include/trace/events/alertable_sleep.h: guard _TRACE_ALERTABLE_SLEEP_H;
#            no TRACE_INCLUDE_PATH/TRACE_INCLUDE_FILE: define_trace.h then
#            includes trace/events/<TRACE_SYSTEM>.h, which is this file
#   the .rst: ".. kernel-doc:: alertable_sleep.c" (and .h) -> the tree's
#            paths; the sample's literalinclude -> samples/alertable_sleep/
# and last, if upstream/intree/TREE-FILE.diff exists, that diff (made
# against the file the steps above produce): what only the tree's own
# version of a file says or does, which the repository's file, built for
# every kernel back to 5.10, cannot (text about older kernels, references
# to this repository's make targets, the sample on a faux device). It
# fails loudly when the file moved under it: see upstream/intree/README.
intree_file() {
	local from=$AS_ROOT/$1 to=$repo/$2 tmp
	[ -f "$from" ] || die "no $1"
	tmp=$(mktemp)
	drop_out_of_tree "$from" >"$tmp" || { rm -f "$tmp"; die "unbalanced OUT-OF-TREE ONLY markers in $1"; }
	case $2 in
	*.c | *.h) cat -s "$tmp" >"$tmp.s" && mv "$tmp.s" "$tmp" ;;
	esac
	# No blank line at the end (a region dropped at the end leaves one).
	sed -i -e :a -e '/^\n*$/{$d;N;ba' -e '}' "$tmp"
	sed -i \
		-e 's|^#include "\(\.\./\)\{0,1\}alertable_sleep\.h"|#include <linux/alertable_sleep.h>|' \
		-e 's|^#include "alertable_sleep_trace\.h"|#include <trace/events/alertable_sleep.h>|' \
		-e 's|Documentation/alertable-sleep\.rst|Documentation/driver-api/alertable-sleep.rst|g' \
		"$tmp"
	case $2 in
	include/linux/alertable_sleep.h)
		sed -i 's/\b_ALERTABLE_SLEEP_H\b/_LINUX_ALERTABLE_SLEEP_H/' "$tmp" ;;
	include/trace/events/alertable_sleep.h)
		sed -i -e 's/\b_ALERTABLE_SLEEP_TRACE_H\b/_TRACE_ALERTABLE_SLEEP_H/' \
			-e '/^#\(undef\|define\) TRACE_INCLUDE_\(PATH\|FILE\)\b/d' "$tmp" ;;
	*.rst)
		sed -i -e 's|^\(\.\. kernel-doc:: \)alertable_sleep\.c|\1lib/alertable_sleep.c|' \
			-e 's|^\(\.\. kernel-doc:: \)alertable_sleep\.h|\1include/linux/alertable_sleep.h|' \
			-e 's|^\(\.\. literalinclude:: \)\.\./samples/alertable_sleep_demo\.c|\1../../samples/alertable_sleep/alertable_sleep_demo.c|' \
			"$tmp" ;;
	esac
	mkdir -p "$(dirname "$to")"
	mv "$tmp" "$to"
	chmod 644 "$to"
	if [ -f "$src/intree/$2.diff" ]; then
		patch -d "$repo" -p1 -s -F 2 --no-backup-if-mismatch -r - \
			<"$src/intree/$2.diff" ||
			die "upstream/intree/$2.diff does not apply to the in-tree $2: see upstream/intree/README"
	fi
}

# insert_before FILE ANCHOR TEXT-FILE: insert TEXT-FILE before the first
# line of FILE that is exactly ANCHOR; fails if there is none, so that a
# newer tree that moved the anchor stops the run instead of misplacing.
insert_before() {
	local file=$repo/$1
	grep -qxF -- "$2" "$file" || die "$1: no line '$2' to insert before"
	awk -v a="$2" -v t="$3" '
	!done && $0 == a { while ((getline l < t) > 0) print l; done = 1 }
	{ print }' "$file" >"$file.new"
	mv "$file.new" "$file"
}

# insert_after FILE ANCHOR TEXT-FILE: the same, after the anchor line.
insert_after() {
	local file=$repo/$1
	grep -qxF -- "$2" "$file" || die "$1: no line '$2' to insert after"
	awk -v a="$2" -v t="$3" '
	{ print }
	!done && $0 == a { while ((getline l < t) > 0) print l; done = 1 }' \
		"$file" >"$file.new"
	mv "$file.new" "$file"
}

# line_file TEXT...: a temporary file holding TEXT, one line each.
line_file() {
	local f
	f=$(mktemp)
	printf '%s\n' "$@" >"$f"
	printf '%s\n' "$f"
}

# maintainers_entry: write the entry of upstream/MAINTAINERS into the
# tree's MAINTAINERS in its alphabetical place (before the first entry
# that sorts after it), keeping only the F: lines whose files exist at
# this point of the series, so that each patch that adds files adds
# their F: line (and checkpatch sees MAINTAINERS updated with them).
maintainers_entry() {
	local entry title f pat next
	entry=$(mktemp)
	title=$(head -n 1 "$src/MAINTAINERS")
	while IFS= read -r f; do
		case $f in
		F:*)
			pat=${f#F:}
			pat=${pat#"${pat%%[![:space:]]*}"}
			# shellcheck disable=SC2086 # a pattern may be a glob
			# (compgen -G "dir/" succeeds for any dir: test it bare)
			compgen -G "$repo/${pat%/}" >/dev/null || continue ;;
		esac
		printf '%s\n' "$f"
	done < <(if [ -n "$signoff" ]; then
		sed -e "s|@NAME@|$name|" -e "s|@EMAIL@|$email|" "$src/MAINTAINERS"
	else
		grep -v '@NAME@' "$src/MAINTAINERS"
	fi) >"$entry"
	echo >>"$entry"
	# Drop the entry an earlier patch added, then insert it anew.
	awk -v t="$title" '
	$0 == t { skip = 1; next }
	skip && /^$/ { skip = 0; next }
	!skip { print }' "$repo/MAINTAINERS" >"$repo/MAINTAINERS.new"
	mv "$repo/MAINTAINERS.new" "$repo/MAINTAINERS"
	# The first entry that sorts after ours: a title is the line after
	# a blank line and before the entry's first "X:<tab>" line.
	next=$(LC_ALL=C awk -v t="$title" '
	/^[A-Z]:\t/ && pprev == "" && prev != "" && prev !~ /^[A-Z]:\t/ && prev > t {
		print prev; exit
	}
	{ pprev = prev; prev = $0 }' "$repo/MAINTAINERS")
	[ -n "$next" ] || die "MAINTAINERS: no entry after '$title'"
	insert_before MAINTAINERS "$next" "$entry"
	rm -f "$entry"
}

# commit_patch MESSAGE-FILE: commit everything changed as one patch,
# signed off by the runner's git identity if there is one.
commit_patch() {
	# -f: Debian's tarball ignores every top-level path in .gitignore
	# ("/*", its packaging), which upstream's does not. Nothing else is
	# untracked: the series starts from a clean checkout, builds use O=.
	ugit add -f -A .
	ugit commit -q ${signoff:+"$signoff"} -F "$src/commits/$1"
	say "committed: $(ugit log -1 --format=%s)"
}

# mark_slow TREE-FILE: mark the KUnit cases named in
# upstream/kunit-slow-cases (one a line, # comments) slow:
# KUNIT_CASE(x) -> KUNIT_CASE_SLOW(x), KUNIT_CASE_PARAM(x, g) ->
# KUNIT_CASE_PARAM_ATTR(x, g, { .speed = KUNIT_SPEED_SLOW }). They take
# more than a second, which KUnit reports as "Test should be marked slow"
# (the kunit.py stage fails on that report). Fails on a name that is not
# a case of the file.
mark_slow() {
	local f=$repo/$1 c
	while read -r c; do
		case $c in '' | '#'*) continue ;; esac
		if grep -qE "^\s*KUNIT_CASE\($c\),$" "$f"; then
			sed -i -E "s/^(\s*)KUNIT_CASE\($c\),$/\1KUNIT_CASE_SLOW($c),/" "$f"
		elif grep -qE "^\s*KUNIT_CASE_PARAM\($c, [a-z0-9_]+\),$" "$f"; then
			sed -i -E "s/^(\s*)KUNIT_CASE_PARAM\($c, ([a-z0-9_]+)\),$/\1KUNIT_CASE_PARAM_ATTR($c, \2,\n\1\t\t      { .speed = KUNIT_SPEED_SLOW }),/" "$f"
		else
			die "upstream/kunit-slow-cases: no case '$c' in $1"
		fi
	done <"$src/kunit-slow-cases"
}

say "resetting the series branch of $repo to the pristine tree"
ugit checkout -q -f -B series pristine
ugit clean -q -fdx

# 1. The primitive, its tracepoints, its Kconfig symbol and Makefile line,
# and the MAINTAINERS entry: in lib/ beside CLOSURES, its closest relative.
intree_file alertable_sleep.c lib/alertable_sleep.c
intree_file alertable_sleep.h include/linux/alertable_sleep.h
intree_file alertable_sleep_trace.h include/trace/events/alertable_sleep.h
# lib/Kconfig: after the CLOSURES block ("config CLOSURES", "	bool", "").
LC_ALL=C awk -v t="$src/lib.Kconfig" '
	{ print }
	prev == "config CLOSURES" && $0 == "\tbool" {
		getline l; print l
		while ((getline x < t) > 0) print x
		done = 1
	}
	{ prev = $0 }
	END { if (!done) exit 1 }' "$repo/lib/Kconfig" >"$repo/lib/Kconfig.new" ||
	die "lib/Kconfig: no 'config CLOSURES' block to add ALERTABLE_SLEEP after"
mv "$repo/lib/Kconfig.new" "$repo/lib/Kconfig"
# shellcheck disable=SC2016 # make's $(...)
t=$(line_file 'obj-$(CONFIG_ALERTABLE_SLEEP) += alertable_sleep.o')
# shellcheck disable=SC2016
insert_after lib/Makefile 'obj-$(CONFIG_CLOSURES) += closure.o' "$t"
rm -f "$t"
maintainers_entry
commit_patch 1-lib.txt

# 2. The KUnit suites, where 7.x keeps lib's tests: lib/tests/*_kunit.c,
# the symbol in lib/Kconfig.debug before BITOPS_KUNIT, where lib's KUnit
# tests begin, the Makefile line first in its sorted list.
intree_file kunit/alertable_sleep_test.c lib/tests/alertable_sleep_kunit.c
mark_slow lib/tests/alertable_sleep_kunit.c
insert_before lib/Kconfig.debug "config BITOPS_KUNIT" "$src/lib.Kconfig.debug"
# shellcheck disable=SC2016
t=$(line_file 'obj-$(CONFIG_ALERTABLE_SLEEP_KUNIT_TEST) += alertable_sleep_kunit.o')
# shellcheck disable=SC2016
insert_before lib/tests/Makefile 'obj-$(CONFIG_BASE64_KUNIT) += base64_kunit.o' "$t"
rm -f "$t"
maintainers_entry
commit_patch 2-kunit.txt

# 3. The sample client driver, first in samples/ (alphabetical).
intree_file samples/alertable_sleep_demo.c samples/alertable_sleep/alertable_sleep_demo.c
cp "$src/samples-alertable_sleep.Makefile" "$repo/samples/alertable_sleep/Makefile"
insert_before samples/Kconfig "config SAMPLE_AUXDISPLAY" "$src/samples.Kconfig"
# shellcheck disable=SC2016
t=$(line_file 'obj-$(CONFIG_SAMPLE_ALERTABLE_SLEEP)	+= alertable_sleep/')
# shellcheck disable=SC2016
insert_before samples/Makefile 'subdir-$(CONFIG_SAMPLE_AUXDISPLAY)	+= auxdisplay' "$t"
rm -f "$t"
maintainers_entry
commit_patch 3-sample.txt

# 4. The documentation, in driver-api among the support libraries.
intree_file Documentation/alertable-sleep.rst Documentation/driver-api/alertable-sleep.rst
t=$(line_file "   alertable-sleep")
insert_before Documentation/driver-api/index.rst "   connector" "$t"
rm -f "$t"
maintainers_entry
commit_patch 4-docs.txt

# 5. to 8. The in-tree users: hvc's khvcd (behaviour kept, the
# hand-made kick becomes an entry), pciehp's poll thread (requests in
# poll mode served at once), IPMI's kipmid (no lost kick before its idle
# sleep) and adt7470's update thread (a new interval applies at once).
# user_patch DIFF MESSAGE: apply upstream/DIFF, commit it with MESSAGE.
user_patch() {
	ugit apply --whitespace=error-all "$src/$1" ||
		die "upstream/$1 does not apply to Linux $version"
	commit_patch "$2"
}
user_patch tty-hvc-khvcd.diff 5-hvc.txt
user_patch pci-pciehp-poll.diff 6-pciehp.txt
user_patch ipmi-kipmid.diff 7-ipmi.txt
user_patch hwmon-adt7470.diff 8-adt7470.txt
nr_patches=8

# ---------------------------------------------------------------------
# Stage: the series, written with its cover letter.
rm -rf "$out"
mkdir -p "$out"
rc=0
# --base: the cover letter ends with "base-commit:", the commit of the
# pristine tree (Debian's tarball, committed here: not an upstream commit,
# which the blurb says, with the release it is).
ugit format-patch -q --cover-letter --base=pristine -o "$out" pristine..series || rc=$?
cover=$(find "$out" -name '0000-*.patch' | head -n 1)
if [ "$rc" -eq 0 ] && [ -n "$cover" ]; then
	# The cover letter's subject and blurb: upstream/cover-letter.txt,
	# its first line the subject, the rest the body; @BASE@ in it
	# becomes the sentence that names the base.
	# @TABLE@: the before/after table of make upstream-boot, if it ran
	# on this very tree (the series committed anew has the same tree).
	table=$AS_CACHE/upstream-boot/table-$(ugit rev-parse "series^{tree}").txt
	[ -f "$table" ] || table=/dev/null
	base="This series is against Linux $version as Debian ships it (linux-source-${version%.*} $(cat "$tree/.extracted")), that is the stable release v$version with Debian's patches; the base-commit below is that tree committed as one commit ($(ugit rev-parse --short pristine)), not an upstream commit."
	python3 - "$cover" "$src/cover-letter.txt" "$base" "$table" <<'EOF' || rc=$?
import sys, textwrap
cover, text = sys.argv[1], open(sys.argv[2]).read().split('\n', 1)
base = textwrap.fill(sys.argv[3], 72)
table = open(sys.argv[4]).read().rstrip('\n')
head, _, rest = table.partition('\n')
rest = '\n'.join(l for l in rest.split('\n') if not l.startswith('upstream-boot:')).rstrip('\n')
table = (textwrap.fill('Before and after, both trees booted in QEMU: ' + head, 72)
	 + '\n' + rest) if table else \
	'(No before/after table: run make upstream-boot on this series, then make upstream.)'
assert '@TABLE@' in text[1]
text[1] = text[1].replace('@TABLE@', table)
s = open(cover).read()
assert '*** SUBJECT HERE ***' in s and '*** BLURB HERE ***' in s
assert '@BASE@' in text[1]
s = s.replace('*** SUBJECT HERE ***', text[0].strip(), 1)
s = s.replace('*** BLURB HERE ***', text[1].strip('\n').replace('@BASE@', base), 1)
open(cover, 'w').write(s)
EOF
fi
mapfile -t patches < <(find "$out" -name '00[0-9][0-9]-*.patch' ! -name '0000-*' | sort)
say "series in $out:"
for p in "$cover" "${patches[@]}"; do
	printf '    %s  %s\n' "${p##*/}" "$(sed -n 's/^Subject: //p' "$p" | head -n 1)"
done
[ ${#patches[@]} -eq "$nr_patches" ] || rc=1
# Who gets it: each patch Cc's what get_maintainer.pl names for it; the
# cover letter Cc's all of those, and the scheduler and locking
# maintainers (a new sleep primitive is theirs to judge). The signer is
# the sender, not a Cc.
gm() { (cd "$repo" && perl scripts/get_maintainer.pl --no-git --no-git-fallback \
	--no-rolestats --no-multiline "$@" 2>/dev/null) | tr ',' '\n' | sed 's/^ *//'; }
addcc() { # FILE ADDRESS...: Cc: lines at the end of FILE's mail headers
	local f=$1
	shift
	python3 - "$f" "$email" "$@" <<'EOF'
import sys
f, me = sys.argv[1], sys.argv[2]
cc = [a for a in sys.argv[3:] if a and me not in a]
s = open(f).read()
head, sep, body = s.partition('\n\n')
open(f, 'w').write(head + ''.join('\nCc: ' + a for a in dict.fromkeys(cc)) + sep + body)
EOF
}
allcc=()
if [ "$rc" -eq 0 ]; then
	for p in "${patches[@]}"; do
		mapfile -t cc < <(gm "$p")
		allcc+=("${cc[@]}")
		addcc "$p" "${cc[@]}" || rc=1
	done
	mapfile -t cc < <(gm -f kernel/sched/core.c kernel/locking/mutex.c)
	addcc "$cover" "${allcc[@]}" "${cc[@]}" || rc=1
	say "the cover letter Cc's: $(sed -n 's/^Cc: //p' "$cover" | paste -sd, | sed 's/,/, /g')"
	grep -q '^base-commit: ' "$cover" || { echo "    no base-commit: in the cover letter"; rc=1; }
fi
stage "series generated (${#patches[@]} patches and a cover letter in $out, base-commit and Cc's)" "$rc"

# Stage: nothing of the out-of-tree build reached the tree.
# The files the series adds (not the Kconfig, Makefile and index lines).
mapfile -t newfiles < <(ugit diff --name-only --diff-filter=A pristine series -- \
	lib include samples Documentation | grep -v '/Makefile$')
rc=0
[ ${#newfiles[@]} -ge 6 ] || { echo "    the series adds only: ${newfiles[*]}"; rc=1; }
# The compatibility layer and the module-wide instance, and what only
# this repository has: its README, its make targets, its VM tests, the
# module build's files.
oot='compat/|compat\.h|LINUX_VERSION_CODE|KERNEL_VERSION|alertable_sleep_default|eventcount'
oot="$oot|README\.md|make (demo|bench|kunit|check|lint|vm-test|upstream)\b|Module\.symvers|alertable_sleep\.ko|tests/alertable_sleep_"
# Text about kernels older than the tree, and this repository's files.
oot="$oot|(before|since|until) (Linux )?[0-9]+\.[0-9]+\b|[0-9]+\.[0-9]+ and later|every (supported )?kernel|RESULTS\.md|bench/"
if leak=$(cd "$repo" && grep -nE "$oot" "${newfiles[@]}"); then
	printf '%s\n' "$leak" | sed 's/^/    /'
	rc=1
fi
# The KUnit symbol's help names every suite of the file, and counts them.
mapfile -t suites < <(sed -n 's/^\s*\.name = "\(alertable_sleep[a-z_]*\)",$/\1/p' \
	"$repo/lib/tests/alertable_sleep_kunit.c")
khelp=$(sed -n '/^config ALERTABLE_SLEEP_KUNIT_TEST$/,/^$/p' "$repo/lib/Kconfig.debug")
count=(no one two three four five six seven eight nine)
grep -qw "${count[${#suites[@]}]:-${#suites[@]}}" <<<"$khelp" ||
	{ echo "    the ALERTABLE_SLEEP_KUNIT_TEST help does not say ${#suites[@]} suites"; rc=1; }
for s in "${suites[@]}"; do
	grep -qw "$s" <<<"$khelp" ||
		{ echo "    the ALERTABLE_SLEEP_KUNIT_TEST help does not name the suite $s"; rc=1; }
done
stage "in-tree files free of out-of-tree code (compat, LINUX_VERSION_CODE, the module-wide instance, README, make targets, older kernels, bench); the KUnit help names the ${#suites[@]} suites" "$rc"

# Stage: checkpatch --strict on each patch file, in the tree at the tip
# (some checks read the tree), patch mode.
cp_errors=0 cp_warnings=0 cp_checks=0
for p in "${patches[@]}"; do
	rc=0
	# Unsigned (no git identity): the note above said so; checkpatch
	# checks the rest (--no-signoff).
	cp_sign=--signoff
	[ -n "$signoff" ] || cp_sign=--no-signoff
	log=$(cd "$repo" && perl scripts/checkpatch.pl --strict --show-types --terse \
		"$cp_sign" "$p" 2>&1) || rc=$?
	e=$(grep -c ': ERROR:' <<<"$log" || true)
	w=$(grep -c ': WARNING:' <<<"$log" || true)
	c=$(grep -c ': CHECK:' <<<"$log" || true)
	cp_errors=$((cp_errors + e)) cp_warnings=$((cp_warnings + w)) cp_checks=$((cp_checks + c))
	[ $((e + w + c)) -eq 0 ] || { rc=1; grep -E ': (ERROR|WARNING|CHECK):' <<<"$log" | sed 's/^/    /'; }
	stage "checkpatch --strict ${p##*/}: $e errors, $w warnings, $c checks" "$rc"
done
say "checkpatch totals: $cp_errors errors, $cp_warnings warnings, $cp_checks checks"

# ---------------------------------------------------------------------
# Stage: each patch builds on its own, in order: x86_64 defconfig with the
# new options, W=1, the objects of every .c the series has added or
# changed up to that patch (the earlier ones rebuild only if changed).
# Configured and prepared once; each patch gets the saved configuration
# through olddefconfig, which drops the symbols its Kconfig lacks yet.
frag=$up/x86_64.config
cat >"$frag" <<'EOF'
CONFIG_KUNIT=y
CONFIG_ALERTABLE_SLEEP_KUNIT_TEST=m
CONFIG_SAMPLES=y
CONFIG_SAMPLE_ALERTABLE_SLEEP=m
CONFIG_DEBUG_FS=y
CONFIG_FTRACE=y
CONFIG_ENABLE_DEFAULT_TRACERS=y
CONFIG_VIRTIO_CONSOLE=y
CONFIG_HOTPLUG_PCI_PCIE=y
CONFIG_IPMI_HANDLER=y
CONFIG_IPMI_SI=y
CONFIG_I2C=y
CONFIG_HWMON=y
CONFIG_SENSORS_ADT7470=y
EOF
mkdir -p "$xbuild"
if [ ! -f "$xbuild/.prepared" ] || ! cmp -s "$frag" "$xbuild/.prepared"; then
	say "configuring and preparing $xbuild (x86_64_defconfig + the new options; once)"
	rc=0
	# shellcheck disable=SC2016 # expanded by the chroot's shell
	uchroot sh -c 'cd "$0" && make -s O="$1" x86_64_defconfig &&
		scripts/kconfig/merge_config.sh -m -O "$1" "$1/.config" "$2" >/dev/null &&
		make -s O="$1" olddefconfig && cp "$1/.config" "$1/.config.series" &&
		make -s -j2 O="$1" prepare' \
		"$repo" "$xbuild" "$frag" >"$xbuild/prepare.log" 2>&1 || rc=$?
	if [ "$rc" -ne 0 ]; then
		tail -n 20 "$xbuild/prepare.log"
		die "could not prepare the x86_64 build in $xbuild"
	fi
	cp "$frag" "$xbuild/.prepared"
fi
objs=()
i=0
for c in $(ugit rev-list --reverse pristine..series); do
	i=$((i + 1))
	subject=$(ugit log -1 --format=%s "$c")
	ugit checkout -q "$c"
	# The .c files the patch adds or changes, and those that include a
	# header it changes in their own folder (pciehp.h: all of pciehp).
	for f in $(ugit diff --name-only --diff-filter=AM "$c^" "$c" -- '*.c') \
		$(ugit diff --name-only --diff-filter=M "$c^" "$c" -- 'drivers/*.h' |
			while read -r h; do
				(cd "$repo" && grep -lF "#include \"${h##*/}\"" "$(dirname "$h")"/*.c)
			done); do
		case " ${objs[*]} " in *" ${f%.c}.o "*) ;; *) objs+=("${f%.c}.o") ;; esac
	done
	log=$xbuild/patch-$i.log
	say "patch $i: W=1 build of ${objs[*]:-no object (Kconfig only)}"
	rc=0
	# One job: drivers/Makefile names char/ipmi/ beside char/, so kbuild
	# hands the single target drivers/char/ipmi/ipmi_si_intf.o to both
	# subdirectories' makes, and with -j2 the two compile it at once
	# (fixdep then finds the other's .d gone: seen in 2 runs of 5).
	# shellcheck disable=SC2016 # expanded by the chroot's shell
	uchroot sh -c 'cd "$0" && b=$1 && shift &&
		cp "$b/.config.series" "$b/.config" &&
		make -s O="$b" olddefconfig && make -s -k -j1 O="$b" W=1 "$@"' \
		"$repo" "$xbuild" "${objs[@]}" >"$log" 2>&1 || rc=$?
	if [ "$rc" -ne 0 ] || grep -qE 'warning:|error:' "$log"; then
		grep -E -A3 'warning:|error:' "$log" | head -n 40 | sed 's/^/    /'
		[ "$rc" -ne 0 ] || rc=1
	fi
	# Each object must really have been built: one that its Kconfig
	# leaves out would be silently skipped.
	for o in "${objs[@]}"; do
		[ -f "$xbuild/$o" ] || { echo "    $o was not built"; rc=1; }
	done
	stage "patch $i builds (x86_64, W=1): $subject" "$rc"
done

# kbuild's own W=2 check (scripts/misc-check with KBUILD_EXTRA_WARN=2): a
# file that uses EXPORT_SYMBOL() includes <linux/export.h>, on the files
# the series adds (hvc_console.c predates the rule). It reads git, so it
# runs here, not in the chroot.
mapfile -t code < <(printf '%s\n' "${newfiles[@]}" drivers/tty/hvc/hvc_console.c | grep '\.[ch]$')
rc=0
if miss=$(cd "$repo" && srctree=. KBUILD_EXTRA_WARN=2 sh scripts/misc-check 2>&1 |
	grep -F 'linux/export.h' | grep -F "$(printf '%s\n' "${newfiles[@]}")"); then
	printf '%s\n' "$miss" | sed 's/^/    /'
	rc=1
fi
stage "misc-check (W=2): every new file that exports includes <linux/export.h>" "$rc"

# ---------------------------------------------------------------------
# Stage: kunit.py on the grafted tree (the series' tip), UML, with the
# checkers of kunit/.kunitconfig (KASAN, lockdep). A tree whose UML can be
# SMP (arch/um/Kconfig has "config SMP": 7.3 does) is built with
# CONFIG_SMP=y and the suites run twice, as make kunit runs them: with two
# CPUs (ncpus=2; UML runs more than one only with seccomp=on), so that the
# cases that need a second CPU run (abort_races_deadline, the lifetime of
# an entry after an abort), then with one (kunit.py exec, no rebuild).
cp "$AS_ROOT/kunit/.kunitconfig" "$up/kunitconfig"
mkdir -p "$kbuild"
smp=()
ncpus_list=1
if grep -qx 'config SMP' "$repo/arch/um/Kconfig"; then
	smp=(--kconfig_add CONFIG_SMP=y)
	ncpus_list="2 1"
fi
for n in $ncpus_list; do
	verb=run
	[ "$n" = 1 ] && [ ${#smp[@]} -gt 0 ] && verb="exec"
	args=()
	[ "$verb" = exec ] || args+=(--jobs=2 "${smp[@]}")
	[ ${#smp[@]} -eq 0 ] || args+=(--kernel_args "ncpus=$n")
	[ "$n" -le 1 ] || args+=(--kernel_args seccomp=on)
	rm -f "$kbuild/results.json" "$kbuild/test.log"
	say "kunit.py $verb --arch=um, $n CPU(s), in $kbuild$([ "$verb" = exec ] || echo ' (a first build takes 10 minutes or more)')"
	start=$(date +%s)
	rc=0
	# shellcheck disable=SC2016 # expanded by the chroot's shell
	uchroot sh -c 'cd "$0" && v=$1 k=$2 b=$3 && shift 3 &&
		exec python3 tools/testing/kunit/kunit.py "$v" \
		--arch=um --kunitconfig="$k" --build_dir="$b" --timeout=300 \
		--json="$b/results.json" "$@" "alertable_sleep*"' \
		"$repo" "$verb" "$up/kunitconfig" "$kbuild" "${args[@]}" >"$kbuild/kunit-$n.out" 2>&1 || rc=$?
	kunit_summary=$(grep -E 'Testing complete|Ran [0-9]+ tests' "$kbuild/kunit-$n.out" | tail -n 1 |
		sed -e 's/\x1b\[[0-9;]*m//g' -e 's/^\[[0-9:]*\] //')
	say "kunit.py: ${kunit_summary:-no summary} ($(($(date +%s) - start)) s, log $kbuild/kunit-$n.out)"
	if [ "$rc" -ne 0 ]; then
		tail -n 30 "$kbuild/kunit-$n.out" | sed 's/^/    /'
	elif ! grep -qE 'passed: [1-9]' <<<"$kunit_summary" ||
		grep -qE '(failed|crashed|errors?): [1-9]' <<<"$kunit_summary"; then
		rc=1
	fi
	if [ -s "$kbuild/test.log" ] && reports=$(kernel_reports "$kbuild/test.log"); then
		printf '%s\n' "$reports" | sed 's/^/    /'
		rc=1
	fi
	# A case over KUnit's one second that is not marked slow (add it to
	# upstream/kunit-slow-cases).
	if [ -s "$kbuild/test.log" ] && slow=$(grep -F 'Test should be marked slow' "$kbuild/test.log"); then
		printf '%s\n' "$slow" | sed 's/^ */    /'
		rc=1
	fi
	if [ -s "$kbuild/test.log" ]; then cp "$kbuild/test.log" "$kbuild/test-$n.log"; fi
	stage "kunit.py $verb (UML, KASAN, lockdep, $n CPU(s)): ${kunit_summary:-no summary}" "$rc"
done

# ---------------------------------------------------------------------
# Stage: kernel-doc -none on the new files (and the converted driver).
rc=0
kd=$(cd "$repo" && PYTHONDONTWRITEBYTECODE=1 python3 scripts/kernel-doc -none \
	"${code[@]}" 2>&1) || rc=$?
if [ "$rc" -ne 0 ] || [ -n "$kd" ]; then
	printf '%s\n' "$kd" | sed 's/^/    /'
	rc=1
fi
stage "kernel-doc -none on the series' files: silent" "$rc"

# Stage: the new page built with the tree's own sphinx setup
# (Documentation/conf.py, its extensions, kerneldoc from the tree), as the
# kernel's sphinx-build-wrapper runs it, for that one page: include_patterns
# keeps only it and it is the root document (exclude_patterns drops the
# netlink specs that conf.py adds). -W --keep-going: any warning fails;
# conf.py's theme line on stderr is not a warning. graphviz: kfigure
# warns at setup without dot(1), as a full htmldocs build would.
need_chroot_pkgs "$suite" python3-sphinx python3-yaml graphviz
rm -rf "$docs"
mkdir -p "$docs"
rc=0
# shellcheck disable=SC2016 # expanded by the chroot's shell
uchroot sh -c 'cd "$0" && srctree="$0" exec sphinx-build -b html -q -W --keep-going \
	-c Documentation -d "$1/doctrees" -D kerneldoc_srctree="$0" \
	-D version="$2" -D release="$2" \
	-D include_patterns=driver-api/alertable-sleep.rst -D exclude_patterns="netlink/**" \
	-D master_doc=driver-api/alertable-sleep -D root_doc=driver-api/alertable-sleep \
	Documentation "$1/html"' "$repo" "$docs" "$version" >"$docs/sphinx.log" 2>&1 || rc=$?
grep -v '^Using [a-z_]* theme$' "$docs/sphinx.log" >"$docs/warnings.log" || true
if [ "$rc" -ne 0 ] || [ -s "$docs/warnings.log" ] ||
	[ ! -f "$docs/html/driver-api/alertable-sleep.html" ]; then
	head -n 30 "$docs/warnings.log" | sed 's/^/    /'
	rc=1
fi
stage "Documentation/driver-api/alertable-sleep.rst builds with the tree's sphinx setup, no warning" "$rc"

# Stage: get_maintainer.pl names the new entry for every patch (the
# driver patches through the entry's K: pattern). Checked against a copy
# of the tree's MAINTAINERS whose entry has a marker M: line, so that it
# works whether the entry names the signer or (unsigned) no one.
rc=0
title=$(head -n 1 "$src/MAINTAINERS")
awk -v t="$title" '{ print } $0 == t { print "M:\tEntry Check <alertable-sleep-entry@check.invalid>" }' \
	"$repo/MAINTAINERS" >"$up/MAINTAINERS.check"
for p in "${patches[@]}"; do
	m=$(cd "$repo" && perl scripts/get_maintainer.pl --no-git --no-git-fallback \
		--no-rolestats --mpath "$up/MAINTAINERS.check" "$p" 2>&1) || true
	grep -qF "alertable-sleep-entry@check.invalid" <<<"$m" || {
		echo "    ${p##*/}: $(tr '\n' ',' <<<"$m")"
		rc=1
	}
done
stage "get_maintainer.pl names the ALERTABLE SLEEP entry for every patch" "$rc"

# Stage: git am of the patch files on a fresh checkout of the pristine
# tree (a worktree of the same repository), and the result is the tree
# the series was generated from.
if [ ! -f "$amdir/.git" ]; then
	say "adding the worktree $amdir (once)"
	git -C "$repo" worktree prune
	rm -rf "$amdir"
	git -C "$repo" worktree add -q --detach "$amdir" pristine
fi
rc=0
git -C "$amdir" am --abort >/dev/null 2>&1 || true
git -C "$amdir" checkout -q -f --detach pristine
git -C "$amdir" clean -q -fdx
git -C "$amdir" -c user.name="$name" -c user.email="$email" \
	am -q --whitespace=error-all "${patches[@]}" >"$up/am.log" 2>&1 || rc=$?
if [ "$rc" -ne 0 ]; then
	sed 's/^/    /' "$up/am.log"
	git -C "$amdir" am --abort >/dev/null 2>&1 || true
elif [ "$(git -C "$amdir" rev-parse 'HEAD^{tree}')" != "$(ugit rev-parse 'series^{tree}')" ]; then
	echo "    the applied tree differs from the series' tree"
	rc=1
fi
stage "git am of the series on a fresh pristine Linux $version applies cleanly" "$rc"

ugit checkout -q series

echo
echo "Summary: Linux $version, series in $out"
printf '%s' "$summary"
total upstream "$pass" "$fail"
[ "$fail" -eq 0 ]
