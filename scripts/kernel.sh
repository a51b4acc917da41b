# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The kernels that alertable_sleep is proven on, each a Debian-packaged
# kernel built for and booted as its users get it. Sourced by lib.sh,
# never run.
#
# A kernel is named by its series: 5.10, 6.1, 6.1-rt, 6.12, and newest /
# newest-rt, the newest that Debian ships (trixie-backports), found when
# the script runs; its own series (7.3, 7.3-rt) names it too. Modules are
# built in a debootstrap chroot of the Debian release that ships the
# kernel, with that release's compiler (the headers were configured with
# it); the image is unpacked from its package and booted by scripts/vm.sh.
# Everything is cached under $AS_CACHE: chroot/<suite>, kernels/<release>.
#
# arm64-6.1, arm64-6.12, arm64-newest (arm64-7.3) and i386-6.1 are
# Debian's arm64 and 32-bit x86 (686-pae) kernels, cross-built in the same
# amd64 chroots: apt reads those architectures' package lists apart from
# the chroot's own (arch_apt), and the headers, their -common part and the
# amd64 linux-kbuild (Multi-Arch: foreign: the host tools) are unpacked,
# outside dpkg, under /var/lib/alertable_sleep/headers/<release> in the
# chroot, so that they never meet the chroot's own packages (an i386
# kernel may need another linux-kbuild version than the amd64 one).
# arm64 modules are built by the release's gcc-N-aarch64-linux-gnu; i386
# ones by its gcc with -m32, which Kbuild adds. The guest's busybox is that
# architecture's busybox-static.

AS_MIRROR=${AS_MIRROR:-http://deb.debian.org/debian}
AS_CHROOT_PKGS="make,gcc,libc6-dev,libelf-dev,libssl-dev,bc,bison,flex,kmod,xz-utils,ca-certificates,python3,perl"
AS_KERNELS_ALL="5.10 6.1 6.1-rt 6.12 newest newest-rt arm64-6.1 arm64-6.12 arm64-newest i386-6.1"

# chroot_dir SUITE: where the chroot of that Debian release lives.
chroot_dir() { printf '%s\n' "$AS_CACHE/chroot/$1"; }

# in_root DIR CMD...: run CMD chrooted into DIR, with /proc (objtool and
# dpkg read it) mounted in a mount namespace of its own (as_unshare), so
# that nothing stays mounted and two commands can run at once.
in_root() {
	DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 \
		PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		as_unshare sh -c \
		'mount -t proc proc "$0/proc" && exec chroot "$0" "$@"' \
		"$@"
}

# in_chroot SUITE CMD...: in_root, in the chroot of SUITE.
in_chroot() {
	local dir
	dir=$(chroot_dir "$1")
	shift
	in_root "$dir" "$@"
}

# chroot_apt SUITE CMD...: in_chroot, one package operation at a time per
# chroot (the matrix may set up two kernels of one release at once).
chroot_apt() {
	local suite=$1 dir
	shift
	dir=$(chroot_dir "$suite")
	(flock 9 && in_chroot "$suite" "$@") 9>"$dir.lock"
}

# chroot_ensure SUITE: debootstrap the release once (minbase plus build
# tools), with its updates, security and backports lists (sid has none:
# scripts/prove.sh takes herd7 from it); refresh the
# lists when they are a day old, so that "newest" means newest.
chroot_ensure() {
	local suite=$1 dir
	dir=$(chroot_dir "$suite")
	mkdir -p "$(dirname "$dir")"
	# Two scripts run at once on a cold cache must not debootstrap one
	# folder twice: the second waits, then finds it ready.
	exec 8>"$dir.create.lock"
	flock 8
	if [ ! -f "$dir/.ready" ]; then
		need_pkgs debootstrap
		say "debootstrap $suite into $dir (once; a few minutes)"
		rm -rf "$dir"
		mkdir -p "$(dirname "$dir")"
		debootstrap --variant=minbase --include="$AS_CHROOT_PKGS" \
			"$suite" "$dir" "$AS_MIRROR" >"$dir.log" 2>&1 ||
			{ tail -n 20 "$dir.log"; die "debootstrap $suite failed"; }
		{
			case $suite in
			# No updates, security or backports; sid's Release
			# expires in a week, and a mirror that lags serves it late.
			sid | unstable)
				echo "deb [check-valid-until=no] $AS_MIRROR $suite main" ;;
			*) echo "deb $AS_MIRROR $suite main"
			   echo "deb $AS_MIRROR $suite-updates main"
			   echo "deb http://deb.debian.org/debian-security $suite-security main" ;;
			esac
			case $suite in
			bookworm | trixie) echo "deb $AS_MIRROR $suite-backports main" ;;
			esac
		} >"$dir/etc/apt/sources.list"
		# A kernel image that headers pull in needs no initramfs here.
		mkdir -p "$dir/etc/initramfs-tools"
		echo update_initramfs=no >"$dir/etc/initramfs-tools/update-initramfs.conf"
		echo "$AS_CHROOT_PKGS" >"$dir/.ready"
		touch -d '2 days ago' "$dir/.ready"
	fi
	if [ "$(cat "$dir/.ready")" != "$AS_CHROOT_PKGS" ]; then
		say "installing the build tools in the $suite chroot"
		chroot_apt "$suite" apt-get install -y -qq --no-install-recommends \
			$(tr , ' ' <<<"$AS_CHROOT_PKGS") >/dev/null ||
			die "cannot install the build tools in the $suite chroot"
		echo "$AS_CHROOT_PKGS" >"$dir/.ready"
		touch -d '2 days ago' "$dir/.ready"
	fi
	if [ -n "$(find "$dir/.ready" -mmin +1440)" ]; then
		say "apt-get update in the $suite chroot"
		chroot_apt "$suite" apt-get update -qq ||
			die "apt-get update failed in the $suite chroot"
		touch "$dir/.ready"
	fi
	exec 8>&-
}

# need_chroot_pkgs SUITE PKG...: install in the chroot the packages it
# lacks.
need_chroot_pkgs() {
	local suite=$1 p missing=()
	shift
	for p in "$@"; do
		in_chroot "$suite" dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q 'ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	say "installing in the $suite chroot: ${missing[*]}" >&2
	chroot_apt "$suite" apt-get install -y -qq --no-install-recommends \
		"${missing[@]}" >/dev/null 2>&1 ||
		die "cannot install ${missing[*]} in the $suite chroot"
}

# kernel_spec SERIES: "SUITE METAPACKAGE FROM ARCH" of a series, FROM being
# the suite its package comes from ("-" for the release's own candidate),
# ARCH the Debian architecture of the kernel.
kernel_spec() {
	case $1 in
	5.10) echo "bullseye linux-image-amd64 - amd64" ;;
	6.1) echo "bookworm linux-image-amd64 - amd64" ;;
	6.1-rt) echo "bookworm linux-image-rt-amd64 - amd64" ;;
	6.12) echo "trixie linux-image-amd64 - amd64" ;;
	newest | [7-9].* | [1-9][0-9].*)
		case $1 in
		*-rt) echo "trixie linux-image-rt-amd64 trixie-backports amd64" ;;
		*) echo "trixie linux-image-amd64 trixie-backports amd64" ;;
		esac ;;
	newest-rt) echo "trixie linux-image-rt-amd64 trixie-backports amd64" ;;
	arm64-6.1) echo "bookworm linux-image-arm64 - arm64" ;;
	arm64-6.12) echo "trixie linux-image-arm64 - arm64" ;;
	arm64-newest | arm64-[7-9].* | arm64-[1-9][0-9].*)
		echo "trixie linux-image-arm64 trixie-backports arm64" ;;
	i386-6.1) echo "bookworm linux-image-686-pae - i386" ;;
	*) return 1 ;;
	esac
}

# arch_apt_opts ARCH: apt's options, one a line, for the package lists of
# ARCH, kept in folders of their own: the chroot's dpkg never learns of
# ARCH, and its own lists stay as they are.
arch_apt_opts() {
	printf '%s\n' -o "APT::Architecture=$1" -o "APT::Architectures::=$1" \
		-o "Dir::State::Lists=/var/lib/alertable_sleep/$1/lists" \
		-o "Dir::Cache=/var/cache/alertable_sleep/$1"
}

# arch_apt SUITE ARCH CMD ARGS...: apt-get or apt-cache CMD in the chroot
# of SUITE, on the package lists of ARCH.
arch_apt() {
	local suite=$1 arch=$2 cmd=$3 opts
	shift 3
	mapfile -t opts < <(arch_apt_opts "$arch")
	in_chroot "$suite" "$cmd" "${opts[@]}" "$@"
}

# arch_lists_ensure SUITE ARCH: fetch ARCH's package lists into the chroot
# of SUITE, again when they are a day old. An index that a mirror is
# syncing (bookworm-security's i386 one was, for days) is left out with a
# warning: apt then uses the others.
arch_lists_ensure() {
	local suite=$1 arch=$2 dir state
	dir=$(chroot_dir "$suite")
	state=$dir/var/lib/alertable_sleep/$arch
	(
		flock 9
		[ -f "$state/.updated" ] &&
			[ -z "$(find "$state/.updated" -mmin +1440)" ] && exit 0
		mkdir -p "$state/lists/partial" \
			"$dir/var/cache/alertable_sleep/$arch/archives/partial"
		say "apt-get update for $arch in the $suite chroot"
		if arch_apt "$suite" "$arch" apt-get update -qq \
			>"$dir.$arch.log" 2>&1; then
			touch "$state/.updated"
		else
			say "warning: some $arch lists of $suite failed to download; using the others:"
			sed -n 's/^E: //p' "$dir.$arch.log" | head -n 3
		fi
	) 9>"$dir.$arch.lock"
}

# chroot_download SUITE ARCH DIR PKG...: apt-get download PKG... (of ARCH,
# "-" for the chroot's own) into DIR, a fresh folder of the chroot; prints
# DIR's path on this host.
chroot_download() {
	local suite=$1 arch=$2 dir=$3 root opts=()
	shift 3
	root=$(chroot_dir "$suite")
	rm -rf "$root$dir"
	mkdir -p "$root$dir"
	[ "$arch" = - ] || mapfile -t opts < <(arch_apt_opts "$arch")
	in_chroot "$suite" sh -c 'cd "$0" && exec "$@"' "$dir" \
		apt-get -qq -o APT::Sandbox::User=root "${opts[@]}" download "$@" >&2 ||
		die "cannot download $* (${arch/#-/amd64}) in the $suite chroot"
	printf '%s\n' "$root$dir"
}

# cross_headers_ensure SUITE ARCH REL VER: unpack (once) the headers of
# the foreign kernel REL (package version VER) under
# /var/lib/alertable_sleep/headers/REL of the chroot, with their -common
# part and the amd64 linux-kbuild of the same version, whose host tools
# their scripts/ and tools/ links point into; install the compiler and
# pahole they need in the chroot. Sets K_KDIR and K_MAKE.
cross_headers_ensure() {
	local suite=$1 arch=$2 rel=$3 ver=$4 root hdr deps common kbuild dl
	local tmp gcc f
	root=$(chroot_dir "$suite")
	hdr=/var/lib/alertable_sleep/headers/$rel
	K_KDIR=$hdr/usr/src/linux-headers-$rel
	(
		flock 9
		[ "$(cat "$root$hdr/.ready" 2>/dev/null)" = "$ver" ] && exit 0
		deps=$(arch_apt "$suite" "$arch" apt-cache show \
			"linux-headers-$rel=$ver" | sed -n 's/^Depends: //p' |
			head -n 1)
		common=$(tr ',' '\n' <<<"$deps" |
			sed -n 's/^ *\(linux-headers-[^ ]*-common\)\( .*\)*$/\1/p')
		kbuild=$(tr ',' '\n' <<<"$deps" |
			sed -n 's/^ *\(linux-kbuild-[^ ]*\)\( .*\)*$/\1/p')
		[ -n "$common" ] && [ -n "$kbuild" ] ||
			die "cannot find the -common and kbuild packages of linux-headers-$rel in '$deps'"
		say "unpacking linux-headers-$rel ($arch), $common and $kbuild (amd64) $ver into $hdr of the $suite chroot"
		# The kbuild is the chroot's own architecture: its host tools
		# run here.
		dl=$(chroot_download "$suite" "$arch" "/var/tmp/alertable_sleep-dl-$rel" \
			"linux-headers-$rel=$ver" "$common=$ver")
		chroot_download "$suite" - "/var/tmp/alertable_sleep-dl-$rel-kbuild" \
			"$kbuild=$ver" >/dev/null
		tmp=$root$hdr.tmp
		rm -rf "$tmp" "$root$hdr"
		mkdir -p "$tmp"
		for f in "$dl"/*.deb "$dl"-kbuild/*.deb; do
			dpkg-deb -x "$f" "$tmp" || die "cannot unpack $f"
		done
		rm -rf "$dl" "$dl-kbuild"
		# The headers' Makefile includes the -common tree's by its
		# absolute path (and 7.x's sets KBUILD_OUTPUT to its own); every
		# other link is relative.
		sed -i "s|/usr/src/|$hdr/usr/src/|g" \
			"$tmp/usr/src/linux-headers-$rel/Makefile"
		echo "$ver" >"$tmp/.ready"
		mv "$tmp" "$root$hdr"
	) 9>"$root.headers.lock" || exit 1

	K_MAKE=
	case $arch in
	arm64)
		# trixie's .kernelvariables set CROSS_COMPILE, bookworm's only
		# when dpkg's build and host architectures differ; both name
		# the compiler as $(CROSS_COMPILE)gcc-N.
		gcc=$(sed -n 's/^CC = .*(CROSS_COMPILE)\(gcc-[0-9]*\).*/\1/p' \
			"$root$K_KDIR/.kernelvariables")
		[ -n "$gcc" ] || die "no gcc-N in $K_KDIR/.kernelvariables"
		need_chroot_pkgs "$suite" "$gcc-aarch64-linux-gnu"
		K_MAKE=CROSS_COMPILE=aarch64-linux-gnu- ;;
	esac
	# Headers that ship a vmlinux make each module's BTF with pahole.
	if [ -f "$root$K_KDIR/vmlinux" ] &&
		grep -q '^CONFIG_DEBUG_INFO_BTF_MODULES=y' "$root$K_KDIR/.config"; then
		need_chroot_pkgs "$suite" pahole
	fi
}

# busybox_ensure SUITE ARCH: a static busybox for ARCH's guests, from that
# release's busybox-static (once); sets K_BUSYBOX. amd64 guests use this
# host's (scripts/vm.sh).
busybox_ensure() {
	local suite=$1 arch=$2 dir dl f
	dir=$AS_CACHE/busybox/$suite-$arch
	K_BUSYBOX=$dir/busybox
	mkdir -p "$dir"
	(
		flock 9
		[ -x "$K_BUSYBOX" ] && exit 0
		say "unpacking busybox-static ($arch, $suite)"
		dl=$(chroot_download "$suite" "$arch" \
			"/var/tmp/alertable_sleep-dl-busybox-$arch" busybox-static)
		rm -rf "$dir/x"
		dpkg-deb -x "$dl"/busybox-static_*.deb "$dir/x"
		rm -rf "$dl"
		# /bin/busybox until bookworm, /usr/bin/busybox from trixie on.
		for f in "$dir/x/bin/busybox" "$dir/x/usr/bin/busybox"; do
			[ -f "$f" ] && mv "$f" "$K_BUSYBOX.tmp" && break
		done
		[ -f "$K_BUSYBOX.tmp" ] || die "no busybox in busybox-static ($arch)"
		rm -rf "$dir/x"
		mv "$K_BUSYBOX.tmp" "$K_BUSYBOX"
	) 9>"$dir.lock" || exit 1
}

# kernel_ensure SERIES: install (once) that kernel's headers in its
# release's chroot and unpack its image; set
#   K_SERIES  the series, newest resolved (7.3, 7.3-rt, arm64-7.3)
#   K_ARCH    the kernel's Debian architecture: amd64, arm64, i386
#   K_SUITE   the Debian release that ships it
#   K_REL     the package release (6.1.0-57-amd64): /lib/modules/K_REL
#   K_VERSION the upstream version (6.1.192)
#   K_IMAGE   the bootable image on this host
#   K_ROOT    the chroot's folder on this host
#   K_KDIR    the headers' build folder, inside the chroot
#   K_MAKE    what make needs besides (CROSS_COMPILE=... for arm64)
#   K_BUSYBOX a static busybox for the guest ("": this host's, amd64)
kernel_ensure() {
	local spec suite meta from arch ver deps rel root kdir img series pkg
	local apt=() dl dlarch=-
	spec=$(kernel_spec "$1") ||
		die "unknown kernel '$1': one of $AS_KERNELS_ALL (or the newest's series)"
	read -r suite meta from arch <<<"$spec"
	chroot_ensure "$suite"
	root=$(chroot_dir "$suite")
	# apt-get/apt-cache on the kernel's architecture's lists.
	apt=(in_chroot "$suite")
	if [ "$arch" != amd64 ]; then
		arch_lists_ensure "$suite" "$arch"
		apt=(arch_apt "$suite" "$arch")
		dlarch=$arch
	fi
	if [ "$from" = - ]; then
		ver=$("${apt[@]}" apt-cache policy "$meta" |
			sed -n 's/^ *Candidate: *//p')
	else
		ver=$("${apt[@]}" apt-cache madison "$meta" |
			awk -F' *[|] *' -v s=" $from/" 'index($3, s) { print $2 }' |
			sort -V | tail -n 1)
	fi
	[ -n "$ver" ] && [ "$ver" != "(none)" ] ||
		die "no $meta ($arch) in $suite${from#-}"
	deps=$("${apt[@]}" apt-cache show "$meta=$ver" |
		sed -n 's/^Depends: //p' | head -n 1)
	rel=$(tr ',' '\n' <<<"$deps" |
		sed -n 's/^ *linux-image-\([0-9][^ ]*\).*/\1/p' | head -n 1)
	[ -n "$rel" ] || die "cannot find the kernel release in '$deps'"
	series=$(sed 's/^\([0-9]*\.[0-9]*\).*/\1/' <<<"$ver")
	case $meta in *-rt-*) series=$series-rt ;; esac
	[ "$arch" = amd64 ] || series=$arch-$series
	case $1 in
	newest | newest-rt | arm64-newest | "$series") ;;
	*[7-9].* | *[1-9][0-9].*) die "kernel $1: the newest in $from is $series" ;;
	esac

	K_MAKE='' K_BUSYBOX=''
	if [ "$arch" != amd64 ]; then
		cross_headers_ensure "$suite" "$arch" "$rel" "$ver"
		busybox_ensure "$suite" "$arch"
		kdir=$K_KDIR
	else
		kdir=/lib/modules/$rel/build
	fi
	# build is an absolute symlink: look at its target from the host.
	if [ "$arch" = amd64 ] &&
		[ ! -f "$root/usr/src/linux-headers-$rel/Makefile" ]; then
		say "installing linux-headers-$rel ($ver) in the $suite chroot"
		local target=()
		[ "$from" = - ] || target=(-t "$from")
		chroot_apt "$suite" apt-get install -y -qq --no-install-recommends \
			-o Dpkg::Options::=--force-confold \
			"${target[@]}" \
			"linux-headers-$rel" >"$root.apt.log" 2>&1 ||
			{ tail -n 20 "$root.apt.log"; die "cannot install linux-headers-$rel"; }
	fi

	img=$AS_CACHE/kernels/$rel/vmlinuz
	# One unpacker at a time, as for the chroot.
	mkdir -p "$AS_CACHE/kernels"
	exec 8>"$AS_CACHE/kernels/$rel.lock"
	flock 8
	if [ ! -f "$img" ]; then
		# 7.x: the image package is a metapackage, the kernel is in
		# linux-binary-<release> at /usr/lib/modules/<release>/vmlinuz.
		pkg=linux-image-$rel
		if "${apt[@]}" apt-cache show "linux-binary-$rel" >/dev/null 2>&1; then
			pkg=linux-binary-$rel
		fi
		say "unpacking the kernel image from $pkg"
		rm -rf "$AS_CACHE/kernels/$rel"
		mkdir -p "$AS_CACHE/kernels/$rel"
		dl=$(chroot_download "$suite" "$dlarch" \
			"/var/tmp/alertable_sleep-dl-$rel-image" "$pkg")
		dpkg-deb -x "$dl"/"${pkg}"_*.deb "$AS_CACHE/kernels/$rel/x"
		rm -rf "$dl"
		local f
		for f in "$AS_CACHE/kernels/$rel/x/boot/vmlinuz-$rel" \
			"$AS_CACHE/kernels/$rel/x/usr/lib/modules/$rel/vmlinuz" \
			"$AS_CACHE/kernels/$rel/x/lib/modules/$rel/vmlinuz"; do
			[ -f "$f" ] && mv "$f" "$img.tmp" && break
		done
		[ -f "$img.tmp" ] || die "no vmlinuz in $pkg"
		rm -rf "$AS_CACHE/kernels/$rel/x"
		mv "$img.tmp" "$img"
	fi
	exec 8>&-

	K_SERIES=$series K_ARCH=$arch K_SUITE=$suite K_REL=$rel K_IMAGE=$img
	K_ROOT=$root K_KDIR=$kdir K_VERSION=${ver%%-*}
	K_VERSION=${K_VERSION%%+*}
	export K_SERIES K_ARCH K_SUITE K_REL K_IMAGE K_ROOT K_KDIR K_VERSION \
		K_MAKE K_BUSYBOX
	say "kernel $1: $K_REL ($K_VERSION, Debian $K_SUITE, $K_ARCH)"
}
