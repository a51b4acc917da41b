#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# vm-test.sh: the checks that need a real kernel, run inside the QEMU machine
# that scripts/vm-test.sh boots (with scripts/vm.sh; busybox sh, cwd /opt,
# next to alertable_sleep.ko, alertable_sleep_vmtest.ko and
# alertable_sleep_demo.ko).
#
# Every check prints "ok NAME" or "FAIL NAME: why" as it runs. At the end the
# kernel's console output is turned down and the same lines are printed
# again between two marker lines, for the host to count without a kernel
# message in the middle of a line. The script exits 0 once every check has
# run: the failures are in those lines, and a non-zero exit is left to mean
# that the run itself broke.

results=/tmp/vm-test.results
: >"$results"

pass() { echo "ok $1" | tee -a "$results"; }
fail() { echo "FAIL $1: $2" | tee -a "$results"; }
loaded() { [ -d "/sys/module/$1" ]; }
lines() { dmesg | wc -l; }
# new_dmesg N: what the kernel logged after its first N lines.
new_dmesg() { dmesg | tail -n +"$(($1 + 1))"; }
unload_all() {
	for m in alertable_sleep_demo alertable_sleep_vmtest alertable_sleep; do
		loaded "$m" && rmmod "$m"
	done
	return 0
}

echo "vm-test: $(uname -r), $(nproc) CPUs"

# --- the eventcount parameter -------------------------------------------

# Each bad value must fail insmod with EINVAL, say the valid range in the
# kernel log, and leave nothing loaded.
for v in 0 65537 -1 abc 4294967296 ""; do
	name="insmod eventcount=$v is refused"
	n=$(lines)
	out=$(insmod ./alertable_sleep.ko "eventcount=$v" 2>&1)
	rc=$?
	msg="eventcount=$v is invalid: the valid range is 1..65536"
	if [ "$rc" -eq 0 ]; then
		fail "$name" "insmod succeeded"
	elif ! echo "$out" | grep -q "Invalid argument"; then
		fail "$name" "insmod said: $out"
	elif ! new_dmesg "$n" | grep -qF -- "$msg"; then
		fail "$name" "no '$msg' in dmesg"
	elif loaded alertable_sleep || lsmod | grep -q '^alertable_sleep '; then
		fail "$name" "alertable_sleep is loaded"
	else
		pass "$name"
	fi
	unload_all
done

# Linux 6.1 does not refuse a parameter a module does not have: it loads
# the module and logs "unknown parameter 'X' ignored". Check exactly that.
name="insmod with an unknown parameter: ignored with a warning"
n=$(lines)
if ! insmod ./alertable_sleep.ko no_such_param=1; then
	fail "$name" "insmod failed"
elif ! new_dmesg "$n" | grep -qF "unknown parameter 'no_such_param' ignored"; then
	fail "$name" "no warning in dmesg"
elif [ "$(cat /sys/module/alertable_sleep/parameters/eventcount)" != 8 ]; then
	fail "$name" "eventcount is not the default 8"
else
	pass "$name"
fi
unload_all

for v in "" 1 8 65536; do
	want=${v:-8}
	name="insmod eventcount=${v:-(default)} loads, reads back $want, 0444"
	p=/sys/module/alertable_sleep/parameters/eventcount
	if ! insmod ./alertable_sleep.ko ${v:+"eventcount=$v"}; then
		fail "$name" "insmod failed"
	elif [ "$(cat $p)" != "$want" ]; then
		fail "$name" "reads back $(cat $p)"
	elif [ "$(stat -c %a $p)" != 444 ]; then
		fail "$name" "mode $(stat -c %a $p)"
	elif (echo 5 >$p) 2>/dev/null; then
		fail "$name" "a write of 5 was accepted, reads $(cat $p)"
	elif [ "$(cat $p)" != "$want" ]; then
		fail "$name" "changed to $(cat $p) by a refused write"
	elif ! rmmod alertable_sleep || loaded alertable_sleep; then
		fail "$name" "rmmod failed"
	else
		pass "$name"
	fi
	unload_all
done

# --- client modules link against the exports -------------------------------

for m in alertable_sleep_vmtest alertable_sleep_demo; do
	dep=$(modinfo "./$m.ko" | sed -n 's/^depends: *//p')
	if [ "$dep" = alertable_sleep ]; then
		pass "$m.ko depends on alertable_sleep"
	else
		fail "$m.ko depends on alertable_sleep" "modinfo depends: '$dep'"
	fi
done

# --- the contract on real SMP, from the test client's module_init ----------

insmod ./alertable_sleep.ko eventcount=8
n=$(lines)
if ! insmod ./alertable_sleep_vmtest.ko expect_events=8; then
	fail "vmtest module loads" "insmod failed"
fi
log=$(new_dmesg "$n")
echo "$log" | sed -nE 's/.*alertable_sleep_vmtest: (ok|FAIL) /\1 vmtest: /p' |
	tee -a "$results"
summary=$(echo "$log" | sed -nE 's/.*alertable_sleep_vmtest: done: //p')
# A check that did not run at all must not go unnoticed.
for c in create_rejects_0_and_above_65536 create_accepts_1_and_65536 \
	default_instance_sized_by_eventcount default_instance_usable \
	bad_instance_or_index_einval bad_index_leaves_others_alone create_4 \
	zero_msecs_returns_at_once timeout_returns_0_not_early \
	abort_from_other_cpu_kthread abort_is_sticky_and_idempotent \
	reset_makes_index_sleep_again reset_refused_while_sleeping \
	second_sleeper_ebusy abort_from_hardirq_hrtimer \
	abort_all_from_hardirq_wakes_every_index \
	signal_gives_erestartsys_index_usable_after \
	kthread_stop_ends_sleep_erestartsys destroy_ends_sleepers_eshutdown \
	destroy_waits_for_sleepers_to_leave; do
	echo "$log" | grep -qE "alertable_sleep_vmtest: (ok|FAIL) $c(:|$)" ||
		fail "vmtest: $c" "did not report"
done
if [ -n "$summary" ]; then
	pass "vmtest module ran to its end ($summary)"
else
	fail "vmtest module ran to its end" "no 'done:' line"
fi

# --- alertable_sleep cannot go while a client holds it ---------------------

refused() {
	name="rmmod alertable_sleep refused while $1 is loaded"
	if ! loaded "$1"; then
		fail "$name" "$1 is not loaded"
	elif [ ! -e "/sys/module/alertable_sleep/holders/$1" ]; then
		fail "$name" "$1 is not among the holders"
	elif rmmod alertable_sleep 2>/dev/null; then
		fail "$name" "rmmod succeeded"
	elif ! loaded alertable_sleep; then
		fail "$name" "alertable_sleep is gone"
	else
		pass "$name"
	fi
}
refused alertable_sleep_vmtest
rmmod alertable_sleep_vmtest

insmod ./alertable_sleep_demo.ko
refused alertable_sleep_demo
if rmmod alertable_sleep_demo && rmmod alertable_sleep &&
	! loaded alertable_sleep; then
	pass "rmmod alertable_sleep once its clients are gone"
else
	fail "rmmod alertable_sleep once its clients are gone" "still loaded"
fi
unload_all

# The demo on the default instance leaves its indices aborted when it
# unloads (an abort is sticky); loading it again must reset them, or its
# workers would stop at once instead of sleeping.
name="demo use_default=1 sleeps again after a reload"
insmod ./alertable_sleep.ko eventcount=4
ok=1
for _ in 1 2; do
	n=$(lines)
	insmod ./alertable_sleep_demo.ko use_default=1 period_ms=10000 || ok=0
	sleep 1
	new_dmesg "$n" | grep -qE 'stopped|cannot sleep' && ok=0
	rmmod alertable_sleep_demo || ok=0
done
if [ "$ok" = 1 ]; then
	pass "$name"
else
	fail "$name" "a worker stopped before rmmod, or a load failed"
fi
unload_all

# --- tracepoints and debugfs ------------------------------------------------

# The demo's workers sleep on the default instance (debugfs "default",
# trace "instance=0"); its rmmod aborts them. The trace must show a sleep
# begin, an abort that woke a sleeper and the -ECANCELED (-125) end; the
# state file must show the sleepers, then the sticky aborts.
tracing=/sys/kernel/tracing
state=/sys/kernel/debug/alertable_sleep/default/state
insmod ./alertable_sleep.ko eventcount=4
echo 1 >"$tracing/events/alertable_sleep/enable"
: >"$tracing/trace"
insmod ./alertable_sleep_demo.ko use_default=1 period_ms=10000
sleep 1
during=$(cat "$state" 2>&1)
rmmod alertable_sleep_demo
after=$(cat "$state" 2>&1)
echo 0 >"$tracing/events/alertable_sleep/enable"
trace=$(grep 'alertable_sleep_' "$tracing/trace")
echo "--- trace excerpt"
echo "$trace" | grep 'index=0 ' | head -n 4
echo "--- $state while the demo sleeps"
echo "$during"
echo "--- after rmmod alertable_sleep_demo"
echo "$after"
echo "---"

name="tracepoints show a sleep, the abort that woke it, and its -ECANCELED end"
if ! echo "$trace" | grep -q 'alertable_sleep_begin: instance=0 index=0 msecs=10000'; then
	fail "$name" "no alertable_sleep_begin for index 0"
elif ! echo "$trace" | grep -q 'alertable_sleep_abort: instance=0 index=0 result=1'; then
	fail "$name" "no alertable_sleep_abort that woke index 0"
elif ! echo "$trace" | grep -q 'alertable_sleep_end: instance=0 index=0 result=-125 '; then
	fail "$name" "no alertable_sleep_end with -ECANCELED for index 0"
else
	pass "$name"
fi

name="debugfs state lists the sleepers, then the sticky aborts"
if [ "$(stat -c %a "$state" 2>/dev/null)" != 400 ]; then
	fail "$name" "$state is not mode 0400"
elif [ "$(echo "$during" | grep -cE '^[0-3] sleeping$')" != 4 ]; then
	fail "$name" "4 sleeping indices expected while the demo runs"
elif ! echo "$during" | grep -qE '^sleeps ([4-9]|[1-9][0-9]+)$'; then
	fail "$name" "the sleeps counter is below 4"
elif [ "$(echo "$after" | grep -cE '^[0-3] aborted$')" != 4 ]; then
	fail "$name" "4 aborted indices expected after rmmod"
elif ! echo "$after" | grep -qE '^aborts 4$'; then
	fail "$name" "the aborts counter is not 4"
else
	pass "$name"
fi
unload_all

name="debugfs directory goes with the module"
if [ -e /sys/kernel/debug/alertable_sleep ]; then
	fail "$name" "/sys/kernel/debug/alertable_sleep is still there"
else
	pass "$name"
fi

# --- the kernel log stays clean ----------------------------------------------

reports='BUG:|WARNING:|Oops|INFO: task .* blocked|sleeping function called from invalid context|possible circular locking|possible recursive locking|inconsistent lock state|locking correctness validator|KASAN:|UBSAN:|kmemleak:|general protection'
hit=$(dmesg | grep -E "$reports" | head -n 1)
if [ -z "$hit" ]; then
	pass "dmesg holds no kernel report"
else
	fail "dmesg holds no kernel report" "$hit"
fi

dmesg -n 1
echo "ALERTABLE_SLEEP_RESULTS_BEGIN"
cat "$results"
echo "ALERTABLE_SLEEP_RESULTS_END"
exit 0
