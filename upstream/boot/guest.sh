#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make upstream-boot, in the guest (busybox sh, /init of the initramfs):
# measure the cases of the in-tree users and print one line each,
# "UPSTREAM_BOOT key=value", which scripts/upstream-boot.sh reads off the
# serial console. Times are from /proc/uptime, in steps of 10 ms.

cs() { read -r u _ </proc/uptime; echo "${u%.*}${u#*.}"; }	# centiseconds
say() { echo "UPSTREAM_BOOT $*"; }

# pciehp's poll thread starts 10 s after probe: measure after that.
while [ "$(cs)" -lt 1300 ]; do sleep 1; done

# --- pciehp, poll mode: the latency of a slot power request via sysfs.
slot=$(ls /sys/bus/pci/slots 2>/dev/null | head -n 1)
if [ -z "$slot" ] || [ ! -w "/sys/bus/pci/slots/$slot/power" ]; then
	say "pciehp_slot=none"
else
	p=/sys/bus/pci/slots/$slot/power
	say "pciehp_slot=$slot power=$(cat "$p")"
	# Power requests on the empty slot: each one is queued for the poll
	# thread (pciehp_request()), which finds no card and answers; the
	# write returns when it has. The wait is the thread's. Requests come
	# at random phases of the 2 s poll period.
	i=0
	while [ $i -lt 8 ]; do
		usleep $((RANDOM % 2000 * 1000))
		t0=$(cs)
		echo 1 >"$p" 2>/dev/null
		t1=$(cs)
		say "pciehp_on_ms=$(((t1 - t0) * 10))"
		i=$((i + 1))
	done
fi

# --- hvc: console output through a virtio console, and khvcd's idle
# wake-ups (voluntary context switches in 10 s).
if [ -c /dev/hvc0 ]; then
	echo "UPSTREAM_BOOT_HVC_OUTPUT_OK" >/dev/hvc0 && say "hvc_write=ok"
else
	say "hvc_write=no-hvc0"
fi
pid=
for d in /proc/[0-9]*; do
	[ "$(cat "$d/comm" 2>/dev/null)" = khvcd ] && pid=${d#/proc/}
done
if [ -n "$pid" ]; then
	v0=$(sed -n 's/^voluntary_ctxt_switches:\s*//p' "/proc/$pid/status")
	sleep 10
	v1=$(sed -n 's/^voluntary_ctxt_switches:\s*//p' "/proc/$pid/status")
	say "khvcd_wakeups_10s=$((v1 - v0))"
else
	say "khvcd_wakeups_10s=none"
fi
say "done"
