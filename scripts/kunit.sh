#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make kunit: the KUnit suites of alertable_sleep under UML, run by the
# kernel's own tools/testing/kunit/kunit.py with KASAN and lockdep on.
#
# The module is grafted into the cached linux-source-6.1 tree as
# drivers/misc/alertable_sleep, and built in $AS_CACHE/kunit-um, which is
# kept between runs so that a second run rebuilds only what changed.
# Results are counted from kunit.py's JSON (one per test case, and one per
# parameter of a parameterised case). A kunit.py failure, W=1 warnings in
# the module or the suite, and any lockdep, KASAN or other splat in the full
# kernel log each add one failure.
set -eu

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

# shellcheck disable=SC2086 # a list of packages, split on purpose
need_pkgs $AS_PKGS_KUNIT

tree=$(kernel_tree)
# Kept between runs; AS_KUNIT_BUILD picks another (a cold build, for one).
build=${AS_KUNIT_BUILD:-$AS_CACHE/kunit-um}
graft=$tree/drivers/misc/alertable_sleep
results=$build/alertable_sleep-results.json
out=$build/alertable_sleep-kunit.out

# A copy rather than a symlink to the work tree: kbuild searches the source
# folder of an object too, so a stale out-of-tree alertable_sleep.o there
# could be linked into UML. Compare by content (-c) and leave out -t, so a
# file that changed gets a new mtime (make rebuilds it, even if its content
# went back in time) and an unchanged one keeps its old mtime (no rebuild).
say "grafting $AS_ROOT into $graft"
[ -L "$graft" ] && rm -f "$graft"
mkdir -p "$graft"
rsync -rlc --delete --delete-excluded \
	--include='/*.[ch]' --include=/Kbuild --include=/Kconfig \
	--include=/kunit/ --include=/kunit/Kbuild --include='/kunit/*.[ch]' \
	--exclude='*' "$AS_ROOT/" "$graft/"

# add_line FILE LINE [BEFORE]: add LINE to FILE once, before the last line
# if that is BEFORE, else at the end.
add_line() {
	local file=$1 line=$2 before=${3:-}
	grep -qxF "$line" "$file" && return 0
	say "adding '$line' to ${file#"$tree"/}"
	if [ -n "$before" ] && [ "$(tail -n 1 "$file")" = "$before" ]; then
		sed -i "\$i $line" "$file"
	else
		printf '%s\n' "$line" >>"$file"
	fi
}
add_line "$tree/drivers/misc/Kconfig" \
	'source "drivers/misc/alertable_sleep/Kconfig"' endmenu
# shellcheck disable=SC2016 # make's $(...), not the shell's
add_line "$tree/drivers/misc/Makefile" \
	'obj-$(CONFIG_ALERTABLE_SLEEP)		+= alertable_sleep/'

# kunit.py builds with O=, which kbuild refuses if the source tree was
# configured in place. Another job's leftovers are not ours to delete.
if [ -e "$tree/.config" ] || [ -d "$tree/include/config" ]; then
	die "$tree is configured in place; run 'make -C $tree mrproper' first"
fi

mkdir -p "$build"
rm -f "$build/drivers/misc/alertable_sleep/kunit/Kbuild"
# Old results must never be counted as this run's.
rm -f "$results" "$out" "$build/test.log"

say "kunit.py run --arch=um in $build (a first build takes several minutes)"
start=$(date +%s)
set +e
(
	cd "$tree" &&
	python3 tools/testing/kunit/kunit.py run --arch=um \
		--kunitconfig="$AS_ROOT/kunit/.kunitconfig" \
		--build_dir="$build" --jobs=2 --timeout=300 \
		--json="$results" 'alertable_sleep*'
) 2>&1 | tee "$out"
rc=${PIPESTATUS[0]}
set -e
say "kunit.py exited with $rc after $(($(date +%s) - start)) s"

passed=0
failed=0

# Count the leaf test cases of kunit.py's JSON (KernelCI layout: groups
# with sub_groups and test_cases). Prints "PASSED FAILED", then the names
# of the cases that did not pass.
if [ -s "$results" ]; then
	counts=$(python3 - "$results" <<'EOF'
import json
import sys

passed, bad = 0, []

def walk(group, path):
    global passed
    for sub in group.get("sub_groups", []):
        walk(sub, path + [sub["name"]])
    for case in group.get("test_cases", []):
        if case["status"] == "PASS":
            passed += 1
        else:
            bad.append("%s %s" % (".".join(path + [case["name"]]),
                                  case["status"]))

with open(sys.argv[1]) as f:
    walk(json.load(f), [])
print(passed, len(bad))
for b in bad:
    print(b)
EOF
	) || counts="0 1"
	read -r passed failed <<<"$(head -n 1 <<<"$counts")"
	if [ "$failed" -gt 0 ]; then
		say "test cases that did not pass:"
		tail -n +2 <<<"$counts" | sed 's/^/    /'
	fi
else
	say "kunit.py wrote no results ($results)"
fi

# kunit.py failing (build error, crash, timeout) is a failure even when
# every parsed case passed, and no run may pass with nothing counted.
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
	say "kunit.py failed (exit $rc) with no failed case parsed: see $out"
	failed=$((failed + 1))
elif [ "$passed" -eq 0 ] && [ "$failed" -eq 0 ]; then
	say "no test case ran: see $out"
	failed=1
fi

# W=1 over the whole kernel floods kunit.py's output with warnings that
# are not ours, so compile only the module and the suite with W=1, to .s
# files: the .o files and their command lines stay as kunit.py built them.
if [ -f "$build/.config" ]; then
	w1=()
	for f in "$graft"/*.c "$graft"/kunit/*.c; do
		f=${f#"$tree"/}
		w1+=("${f%.c}.s")
	done
	say "W=1 compile of ${w1[*]}"
	w1log=$build/alertable_sleep-w1.log
	# Only ours: the prepare step warns about arch/um files under W=1.
	ours='drivers/misc/alertable_sleep/[^:]*:[0-9]+:[0-9]+: (warning|error):'
	if ! make -s -C "$tree" ARCH=um O="$build" W=1 "${w1[@]}" \
		>"$w1log" 2>&1; then
		tail -n 20 "$w1log"
		say "the W=1 compile failed"
		failed=$((failed + 1))
	elif grep -qE "$ours" "$w1log"; then
		grep -E -A3 "$ours" "$w1log"
		say "W=1 warnings in the module or the suite"
		failed=$((failed + 1))
	else
		say "W=1 clean"
	fi
fi

# The checkers report on the console, not through KUnit: a splat while a
# case passes must still fail the run, as one more failure.
log=$build/test.log
splats='possible circular locking|inconsistent lock state|possible recursive locking|BUG: |WARNING: |sleeping function called from invalid context|Oops|Kernel panic|blocked for more than|UBSAN: '
if [ -s "$log" ]; then
	if grep -qE -- "$splats" "$log"; then
		say "the kernel log has splats:"
		grep -nE -- "$splats" "$log" | head -n 40 | sed 's/^/    /'
		failed=$((failed + 1))
	else
		say "kernel log clean of lockdep/KASAN/BUG/WARNING: $log"
	fi
else
	say "no kernel log ($log)"
	[ "$rc" -ne 0 ] || failed=$((failed + 1))
fi

total kunit "$passed" "$failed"
[ "$failed" -eq 0 ]
