# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Helpers shared by the scripts in this folder. Sourced, never run.

AS_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
AS_CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/alertable_sleep
# Module builds and VM runs of this checkout, apart from another checkout's
# (a mutant under test, a CI clone) that runs at the same time.
AS_TREE_KEY=$(printf '%s' "$AS_ROOT" | cksum | cut -d' ' -f1)
AS_VM_DIR=$AS_CACHE/vm/$AS_TREE_KEY

say() { printf '==> %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# need_pkgs PKG...: install, with apt, the Debian packages not yet installed.
need_pkgs() {
	local missing=() p sudo=
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q 'ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		command -v sudo >/dev/null ||
			die "need root to install: ${missing[*]}"
		sudo=sudo
	fi
	say "installing with apt: ${missing[*]}"
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
		--no-install-recommends "${missing[@]}" >/dev/null ||
		die "apt-get install ${missing[*]} failed"
}

# Packages each job needs. The VM boots Debian's packaged kernel, so the
# modules are built against that kernel's headers, never the host's.
AS_PKGS_BUILD="make gcc libc6-dev bc bison flex libelf-dev libssl-dev kmod rsync"
# The kernels, their headers and compilers live in chroots (kernel.sh).
# python3: the kernel's kunit.py parse counts the VM tests' KTAP.
AS_PKGS_VM="qemu-system-x86 busybox-static cpio debootstrap util-linux python3"
AS_PKGS_KUNIT="$AS_PKGS_BUILD xz-utils python3"
# python3: the newest kernel-doc is Python.
AS_PKGS_LINT="$AS_PKGS_BUILD xz-utils sparse perl python3"

# stage_sources OUTDIR: copy the sources into OUTDIR/src (mtimes kept, no
# build products), so builds never write into the work tree and concurrent
# builds never share a folder.
stage_sources() {
	need_pkgs rsync
	mkdir -p "$1/src"
	rsync -a --delete --exclude=.git --exclude='*.ko' --exclude='*.o' \
		--exclude='*.mod*' --exclude='.*.cmd' --exclude=Module.symvers \
		--exclude=modules.order "$AS_ROOT/" "$1/src/"
}

# build_dir NAME: a build folder for the kernel that kernel_ensure chose,
# inside its release's chroot, where that release's compiler builds.
build_dir() {
	printf '%s\n' "$K_ROOT/var/tmp/alertable_sleep/$AS_TREE_KEY/$K_REL/$1"
}

# build_modules OUTDIR [MAKE-ARGS...]: stage the sources in OUTDIR/src
# (a build_dir) and build alertable_sleep.ko and its client modules (every
# one of samples/, tests/, tests/torture/, bench/ that has a Kbuild) in
# one pass against the kernel that kernel_ensure chose, so that modpost
# resolves the clients' imports. Unchanged files are not rebuilt. The log
# is OUTDIR/build.log.
build_modules() {
	local out=$1
	shift
	stage_sources "$out"
	say "building the modules for $K_REL in $out/src" >&2
	# Debian's headers have no vmlinux, so kbuild says it skips BTF for
	# each module: noise, not news.
	local run=(in_chroot "$K_SUITE")
	[ -n "$K_SUITE" ] || run=()	# a kernel built here: check-debug
	# shellcheck disable=SC2086 # K_MAKE: none, or CROSS_COMPILE=...
	if ! "${run[@]}" make -s -C "$K_KDIR" M="${out#"$K_ROOT"}/src" \
		${K_MAKE:-} ALERTABLE_SLEEP_CLIENTS=1 "$@" modules \
		>"$out/build.log" 2>&1; then
		grep -v '^Skipping BTF generation' "$out/build.log"
		die "module build failed for $K_REL (log: $out/build.log)"
	fi
	grep -v '^Skipping BTF generation' "$out/build.log" || true
}

# kernel_tree [SERIES]: the source of a Debian kernel, extracted once
# into $AS_CACHE/linux-source-<version> (linux-source-6.1.192); prints the
# tree's path on stdout, and what it does on stderr. SERIES is 6.1 (the
# default), "newest" (the newest linux-source-X.Y of trixie and
# trixie-backports: 7.3 today), or another series of kernel_spec (5.10,
# 6.12; an -rt series has the same source). The package is installed in
# the chroot of the release that ships it (kernel.sh), so the host needs
# neither the package nor xz; its compiler and python3 are the ones that
# build the tree (scripts/kunit.sh). A newer Debian version of the
# package is installed and extracted anew. Used for kunit.py, and, on
# 6.1, for checkpatch.pl, kernel-doc and the check-debug kernel.
kernel_tree() {
	local series=${1:-6.1} spec suite from pkg ver have target=()
	local root tree tmp
	series=${series%-rt}
	spec=$(kernel_spec "$series") ||
		die "unknown kernel series '$series': one of $AS_KERNELS_ALL"
	read -r suite _ from _ <<<"$spec"
	[ "$from" = - ] || target=(-t "$from")
	{
		chroot_ensure "$suite"
		root=$(chroot_dir "$suite")
		if [ "$series" = newest ]; then
			pkg=$(in_chroot "$suite" apt-cache search --names-only \
				'^linux-source-[0-9]+[.][0-9]+$' |
				cut -d' ' -f1 | sort -V | tail -n 1)
			[ -n "$pkg" ] || die "no linux-source-* in $suite"
		else
			pkg=linux-source-$series
		fi
		ver=$(in_chroot "$suite" apt-cache "${target[@]}" policy "$pkg" |
			sed -n 's/^ *Candidate: *//p')
		[ -n "$ver" ] && [ "$ver" != "(none)" ] ||
			die "no $pkg in $suite${target[*]:+ (${target[1]})}"
		# 7.3.4-1~bpo13+1 -> 7.3.4
		tree=$AS_CACHE/linux-source-${ver%%[-~+]*}
		say "kernel source ${1:-6.1}: $pkg $ver (Debian $suite${target[*]:+, ${target[1]}}) in $tree"
		(
			flock 9
			# shellcheck disable=SC2016 # dpkg's ${Version}
			have=$(in_chroot "$suite" dpkg-query -W -f='${Version}' \
				"$pkg" 2>/dev/null || true)
			if [ "$have" != "$ver" ]; then
				say "installing $pkg $ver in the $suite chroot"
				chroot_apt "$suite" apt-get install -y -qq \
					--no-install-recommends "${target[@]}" \
					"$pkg=$ver" >"$root.apt.log" 2>&1 ||
					{ tail -n 20 "$root.apt.log"
					  die "cannot install $pkg $ver"; }
			fi
			[ "$(cat "$tree/.extracted" 2>/dev/null)" = "$ver" ] && exit 0
			say "extracting /usr/src/$pkg.tar.xz into $tree (once)"
			tmp=/var/tmp/alertable_sleep-extract
			rm -rf "$root$tmp" "$tree"
			mkdir -p "$root$tmp"
			in_chroot "$suite" tar -C "$tmp" -xf "/usr/src/$pkg.tar.xz" ||
				die "cannot extract /usr/src/$pkg.tar.xz"
			mv "$root$tmp/$pkg" "$tree"
			rm -rf "$root$tmp"
			echo "$ver" >"$tree/.extracted"
		) 9>"$tree.lock" || exit 1
	} >&2
	printf '%s\n' "$tree"
}

# result NAME RC: one check's line, ok if RC is 0; counted in the
# caller's $pass and $fail.
result() {
	if [ "$2" -eq 0 ]; then
		echo "ok   $1"
		pass=$((pass + 1))
	else
		echo "FAIL $1"
		fail=$((fail + 1))
	fi
}

# boots_begin: count, from here on, the QEMU boots of scripts/vm.sh (one
# line each in $AS_BOOT_LOG, which this exports for the scripts it runs;
# a script run by another that counts already adds to that one's file).
boots_begin() {
	export AS_BOOT_LOG=${AS_BOOT_LOG:-$AS_VM_DIR/boots.log}
	mkdir -p "$(dirname "$AS_BOOT_LOG")"
	touch "$AS_BOOT_LOG"
	AS_BOOT_MARK=$(wc -l <"$AS_BOOT_LOG")
}

# boots_report NAME: one line, the boots since boots_begin and how many of
# them were retries after a boot fault, and of what.
boots_report() {
	tail -n +"$((AS_BOOT_MARK + 1))" "$AS_BOOT_LOG" | awk -v n="$1" '
		$2 == "boot" { b++ }
		$2 == "retry" { r++; what = what sep $3 " on " $5; sep = ", " }
		END { printf "%s: %d QEMU boots, %d retried after a boot fault%s\n",
			n, b, r, r ? " (" what ")" : "" }'
}

# total NAME PASSED FAILED: the closing line that scripts/check.sh adds up.
total() {
	printf '%s: %d passed, %d failed\n' "$1" "$2" "$3"
}


# shellcheck source=kernel.sh
. "$AS_ROOT/scripts/kernel.sh"

# The one list of the kernel's own reports: a line of a console or kernel
# log that matches it is a failure wherever it shows (scripts/vm.sh, the
# KUnit run, the VM tests). Report lines, not mere mentions: a debug
# kernel's boot says "kmemleak: Kernel memory leak detector initialized";
# its reports say "BUG: KASAN:", "BUG: KCSAN:", "UBSAN:" and "kmemleak: N
# new suspected memory leaks". "BUG: " also covers "BUG: sleeping function
# called from invalid context" and "BUG: Invalid wait context".
AS_KERNEL_REPORTS='BUG: |WARNING: |Oops|INFO: task .* blocked|blocked for more than|sleeping function called from invalid context|Invalid wait context|possible circular locking|possible recursive locking|inconsistent lock state|KASAN:|KCSAN:|UBSAN:|kmemleak: [0-9]+ new suspected|Kernel panic'

# kernel_reports LOG: print the first lines of LOG that are kernel
# reports (with line numbers); succeed if there is one.
kernel_reports() {
	grep -n -E -- "$AS_KERNEL_REPORTS" "$1" | head -n 20 | grep .
}

# as_unshare CMD...: run CMD in a mount namespace of its own, so that what
# it mounts (a chroot's /proc, bind mounts) never shows here and nothing
# stays mounted. --propagation private makes every mount of the new
# namespace private, but fails where / is not a mount point: in a chroot,
# as shared/tools/fresh-debian runs the project. There the new namespace
# keeps the mounts' propagation, which is safe only when none is shared.
as_unshare() {
	if [ -z "${AS_UNSHARE_MODE:-}" ]; then
		if unshare --mount --propagation private true 2>/dev/null; then
			AS_UNSHARE_MODE=private
		elif ! grep -q ' shared:' /proc/self/mountinfo; then
			AS_UNSHARE_MODE=unchanged
		else
			die "no private mount namespace here: / is not a mount point and mounts are shared"
		fi
	fi
	unshare --mount --propagation "$AS_UNSHARE_MODE" "$@"
}
