#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make upstream-boot: boot the pristine and the grafted newest tree (the
# tag "pristine" and the branch "series" that make upstream leaves in
# $AS_CACHE/upstream/linux-<version>) in QEMU, and measure the in-tree
# users' cases on both, before and after:
#   pciehp in poll mode: the latency of a write to
#     /sys/bus/pci/slots/N/power (q35, an empty hotplug slot of a
#     pcie-root-port, pciehp.pciehp_poll_mode=1): 8 power-on requests at
#     random phases of the poll period, each served by the poll thread;
#   IPMI's kipmid: the latency of Get Device ID requests through
#     /dev/ipmi0 (QEMU's ipmi-bmc-sim on an isa-ipmi-kcs interface with
#     no interrupt, which kipmid drives), 16 spaced and 2000 back to back,
#     and how many took two ticks or more (a request left to si_timer);
#   hwmon adt7470 (on i2c-stub): the delay from a write of a shorter
#     update_interval to the update thread's next update, 4 times;
#   hvc: output through a virtio console reaches the host, khvcd's
#     wake-ups in 10 idle seconds, then input from the host reaches the
#     guest (the virtio interrupt, hvc_kick(), khvcd's poll).
# Prints a before/after table and "upstream-boot: N passed, N failed": a
# case fails when the grafted kernel does worse than the pristine one
# (a median latency more than 10 ms higher, more slow requests, more idle
# wake-ups, output or input that did not arrive) or when a boot gives no
# result.
#
# Both kernels are built from one x86_64 configuration (tinyconfig and
# upstream/boot/x86_64.config) in one build folder, pristine first, then
# the series, so that the second build recompiles only what the series
# changed. Each image is kept by the tree it was built from:
#   $AS_CACHE/upstream-boot/src-<version>/     a git worktree of the tree
#   $AS_CACHE/upstream-boot/build-<version>/   the O= build
#   $AS_CACHE/upstream-boot/bzImage-<tree>     the images, by git tree id,
#   $AS_CACHE/upstream-boot/i2c-stub-<tree>.ko and each one's i2c-stub
#   $AS_CACHE/upstream-boot/run-<name>/        each boot's console log
# The builds run in the trixie chroot, as make upstream's do.
set -eu

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

# shellcheck disable=SC2086 # a list of packages
need_pkgs git $AS_PKGS_VM

tree=$(kernel_tree newest)
version=${tree##*/linux-source-}
suite=$(kernel_spec newest | cut -d' ' -f1)
up=$AS_CACHE/upstream
repo=$up/linux-$version
bd=$AS_CACHE/upstream-boot
wt=$bd/src-$version
build=$bd/build-$version
src=$AS_ROOT/upstream/boot

if ! git -C "$repo" rev-parse -q --verify pristine >/dev/null 2>&1 ||
	! git -C "$repo" rev-parse -q --verify series >/dev/null 2>&1; then
	die "no series in $repo: run make upstream first"
fi
before=$(git -C "$repo" rev-parse pristine)
after=$(git -C "$repo" rev-parse series)
say "upstream-boot: Linux $version, pristine ${before:0:12} against the series ${after:0:12}"

pass=0
fail=0

# bchroot CMD...: CMD in the trixie chroot with $bd mounted at its own
# path (as upstream.sh's uchroot).
bchroot() {
	local dir
	dir=$(chroot_dir "$suite")
	mkdir -p "$dir$bd"
	# shellcheck disable=SC2016 # expanded by sh -c
	DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		as_unshare sh -c '
		d=$1 b=$2
		shift 2
		mount -t proc proc "$d/proc" &&
		mount --bind "$b" "$d$b" &&
		exec chroot "$d" "$@"' sh "$dir" "$bd" "$@"
}

# kernel COMMIT: the bzImage of COMMIT, built once for its tree (make
# upstream commits the series anew on each run: same tree, new commits),
# and beside it i2c-stub-<tree>.ko, the one module.
kernel() {
	local c=$1 img ko rc=0 t0 tid
	tid=$(git -C "$repo" rev-parse "$c^{tree}")
	img=$bd/bzImage-$tid
	ko=$bd/i2c-stub-$tid.ko
	[ -f "$img" ] && [ -f "$ko" ] && { printf '%s\n' "$img"; return 0; }
	if [ ! -e "$wt/.git" ]; then
		git -C "$repo" worktree prune
		rm -rf "$wt"
		git -C "$repo" worktree add -q --detach "$wt" "$c" >&2
	fi
	git -C "$wt" checkout -q -f --detach "$c"
	git -C "$wt" clean -q -fdx
	mkdir -p "$build"
	t0=$(date +%s)
	say "building ${c:0:12} for x86_64 in $build (log $build/build-${c:0:12}.log)" >&2
	# shellcheck disable=SC2016 # expanded by the chroot's shell
	bchroot sh -c 'cd "$0" && make -s O="$1" ARCH=x86_64 tinyconfig >/dev/null &&
		scripts/kconfig/merge_config.sh -m -O "$1" "$1/.config" "$2" >/dev/null &&
		make -s O="$1" ARCH=x86_64 olddefconfig &&
		make -s -j2 O="$1" ARCH=x86_64 bzImage modules' \
		"$wt" "$build" "$bd/x86_64.config" >"$build/build-${c:0:12}.log" 2>&1 || rc=$?
	if [ "$rc" -ne 0 ]; then
		tail -n 20 "$build/build-${c:0:12}.log" >&2
		return 1
	fi
	# The options the cases need must have survived olddefconfig.
	for o in HOTPLUG_PCI_PCIE VIRTIO_CONSOLE SERIAL_8250_CONSOLE IPMI_SI \
		IPMI_DEVICE_INTERFACE SENSORS_ADT7470 I2C_STUB=m; do
		case $o in *=*) ;; *) o=$o=y ;; esac
		grep -qx "CONFIG_$o" "$build/.config" || { echo "    CONFIG_$o is not set" >&2; return 1; }
	done
	cp "$build/drivers/i2c/i2c-stub.ko" "$ko.tmp"
	mv "$ko.tmp" "$ko"
	cp "$build/arch/x86/boot/bzImage" "$img.tmp"
	mv "$img.tmp" "$img"
	say "built ${c:0:12} in $(($(date +%s) - t0)) s" >&2
	printf '%s\n' "$img"
}

mkdir -p "$bd"
cp "$src/x86_64.config" "$bd/x86_64.config"
cp "$src/ipmi-latency.c" "$bd/ipmi-latency.c"
rc=0
kbefore=$(kernel "$before") || rc=$?
result "the pristine Linux $version builds (x86_64, upstream/boot/x86_64.config)" "$rc"
[ "$rc" -eq 0 ] || { total upstream-boot "$pass" "$fail"; exit 1; }
rc=0
kafter=$(kernel "$after") || rc=$?
result "the grafted Linux $version (the series) builds" "$rc"
[ "$rc" -eq 0 ] || { total upstream-boot "$pass" "$fail"; exit 1; }

# The guest's IPMI client, a static binary built with the chroot's gcc.
rc=0
bchroot gcc -O2 -Wall -Werror -static -o "$bd/ipmi-latency" "$bd/ipmi-latency.c" || rc=$?
result "the guest's IPMI client builds (upstream/boot/ipmi-latency.c)" "$rc"
[ "$rc" -eq 0 ] || { total upstream-boot "$pass" "$fail"; exit 1; }

# The initramfs: busybox, an /init that runs the guest script and
# reboots (-no-reboot ends QEMU), the guest script and the IPMI client;
# each kernel's i2c-stub.ko comes in a second archive appended to it.
initrd=$bd/initramfs.cpio
stage=$(mktemp -d "$bd/initramfs.XXXXXX")
mkdir -p "$stage"/{bin,dev,proc,sys,tmp}
busybox=$(command -v busybox)
cp "$busybox" "$stage/bin/busybox"
for applet in $("$busybox" --list); do
	[ -e "$stage/bin/$applet" ] || ln -s busybox "$stage/bin/$applet"
done
cp "$src/guest.sh" "$stage/guest.sh"
cp "$bd/ipmi-latency" "$stage/ipmi-latency"
cat >"$stage/init" <<'EOF'
#!/bin/sh
mount -t devtmpfs devtmpfs /dev
mount -t proc proc /proc
exec </dev/console >/dev/console 2>&1
mount -t sysfs sysfs /sys
export PATH=/bin
sh /guest.sh
echo "UPSTREAM_BOOT exit=$?"
reboot -f
EOF
chmod 755 "$stage/init"
(cd "$stage" && find . -print0 | LC_ALL=C sort -z |
	cpio --null -o -H newc -R 0:0 --quiet) >"$initrd"
rm -rf "$stage"

# initrd_of IMAGE: the initramfs above with IMAGE's i2c-stub.ko added.
initrd_of() {
	local out=${1/bzImage-/initramfs-}.cpio stage
	stage=$(mktemp -d "$bd/initramfs.XXXXXX")
	cp "${1/bzImage-/i2c-stub-}.ko" "$stage/i2c-stub.ko"
	{ cat "$initrd"; (cd "$stage" && echo i2c-stub.ko | cpio -o -H newc -R 0:0 --quiet); } >"$out"
	rm -rf "$stage"
	printf '%s\n' "$out"
}

# hvc_host SOCKET OUT: the host's end of the guest's virtio console, on
# QEMU's listening unix SOCKET: what the guest writes goes to OUT; once it
# has written UPSTREAM_BOOT_HVC_SEND, a line UPSTREAM_BOOT_HVC_INPUT is
# sent to it, once a second, until QEMU closes the socket (or, at the
# latest, when QEMU's own timeout has passed).
hvc_host() {
	timeout 330 python3 - "$1" "$2" <<'EOF'
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
for _ in range(600):
    try:
        s.connect(sys.argv[1])
        break
    except OSError:
        time.sleep(0.1)
else:
    sys.exit('no virtio console socket ' + sys.argv[1])
s.settimeout(0.2)
asked, tail, last = False, b'', 0.0
with open(sys.argv[2], 'wb') as out:
    while True:
        try:
            d = s.recv(4096)
            if not d:
                break
            out.write(d)
            out.flush()
            tail = (tail + d)[-64:]
            asked = asked or b'UPSTREAM_BOOT_HVC_SEND' in tail
        except socket.timeout:
            pass
        except OSError:
            break
        if asked and time.monotonic() - last >= 1:
            last = time.monotonic()
            try:
                s.sendall(b'UPSTREAM_BOOT_HVC_INPUT\n')
            except OSError:
                break
EOF
}

# boot NAME IMAGE: boot IMAGE on q35 with a pcie-root-port (slot 1,
# empty), a virtio console (hvc_host() is its other end) and an IPMI BMC
# simulator on an ISA KCS interface at its default port; the console
# log is run-NAME/console.log. tsc=unstable: the small configuration has
# no ACPI, hence no HPET or PM timer to calibrate the TSC against, and
# under TCG the PIT calibration gives a wrong frequency in some boots and
# none in others; both kernels keep time with the tick (refined-jiffies),
# the same clock for the before and the after boot.
boot() {
	local name=$1 img=$2 rdir=$bd/run-$1 t0 host
	rm -rf "$rdir"
	mkdir -p "$rdir"
	t0=$(date +%s)
	say "booting $name ($img)"
	hvc_host "$rdir/hvc0.sock" "$rdir/hvc0.out" &
	host=$!
	timeout -k 10 300 qemu-system-x86_64 -nographic -no-reboot -M q35 -accel tcg \
		-smp 2 -m 256 -kernel "$img" -initrd "$(initrd_of "$img")" \
		-append "console=ttyS0 panic=-1 tsc=unstable pciehp.pciehp_poll_mode=1 ipmi_si.type=kcs ipmi_si.ports=0xca2" \
		-device pcie-root-port,id=rp1,bus=pcie.0,chassis=1,slot=1 \
		-device virtio-serial-pci \
		-chardev socket,id=vc0,path="$rdir/hvc0.sock",server=on,wait=off \
		-device virtconsole,chardev=vc0 \
		-device ipmi-bmc-sim,id=bmc0 -device isa-ipmi-kcs,bmc=bmc0 </dev/null 2>&1 |
		sed -u 's/\r//g' >"$rdir/console.log" || true
	# QEMU has closed the socket, which ends the host's end.
	wait "$host" || true
	say "$name ran for $(($(date +%s) - t0)) s"
}

boot before "$kbefore"
boot after "$kafter"

# val NAME KEY: the value of "UPSTREAM_BOOT KEY=value" in NAME's log.
val() { sed -n "s/^UPSTREAM_BOOT .*\b$2=\([^ ]*\).*/\1/p" "$bd/run-$1/console.log" | tail -n 1; }
# median NAME KEY: the median of every value of KEY.
median() {
	sed -n "s/^UPSTREAM_BOOT $2=\([0-9]*\).*/\1/p" "$bd/run-$1/console.log" |
		sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'
}
all() { sed -n "s/^UPSTREAM_BOOT $2=\([0-9]*\).*/\1/p" "$bd/run-$1/console.log" | paste -sd' '; }
# count NAME KEY: how many values of KEY there are.
count() { grep -c "^UPSTREAM_BOOT $2=" "$bd/run-$1/console.log" || true; }
# latency LABEL KEY STAT SCALE N ABS: a row and a result for STAT
# (median, or val: the last value) of KEY, divided by SCALE, on N values
# in each boot (all of them in the result); worse when the series' is
# more than ABS (in the unit after SCALE) higher than the pristine one's.
latency() {
	local label=$1 key=$2 stat=$3 scale=$4 n=$5 abs=$6 b a nb na ok=1
	b=$("$stat" before "$key") a=$("$stat" after "$key")
	case $b in *[!0-9]*) b= ;; esac
	case $a in *[!0-9]*) a= ;; esac
	nb=$(count before "$key") na=$(count after "$key")
	[ -n "$b" ] && b=$((b / scale))
	[ -n "$a" ] && a=$((a / scale))
	[ "$nb" -eq "$n" ] && [ "$na" -eq "$n" ] && [ -n "$b" ] && [ -n "$a" ] &&
		[ "$a" -le $((b + abs)) ] || ok=0
	row "$label" "${b:-?}" "${a:-?}" "$([ $ok = 1 ] && echo ok || echo worse)"
	result "$label: ${b:-?} before (of: $(all before "$key")), ${a:-?} after (of: $(all after "$key"))" $((1 - ok))
}

table=
row() { table="$table$(printf '  %-46s %-9s %-9s %s' "$1" "$2" "$3" "$4")
"; }

# pciehp: the median of the requests on the empty slot.
for n in before after; do
	grep -q '^UPSTREAM_BOOT done' "$bd/run-$n/console.log" ||
		echo "    $n: the guest script did not finish (see $bd/run-$n/console.log)"
done
row "case" "pristine" "series" "verdict"
latency "pciehp slot power request, median of 8, ms" pciehp_on_ms median 1 8 10

# IPMI: the requests kipmid serves, spaced and back to back (us -> ms),
# and those left to si_timer (two ticks or more; none is a count of 0).
# The time of the whole burst is shown, not judged: under TCG it follows
# the host's load (116 ms before against 252 ms after in one pair of
# boots while another build ran on the host, 152 against 108 in another);
# a kick that a conversion lost would show as slow requests.
latency "kipmid request, spaced, median of 16, ms" ipmi_spaced_us median 1000 16 10
b=$(val before ipmi_burst_total_us) a=$(val after ipmi_burst_total_us)
row "kipmid, 2000 requests back to back, ms" "$(ms_of "$b")" "$(ms_of "$a")" "not judged"
for m in spaced burst; do
	latency "kipmid $m requests of 2 ticks or more" "ipmi_${m}_slow" val 1 1 0
done

# hwmon adt7470: a new update_interval applies.
latency "adt7470 new update_interval, median of 4, ms" adt7470_interval_ms median 1 4 10

# hvc: output arrived; idle wake-ups no more than before.
hb=$(grep -c UPSTREAM_BOOT_HVC_OUTPUT_OK "$bd/run-before/hvc0.out" 2>/dev/null || true)
ha=$(grep -c UPSTREAM_BOOT_HVC_OUTPUT_OK "$bd/run-after/hvc0.out" 2>/dev/null || true)
ok=1
[ "${ha:-0}" -ge 1 ] && [ "${ha:-0}" -ge "${hb:-0}" ] || ok=0
row "hvc output through virtio console" "$([ "${hb:-0}" -ge 1 ] && echo arrived || echo missing)" \
	"$([ "${ha:-0}" -ge 1 ] && echo arrived || echo missing)" "$([ $ok = 1 ] && echo ok || echo worse)"
result "hvc: console output reaches the host through virtio-console" $((1 - ok))
wb=$(val before khvcd_wakeups_10s) wa=$(val after khvcd_wakeups_10s)
ok=1
case "$wb$wa" in *[!0-9]* | '') ok=0 ;; *) [ "$wa" -le "$wb" ] || ok=0 ;; esac
row "khvcd wake-ups in 10 idle seconds" "${wb:-?}" "${wa:-?}" "$([ $ok = 1 ] && echo ok || echo worse)"
result "hvc: khvcd's idle wake-ups, ${wb:-?} before, ${wa:-?} after (10 s)" $((1 - ok))
ib=$(val before hvc_input_ms) ia=$(val after hvc_input_ms)
ok=1
case "$ia" in *[!0-9]* | '') ok=0 ;; esac
row "hvc input through virtio console" "$([ -n "$ib" ] && echo arrived || echo missing)" \
	"$([ -n "$ia" ] && echo arrived || echo missing)" "$([ $ok = 1 ] && echo ok || echo worse)"
result "hvc: console input from the host reaches the guest (${ib:-missing} ms before, ${ia:-missing} ms after it asked; the host sends once a second)" $((1 - ok))

for n in before after; do
	if hit=$(kernel_reports "$bd/run-$n/console.log"); then
		printf '%s\n' "$hit" | sed "s/^/    $n: /"
		result "no kernel report on the $n boot's console" 1
	fi
done

heading="Linux $version, QEMU q35 (TCG, 2 vCPUs), pciehp.pciehp_poll_mode=1 (2 s poll), times from the guest's tick clock (4 ms steps; the shell's in 10 ms steps), $(date -u +%Y-%m-%d):"
echo
echo "upstream-boot table, $heading"
printf '%s' "$table"
# For the cover letter: make upstream puts it there while the series'
# tree is the one measured.
{ echo "$heading"; echo; printf '%s' "$table"; echo; echo "upstream-boot: $pass passed, $fail failed"; } \
	>"$bd/table-$(git -C "$repo" rev-parse "series^{tree}").txt"
total upstream-boot "$pass" "$fail"
[ "$fail" -eq 0 ]
