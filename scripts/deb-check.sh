#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make deb-check: install the alertable-sleep-dkms package (make deb) the
# way Debian's users do, in each Debian release that the kernel matrix
# uses, and prove what it promises:
#   - `apt install ./alertable-sleep-dkms_<version>_all.deb`, with the
#     release's linux-headers-amd64, pulls in dkms, which builds and
#     installs the module (dkms status, modinfo -k <release> reads the
#     version), the symbols for client modules beside it;
#   - a second kernel's headers installed afterwards get the module too
#     (DKMS's kernel hook, autoinstall);
#   - a client module (tests/deb-client/) builds against the installed
#     header and symbols, for each kernel;
#   - a kernel below the supported range (5.10) is skipped by DKMS with
#     its own BUILD_EXCLUSIVE message, before any compiler runs;
#   - the modules DKMS installed load in that release's kernel in QEMU,
#     with the client (scripts/vm.sh; DEB_CHECK_VM="" skips it);
#   - `apt purge` leaves nothing under /usr/src, /var/lib/dkms and
#     /lib/modules/*/updates.
# Each release runs in a copy of its cached chroot (kernel.sh), made
# anew each run with rsync at $AS_CACHE/deb-check/<release>, so the
# chroots the other stages use are never changed. DEB_CHECK_SUITES picks
# releases (default: bullseye bookworm trixie).
#
# One line per check; the last line is "deb-check: N passed, N failed".
set -eu -o pipefail
. "$(dirname "$0")/lib.sh"

suites=${DEB_CHECK_SUITES:-"bullseye bookworm trixie"}
vm_suites=${DEB_CHECK_VM-"bullseye bookworm trixie"}
work=$AS_CACHE/deb-check
mkdir -p "$work"
exec 8>"$work.lock"
flock 8	# the copies are this script's own: one run at a time

# shellcheck disable=SC2086 # a list of packages
need_pkgs $AS_PKGS_VM rsync

pass=0
fail=0
finish() {
	total deb-check "$pass" "$fail"
	exit $((fail > 0))
}

# The package, built and checked by make deb.
rc=0
"$AS_ROOT/scripts/deb.sh" >"$work/deb.log" 2>&1 || rc=$?
grep -E '^(ok|FAIL) ' "$work/deb.log" | sed 's/^/  make deb: /' || true
[ "$rc" -eq 0 ] || tail -n 20 "$work/deb.log"
deb=$(cat "$AS_CACHE/deb/last" 2>/dev/null || true)
[ -f "$deb" ] || rc=1
result "make deb built $(basename "${deb:-no package}") (log: $work/deb.log)" $rc
[ "$rc" -eq 0 ] || finish
version=$(dpkg-deb -f "$deb" Version)
name=alertable_sleep

# copy_dir SUITE: this script's copy of the chroot of SUITE.
copy_dir() { printf '%s\n' "$work/$1"; }

# in_copy SUITE CMD...: in_root (kernel.sh), in the copy.
in_copy() {
	local dir
	dir=$(copy_dir "$1")
	shift
	in_root "$dir" "$@"
}

# fresh_copy SUITE: make the copy equal to the cached chroot, less the
# other stages' build folders and temporary files; rsync copies only what
# differs, under the chroot's package lock so that no apt run is copied
# halfway. A compiler's temporary file that vanishes meanwhile (exit 24)
# is no error.
fresh_copy() {
	local src dst rc=0
	src=$(chroot_dir "$1")
	dst=$(copy_dir "$1")
	mkdir -p "$dst"
	(flock 9 && rsync -aH --delete --delete-excluded \
		--exclude=/var/tmp/alertable_sleep/ --exclude='/tmp/*' \
		--exclude='/proc/*' "$src/" "$dst/") 9>"$src.lock" || rc=$?
	[ "$rc" -eq 0 ] || [ "$rc" -eq 24 ]
}

# Packages that the copy downloads (dkms, a kernel's headers the cached
# chroot lacks) are kept between runs in $work/<suite>.debs and put in
# the copy's apt cache before it installs anything.
keep_debs() {	# keep_debs SUITE
	local f base
	mkdir -p "$work/$1.debs"
	for f in "$(copy_dir "$1")"/var/cache/apt/archives/*.deb; do
		[ -f "$f" ] || continue
		base=${f##*/}
		[ -e "$(chroot_dir "$1")/var/cache/apt/archives/$base" ] ||
			[ -e "$work/$1.debs/$base" ] || cp "$f" "$work/$1.debs/"
	done
}

# leftovers SUITE: what the package may leave behind, one path a line.
leftovers() {
	in_copy "$1" sh -c "ls -d /usr/src/$name* /var/lib/dkms/$name* \
		/lib/modules/*/updates 2>/dev/null; true"
}

# check_kernel SUITE REL: what DKMS left for one kernel, and a client
# module built against it.
check_kernel() {
	local s=$1 rel=$2 out rc ko got dir
	out=$(in_copy "$s" dkms status -m "$name" -v "$version" -k "$rel" 2>&1 || true)
	rc=0; grep -q "$rel.*: installed" <<<"$out" || rc=1
	result "$s $rel: dkms status: ${out:-nothing}" $rc

	# dkms 3.2 runs no depmod for a kernel whose image is not installed
	# (only its headers): the image's own postinst does, later.
	note=
	if [ ! -f "$(copy_dir "$s")/lib/modules/$rel/modules.dep" ]; then
		in_copy "$s" depmod -a "$rel" 2>/dev/null || true
		note=" (headers only: depmod by hand, as the image's postinst runs it)"
	fi
	ko=$(in_copy "$s" modinfo -k "$rel" -n "$name" 2>/dev/null || true)
	got=$(in_copy "$s" modinfo -k "$rel" -F version "$name" 2>/dev/null || true)
	rc=0
	[ "$got" = "$version" ] && [[ $ko == /lib/modules/$rel/updates/dkms/* ]] || rc=1
	result "$s $rel: modinfo -k $rel $name: version ${got:-none}, ${ko:-no file}$note" $rc

	rc=0
	grep -q "alertable_sleep_create.*$name" \
		"$(copy_dir "$s")/lib/modules/$rel/updates/dkms/$name.symvers" \
		2>/dev/null || rc=1
	result "$s $rel: symbols for clients in /lib/modules/$rel/updates/dkms/$name.symvers" $rc

	dir=$(copy_dir "$s")/var/tmp/deb-client/$rel
	rm -rf "$dir"
	mkdir -p "$dir"
	cp "$AS_ROOT/tests/deb-client/Kbuild" \
		"$AS_ROOT/tests/deb-client/alertable_sleep_debclient.c" "$dir/"
	rc=0
	in_copy "$s" make -C "/lib/modules/$rel/build" M="${dir#"$(copy_dir "$s")"}" \
		KERNELRELEASE="$rel" AS_VERSION="$version" modules \
		>"$dir/build.log" 2>&1 || rc=$?
	# 5.10's modpost only warns about an unresolved symbol.
	! grep -E 'undefined|error' "$dir/build.log" || rc=1
	got=$(in_copy "$s" modinfo -F depends \
		"${dir#"$(copy_dir "$s")"}/alertable_sleep_debclient.ko" 2>/dev/null || true)
	[ "$got" = "$name" ] || rc=1
	[ "$rc" -eq 0 ] || tail -n 20 "$dir/build.log"
	result "$s $rel: a client module builds against the installed header and symbols (depends: ${got:-?})" $rc
}

# The guest's part of the QEMU check: load what DKMS installed, then the
# client; unload both. Results are printed again at the end with the
# console turned down, between markers, as tests/vm-test.sh does.
guest=$work/vm-guest.sh
cat >"$guest" <<'EOF'
#!/bin/sh
r=/tmp/results
: >"$r"
check() {	# check NAME CMD...
	n=$1
	shift
	if "$@" >/tmp/out 2>&1; then echo "ok   $n" >>"$r"
	else echo "FAIL $n: $(cat /tmp/out)" >>"$r"; fi
}
check "insmod alertable_sleep.ko (from DKMS) in $(uname -r)" insmod ./alertable_sleep.ko
check "/sys/module/alertable_sleep/version is $(cat /opt/version)" \
	grep -qx "$(cat /opt/version)" /sys/module/alertable_sleep/version
check "insmod the client: its checks pass" insmod ./alertable_sleep_debclient.ko
check "the client logged its result" sh -c 'dmesg | grep "alertable_sleep_debclient: ok:"'
check "rmmod the client, then alertable_sleep" \
	sh -c 'rmmod alertable_sleep_debclient && rmmod alertable_sleep'
dmesg -n 1
echo DEB_CHECK_RESULTS_BEGIN
cat "$r"
echo DEB_CHECK_RESULTS_END
EOF

# vm_check SUITE REL IMAGE: boot IMAGE with the modules of REL.
vm_check() {
	local s=$1 rel=$2 img=$3 d copy ko rc lines
	copy=$(copy_dir "$s")
	d=$work/vm-$s
	rm -rf "$d"
	mkdir -p "$d"
	ko=$(in_copy "$s" modinfo -k "$rel" -n "$name" 2>/dev/null || true)
	# DKMS compresses the module as the kernel's own are.
	case $ko in
	*.xz) in_copy "$s" xz -dc "$ko" >"$d/alertable_sleep.ko" ;;
	*.zst) in_copy "$s" zstd -dqc "$ko" >"$d/alertable_sleep.ko" ;;
	*.gz) in_copy "$s" gzip -dc "$ko" >"$d/alertable_sleep.ko" ;;
	*) cp "$copy$ko" "$d/alertable_sleep.ko" ;;
	esac
	cp "$copy/var/tmp/deb-client/$rel/alertable_sleep_debclient.ko" "$d/"
	echo "$version" >"$d/version"
	rc=0
	"$AS_ROOT/scripts/vm.sh" --name "deb-check-$s" --smp 2 --timeout 180 \
		--kernel "$img" "$guest" "$d/alertable_sleep.ko" \
		"$d/alertable_sleep_debclient.ko" "$d/version" \
		>"$d/vm.log" 2>&1 || rc=$?
	# vm.sh shows the console (CRs taken out) on its output.
	lines=$(sed -n '/^DEB_CHECK_RESULTS_BEGIN$/,/^DEB_CHECK_RESULTS_END$/p' \
		"$d/vm.log" |
		grep -E '^(ok|FAIL) ' || true)
	while read -r status rest; do
		[ -n "$status" ] || continue
		result "$s $rel: QEMU: $rest" "$([ "$status" = ok ] && echo 0 || echo 1)"
	done <<<"$lines"
	[ -n "$lines" ] || rc=1
	[ "$rc" -eq 0 ] || grep '^==> ' "$d/vm.log" | tail -n 5
	result "$s $rel: QEMU: vm.sh ran the guest to its end, no kernel report (log: $d/vm.log)" $rc
}

for s in $suites; do
	case $s in
	# bullseye's linux-headers-rt-amd64 is missing from its security
	# pool (404): the rt kernel's own headers package is named instead.
	bullseye) first=5.10 second="" meta2=rt from2="" ;;
	bookworm) first=6.1 second=6.1-rt meta2=linux-headers-rt-amd64 from2="" ;;
	trixie) first=6.12 second=newest meta2=linux-headers-amd64 from2=trixie-backports ;;
	*) die "unknown release $s: bullseye, bookworm or trixie" ;;
	esac
	say "$s: the cached chroot and its kernels"
	# The second kernel first, so that its headers are in the cached
	# chroot's apt cache; the copy removes them, then installs them again.
	[ -z "$second" ] || kernel_ensure "$second" >/dev/null
	kernel_ensure "$first"
	rel1=$K_REL img1=$K_IMAGE
	copy=$(copy_dir "$s")

	say "$s: fresh copy in $copy"
	if ! fresh_copy "$s"; then
		result "$s: a fresh copy of the cached chroot (rsync)" 1
		continue
	fi
	# The copy starts as a machine with one kernel's headers and no DKMS:
	# no other kernel's headers, no metapackage, no dkms, nothing that
	# another stage's dkms run left.
	others=$(in_copy "$s" dpkg-query -W -f '${db:Status-Abbrev} ${Package}\n' \
		'linux-headers-*' dkms 2>/dev/null | awk '$1 == "ii" { print $2 }' |
		grep -v -E -e "^linux-headers-$rel1\$" \
		-e '^linux-headers-[0-9.+a-z]+-common' || true)
	log=$work/$s.apt.log
	rc=0
	# shellcheck disable=SC2086 # a list of packages
	{ [ -z "$others" ] || in_copy "$s" apt-get purge -y $others; } \
		>"$log" 2>&1 &&
		in_copy "$s" apt-get autoremove --purge -y >>"$log" 2>&1 &&
		in_copy "$s" sh -c "rm -rf /var/lib/dkms /usr/src/$name-* \
			/lib/modules/*/updates /var/tmp/deb-client" &&
		{ cp "$work/$s.debs/"*.deb "$copy/var/cache/apt/archives/" \
			2>/dev/null || true; } &&
		in_copy "$s" apt-get install -y linux-headers-amd64 >>"$log" 2>&1 ||
		rc=1
	kernels=$(cd "$copy/lib/modules" && ls -d -- */build 2>/dev/null |
		sed 's,/build$,,' | tr '\n' ' ')
	[ "$kernels" = "$rel1 " ] || rc=1
	[ -z "$(leftovers "$s")" ] || rc=1
	[ "$rc" -eq 0 ] || tail -n 20 "$log"
	result "$s: fresh chroot, linux-headers-amd64 ($rel1) the only headers, no dkms" $rc
	[ "$rc" -eq 0 ] || continue

	say "$s: apt install ./$(basename "$deb")"
	cp "$deb" "$copy/tmp/"
	rc=0
	in_copy "$s" apt-get install -y "/tmp/$(basename "$deb")" \
		>"$work/$s.install.log" 2>&1 || rc=$?
	dkmsver=$(in_copy "$s" dpkg-query -W -f '${Version}' dkms 2>/dev/null || true)
	[ "$rc" -eq 0 ] || tail -n 30 "$work/$s.install.log"
	result "$s: apt install ./$(basename "$deb") (pulls in dkms ${dkmsver:-?}; log: $work/$s.install.log)" $rc
	[ "$rc" -eq 0 ] || continue
	check_kernel "$s" "$rel1"

	[ "$meta2" != rt ] || meta2=linux-headers-${rel1%-amd64}-rt-amd64
	say "$s: apt install ${from2:+-t $from2 }$meta2"
	rc=0
	in_copy "$s" apt-get install -y ${from2:+-t "$from2"} "$meta2" \
		>"$work/$s.second.log" 2>&1 || rc=$?
	keep_debs "$s"
	rel2=$(cd "$copy/lib/modules" && ls -d -- */build 2>/dev/null |
		sed 's,/build$,,' | grep -v -x -F "$rel1" || true)
	[ "$(wc -w <<<"$rel2")" -eq 1 ] || rc=1
	[ "$rc" -eq 0 ] || tail -n 30 "$work/$s.second.log"
	result "$s: apt install ${from2:+-t $from2 }$meta2 (${rel2:-no new kernel}): DKMS builds for it (log: $work/$s.second.log)" $rc
	[ "$rc" -ne 0 ] || check_kernel "$s" "$rel2"

	# A kernel older than 5.10, with a build folder whose Makefile fails
	# loudly: DKMS must refuse it from dkms.conf, without running make.
	old=5.4.0-99-amd64
	mkdir -p "$copy/lib/modules/$old/build/include"
	printf 'all modules clean:\n\t@echo "error: make ran for the old kernel"; false\n' \
		>"$copy/lib/modules/$old/build/Makefile"
	rc=0
	out=$(in_copy "$s" dkms build -m "$name" -v "$version" -k "$old" 2>&1) || rc=$?
	printf '%s\n' "$out" | grep -v -e '^Sign command' -e 'sign-file not found' |
		grep . | sed 's/^/    /' | head -n 3
	st=$(in_copy "$s" dkms status -m "$name" -v "$version" -k "$old" 2>&1 || true)
	ok=1
	case $rc in 9 | 77) ;; *) ok=0 ;; esac
	grep -q 'BUILD_EXCLUSIVE' <<<"$out" || ok=0
	! grep -q 'make ran' <<<"$out" || ok=0
	! grep -qE 'built|installed' <<<"$st" || ok=0
	result "$s: dkms build -k $old (below 5.10): skipped by dkms (exit $rc, BUILD_EXCLUSIVE), make not run" $((1 - ok))
	# The path a kernel's headers package takes: its hook runs dkms
	# autoinstall. The exit status is dkms's: 3.0.10 (bookworm) counts the
	# skip as a failure (exit 11), later versions do not; shown, not judged.
	rc=0
	out=$(in_copy "$s" dkms autoinstall -k "$old" 2>&1) || rc=$?
	st=$(in_copy "$s" dkms status -m "$name" -v "$version" -k "$old" 2>&1 || true)
	ok=1
	grep -q 'BUILD_EXCLUSIVE' <<<"$out" || ok=0
	! grep -q 'make ran' <<<"$out" || ok=0
	! grep -qE 'built|installed' <<<"$st" || ok=0
	result "$s: dkms autoinstall -k $old: skipped with the same message, make not run (dkms exit $rc)" $((1 - ok))
	rm -rf "$copy/lib/modules/$old"

	case " $vm_suites " in
	*" $s "*)
		say "$s: load the installed modules in $rel1 in QEMU"
		vm_check "$s" "$rel1" "$img1" ;;
	esac

	say "$s: apt purge alertable-sleep-dkms"
	rc=0
	in_copy "$s" apt-get purge -y alertable-sleep-dkms \
		>"$work/$s.purge.log" 2>&1 || rc=$?
	left=$(leftovers "$s")
	[ -z "$left" ] || { echo "left behind:"; echo "$left"; rc=1; }
	[ "$rc" -eq 0 ] || tail -n 20 "$work/$s.purge.log"
	result "$s: apt purge alertable-sleep-dkms leaves nothing under /usr/src, /var/lib/dkms, /lib/modules/*/updates" $rc
done

finish
