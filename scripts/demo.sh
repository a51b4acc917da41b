#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# demo.sh (make demo): show, in a QEMU machine, the cases where only
# alertable_sleep serves a driver, each tried with the sample driver's
# pollers sleeping in alertable_sleep, msleep_interruptible() and msleep():
# remove() stopping a kernel thread, an interrupt asking for a round now,
# remove() cancelling a work item, and a system suspend freezing the
# threads. The part that runs in the machine is scripts/demo-guest.sh.
#
# Prints one table, cases by sleep methods, and one line per case naming
# the methods that met it. Exits 0 when the machine ran the demo to its
# end, a failed probe() failed insmod, and alertable_sleep met every case;
# non-zero otherwise.
set -eu

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

# Passed to the guest in demo.conf.
period_ms=10000
settle_s=2
work_settle_s=1
poll_window_ms=1000
freeze_timeout_ms=2000
workers=4
# A sleep ended "at once" if it took less than a tenth of the period.
at_once_us=$((period_ms * 100))

cat <<EOF
alertable_sleep demo

This builds alertable_sleep.ko and the sample driver
samples/alertable_sleep_demo.c against Debian's kernel, boots that kernel
in QEMU (2 vCPUs, no KVM: allow a minute and a half) and, in the machine:
  1. loads alertable_sleep.ko eventcount=$workers and shows its modinfo;
  2. loads the sample driver on the module-wide instance with one worker
     too many: its probe() fails, and so must insmod;
  3. loads the sample driver: $workers freezable polling threads, each doing
     a round of work and then sleeping $((period_ms / 1000)) s in
     alertable_sleep_sleep_freezable();
  4. $settle_s s later, suspends the machine in the freezer's test mode
     (pm_test=freezer: every task is frozen, then thawed). The kernel
     gives up after pm_freeze_timeout, 20 s by default, lowered here to
     $((freeze_timeout_ms / 1000)) s to keep the demo short;
  5. twice fires the driver's "poll now" interrupt (a hard-IRQ hrtimer
     whose handler aborts the sleeps) and counts the rounds the threads
     begin within $poll_window_ms ms: each is to do one at once, re-arm its
     index and sleep again;
  6. unloads it: kthread_stop() should end the sleeps at once;
  7. loads it with $workers polling work items instead (use_work=1), and
     $work_settle_s s later unloads it: remove() aborts their sleeps and
     cancel_work_sync() waits for them to return;
  8. does 3 to 7 again with the pollers in msleep_interruptible(), then
     in msleep(), which the interrupt can only wake_up_process().

EOF

# shellcheck disable=SC2086 # a list of packages
need_pkgs $AS_PKGS_VM
kernel_ensure "${KERNEL:-6.1}"
out=$(build_dir vm)
# kbuild's "Skipping BTF generation" notes are noise here; errors are not.
mkdir -p "$out"
if ! build_modules "$out" 2>"$out/build.err"; then
	cat "$out/build.err" >&2
	exit 1
fi
grep -v 'Skipping BTF generation' "$out/build.err" >&2 || true
src=$out/src

conf=$AS_VM_DIR/demo.conf
mkdir -p "$(dirname "$conf")"
{
	echo "PERIOD_MS=$period_ms"
	echo "SETTLE_S=$settle_s"
	echo "WORK_SETTLE_S=$work_settle_s"
	echo "POLL_WINDOW_MS=$poll_window_ms"
	echo "FREEZE_TIMEOUT_MS=$freeze_timeout_ms"
	echo "WORKERS=$workers"
} >"$conf"

# Show vm.sh's own lines, and from /init on the guest's lines and the
# kernel's messages about the modules and the freezer; the boot messages
# stay in the console log.
show() {
	awk '/^ALERTABLE_SLEEP_DEMO_BEGIN$/ { block = 1 }
	     /Run \/init as init process/ { guest = 1; next }
	     {
		kernel = /^\[ *[0-9]+\.[0-9]+\] /
		mine = /alertable_sleep|Freezing|refusing to freeze/ && !/taint/
		if (/^==> / || (guest && !block && (!kernel || mine) &&
		    !/^ALERTABLE_SLEEP_VM_(EXIT|GUEST_START)/)) {
			print
			fflush()
		}
	     }
	     /^ALERTABLE_SLEEP_DEMO_END$/ { block = 0 }'
}
set +e
"$AS_ROOT/scripts/vm.sh" --name demo --timeout 300 \
	"$AS_ROOT/scripts/demo-guest.sh" "$src/alertable_sleep.ko" \
	"$src/samples/alertable_sleep_demo.ko" "$conf" | show
vmrc=${PIPESTATUS[0]}
set -e

log=$AS_VM_DIR/demo/console.log
block=$(sed -n '/^ALERTABLE_SLEEP_DEMO_BEGIN$/,/^ALERTABLE_SLEEP_DEMO_END$/p' \
	"$log" 2>/dev/null || true)
if [ "$vmrc" -ne 0 ] || [ -z "$block" ]; then
	say "the end of the console ($log):"
	tail -n 30 "$log" 2>/dev/null || true
	echo "demo: FAILED: the machine did not run the demo to its end (vm.sh exit $vmrc)"
	exit 1
fi

# field MODE KEY: the number KEY= of the DEMO_RESULT line of MODE, or
# nothing.
field() {
	sed -n "s/^DEMO_RESULT mode=$1 \(.* \)*$2=\([0-9]*\).*/\2/p" <<<"$block"
}

# ms US: microseconds as "3.4 ms", or from a second on as "9.11 s".
ms() {
	if [ -z "$1" ]; then
		printf '? ms'
	elif [ "$1" -lt 1000000 ]; then
		printf '%d.%d ms' $(($1 / 1000)) $(($1 % 1000 / 100))
	else
		printf '%d.%02d s' $(($1 / 1000000)) $(($1 % 1000000 / 10000))
	fi
}

# The cases, in the table's order, and the sleep methods, in its columns.
cases="kthread-stop interrupt-wake work-item-cancel suspend-freeze"
modes="alertable msleep_interruptible msleep"

# judge CASE MODE: print the cell of the table ("met, 1.3 ms"); succeed if
# what was measured with MODE met CASE. A missing figure is a miss.
judge() {
	local verdict=missed what r1 r2 us1 us2 us err rounds
	case $1 in
	kthread-stop)	# the devm action's kthread_stop() of every thread
		us=$(field "$2" stop_us)
		[ -n "$us" ] && [ "$us" -lt "$at_once_us" ] && verdict=met
		what=$(ms "$us") ;;
	interrupt-wake)	# each thread began one round after each poll now
		r1=$(field "$2" poll1_rounds)
		r2=$(field "$2" poll2_rounds)
		us1=$(field "$2" poll1_us)
		us2=$(field "$2" poll2_us)
		[ "$r1" = "$workers" ] && [ "$r2" = "$workers" ] && verdict=met
		what="$((${r1:-0} + ${r2:-0}))/$((2 * workers))"
		if [ -n "$us1$us2" ]; then
			us=$(printf '%s\n' "$us1" "$us2" | sort -n | tail -n 1)
			what="$what in $(ms "$us")"
		fi ;;
	work-item-cancel) # the devm action's abort and cancel_work_sync()
		us=$(field "$2" cancel_us)
		rounds=$(field "$2" work_rounds)
		# Only work items that were already asleep prove anything.
		[ -n "$us" ] && [ "${rounds:-0}" -ge "$workers" ] &&
			[ "$us" -lt "$at_once_us" ] && verdict=met
		what=$(ms "$us") ;;
	suspend-freeze)	# echo freeze >/sys/power/state succeeded
		err=$(field "$2" freeze_err)
		us=$(field "$2" freeze_us)
		[ "$err" = 0 ] && verdict=met
		case $err in
		0) what=$(ms "$us") ;;
		16) what="EBUSY $(ms "$us")" ;;
		*) what="error ${err:-?}" ;;
		esac ;;
	esac
	printf '%s, %s' "$verdict" "$what"
	[ "$verdict" = met ]
}

name() {
	case $1 in
	alertable) echo alertable_sleep ;;
	*) echo "$1" ;;
	esac
}

label() {
	case $1 in
	work-item-cancel) echo "work-item cancel" ;;
	*) echo "${1//-/ }" ;;
	esac
}

# list NAME...: "a, b, c"
list() {
	local IFS=, all
	all="$*"
	echo "${all//,/, }"
}

release=$(sed -n 's/^.*Linux version \([^ ]*\).*$/\1/p' "$log" | head -n 1)
echo
echo "Linux ${release:-$K_REL}, QEMU TCG, 2 vCPUs; $workers pollers, each sleeping $period_ms ms"
echo
printf '  %-18s %-21s %-21s %s\n' case alertable_sleep msleep_interruptible msleep
for c in $cases; do
	{
		printf '  %-18s' "$(label "$c")"
		for mode in $modes; do
			printf ' %-21s' "$(judge "$c" "$mode" || true)"
		done
		echo
	} | sed 's/ *$//'
done
cat <<EOF

  kthread stop      rmmod: the time the driver's devm action took to
                    kthread_stop() its $workers freezable threads
  interrupt wake    "poll now" (a hard-IRQ hrtimer standing in for the
                    device's interrupt) fired twice: the rounds of work the
                    threads began within $poll_window_ms ms of it, and the time from
                    the interrupt to the start of the last of them
  work-item cancel  rmmod: the time the driver's devm action took to abort
                    (alertable_sleep only) and cancel_work_sync() its
                    $workers polling work items, $work_settle_s s into their sleeps
  suspend freeze    echo freeze >/sys/power/state with pm_test=freezer and
                    pm_freeze_timeout=$freeze_timeout_ms, $settle_s s into the threads' sleeps:
                    the write's result, and how long it took

Met means: at once (within $((at_once_us / 1000)) ms, a tenth of the period) for the two
unloads, a round by every thread after each interrupt, and a suspend
that succeeded.

Only alertable_sleep serves the interrupt: its abort ends the sleep from
hard IRQ without stopping the thread, which re-arms its index with
alertable_sleep_reset_for_reuse() and sleeps a whole period again. Woken
with wake_up_process(), msleep() and msleep_interruptible() sleep on.

A kworker gets neither a signal nor kthread_stop(): nothing but an abort
ends its sleep, so cancel_work_sync() waits out msleep*().

The freezer freezes a thread in alertable_sleep_sleep_freezable() where it
sleeps. A thread in msleep*() freezes only when its sleep ends (it calls
try_to_freeze() then), here up to $((period_ms / 1000)) s later: past the $((freeze_timeout_ms / 1000)) s timeout, as a
sleep of a minute is past the default 20 s, so the suspend fails with
EBUSY ("Freezing of tasks failed"). Within the timeout it would only be
late, by up to a period.
EOF
# kthread_stop() and msleep_interruptible(): the kernel decides; say what
# this one did.
echo
if judge kthread-stop msleep_interruptible >/dev/null; then
	echo "On this kernel kthread_stop() ended msleep_interruptible() at once too:"
	echo "it sets TIF_NOTIFY_SIGNAL (since 6.1), which signal_pending() reports."
else
	echo "On this kernel kthread_stop() did not end msleep_interruptible(): it"
	echo "only wakes the thread, which sleeps on (before 6.1)."
fi
echo
echo "The driver's and the freezer's own account, from dmesg:"
sed -n 's/^DEMO_DMESG /  /p' <<<"$block"
echo
probe_rc=$(sed -n 's/^DEMO_PROBE_FAIL insmod_rc=\([0-9]*\).*/\1/p' <<<"$block")
probe_loaded=$(sed -n 's/^DEMO_PROBE_FAIL .* loaded=\([a-z]*\).*/\1/p' <<<"$block")
echo "A probe() that fails ($((workers + 1)) workers on the module-wide instance of $workers"
echo "indices): insmod exited ${probe_rc:-?}, module loaded: ${probe_loaded:-?}"
sed -n 's/^DEMO_PROBE_DMESG /  /p' <<<"$block"
echo

# One line per case, and the verdict: every case is alertable_sleep's.
failed=0
for c in $cases; do
	met=()
	missed=()
	for mode in $modes; do
		if judge "$c" "$mode" >/dev/null; then
			met+=("$(name "$mode")")
		else
			missed+=("$(name "$mode")")
		fi
	done
	line="case $(label "$c"):"
	[ ${#met[@]} -eq 0 ] || line="$line met by $(list "${met[@]}")"
	[ ${#met[@]} -eq 0 ] || [ ${#missed[@]} -eq 0 ] || line="$line;"
	[ ${#missed[@]} -eq 0 ] || line="$line missed by $(list "${missed[@]}")"
	echo "$line"
	judge "$c" alertable >/dev/null || failed=1
done
echo
if [ "${probe_rc:-0}" = 0 ] || [ "$probe_loaded" != no ]; then
	echo "demo: FAILED: insmod did not fail when probe() did (exit ${probe_rc:-?}, module loaded: ${probe_loaded:-?})"
	failed=1
fi
if [ "$failed" != 0 ]; then
	echo "demo: FAILED: alertable_sleep missed a case above, or insmod"
	exit 1
fi
echo "demo: ok: alertable_sleep met every case"
