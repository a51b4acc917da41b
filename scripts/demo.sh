#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# demo.sh (make demo): show alertable_sleep at work in a QEMU machine. The
# sample driver's workers sleep with alertable_sleep, msleep_interruptible()
# or msleep(); the demo fires the driver's "poll now" interrupt, which is to
# make every worker do a round of work at once, and times unloading the
# driver. The part that runs in the machine is scripts/demo-guest.sh.
# Exits 0 when the machine ran the demo to its end and the claims held: a
# failed probe() fails insmod; each "poll now" made every alertable_sleep
# worker do exactly one round at once; unloading ended their sleeps at once.
set -eu

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

# Passed to the guest in demo.conf.
period_ms=10000
settle_s=2
poll_window_ms=1000
workers=4

cat <<EOF
alertable_sleep demo

This builds alertable_sleep.ko and the sample driver
samples/alertable_sleep_demo.c against Debian's kernel, boots that kernel
in QEMU (2 vCPUs, no KVM: allow a minute) and, in the machine:
  1. loads alertable_sleep.ko eventcount=$workers and shows its modinfo;
  2. loads the sample driver on the module-wide instance with one worker
     too many: its probe() fails, and so must insmod;
  3. loads the sample driver: $workers worker threads, each doing a round of
     work and then sleeping $((period_ms / 1000)) s in alertable_sleep_sleep();
  4. $settle_s s later, twice, fires the driver's "poll now" interrupt (an
     hrtimer whose handler aborts the sleeps) and counts the rounds the
     workers begin within $poll_window_ms ms: each is to do one at once,
     re-arm its index and sleep again;
  5. unloads it: kthread_stop() ends the sleeps, so rmmod should not wait
     for them to run out;
  6. does 3 to 5 again with the workers in msleep_interruptible(), then in
     msleep(), which the interrupt can only wake_up_process().

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
printf 'PERIOD_MS=%s\nSETTLE_S=%s\nPOLL_WINDOW_MS=%s\nWORKERS=%s\n' \
	"$period_ms" "$settle_s" "$poll_window_ms" "$workers" >"$conf"

# Show vm.sh's own lines, and from /init on the guest's lines and the
# modules' kernel messages; the boot messages stay in the console log.
show() {
	awk '/^ALERTABLE_SLEEP_DEMO_BEGIN$/ { block = 1 }
	     /Run \/init as init process/ { guest = 1; next }
	     {
		kernel = /^\[ *[0-9]+\.[0-9]+\] /
		mine = /alertable_sleep/ && !/taint/
		if (/^==> / || (guest && !block && (!kernel || mine) &&
		    !/^ALERTABLE_SLEEP_VM_EXIT/)) {
			print
			fflush()
		}
	     }
	     /^ALERTABLE_SLEEP_DEMO_END$/ { block = 0 }'
}
set +e
"$AS_ROOT/scripts/vm.sh" --name demo --timeout 240 \
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

# field MODE KEY: the number KEY= of the DEMO_RESULT line of MODE.
field() {
	sed -n "s/^DEMO_RESULT mode=$1 \(.* \)*$2=\([0-9]*\).*/\2/p" <<<"$block"
}

ms() {
	# microseconds to milliseconds with one decimal, or "?"
	if [ -n "$1" ]; then
		printf '%d.%d' $(($1 / 1000)) $(($1 % 1000 / 100))
	else
		printf '?'
	fi
}

# polled MODE N: "4 of 4, 0.3 ms": the rounds begun within the window
# after poll N, and how long after the interrupt the last one began.
polled() {
	local rounds us
	rounds=$(field "$1" "poll$2_rounds")
	us=$(field "$1" "poll$2_us")
	printf '%s of %s' "${rounds:-?}" "$workers"
	[ -z "$us" ] || printf ', %s ms' "$(ms "$us")"
}

what() {
	case $1 in
	alertable) echo "alertable_sleep_sleep()" ;;
	msleep_interruptible) echo "msleep_interruptible()" ;;
	msleep) echo "msleep()" ;;
	esac
}

modes="alertable msleep_interruptible msleep"
release=$(sed -n 's/^.*Linux version \([^ ]*\).*$/\1/p' "$log" | head -n 1)
echo
echo "Linux ${release:-$K_REL}, QEMU TCG, 2 vCPUs; $workers workers, each sleeping $period_ms ms"
echo
echo "\"Poll now\" (an hrtimer standing in for the device's interrupt): the"
echo "rounds of work begun within $poll_window_ms ms, and the time from the interrupt"
echo "to the start of the last of them"
echo
printf '  %-26s %-20s %s\n' "workers sleep in" "1st poll now" "2nd poll now"
for mode in $modes; do
	printf '  %-26s %-20s %s\n' "$(what "$mode")" "$(polled "$mode" 1)" \
		"$(polled "$mode" 2)"
done
echo
echo "Unloading the driver (rmmod), $settle_s s and two polls into the sleeps"
echo
printf '  %-26s %15s %24s\n' "workers sleep in" "rmmod (wall)" "workers stopped (devm)"
for mode in $modes; do
	printf '  %-26s %12s ms %21s ms\n' "$(what "$mode")" \
		"$(ms "$(field "$mode" rmmod_us)")" "$(ms "$(field "$mode" stop_us)")"
done
echo
echo "The driver's own account, from dmesg:"
sed -n 's/^DEMO_DMESG /  /p' <<<"$block"
echo
probe_rc=$(sed -n 's/^DEMO_PROBE_FAIL insmod_rc=\([0-9]*\).*/\1/p' <<<"$block")
probe_loaded=$(sed -n 's/^DEMO_PROBE_FAIL .* loaded=\([a-z]*\).*/\1/p' <<<"$block")
echo "A probe() that fails ($((workers + 1)) workers on the module-wide instance of $workers"
echo "indices): insmod exited ${probe_rc:-?}, module loaded: ${probe_loaded:-?}"
sed -n 's/^DEMO_PROBE_DMESG /  /p' <<<"$block"
echo

# The msleep_interruptible() row depends on the kernel: say what it showed.
mi_us=$(field msleep_interruptible stop_us)
if [ -n "$mi_us" ] && [ "$mi_us" -lt $((period_ms * 100)) ]; then
	mi="On this kernel it ended msleep_interruptible() at once too: its
kthread_stop() sets TIF_NOTIFY_SIGNAL, which signal_pending() reports."
else
	mi="On this kernel it did not end msleep_interruptible(): its
kthread_stop() only wakes the thread, which sleeps on."
fi
cat <<EOF
Only alertable_sleep serves "poll now": its abort ends the sleep from an
interrupt handler without stopping the thread, which re-arms its index
with alertable_sleep_reset_for_reuse() and sleeps a whole period again.
Woken with wake_up_process(), msleep() and msleep_interruptible() sleep
on until their period runs out.

On unload, kthread_stop() ends alertable_sleep_sleep() at once on every
kernel. $mi
Nothing ends msleep() early.

EOF

# The demo's claims; each one missed fails it.
failed=0
miss() {
	echo "demo: FAILED: $*"
	failed=1
}
if [ "${probe_rc:-0}" = 0 ] || [ "$probe_loaded" != no ]; then
	miss "insmod did not fail when probe() did (exit ${probe_rc:-?}, module loaded: ${probe_loaded:-?})"
fi
for poll in 1 2; do
	rounds=$(field alertable "poll${poll}_rounds")
	if [ "$rounds" != "$workers" ]; then
		miss "poll now #$poll: the $workers alertable_sleep workers began ${rounds:-?} rounds within $poll_window_ms ms, not $workers"
	fi
done
stop_us=$(field alertable stop_us)
if [ -z "$stop_us" ] || [ "$stop_us" -ge $((period_ms * 100)) ]; then
	miss "stopping the alertable_sleep workers took $(ms "$stop_us") ms: their sleeps did not end at once"
fi
[ "$failed" = 0 ] || exit 1
echo "demo: ok: with alertable_sleep each poll now started one round in all $workers workers at once (within $(ms "$(field alertable poll1_us)") and $(ms "$(field alertable poll2_us)") ms), and the driver unloaded in $(ms "$(field alertable rmmod_us)") ms; with msleep() in $(ms "$(field msleep rmmod_us)") ms"
