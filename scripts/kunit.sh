#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make kunit [KERNEL=6.1|newest|<series>]: the KUnit suites of alertable_sleep
# under UML, run by the kernel's own tools/testing/kunit/kunit.py with KASAN
# and lockdep on, in the Debian kernel source of that series (kernel_tree:
# linux-source-6.1 by default; newest is the newest that Debian ships, 7.3
# from trixie-backports today).
#
# kunit.py, the build and the UML kernel run inside the chroot of the
# release that ships the source (bookworm for 6.1, trixie for the newest),
# with its compiler and python3, so the host's tools do not matter. The
# source tree and the build folder are bind-mounted into the chroot at
# their own paths, in a mount namespace of this run.
#
# The module is grafted into the tree as drivers/misc/alertable_sleep: the
# shared tree holds only a stub there (and the Kconfig and Makefile lines
# that name it), and this run mounts its own staged copy of this checkout
# over the stub, so that two checkouts (a mutant, a CI clone) can run on
# one tree at once. The build folder, $AS_CACHE/kunit/<version>-<checkout>,
# is kept between runs, so that a second run rebuilds only what changed;
# AS_KUNIT_BUILD picks another (a cold build, for one).
#
# A tree whose UML can be SMP (arch/um/Kconfig has "config SMP": 7.3 does,
# 6.1 does not) is built with CONFIG_SMP=y and the suite runs twice, with
# two CPUs (ncpus=2 and seccomp=on on the UML command line) and with one (kunit.py exec,
# no rebuild), so that the cases that need a second CPU run and those that
# order threads on one CPU run as they do on 6.1. KUNIT_NCPUS overrides
# the list ("2", "1 2").
#
# Results are counted from kunit.py's JSON (one per test case, and one per
# parameter of a parameterised case; a skipped case counts as neither),
# over every run. A kunit.py failure, no case run at all, W=1 warnings in
# the module or the suite, and any kernel report (lib.sh's one list) in the
# full kernel log each add one failure. Ends with "kunit: N passed, N
# failed".
set -eu

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

need_pkgs rsync

series=${KERNEL:-6.1}
tree=$(kernel_tree "$series")
suite=$(kernel_spec "${series%-rt}" | cut -d' ' -f1)
version=${tree##*/linux-source-}
# KUNIT_ARCH=arm64: the suites in an arm64 kernel under
# qemu-system-aarch64 (TCG), cross-built in the same chroot; 2 CPUs.
arch=${KUNIT_ARCH:-um}
suffix=
[ "$arch" = um ] || suffix=-$arch
build=${AS_KUNIT_BUILD:-$AS_CACHE/kunit/$version$suffix-$AS_TREE_KEY}
# This checkout's copy, which the run mounts on the stub in the tree.
staged=$build.graft
graft=$tree/drivers/misc/alertable_sleep
log=$build/test.log
# One run per CPU count on an SMP-capable UML; one plain run otherwise.
smp_args=()
arch_args=(--arch="$arch")
make_args=(ARCH="$arch")
if [ "$arch" = arm64 ]; then
	need_chroot_pkgs "$suite" qemu-system-arm gcc-aarch64-linux-gnu
	arch_args+=(--cross_compile=aarch64-linux-gnu-)
	make_args+=(CROSS_COMPILE=aarch64-linux-gnu-)
	ncpus_list=${KUNIT_NCPUS:-2}
elif [ "$arch" != um ]; then
	die "KUNIT_ARCH=$arch: um (default) or arm64"
elif grep -qx 'config SMP' "$tree/arch/um/Kconfig"; then
	ncpus_list=${KUNIT_NCPUS:-2 1}
	smp_args=(--kconfig_add CONFIG_SMP=y)
else
	ncpus_list=${KUNIT_NCPUS:-1}
	[ "$ncpus_list" = 1 ] ||
		die "Linux $version's UML has no CONFIG_SMP: KUNIT_NCPUS=1 only"
fi
say "KUnit on Linux $version (KERNEL=$series), built in the $suite chroot in $build; CPUs: $ncpus_list"

# kchroot CMD...: run CMD in the chroot of $suite, with the tree, the build
# folder and this checkout's graft mounted at their own paths, /proc, and a
# tmpfs at /dev/shm, where UML keeps its memory file. Nothing stays mounted.
kchroot() {
	local dir
	dir=$(chroot_dir "$suite")
	mkdir -p "$dir$tree" "$dir$build" "$dir/dev/shm"
	# shellcheck disable=SC2016 # expanded by sh -c
	DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 PYTHONDONTWRITEBYTECODE=1 \
		PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		as_unshare sh -c '
		d=$1 t=$2 b=$3 g=$4
		shift 4
		mount -t proc proc "$d/proc" &&
		mount --bind "$t" "$d$t" &&
		mount --bind "$g" "$d$t/drivers/misc/alertable_sleep" &&
		mount --bind "$b" "$d$b" &&
		mount -t tmpfs tmpfs "$d/dev/shm" &&
		exec chroot "$d" "$@"' sh "$dir" "$tree" "$build" "$staged" "$@"
}

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

# The shared tree, once: the stub and the lines that name it. The stub
# keeps the tree configurable outside this script (check-debug builds it).
(
	flock 9
	mkdir -p "$graft"
	stub='# alertable_sleep: scripts/kunit.sh mounts the module over this folder'
	for f in Kconfig Kbuild; do
		[ "$(cat "$graft/$f" 2>/dev/null)" = "$stub" ] ||
			printf '%s\n' "$stub" >"$graft/$f"
	done
	add_line "$tree/drivers/misc/Kconfig" \
		'source "drivers/misc/alertable_sleep/Kconfig"' endmenu
	# shellcheck disable=SC2016 # make's $(...), not the shell's
	add_line "$tree/drivers/misc/Makefile" \
		'obj-$(CONFIG_ALERTABLE_SLEEP)		+= alertable_sleep/'
) 9>"$tree.lock"

# kunit.py builds with O=, which kbuild refuses if the source tree was
# configured in place. Another job's leftovers are not ours to delete.
if [ -e "$tree/.config" ] || [ -d "$tree/include/config" ]; then
	die "$tree is configured in place; run 'make -C $tree mrproper' first"
fi

# A copy rather than the work tree itself: kbuild searches the source
# folder of an object too, so a stale out-of-tree alertable_sleep.o there
# could be linked into UML. Compare by content (-c) and leave out -t, so a
# file that changed gets a new mtime (make rebuilds it, even if its content
# went back in time) and an unchanged one keeps its old mtime (no rebuild).
say "staging $AS_ROOT in $staged"
mkdir -p "$build" "$staged"
rsync -rlc --delete --delete-excluded \
	--include='/*.[ch]' --include=/Kbuild --include=/Kconfig \
	--include=/compat/ --include='/compat/*.h' --include=/compat/Kbuild.include \
	--include=/kunit/ --include=/kunit/Kbuild --include='/kunit/*.[ch]' \
	--include=/kunit/.kunitconfig \
	--exclude='*' "$AS_ROOT/" "$staged/"

rm -f "$build/drivers/misc/alertable_sleep/kunit/Kbuild"

passed=0
failed=0
start=$(date +%s)

# count_results JSON: add kunit.py's JSON results (KernelCI layout: groups
# with sub_groups and test_cases) to passed and failed, and list the cases
# that did not pass, and those skipped.
count_results() {
	local counts p f k
	counts=$(kchroot python3 - "$1" <<'EOF'
import json
import sys

passed, bad, skipped = 0, [], []

def walk(group, path):
    global passed
    for sub in group.get("sub_groups", []):
        walk(sub, path + [sub["name"]])
    for case in group.get("test_cases", []):
        name = ".".join(path + [case["name"]])
        if case["status"] == "PASS":
            passed += 1
        elif case["status"] == "SKIP":
            skipped.append("%s SKIP" % name)
        else:
            bad.append("%s %s" % (name, case["status"]))

with open(sys.argv[1]) as f:
    walk(json.load(f), [])
print(passed, len(bad), len(skipped))
for b in bad + skipped:
    print(b)
EOF
	) || counts="0 1 0"
	read -r p f k <<<"$(head -n 1 <<<"$counts")"
	if [ "$((f + k))" -gt 0 ]; then
		say "test cases that did not pass ($f failed, $k skipped):"
		tail -n +2 <<<"$counts" | sed 's/^/    /'
	fi
	say "$p passed, $f failed, $k skipped"
	passed=$((passed + p))
	failed=$((failed + f))
}

# run_once NCPUS VERB: kunit.py VERB (run builds, exec only boots) with
# NCPUS CPUs, then count its results and check its kernel log.
run_once() {
	local n=$1 verb=$2 rc results out extra=()
	results=$build/alertable_sleep-results-$n.json
	out=$build/alertable_sleep-kunit-$n.out
	# Old results must never be counted as this run's.
	rm -f "$results" "$out" "$log"
	[ "$verb" = exec ] || extra+=(--jobs=2 "${smp_args[@]}")
	# UML runs more than one CPU only with its seccomp userspace, not
	# with ptrace (arch/um/os-Linux/start_up.c).
	if [ "$arch" = arm64 ]; then
		extra+=(--qemu_args "-smp $n")
	else
		[ ${#smp_args[@]} -eq 0 ] || extra+=(--kernel_args "ncpus=$n")
		[ "$n" -le 1 ] || extra+=(--kernel_args seccomp=on)
	fi
	say "kunit.py $verb --arch=$arch, $n CPU(s) (a first build takes 5 to 10 minutes)"
	set +e
	# shellcheck disable=SC2016 # expanded by the chroot's shell
	kchroot sh -c 'cd "$0" && v=$1 b=$2 j=$3 && shift 3 &&
		exec python3 tools/testing/kunit/kunit.py "$v" \
		--kunitconfig=drivers/misc/alertable_sleep/kunit/.kunitconfig \
		--build_dir="$b" --timeout=300 --json="$j" "$@" "alertable_sleep*"' \
		"$tree" "$verb" "$build" "$results" "${arch_args[@]}" \
		"${extra[@]}" 2>&1 |
		tee "$out"
	rc=${PIPESTATUS[0]}
	set -e
	say "kunit.py exited with $rc after $(($(date +%s) - start)) s"

	local before=$passed bad=$failed
	if [ -s "$results" ]; then
		count_results "$results"
	else
		say "kunit.py wrote no results ($results)"
	fi
	# kunit.py failing (build error, crash, timeout) is a failure even
	# when every parsed case passed, and no run may pass with nothing
	# counted.
	if [ "$rc" -ne 0 ] && [ "$failed" -eq "$bad" ]; then
		say "kunit.py failed (exit $rc) with no failed case parsed: see $out"
		failed=$((failed + 1))
	elif [ "$passed" -eq "$before" ] && [ "$failed" -eq "$bad" ]; then
		say "no test case ran: see $out"
		failed=$((failed + 1))
	fi

	# The checkers report on the console, not through KUnit: a report
	# while a case passes must still fail the run, as one more failure.
	if [ -s "$log" ]; then
		cp -f "$log" "$build/test-$n.log"
		if reports=$(kernel_reports "$log"); then
			printf '%s\n' "$reports" | sed 's/^/    /'
			say "the kernel log has reports (above): $build/test-$n.log"
			failed=$((failed + 1))
		else
			say "kernel log clean of kernel reports: $build/test-$n.log"
		fi
	else
		say "no kernel log ($log)"
		[ "$rc" -ne 0 ] || failed=$((failed + 1))
	fi
}

verb=run
for n in $ncpus_list; do
	run_once "$n" "$verb"
	# The first run built the kernel; the others only boot it.
	verb=exec
done

# W=1 over the whole kernel floods kunit.py's output with warnings that
# are not ours, so compile only the module and the suite with W=1, to .s
# files: the .o files and their command lines stay as kunit.py built them.
if [ -f "$build/.config" ]; then
	w1=()
	for f in "$staged"/*.c "$staged"/kunit/*.c; do
		f=drivers/misc/alertable_sleep/${f#"$staged"/}
		w1+=("${f%.c}.s")
	done
	say "W=1 compile of ${w1[*]}"
	w1log=$build/alertable_sleep-w1.log
	# Only ours: the prepare step warns about arch/um files under W=1.
	ours='drivers/misc/alertable_sleep/[^:]*:[0-9]+:[0-9]+: (warning|error):'
	if ! kchroot make -s -C "$tree" "${make_args[@]}" O="$build" W=1 "${w1[@]}" \
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

say "KUnit on Linux $version took $(($(date +%s) - start)) s"
total kunit "$passed" "$failed"
[ "$failed" -eq 0 ]
