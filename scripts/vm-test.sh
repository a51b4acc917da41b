#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# vm-test.sh (make vm-test): build alertable_sleep.ko and its test client
# against Debian's kernel, boot that kernel in QEMU on 2 vCPUs and run
# tests/vm-test.sh in it: insmod parameter checks, the contract from a
# client module on real SMP, module refcounting, a clean kernel log.
#
# Prints one line per check, then "vm-test: N passed, N failed"; exits
# non-zero if a check failed or the VM run itself did (timeout, panic,
# kernel report on the console).
set -eu

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

# shellcheck disable=SC2086 # a list of packages
need_pkgs $AS_PKGS_VM
kernel_ensure "${KERNEL:-6.1}"
out=$(build_dir vm)
# kbuild's "Skipping BTF generation" notes are noise here; errors are not.
mkdir -p "$out"
if ! build_modules "$out" 2>"$out/build.err"; then
	cat "$out/build.err" >&2
	total vm-test 0 1
	exit 1
fi
grep -v 'Skipping BTF generation' "$out/build.err" >&2 || true
src=$out/src

# The whole console goes to its log; show vm.sh's own lines only.
log=$AS_CACHE/vm/vm-test/console.log
set +e
"$AS_ROOT/scripts/vm.sh" --name vm-test --smp 2 --timeout 240 \
	"$AS_ROOT/tests/vm-test.sh" "$src/alertable_sleep.ko" \
	"$src/tests/alertable_sleep_vmtest.ko" \
	"$src/samples/alertable_sleep_demo.ko" | grep --line-buffered '^==> '
vmrc=${PIPESTATUS[0]}
set -e

# The guest prints its results once more between two markers, with the
# kernel's console turned down: count those.
results=$(sed -n '/^ALERTABLE_SLEEP_RESULTS_BEGIN$/,/^ALERTABLE_SLEEP_RESULTS_END$/p' \
	"$log" | grep -E '^(ok|FAIL) ' || true)
passed=$(grep -c '^ok ' <<<"$results" || true)
failed=$(grep -c '^FAIL ' <<<"$results" || true)

if [ "$vmrc" -ne 0 ] || [ "$failed" -ne 0 ]; then
	say "the end of the console before the results ($log):"
	sed '/^ALERTABLE_SLEEP_RESULTS_BEGIN$/,$d' "$log" | tail -n 40
fi
[ -z "$results" ] || printf '%s\n' "$results"
# The runner's verdict is a check of its own: the guest exits 0 once all
# its checks ran, so anything else is a timeout, a panic or a kernel
# report on the console (vm.sh said which, above).
if [ "$vmrc" -eq 0 ] && [ -n "$results" ]; then
	echo "ok vm.sh: the guest ran to its end, the console shows no kernel report"
	passed=$((passed + 1))
else
	msg="FAIL vm.sh: exit $vmrc"
	[ -n "$results" ] || msg="$msg, no results block"
	echo "$msg (console log: $log)"
	failed=$((failed + 1))
fi
total vm-test "$passed" "$failed"
[ "$failed" -eq 0 ]
