#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# torture-short.sh: the short torture for `make check`, in a QEMU guest with
# 2 vCPUs booting Debian's kernel: the hostile-input and signal cases, a
# randomized race run (TORTURE_DURATION, default 20 s), and a negative
# control proving that the race checks fire when aborts are faked. About a
# minute in all. Ends with "torture: N passed, N failed".
#
# Overridable: TORTURE_DURATION TORTURE_THREADS TORTURE_ABORTERS
# TORTURE_INDICES TORTURE_SEED (0: random, printed) TORTURE_SLACK_MS.
set -eu

. "$(dirname "$0")/lib.sh"
. "$AS_ROOT/tests/torture/host.sh"

# shellcheck disable=SC2086 # package lists are word-split on purpose
need_pkgs $AS_PKGS_VM
out=$AS_CACHE/build-torture
build_modules "$out"

mkdir -p "$out"
cat >"$out/short.env" <<EOF2
TORTURE_DURATION=${TORTURE_DURATION:-20}
TORTURE_THREADS=${TORTURE_THREADS:-4}
TORTURE_ABORTERS=${TORTURE_ABORTERS:-2}
TORTURE_INDICES=${TORTURE_INDICES:-8}
TORTURE_SEED=${TORTURE_SEED:-0}
TORTURE_SLACK_MS=${TORTURE_SLACK_MS:-10000}
RUN_HOSTILE=1
RUN_NEGATIVE=1
EOF2

say "torture (short): hostile input, ${TORTURE_DURATION:-20} s of races, negative control"
# loglevel=5: warnings and worse (every kernel report) reach the console
# live; the modules' own lines come from the guest, tagged. log_buf_len:
# dmesg keeps the whole run.
torture_vm torture-short "$out" "$out/short.env" --smp 2 \
	--timeout $((${TORTURE_DURATION:-20} + 300)) --append "loglevel=5 log_buf_len=8M"

judge_common "$T_LOG"
judge_hostile "$T_LOG"
judge_torture "$T_LOG" G
judge_negative "$T_LOG"

total torture "$T_PASS" "$T_FAIL"
[ "$T_FAIL" -eq 0 ]
