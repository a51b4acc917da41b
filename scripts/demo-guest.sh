#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# demo-guest.sh: the part of `make demo` that runs inside the QEMU machine
# (busybox sh, cwd /opt, next to alertable_sleep.ko and
# alertable_sleep_demo.ko). scripts/demo.sh boots it and prints the table.
#
# Loads the sample driver once with a probe() that must fail, then, for
# each sleep method (alertable_sleep, msleep_interruptible(), msleep()),
# measures the four cases of the demo:
#   1. with freezable polling threads: a system freeze (pm_test=freezer,
#      pm_freeze_timeout lowered to FREEZE_TIMEOUT_MS), whose write to
#      /sys/power/state fails with EBUSY if a thread does not freeze;
#   2. the driver's "poll now" interrupt, twice: the rounds of work that
#      the threads start within POLL_WINDOW_MS;
#   3. rmmod: how long the devm action took to kthread_stop() the threads;
#   4. with polling work items: rmmod, and how long the devm action took to
#      cancel_work_sync() them.
# The figures go out as "DEMO_*" lines between two markers, with the
# kernel's console turned down so that no kernel message lands inside them.
set -eu

# demo.sh passes these in demo.conf; the defaults are for a run by hand.
PERIOD_MS=10000
SETTLE_S=2
WORK_SETTLE_S=1
POLL_WINDOW_MS=1000
FREEZE_TIMEOUT_MS=2000
WORKERS=4
# shellcheck disable=SC1091 # written by demo.sh
[ ! -f ./demo.conf ] || . ./demo.conf

dev=/sys/bus/platform/devices/alertable_sleep_demo
power=/sys/power

# Wall clock in microseconds: busybox's date has no %N, its adjtimex does.
now_us() {
	adjtimex | awk '/time.tv_sec/ { s = $2 } /time.tv_usec/ { u = $2 }
		END { printf "%d%06d\n", s, u }'
}

step() { echo; echo "demo: $*"; }

# new_dmesg N: the kernel log after its first N lines.
new_dmesg() { dmesg | tail -n +"$(($1 + 1))"; }

# unbind_us N: from the kernel log after its first N lines, the time the
# driver's devm action took to end its pollers ("... in 1234 us").
unbind_us() {
	new_dmesg "$1" | grep 'unbind: ' | tail -n 1 |
		sed -n 's/.* in \([0-9]*\) us.*/\1/p'
}

results=/tmp/demo.results
: >"$results"

# rmmod_demo: unload the sample driver and time it. Sets RMMOD_US and
# UNBIND_US, and files the driver's unbind lines in the account.
rmmod_demo() {
	n=$(dmesg | wc -l)
	t0=$(now_us)
	rmmod alertable_sleep_demo
	t1=$(now_us)
	RMMOD_US=$((t1 - t0))
	UNBIND_US=$(unbind_us "$n")
	echo "demo: rmmod took $((RMMOD_US / 1000)) ms"
	new_dmesg "$n" | grep 'unbind: ' | account
}

# account: the kernel's lines on stdin, for the driver's account that
# demo.sh prints, each marked with the sleep method of the run.
account() { sed "s/^/DEMO_DMESG $mode: /" >>"$results"; }

step "insmod alertable_sleep.ko eventcount=$WORKERS"
insmod ./alertable_sleep.ko eventcount="$WORKERS"
step "modinfo alertable_sleep.ko"
modinfo ./alertable_sleep.ko
step "cat /sys/module/alertable_sleep/parameters/eventcount"
cat /sys/module/alertable_sleep/parameters/eventcount

# probe() fails: the module-wide instance has WORKERS indices, one short.
# platform_create_bundle() makes insmod fail with probe()'s error. busybox's
# insmod tries finit_module(), then init_module(): probe() fails twice.
step "insmod alertable_sleep_demo.ko use_default=1 workers=$((WORKERS + 1)): probe() must fail, and insmod with it"
n=$(dmesg | wc -l)
if insmod ./alertable_sleep_demo.ko use_default=1 workers=$((WORKERS + 1)); then
	insmod_rc=0
else
	insmod_rc=$?
fi
loaded=no
[ ! -d /sys/module/alertable_sleep_demo ] || loaded=yes
why=$(new_dmesg "$n" | grep 'alertable_sleep_demo' | head -n 1)
echo "demo: insmod exited $insmod_rc; module loaded: $loaded"
echo "DEMO_PROBE_FAIL insmod_rc=$insmod_rc loaded=$loaded" >>"$results"
echo "DEMO_PROBE_DMESG $why" >>"$results"
[ "$loaded" = no ] || rmmod alertable_sleep_demo

# Once untimed, so that no timed run pays for the first load of the code.
step "insmod alertable_sleep_demo.ko, then rmmod: a warm-up, not timed"
insmod ./alertable_sleep_demo.ko period_ms="$PERIOD_MS" workers="$WORKERS"
rmmod alertable_sleep_demo

# The freezer's test mode: freeze every task, thaw, suspend no device.
# The kernel gives up freezing after pm_freeze_timeout ms (20000 by
# default); lowered, so that a failed freeze costs the demo 2 s, not 20.
step "echo freezer >$power/pm_test; echo $FREEZE_TIMEOUT_MS >$power/pm_freeze_timeout; echo 0 >/sys/module/suspend/parameters/pm_test_delay"
echo freezer >"$power/pm_test"
echo "$FREEZE_TIMEOUT_MS" >"$power/pm_freeze_timeout"
echo 0 >/sys/module/suspend/parameters/pm_test_delay

# freeze: echo freeze >/sys/power/state, as a user would; sets FREEZE_ERR
# (0, or the errno: 16 EBUSY, 5 anything else) and FREEZE_US.
freeze() {
	t0=$(now_us)
	if echo freeze 2>/tmp/freeze.err >"$power/state"; then
		FREEZE_ERR=0
	elif grep -qi busy /tmp/freeze.err; then
		FREEZE_ERR=16
	else
		FREEZE_ERR=5
	fi
	FREEZE_US=$(($(now_us) - t0))
	echo "demo: echo freeze: errno $FREEZE_ERR after $((FREEZE_US / 1000)) ms $(cat /tmp/freeze.err)"
}

for mode in alertable msleep_interruptible msleep; do
	case $mode in
	alertable) args= ;;
	msleep_interruptible) args=use_msleep=1 ;;
	msleep) args="use_msleep=1 uninterruptible=1" ;;
	esac
	line="DEMO_RESULT mode=$mode"

	step "insmod alertable_sleep_demo.ko workers=$WORKERS period_ms=$PERIOD_MS${args:+ $args}"
	# shellcheck disable=SC2086 # $args is a list of parameters
	insmod ./alertable_sleep_demo.ko workers="$WORKERS" \
		period_ms="$PERIOD_MS" $args
	sleep "$SETTLE_S"

	# First the freeze, while the threads have most of their sleep ahead.
	step "echo freeze >$power/state: can suspend freeze the polling threads?"
	n=$(dmesg | wc -l)
	freeze
	new_dmesg "$n" | grep -e 'Freezing remaining' -e 'Freezing of tasks' \
		-e 'task:as_demo' | account
	line="$line freeze_err=$FREEZE_ERR freeze_us=$FREEZE_US"

	for poll in 1 2; do
		step "poll now #$poll: echo 1 >$dev/poll_now, then count the rounds for $POLL_WINDOW_MS ms"
		n=$(dmesg | wc -l)
		r0=$(cat "$dev/rounds")
		echo 1 >"$dev/poll_now"
		usleep $((POLL_WINDOW_MS * 1000))
		r1=$(cat "$dev/rounds")
		# The slowest worker: its round began this long after the interrupt.
		lat=$(new_dmesg "$n" |
			sed -n 's/.* \([0-9]*\) us after the poll-now interrupt.*/\1/p' |
			sort -n | tail -n 1)
		echo "demo: rounds $r0 -> $r1, slowest ${lat:--} us"
		line="$line poll${poll}_rounds=$((r1 - r0)) poll${poll}_us=${lat:-}"
	done

	step "rmmod alertable_sleep_demo: kthread_stop() the threads"
	rmmod_demo
	line="$line rmmod_us=$RMMOD_US stop_us=$UNBIND_US"

	step "insmod alertable_sleep_demo.ko use_work=1 workers=$WORKERS period_ms=$PERIOD_MS${args:+ $args}"
	# shellcheck disable=SC2086 # $args is a list of parameters
	insmod ./alertable_sleep_demo.ko use_work=1 workers="$WORKERS" \
		period_ms="$PERIOD_MS" $args
	sleep "$WORK_SETTLE_S"
	rounds=$(cat "$dev/rounds")
	step "rmmod alertable_sleep_demo: cancel_work_sync() the work items, $rounds rounds done"
	rmmod_demo
	line="$line work_rounds=$rounds work_rmmod_us=$RMMOD_US cancel_us=$UNBIND_US"

	echo "$line" >>"$results"
done

echo none >"$power/pm_test"
echo 20000 >"$power/pm_freeze_timeout"

step "rmmod alertable_sleep"
rmmod alertable_sleep

dmesg -n 1
echo "ALERTABLE_SLEEP_DEMO_BEGIN"
cat "$results"
echo "ALERTABLE_SLEEP_DEMO_END"
