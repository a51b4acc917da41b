#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: every test stage, one after the other, each with its own log.
# Every stage script ends with "NAME: P passed, F failed"; this adds them up
# and ends with the one line CI reads: "check: P passed, F failed". A stage
# that exits non-zero without counting a failure, or prints no total, counts
# as one failure, so a crash can never pass as "0 failed".
set -eu -o pipefail
. "$(dirname "$0")/lib.sh"

stages=${CHECK_STAGES:-"lint kunit vm-test torture-short dkms-check docs"}
logs=$AS_CACHE/check
mkdir -p "$logs"

pass=0
fail=0
summary=
for stage in $stages; do
	log=$logs/$stage.log
	say "stage $stage (log: $log)"
	start=$(date +%s)
	rc=0
	"$AS_ROOT/scripts/$stage.sh" 2>&1 | tee "$log" || rc=$?
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
total check "$pass" "$fail"
[ "$fail" -eq 0 ]
