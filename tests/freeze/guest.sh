#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# guest.sh: runs inside the QEMU machine as /opt/run.sh (scripts/vm.sh) for
# scripts/freeze-test.sh, next to alertable_sleep.ko,
# alertable_sleep_freeze.ko and ktap.sh (tests/ktap.sh). busybox sh.
#
# It drives alertable_sleep_freeze.ko through debugfs (see the comment at
# the top of that module): two system freezes with pm_test=freezer, which
# freezes every task, holds the frozen system pm_test_delay (5) seconds
# and thaws it, without suspending a device:
#   1. freezable sleepers: the write must return 0; the module judges what
#      its sleepers did (frozen, aborted or timed out while frozen, ...);
#   2. the control: a set_freezable() kthread in the plain, non-freezable
#      sleep must make the freeze fail (EBUSY), here within 2 s
#      (pm_freeze_timeout), or the freezer checks above prove nothing.
# Then the module's checks that need no freeze, and this script's own on
# a user task asleep in the module, which it signals (SIGUSR1, SIGSTOP,
# SIGKILL). The results are one KTAP document (tests/ktap.sh), with the
# module's own nested, printed between marker lines for the host to count.
# Exits 0 once everything ran; the failures are in the document.

. /opt/ktap.sh

D=/sys/kernel/debug/alertable_sleep_freeze
U=$D/usleep
P=/sys/power
DELAY=/sys/module/suspend/parameters/pm_test_delay
MOD=alertable_sleep_freeze

echo "freeze-test: $(uname -r), $(nproc) CPUs"

ms_now() { awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime; }

# ctl COMMAND...: one command of the module; it runs before the write returns.
ctl() {
	echo "freeze-test: ctl $*"
	echo "$*" >"$D/ctl" || echo "freeze-test: ctl '$*' failed"
}

# freeze_write: echo freeze >/sys/power/state, from this shell, as a user
# would; sets F_ERR (0, or the errno: 16 EBUSY, 5 anything else) and F_MS.
freeze_write() {
	t0=$(ms_now)
	echo freeze 2>/tmp/freeze.err >"$P/state"
	# shellcheck disable=SC2320 # echo's status is the write's
	rc=$?
	F_MS=$(($(ms_now) - t0))
	if [ "$rc" -eq 0 ]; then
		F_ERR=0
	elif grep -qi 'busy' /tmp/freeze.err; then
		F_ERR=16
	else
		F_ERR=5
	fi
	echo "freeze-test: echo freeze: exit $rc after $F_MS ms $(cat /tmp/freeze.err)"
}

# --- the guest ---------------------------------------------------------------

suite guest
check "insmod alertable_sleep.ko" "insmod failed" insmod /opt/alertable_sleep.ko
dmesg -c >/dev/null
check "insmod $MOD.ko" "insmod failed" insmod "/opt/$MOD.ko"
check "pm_test offers freezer (CONFIG_PM_DEBUG)" "$(cat $P/pm_test 2>&1)" \
	grep -q freezer "$P/pm_test"
check "/sys/power/state offers freeze" "$(cat $P/state 2>&1)" \
	grep -qw freeze "$P/state"
check "pm_test_delay and pm_freeze_timeout are writable" "not there" \
	test -w "$DELAY" -a -w "$P/pm_freeze_timeout"
if [ ! -w "$D/ctl" ]; then
	suite_end
	nest "$MOD" /dev/null "the module did not load"
	ktap_print
	exit 0
fi

# --- two freezes ---------------------------------------------------------------

# pm_test holds the frozen system with mdelay(pm_test_delay s), a busy
# loop here (the guest finds its TSC unstable), whose length by ktime_get()
# follows how fast TCG runs the guest: "5 s" held 1.2 s in one boot, 10 s
# in another. A freeze with no sleeper, held "1 s", measures it, and sets
# pm_test_delay for a hold of about 6 s, in which the 2 s deadline falls;
# a freeze of the sleepers that held less than HOLD_MS is run again, longer.
HOLD_MS=3500
# set_delay MS_PER_S TARGET_MS
set_delay() {
	_per=$1
	[ "$_per" -gt 0 ] || _per=1
	delay=$((($2 + _per - 1) / _per))
	[ "$delay" -ge 1 ] || delay=1
	[ "$delay" -le 60 ] || delay=60
	echo "$delay" >"$DELAY"
}
echo freezer >"$P/pm_test"
echo 20000 >"$P/pm_freeze_timeout"
echo 1 >"$DELAY"
freeze_write
if [ "$F_ERR" -eq 0 ]; then
	ok "a freeze with no sleeper succeeds"
	set_delay "$F_MS" 6000
else
	not_ok "a freeze with no sleeper succeeds" "errno $F_ERR after $F_MS ms"
	set_delay 1000 6000
fi
echo "freeze-test: pm_test_delay=1 held the system $F_MS ms: pm_test_delay=$delay"
suite_end

for attempt in 1 2 3; do
	ctl start freeze
	freeze_write
	hold=$(cat "$D/hold_ms")
	[ "$F_ERR" -ne 0 ] ||
		echo "freeze-test: pm_test_delay=$delay held the sleepers frozen $hold ms"
	[ "$F_ERR" -eq 0 ] && [ "$hold" -lt "$HOLD_MS" ] && [ "$attempt" -lt 3 ] ||
		break
	ctl abandon
	[ "$hold" -gt 0 ] || hold=$((delay * 1000))
	set_delay $((hold / delay)) 8000
done
ctl end freeze "$F_ERR" "$F_MS"

echo 2000 >"$P/pm_freeze_timeout"
ctl start control
freeze_write
ctl end control "$F_ERR" "$F_MS"
echo 20000 >"$P/pm_freeze_timeout"
echo none >"$P/pm_test"

# --- what needs no freeze ------------------------------------------------------

for r in killable kthread_stop flags deadline restart hardirq; do
	ctl run "$r"
done

# --- a user task in a killable sleep, signalled ------------------------------------

# wait_state WANT TENTHS: until the module's user sleep is in state WANT,
# for at most TENTHS tenths of a second.
wait_state() {
	_i=0
	while [ "$_i" -lt "$2" ]; do
		grep -q "state=$1 " "$U" && return 0
		usleep 100000
		_i=$((_i + 1))
	done
	return 1
}
is_sleeping() { grep -q 'state=sleeping ' "$U"; }
# check_u NAME COMMAND...: check, with the user sleep's state as the why.
check_u() {
	_name=$1
	shift
	if "$@"; then ok "$_name"; else not_ok "$_name" "$(cat "$U")"; fi
}
# done_with RET MAXMS: the sleep returned RET within MAXMS ms, in one call.
done_with() {
	wait_state "done" 50 || return 1
	_ret=$(sed -n 's/.*ret=\([-0-9]*\).*/\1/p' "$U")
	_ms=$(sed -n 's/.*ms=\([0-9]*\).*/\1/p' "$U")
	[ "$_ret" = "$1" ] && [ "$_ms" -lt "$2" ] && grep -q 'calls=1$' "$U"
}

suite user_task_signals
echo R >"$U"
# The subshell is the writer: it takes SIGUSR1 with a handler, so that
# the signal is not fatal (the default action would be).
(
	trap 'echo got SIGUSR1' USR1
	echo "K 20000" >"$U"
) &
pid=$!
if wait_state sleeping 50; then
	ok "a user task sleeps in sleep_until(+20 s, KILLABLE)"
	kill -USR1 "$pid"
	usleep 500000
	check_u "SIGUSR1 (handled) does not end the KILLABLE sleep" is_sleeping
	kill -STOP "$pid"
	usleep 500000
	check_u "SIGSTOP does not end the KILLABLE sleep" is_sleeping
	kill -CONT "$pid"
	usleep 200000
	check_u "nor does SIGCONT" is_sleeping
	kill -KILL "$pid"
	check_u "SIGKILL ends it at once: -ERESTARTSYS" done_with -512 5000
else
	not_ok "a user task sleeps in sleep_until(+20 s, KILLABLE)" "$(cat $U)"
	kill -KILL "$pid"
fi
wait "$pid" 2>/dev/null

# The control: without KILLABLE, SIGSTOP alone ends the sleep.
echo R >"$U"
(echo "I 20000" >"$U") &
pid=$!
if wait_state sleeping 50; then
	kill -STOP "$pid"
	check_u "control: SIGSTOP ends the same sleep without KILLABLE: -ERESTARTSYS" \
		done_with -512 5000
	kill -CONT "$pid"
else
	not_ok "control: SIGSTOP ends the same sleep without KILLABLE: -ERESTARTSYS" \
		"the user task did not sleep: $(cat $U)"
	kill -KILL "$pid"
fi
wait "$pid" 2>/dev/null
suite_end

# --- unload ------------------------------------------------------------------------

suite unload
check "rmmod $MOD" "rmmod failed" rmmod "$MOD"
check "rmmod alertable_sleep" "rmmod failed" rmmod alertable_sleep
suite_end

module_ktap "$MOD" >/tmp/freeze.ktap
nest "$MOD" /tmp/freeze.ktap "no KTAP document from $MOD"
ktap_print
exit 0
