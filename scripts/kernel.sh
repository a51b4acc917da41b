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

AS_MIRROR=${AS_MIRROR:-http://deb.debian.org/debian}
AS_CHROOT_PKGS="make,gcc,libc6-dev,libelf-dev,libssl-dev,bc,bison,flex,kmod,xz-utils,ca-certificates,python3,perl"
AS_KERNELS_ALL="5.10 6.1 6.1-rt 6.12 newest newest-rt"

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
# tools), with its updates, security and backports lists; refresh the
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
			echo "deb $AS_MIRROR $suite main"
			echo "deb $AS_MIRROR $suite-updates main"
			echo "deb http://deb.debian.org/debian-security $suite-security main"
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

# kernel_spec SERIES: "SUITE METAPACKAGE FROM" of a series, FROM being
# the suite its package comes from ("-" for the release's own candidate).
kernel_spec() {
	case $1 in
	5.10) echo "bullseye linux-image-amd64 -" ;;
	6.1) echo "bookworm linux-image-amd64 -" ;;
	6.1-rt) echo "bookworm linux-image-rt-amd64 -" ;;
	6.12) echo "trixie linux-image-amd64 -" ;;
	newest | [7-9].* | [1-9][0-9].*)
		case $1 in
		*-rt) echo "trixie linux-image-rt-amd64 trixie-backports" ;;
		*) echo "trixie linux-image-amd64 trixie-backports" ;;
		esac ;;
	newest-rt) echo "trixie linux-image-rt-amd64 trixie-backports" ;;
	*) return 1 ;;
	esac
}

# kernel_ensure SERIES: install (once) that kernel's headers in its
# release's chroot and unpack its image; set
#   K_SERIES  the series, newest resolved (7.3, 7.3-rt)
#   K_SUITE   the Debian release that ships it
#   K_REL     the package release (6.1.0-57-amd64): /lib/modules/K_REL
#   K_VERSION the upstream version (6.1.192)
#   K_IMAGE   the bootable image on this host
#   K_ROOT    the chroot's folder on this host
#   K_KDIR    the headers' build folder, inside the chroot
kernel_ensure() {
	local spec suite meta from ver deps rel root kdir img series pkg
	spec=$(kernel_spec "$1") ||
		die "unknown kernel '$1': one of $AS_KERNELS_ALL (or the newest's series)"
	read -r suite meta from <<<"$spec"
	chroot_ensure "$suite"
	root=$(chroot_dir "$suite")
	if [ "$from" = - ]; then
		ver=$(in_chroot "$suite" apt-cache policy "$meta" |
			sed -n 's/^ *Candidate: *//p')
	else
		ver=$(in_chroot "$suite" apt-cache madison "$meta" |
			awk -F' *[|] *' -v s=" $from/" 'index($3, s) { print $2 }' |
			sort -V | tail -n 1)
	fi
	[ -n "$ver" ] && [ "$ver" != "(none)" ] ||
		die "no $meta in $suite${from#-}"
	deps=$(in_chroot "$suite" apt-cache show "$meta=$ver" |
		sed -n 's/^Depends: //p' | head -n 1)
	rel=$(tr ',' '\n' <<<"$deps" |
		sed -n 's/^ *linux-image-\([0-9][^ ]*\).*/\1/p' | head -n 1)
	[ -n "$rel" ] || die "cannot find the kernel release in '$deps'"
	series=$(sed 's/^\([0-9]*\.[0-9]*\).*/\1/' <<<"$ver")
	case $meta in *-rt-*) series=$series-rt ;; esac
	case $1 in
	newest | newest-rt | "$series") ;;
	[7-9].* | [1-9][0-9].*) die "kernel $1: the newest in $from is $series" ;;
	esac

	kdir=/lib/modules/$rel/build
	# build is an absolute symlink: look at its target from the host.
	if [ ! -f "$root/usr/src/linux-headers-$rel/Makefile" ]; then
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
		if in_chroot "$suite" apt-cache show "linux-binary-$rel" >/dev/null 2>&1; then
			pkg=linux-binary-$rel
		fi
		say "unpacking the kernel image from $pkg"
		rm -rf "$AS_CACHE/kernels/$rel"
		mkdir -p "$AS_CACHE/kernels/$rel"
		(cd "$root/tmp" && rm -f ./*.deb &&
			in_chroot "$suite" sh -c "cd /tmp && apt-get download -qq $pkg") ||
			die "cannot download $pkg"
		dpkg-deb -x "$root"/tmp/"${pkg}"_*.deb "$AS_CACHE/kernels/$rel/x"
		rm -f "$root"/tmp/*.deb
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

	K_SERIES=$series K_SUITE=$suite K_REL=$rel K_IMAGE=$img K_ROOT=$root
	K_KDIR=$kdir K_VERSION=${ver%%-*}
	K_VERSION=${K_VERSION%%+*}
	export K_SERIES K_SUITE K_REL K_IMAGE K_ROOT K_KDIR K_VERSION
	say "kernel $1: $K_REL ($K_VERSION, Debian $K_SUITE)"
}
