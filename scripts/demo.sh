#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# demo.sh (make demo): show alertable_sleep at work in a QEMU machine and
# compare how long unloading a driver takes when its threads sleep with
# alertable_sleep, msleep_interruptible() or msleep(). The part that runs
# in the machine is scripts/demo-guest.sh. Exits 0 when the machine ran the
# demo to its end and the alertable_sleep workers were woken at once.
set -eu

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

# Passed to the guest in demo.conf.
period_ms=10000
settle_s=2

cat <<EOF
alertable_sleep demo

This builds alertable_sleep.ko and the sample driver
samples/alertable_sleep_demo.c against Debian's kernel, boots that kernel
in QEMU (2 vCPUs, no KVM: allow a minute) and, in the machine:
  1. loads alertable_sleep.ko eventcount=4 and shows its modinfo and its
     eventcount parameter;
  2. loads the sample driver: 4 worker threads, each doing a round of work
     and then sleeping $((period_ms / 1000)) s in alertable_sleep_sleep();
  3. unloads it $settle_s s later. Its remove() aborts the sleeps and stops the
     threads, so rmmod should not wait for the sleeps to run out;
  4. does the same with the workers in msleep_interruptible(), then in
     msleep(), and compares the three unload times.

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

conf=$AS_CACHE/vm/demo.conf
mkdir -p "$(dirname "$conf")"
printf 'PERIOD_MS=%s\nSETTLE_S=%s\n' "$period_ms" "$settle_s" >"$conf"

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

log=$AS_CACHE/vm/demo/console.log
block=$(sed -n '/^ALERTABLE_SLEEP_DEMO_BEGIN$/,/^ALERTABLE_SLEEP_DEMO_END$/p' \
	"$log" 2>/dev/null || true)
if [ "$vmrc" -ne 0 ] || [ -z "$block" ]; then
	say "the end of the console ($log):"
	tail -n 30 "$log" 2>/dev/null || true
	echo "demo: FAILED: the machine did not run the demo to its end (vm.sh exit $vmrc)"
	exit 1
fi

# field MODE KEY: a number from the DEMO_RESULT line of MODE.
field() {
	sed -n "s/^DEMO_RESULT mode=$1 .*$2=\([0-9]*\).*/\1/p" <<<"$block"
}

ms() {
	# microseconds to milliseconds with one decimal, or "?"
	if [ -n "$1" ]; then
		printf '%d.%d' $(($1 / 1000)) $(($1 % 1000 / 100))
	else
		printf '?'
	fi
}

echo
echo "Time to unload the sample driver (4 workers, each in a ${period_ms} ms sleep)"
echo
printf '  %-26s %15s %20s\n' "workers sleep in" "rmmod (wall)" "driver's remove()"
for mode in alertable msleep_interruptible msleep; do
	case $mode in
	alertable) what="alertable_sleep_sleep()" ;;
	msleep_interruptible) what="msleep_interruptible()" ;;
	msleep) what="msleep()" ;;
	esac
	printf '  %-26s %12s ms %17s ms\n' "$what" \
		"$(ms "$(field $mode rmmod_us)")" "$(ms "$(field $mode remove_us)")"
done
echo
echo "The driver's own account, from dmesg:"
sed -n 's/^DEMO_DMESG /  /p' <<<"$block"
echo
cat <<'EOF'
The first two rows differ only by the noise of an emulated machine:
kthread_stop() ends msleep_interruptible() early too (it sets
TIF_NOTIFY_SIGNAL, which signal_pending() reports). Nothing ends msleep()
early, so rmmod waits for the rest of the period. What alertable_sleep
adds is alertable_sleep_abort(): it ends a sleep from any context (a
timer, a hard-IRQ handler, another thread) without stopping the sleeping
thread, and an abort that comes before the sleep is not lost.
EOF
echo

# The demo's one claim: remove() ended the alertable_sleep sleeps at once,
# long before their period ran out.
alertable_us=$(field alertable remove_us)
if [ -z "$alertable_us" ] || [ "$alertable_us" -ge $((period_ms * 100)) ]; then
	echo "demo: FAILED: remove() did not end the alertable_sleep sleeps at once (took $(ms "$alertable_us") ms)"
	exit 1
fi
echo "demo: ok: with alertable_sleep the driver unloaded in $(ms "$(field alertable rmmod_us)") ms, with msleep() in $(ms "$(field msleep rmmod_us)") ms"
