#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: every test stage, one after the other, each with its own log.
# The whole proof runs on 6.1 (Debian 12's kernel): lint, the ordering
# argument under herd7 and spin (prove), KUnit under UML,
# the VM and freezer tests, the short torture, the demo, DKMS, the docs and
# the Debian package; KUnit runs on the newest kernel's tree too, under
# UML with two CPUs and one, and in an arm64 kernel under QEMU with two
# (kunit-arm64: about 8 minutes cold, the build), the
# other x86_64 kernels of the matrix and the newest arm64 one get the W=1
# build, the VM tests and the freezer tests (scripts/matrix.sh; `make
# matrix` runs every stage on every kernel, arm64 and i386 included), and
# the package is installed in each Debian release.
# `make upstream` is not a default stage: cold, it made a fresh make check
# 50 minutes instead of 32-38 (README, "Upstream"); CHECK_STAGES="upstream"
# or `make upstream` runs it.
# Every stage script ends with "NAME: P passed, F failed"; this adds them up,
# says how many QEMU boots the stages made and how many of them were
# retried after a boot fault (scripts/vm.sh), and ends with the one line CI
# reads: "check: P passed, F failed". A stage that exits non-zero without
# counting a failure, or prints no total, counts as one failure, so a crash
# can never pass as "0 failed".
set -eu -o pipefail
. "$(dirname "$0")/lib.sh"

stages=${CHECK_STAGES:-"lint prove kunit kunit-newest kunit-arm64 vm-test freeze-test torture-short demo dkms-check docs deb matrix deb-check"}

# run_stage STAGE: the command behind a stage name.
run_stage() {
	case $1 in
	kunit-newest) KERNEL=newest "$AS_ROOT/scripts/kunit.sh" ;;
	kunit-arm64) KERNEL=newest KUNIT_ARCH=arm64 "$AS_ROOT/scripts/kunit.sh" ;;
	demo)	# its verdict is its exit status
		if "$AS_ROOT/scripts/demo.sh"; then total demo 1 0; else
			total demo 0 1; return 1; fi ;;
	matrix) KERNELS="5.10 6.1-rt 6.12 newest newest-rt arm64-newest" \
		MATRIX_STAGES="build vm-test freeze" "$AS_ROOT/scripts/matrix.sh" ;;
	*) "$AS_ROOT/scripts/$1.sh" ;;
	esac
}
logs=$AS_CACHE/check/$AS_TREE_KEY
mkdir -p "$logs"
boots_begin

pass=0
fail=0
summary=
for stage in $stages; do
	log=$logs/$stage.log
	say "stage $stage (log: $log)"
	start=$(date +%s)
	rc=0
	run_stage "$stage" 2>&1 | tee "$log" || rc=$?
	secs=$(( $(date +%s) - start ))
	line=$(grep -E '^[a-z0-9-]+: [0-9]+ passed, [0-9]+ failed' "$log" |
		tail -n 1 || true)
	p=$(echo "$line" | sed -n 's/.*: \([0-9]*\) passed.*/\1/p')
	f=$(echo "$line" | sed -n 's/.* \([0-9]*\) failed.*/\1/p')
	if [ -z "$line" ]; then
		p=0 f=1
		echo "error: stage $stage printed no total (exit $rc)"
	elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "error: stage $stage exited $rc"
	fi
	pass=$((pass + p))
	fail=$((fail + f))
	summary="$summary$(printf '  %-14s %4d passed %4d failed %5d s' \
		"$stage" "$p" "$f" "$secs")
"
done

echo
echo "Summary (logs in $logs)"
printf '%s' "$summary"
boots_report qemu
total check "$pass" "$fail"
[ "$fail" -eq 0 ]
