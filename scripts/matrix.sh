#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# matrix.sh (make matrix): the whole proof on every kernel its users run.
# For each kernel of $KERNELS (default: 5.10 6.1 6.1-rt 6.12 newest
# newest-rt arm64-6.1 arm64-6.12 arm64-newest i386-6.1; "newest" is the
# newest that Debian ships, found now), in order:
#   setup    its release's chroot, headers and image (scripts/kernel.sh)
#   build    the module, samples, tests, torture and bench with W=1: no
#            warning
#   vm-test  make vm-test in that kernel's QEMU machine
#   freeze   the freezer, killable, deadline and hard-IRQ abort tests
#            (scripts/freeze-test.sh)
#   torture  the short torture (hostile input, races, negative control)
#   demo     make demo
# $MATRIX_STAGES picks stages (default: "build vm-test freeze torture
# demo").
# Prints a table, kernel release x stage, with pass/fail counts and
# seconds, then how many QEMU boots it made and how many of them were
# retried after a boot fault (scripts/vm.sh), and ends with "matrix: N
# passed, N failed". Logs are kept in
# $AS_CACHE/matrix/<tree>/<series>/<stage>.log, <tree> a key of this
# checkout's path, as for the VM folders. A second run reuses the chroots,
# packages and build folders.
set -eu -o pipefail
. "$(dirname "$0")/lib.sh"

kernels=${KERNELS:-$AS_KERNELS_ALL}
stages=${MATRIX_STAGES:-build vm-test freeze torture demo}
logs=$AS_CACHE/matrix/$AS_TREE_KEY
mkdir -p "$logs"
need_pkgs $AS_PKGS_VM
boots_begin

# The setups are mostly downloads: run one job per Debian release at once,
# the kernels of one release one after the other (they share its chroot).
say "setting up the kernels: $kernels"
t0=$(date +%s)
declare -A jobs=() kernels_of=()
for k in $kernels; do
	suite=$(kernel_spec "$k" | cut -d' ' -f1) ||
		die "unknown kernel '$k': one of $AS_KERNELS_ALL"
	kernels_of[$suite]="${kernels_of[$suite]:-} $k"
done
for suite in "${!kernels_of[@]}"; do
	(
		for k in ${kernels_of[$suite]}; do
			mkdir -p "$logs/$k"
			s=$(date +%s)
			rc=0
			(kernel_ensure "$k") >"$logs/$k/setup.log" 2>&1 || rc=$?
			echo "$rc $(($(date +%s) - s))" >"$logs/$k/setup.rc"
		done
	) &
	jobs[$suite]=$!
done
wait
say "setup done in $(($(date +%s) - t0)) s"

pass=0
fail=0
rows=()
# run_stage KERNEL STAGE: one cell of the table; "P/F Ns".
run_stage() {
	local k=$1 stage=$2 log=$logs/$1/$2.log rc=0 s line p f
	s=$(date +%s)
	case $stage in
	build)
		# W=1 over every module; any compiler warning fails the stage.
		(
			kernel_ensure "$k" >/dev/null
			out=$(build_dir matrix)
			rm -rf "$out"
			build_modules "$out" W=1
		) >"$log" 2>&1 || rc=$?
		if [ "$rc" -eq 0 ] && ! grep -qE '(warning|error):' "$log"; then
			p=1 f=0
		else
			p=0 f=1
		fi ;;
	vm-test | freeze | torture | demo)
		local script=$AS_ROOT/scripts/$stage.sh arg=
		[ "$stage" = freeze ] && script=$AS_ROOT/scripts/freeze-test.sh
		[ "$stage" = torture ] && arg=--short
		KERNEL=$k "$script" $arg >"$log" 2>&1 || rc=$?
		line=$(grep -E '^[a-z0-9-]+: [0-9]+ passed, [0-9]+ failed' "$log" |
			tail -n 1 || true)
		if [ "$stage" = demo ]; then
			# The demo says ok or FAILED, and exits non-zero on a miss.
			if [ "$rc" -eq 0 ]; then p=1 f=0; else p=0 f=1; fi
		elif [ -n "$line" ]; then
			p=$(sed -n 's/.*: \([0-9]*\) passed.*/\1/p' <<<"$line")
			f=$(sed -n 's/.* \([0-9]*\) failed.*/\1/p' <<<"$line")
			[ "$rc" -eq 0 ] || [ "$f" -gt 0 ] || f=1
		else
			p=0 f=1
		fi ;;
	*) die "unknown stage $stage" ;;
	esac
	pass=$((pass + p))
	fail=$((fail + f))
	cell="$p/$f $(($(date +%s) - s))s"
	[ "$f" -eq 0 ] || say "$k $stage FAILED: see $log"
}

header=$(printf '%-24s %-10s' kernel setup)
for stage in $stages; do header="$header $(printf '%-14s' "$stage")"; done
for k in $kernels; do
	read -r rc secs <"$logs/$k/setup.rc"
	if [ "$rc" -ne 0 ]; then
		say "$k: setup failed: $logs/$k/setup.log"
		tail -n 5 "$logs/$k/setup.log"
		fail=$((fail + 1))
		rows+=("$(printf '%-24s %-10s' "$k" "FAILED")")
		continue
	fi
	pass=$((pass + 1))
	rel=$(sed -n 's/^==> kernel [^:]*: \([^ ]*\) .*/\1/p' "$logs/$k/setup.log" |
		head -n 1)
	row=$(printf '%-24s %-10s' "$rel" "${secs}s")
	for stage in $stages; do
		say "$k ($rel): $stage"
		run_stage "$k" "$stage"
		row="$row $(printf '%-14s' "$cell")"
	done
	rows+=("$row")
	printf '%s\n' "$row"
done

echo
echo "Kernel matrix, $(date -u +%Y-%m-%d), cells: passed/failed checks and seconds (logs: $logs)"
echo "$header"
printf '%s\n' "${rows[@]}"
boots_report qemu
total matrix "$pass" "$fail"
[ "$fail" -eq 0 ]
