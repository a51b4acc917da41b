# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Helpers shared by the scripts in this folder. Sourced, never run.

AS_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
AS_CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/alertable_sleep

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
AS_PKGS_VM="qemu-system-x86 busybox-static cpio debootstrap util-linux"
AS_PKGS_KUNIT="$AS_PKGS_BUILD linux-source-6.1 xz-utils python3"
AS_PKGS_LINT="$AS_PKGS_BUILD linux-source-6.1 xz-utils sparse perl"

# stage_sources OUTDIR: copy the sources into OUTDIR/src (mtimes kept, no
# build products), so builds never write into the work tree and concurrent
# builds never share a folder.
stage_sources() {
	mkdir -p "$1/src"
	rsync -a --delete --exclude=.git --exclude='*.ko' --exclude='*.o' \
		--exclude='*.mod*' --exclude='.*.cmd' --exclude=Module.symvers \
		--exclude=modules.order "$AS_ROOT/" "$1/src/"
}

# build_dir NAME: a build folder for the kernel that kernel_ensure chose,
# inside its release's chroot, where that release's compiler builds.
build_dir() {
	printf '%s\n' "$K_ROOT/var/tmp/alertable_sleep/$K_REL/$1"
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
	if ! "${run[@]}" make -s -C "$K_KDIR" M="${out#"$K_ROOT"}/src" \
		ALERTABLE_SLEEP_CLIENTS=1 "$@" modules >"$out/build.log" 2>&1; then
		grep -v '^Skipping BTF generation' "$out/build.log"
		die "module build failed for $K_REL (log: $out/build.log)"
	fi
	grep -v '^Skipping BTF generation' "$out/build.log" || true
}

# kernel_tree: the Debian linux-source-6.1 tree, extracted once into the
# cache (used for kunit.py, checkpatch.pl, kernel-doc).
kernel_tree() {
	local tree=$AS_CACHE/linux-source-6.1
	if [ ! -f "$tree/.extracted" ]; then
		# stderr: the caller captures stdout, the tree's path
		say "extracting /usr/src/linux-source-6.1.tar.xz into $AS_CACHE (once)" >&2
		mkdir -p "$AS_CACHE"
		rm -rf "$tree"
		tar -C "$AS_CACHE" -xf /usr/src/linux-source-6.1.tar.xz ||
			die "cannot extract the kernel source"
		touch "$tree/.extracted"
	fi
	printf '%s\n' "$tree"
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
