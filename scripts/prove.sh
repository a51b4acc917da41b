#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make prove: the ordering argument of the core, checked by machine
# (tests/prove/README.md says what each test proves).
#   herd7 runs each litmus test of tests/prove/litmus/ against the kernel's
#     own memory model (tools/memory-model/ of the newest kernel tree, with
#     the atomic_long_t operations of tests/prove/litmus/atomic_long.def):
#     its Observation must be the Result its header states, Never for a
#     property, Sometimes for a MUTANT (one check per test)
#   spin checks tests/prove/alertable_sleep.pml in its two configurations
#     (an instance's index; an entry embedded in its sleeper's object):
#     assertions and invalid end states, then the LTL formula (two checks
#     per configuration); each mutant (-DNAME) must fail a run (one check
#     per mutant)
# herd7 is packaged only in Debian sid (herdtools7): it runs in a sid
# chroot (kernel.sh); spin and the compiler of its verifiers are this host's.
set -eu
. "$(dirname "$0")/lib.sh"

need_pkgs spin gcc libc6-dev
tree=$(kernel_tree newest)
lkmm=$tree/tools/memory-model
chroot_ensure sid
need_chroot_pkgs sid herdtools7

src=$AS_ROOT/tests/prove
# Each mutant of the spin model, and the configuration that must catch it
# (READ_AFTER_RMW and NO_RCU_TASK do no harm in an instance, whose destroy
# waits a grace period after every abort: only the embedded entry, freed
# by its sleeper, shows them).
mutants="NONATOMIC_CLAIM:instance NO_OWNER_GUARD:instance NO_GP:instance
	NO_WAKE:instance READ_AFTER_RMW:embedded NO_RCU_TASK:embedded"

pass=0
fail=0

# The litmus tests, with the model, where the chroot's herd7 sees them.
work=/var/tmp/alertable_sleep/$AS_TREE_KEY/prove
root=$(chroot_dir sid)
rm -rf "$root$work"
mkdir -p "$root$work/model" "$root$work/litmus" "$root$work/out"
cp "$lkmm"/*.cat "$lkmm"/*.bell "$lkmm"/*.cfg "$root$work/model/"
cat "$lkmm/linux-kernel.def" "$src/litmus/atomic_long.def" \
	>"$root$work/model/linux-kernel.def"
cp "$src"/litmus/*.litmus "$root$work/litmus/"

tests=("$src"/litmus/*.litmus)
say "herd7 $(in_chroot sid herd7 -version | head -n 1) (Debian sid): ${#tests[@]} litmus tests, model $lkmm + atomic_long.def"
start=$(date +%s)
# shellcheck disable=SC2016 # expanded by the chroot's sh
in_chroot sid sh -c 'cd "$0/model" && for f in ../litmus/*.litmus; do
	n=${f##*/}; herd7 -conf linux-kernel.cfg "$f" >"../out/${n%.litmus}.out" 2>&1
done' "$work"
for f in "${tests[@]}"; do
	name=$(basename "$f" .litmus)
	out=$root$work/out/$name.out
	want=$(sed -n 's/^ \* Result: *\([A-Za-z]*\).*/\1/p' "$f" | head -n 1)
	got=$(sed -n 's/^Observation [^ ]* \([A-Za-z]*\) .*/\1/p' "$out")
	what=$want
	[ "$want" = Sometimes ] && what="Sometimes, mutant caught"
	rc=0
	{ [ -n "$want" ] && [ "$got" = "$want" ] && ! grep -q Warning "$out"; } ||
		rc=1
	result "herd7 $name: $what" "$rc"
	[ "$rc" -eq 0 ] || { echo "     expected $want, herd7 said:"
			     sed 's/^/     /' "$out"; }
done
say "herd7: $(( $(date +%s) - start )) s"

# spin_run DIR CONFIG MUTANT KIND: build the verifier of the model for
# CONFIG (instance, embedded) and MUTANT (none, or a -D name), and run it:
# KIND safety (assertions, invalid end states) or ltl (acceptance cycles
# of the LTL formula, assertions too). The output is DIR/KIND.out. A
# mutant's verifier is built without optimisation: it fails fast, and
# compiling takes longer than its run.
spin_run() {
	local d=$1 cfg=$2 mut=$3 kind=$4 defs=() cc=(-O1)
	[ "$cfg" = embedded ] && defs+=(-DEMBEDDED)
	[ "$mut" = none ] || { defs+=("-D$mut"); cc=(-O0); }
	[ "$kind" = safety ] && cc+=(-DNOCLAIM)
	mkdir -p "$d"
	cp "$src/alertable_sleep.pml" "$d/"
	(
		cd "$d"
		if ! { spin "${defs[@]}" -a alertable_sleep.pml &&
		       gcc -w "${cc[@]}" -o "pan-$kind" pan.c; } >spin.log 2>&1; then
			cat spin.log
			exit 1
		fi
		# Its verdict is in its output, read by the caller.
		if [ "$kind" = safety ]; then
			"./pan-$kind" -m200000 >"$kind.out" 2>&1 || true
		else
			"./pan-$kind" -a -m200000 >"$kind.out" 2>&1 || true
		fi
		[ ! -f alertable_sleep.pml.trail ] ||
			mv alertable_sleep.pml.trail "$kind.trail"
	)
}

# spin_errors FILE: the first error pan reported, or nothing.
spin_errors() {
	sed -n 's/^pan:1: \(.*\) (at depth [0-9]*)$/\1/p' "$1" | head -n 1
}

# spin_stats FILE: states, memory and time of a run.
spin_stats() {
	awk '/states, stored/ { s = $1 }
	     /total actual memory usage/ { m = $1 }
	     /^pan: elapsed time/ { t = $4 }
	     END { printf "%s states, %s MB, %s s", s, m, t }' "$1"
}

sdir=$AS_CACHE/prove/$AS_TREE_KEY/spin
rm -rf "$sdir"
mkdir -p "$sdir"
say "spin $(spin -V | sed 's/^Spin Version \([^ ]*\).*/\1/'): tests/prove/alertable_sleep.pml, work in $sdir"
start=$(date +%s)
for cfg in instance embedded; do
	for kind in safety ltl; do
		d=$sdir/$cfg
		rc=0
		spin_run "$d" "$cfg" none "$kind" || rc=1
		out=$d/$kind.out
		err=
		if [ "$rc" -eq 0 ]; then
			err=$(spin_errors "$out")
			grep -q 'errors: 0$' "$out" || rc=1
			! grep -q 'max search depth too small' "$out" || rc=1
		fi
		case $kind in
		safety) what="assertions, end states"
			[ "$cfg" = embedded ] || what="$what, all reached" ;;
		ltl) what="LTL signal_ends_sleep" ;;
		esac
		# An instance reaches every statement: no check is vacuous.
		if [ "$cfg$kind" = instancesafety ] && grep -A1 \
			'^unreached in proctype' "$out" | grep -v '^unreached' |
			grep -qv -e '^--' -e '^[[:space:]]*(0 of'; then
			rc=1
			err="statements never reached"
		fi
		result "spin $cfg: $what ($(spin_stats "$out"))" "$rc"
		[ "$rc" -eq 0 ] || { echo "     ${err:-see $out}"
				     tail -n 30 "$out" | sed 's/^/     /'; }
	done
done

for m in $mutants; do
	mut=${m%:*}
	cfg=${m#*:}
	how=
	for kind in safety ltl; do
		d=$sdir/$cfg-$mut
		spin_run "$d" "$cfg" "$mut" "$kind" || continue
		err=$(spin_errors "$d/$kind.out")
		[ -z "$err" ] || how="$how${how:+; }$kind: $err"
	done
	rc=0
	[ -n "$how" ] || rc=1
	result "spin mutant $mut ($cfg): ${how:-NOT caught}" "$rc"
done
say "spin: $(( $(date +%s) - start )) s"

total prove "$pass" "$fail"
[ "$fail" -eq 0 ]
