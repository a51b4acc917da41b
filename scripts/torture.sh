#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# torture.sh: `make torture`, the long randomized race run of
# alertable_sleep in a QEMU guest with 2 vCPUs booting Debian's kernel.
# Prints every counter and ends with "torture: N passed, N failed".
#
# Overridable: TORTURE_DURATION (seconds, default 60, max 3600)
# TORTURE_THREADS TORTURE_ABORTERS TORTURE_INDICES TORTURE_SEED (0: random,
# printed) TORTURE_SLACK_MS.
set -eu

. "$(dirname "$0")/lib.sh"
. "$AS_ROOT/tests/torture/host.sh"

duration=${TORTURE_DURATION:-60}
# shellcheck disable=SC2086 # package lists are word-split on purpose
need_pkgs $AS_PKGS_VM
out=$AS_CACHE/build-torture
build_modules "$out"

mkdir -p "$out"
cat >"$out/long.env" <<EOF2
TORTURE_DURATION=$duration
TORTURE_THREADS=${TORTURE_THREADS:-4}
TORTURE_ABORTERS=${TORTURE_ABORTERS:-2}
TORTURE_INDICES=${TORTURE_INDICES:-8}
TORTURE_SEED=${TORTURE_SEED:-0}
TORTURE_SLACK_MS=${TORTURE_SLACK_MS:-10000}
RUN_HOSTILE=0
RUN_NEGATIVE=0
EOF2

say "torture: $duration s of randomized races on 2 vCPUs"
# loglevel=5: warnings and worse (every kernel report) reach the console
# live; the modules' own lines come from the guest, tagged. log_buf_len:
# dmesg keeps the whole run.
torture_vm torture "$out" "$out/long.env" --smp 2 \
	--timeout $((duration + 300)) --append "loglevel=5 log_buf_len=8M"

judge_common "$T_LOG"
judge_torture "$T_LOG" G

total torture "$T_PASS" "$T_FAIL"
[ "$T_FAIL" -eq 0 ]
