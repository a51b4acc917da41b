#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make upstream-boot, in the guest (busybox sh, /init of the initramfs):
# measure the cases of the in-tree users and print one line each,
# "UPSTREAM_BOOT key=value", which scripts/upstream-boot.sh reads off the
# serial console. Times are from /proc/uptime, in steps of 10 ms.
# busybox ash has RANDOM, read -t and usleep, which POSIX sh has not:
# shellcheck disable=SC3028,SC3045

cs() { read -r u _ </proc/uptime; echo "${u%.*}${u#*.}"; }	# centiseconds
say() { echo "UPSTREAM_BOOT $*"; }

# pciehp's poll thread starts 10 s after probe: measure after that.
while [ "$(cs)" -lt 1300 ]; do sleep 1; done

# --- pciehp, poll mode: the latency of a slot power request via sysfs.
# shellcheck disable=SC2012 # slot names are numbers
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

vcs() { sed -n 's/^voluntary_ctxt_switches:\s*//p' "/proc/$1/status"; }
pidof_comm() {
	for d in /proc/[0-9]*; do
		[ "$(cat "$d/comm" 2>/dev/null)" = "$1" ] && echo "${d#/proc/}"
	done
}

# --- IPMI, kipmid: requests through /dev/ipmi0 to QEMU's BMC simulator on
# a KCS interface without an interrupt, which kipmid drives. Spaced
# requests find kipmid asleep; back-to-back requests are sent while it
# may still be on its way to sleep after the previous answer.
if [ -c /dev/ipmi0 ] && [ -n "$(pidof_comm kipmi0)" ]; then
	say "ipmi=kcs kipmid=$(pidof_comm kipmi0)"
	/ipmi-latency spaced 16 || say "ipmi_error=spaced"
	/ipmi-latency burst 2000 || say "ipmi_error=burst"
else
	say "ipmi=none"
fi

# --- hwmon adt7470 on i2c-stub: the delay from a write of a shorter
# update_interval to the update thread's next update, which starts with a
# 200 ms sleep of its own (one sensor): its first voluntary context
# switch after the write. Before each write the interval is 6 s, set 1 to
# 4 s earlier, so that the thread sleeps for 6 s when the write lands.
hw=
if insmod /i2c-stub.ko chip_addr=0x2e &&
	echo adt7470 0x2e >/sys/bus/i2c/devices/i2c-0/new_device; then
	for d in /sys/class/hwmon/hwmon*; do
		[ "$(cat "$d/name" 2>/dev/null)" = adt7470 ] && hw=$d
	done
fi
pid=
[ -n "$hw" ] && pid=$(pidof_comm "${hw##*/}")
if [ -n "$pid" ]; then
	say "adt7470=${hw##*/} thread=$pid"
	echo 1 >"$hw/num_temp_sensors"
	echo 6000 >"$hw/auto_update_interval"
	sleep 3
	i=0
	while [ $i -lt 4 ]; do
		usleep $((1000000 + RANDOM % 3000 * 1000))
		v0=$(vcs "$pid")
		t0=$(cs)
		echo 500 >"$hw/auto_update_interval"
		while [ "$(vcs "$pid")" = "$v0" ] && [ $(($(cs) - t0)) -lt 1000 ]; do
			usleep 10000
		done
		t1=$(cs)
		say "adt7470_interval_ms=$(((t1 - t0) * 10))"
		echo 6000 >"$hw/auto_update_interval"
		i=$((i + 1))
	done
else
	say "adt7470=none"
fi

# --- hvc: console output through a virtio console, and khvcd's idle
# wake-ups (voluntary context switches in 10 s).
if [ -c /dev/hvc0 ]; then
	echo "UPSTREAM_BOOT_HVC_OUTPUT_OK" >/dev/hvc0 && say "hvc_write=ok"
else
	say "hvc_write=no-hvc0"
fi
pid=$(pidof_comm khvcd)
if [ -n "$pid" ]; then
	v0=$(vcs "$pid")
	sleep 10
	v1=$(vcs "$pid")
	say "khvcd_wakeups_10s=$((v1 - v0))"
else
	say "khvcd_wakeups_10s=none"
fi

# --- hvc: console input, which the host sends once asked (after the idle
# count above): it arrives through the virtio interrupt, hvc_kick() and
# khvcd's poll, the path of the entry.
if [ -c /dev/hvc0 ]; then
	exec 3<>/dev/hvc0
	echo "UPSTREAM_BOOT_HVC_SEND" >&3
	t0=$(cs)
	if read -r -t 30 line <&3 && [ "$line" = UPSTREAM_BOOT_HVC_INPUT ]; then
		say "hvc_input_ms=$((($(cs) - t0) * 10))"
	else
		say "hvc_input=missing"
	fi
	exec 3<&-
fi
say "done"
