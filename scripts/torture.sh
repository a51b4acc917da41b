#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# torture.sh [--short]: randomized races of alertable_sleep in a QEMU guest
# with 2 vCPUs booting a Debian kernel ($KERNEL, 6.1 by default). The guest
# prints its results as one KTAP document, which kunit.py parse counts
# (tests/torture/host.sh, scripts/ktap.sh); prints every counter and ends
# with "torture: N passed, N failed".
#   (no option)  `make torture`: the long run (60 s by default)
#   --short      `make check`'s stage (scripts/torture-short.sh): the
#                hostile-input cases, 20 s of races, and a
#                negative control proving that the race checks fire when
#                aborts are faked. About a minute in all.
#
# Overridable: TORTURE_DURATION (seconds, max 3600) TORTURE_THREADS
# TORTURE_ABORTERS TORTURE_INDICES TORTURE_SEED (0: random, printed)
# TORTURE_SLACK_MS.
set -eu

. "$(dirname "$0")/lib.sh"
. "$AS_ROOT/tests/torture/host.sh"

if [ "${1:-}" = --short ]; then
	name=torture-short duration=${TORTURE_DURATION:-20} extras=1
	say "torture (short): hostile input, $duration s of races, negative control"
else
	name=torture duration=${TORTURE_DURATION:-60} extras=0
	say "torture: $duration s of randomized races on 2 vCPUs"
fi

# shellcheck disable=SC2086 # package lists are word-split on purpose
need_pkgs $AS_PKGS_VM
kernel_ensure "${KERNEL:-6.1}"
out=$(build_dir torture)
build_modules "$out"

mkdir -p "$out"
cat >"$out/$name.settings" <<EOF2
TORTURE_DURATION=$duration
TORTURE_THREADS=${TORTURE_THREADS:-4}
TORTURE_ABORTERS=${TORTURE_ABORTERS:-2}
TORTURE_INDICES=${TORTURE_INDICES:-8}
TORTURE_SEED=${TORTURE_SEED:-0}
TORTURE_SLACK_MS=${TORTURE_SLACK_MS:-10000}
RUN_HOSTILE=$extras
RUN_NEGATIVE=$extras
EOF2

# loglevel=5: warnings and worse (every kernel report) reach the console
# live; the guest reads the modules' own lines from dmesg. log_buf_len:
# dmesg keeps the whole run.
torture_vm "$name" "$out" "$out/$name.settings" --smp 2 \
	--timeout $((duration + 300)) --append "loglevel=5 log_buf_len=8M"

judge_common "$T_LOG"
if [ "$extras" = 1 ]; then judge_hostile "$T_LOG"; fi
judge_torture "$T_LOG" G
if [ "$extras" = 1 ]; then judge_negative "$T_LOG"; fi
[ "$T_SKIP" -eq 0 ] || say "$T_SKIP checks skipped"

total torture "$T_PASS" "$T_FAIL"
[ "$T_FAIL" -eq 0 ]
