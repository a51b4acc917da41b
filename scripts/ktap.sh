# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# KTAP results, counted by the kernel's own parser. Sourced after lib.sh,
# never run.
#
# The in-VM tests (tests/vm-test.sh and alertable_sleep_vmtest.ko, the
# torture guest with alertable_sleep_hostile.ko and _torture.ko) print one
# KTAP document (Documentation/dev-tools/ktap.rst) between two marker
# lines on the console. ktap_extract takes it out of the console log,
# ktap_parse runs `kunit.py parse --json` of the Debian 6.1 kernel tree on
# it, and ktap_count counts the JSON's test cases, the leaves of the tree,
# as scripts/kunit.sh counts kunit.py's own JSON: PASS passes, SKIP is
# counted apart, anything else (FAIL, ERROR for a test the plan announced
# and that never reported) fails. A document the parser had to complain
# about ("[ERROR]" lines: a wrong test number, a missing result line)
# fails once per complaint, and one with no test at all fails once.

AS_KTAP_BEGIN=ALERTABLE_SLEEP_KTAP_BEGIN
AS_KTAP_END=ALERTABLE_SLEEP_KTAP_END

# ktap_extract LOG: print the KTAP document between the marker lines.
ktap_extract() {
	sed -n "/^$AS_KTAP_BEGIN\$/,/^$AS_KTAP_END\$/{/^$AS_KTAP_BEGIN\$/d;/^$AS_KTAP_END\$/d;p}" "$1"
}

# ktap_parse KTAP JSON: kunit.py parse, which prints its report of every
# test; the JSON goes to JSON. Sets KTAP_ERRORS, the parser's complaints.
ktap_parse() {
	local tree out
	tree=$(kernel_tree 6.1) || die "no kernel tree for kunit.py"
	rm -f "$2"
	out=$(python3 "$tree/tools/testing/kunit/kunit.py" parse \
		--json="$2" "$1" 2>&1) || true
	printf '%s\n' "$out" | grep -v '^\[[0-9:]*\] Test results stored in '
	KTAP_ERRORS=$(grep -c '\[ERROR\]' <<<"$out" || true)
}

# ktap_count JSON [SUITE]: count the test cases of the whole document, or of
# the test named SUITE in it (at any depth). Sets KTAP_PASSED, KTAP_FAILED,
# KTAP_SKIPPED and prints the name of each case that did not pass or skip.
# An absent SUITE, or one with no case, is one failure.
ktap_count() {
	local counts
	counts=$(python3 - "$1" "${2:-}" <<'EOF'
import json
import sys

def leaves(group, path):
    for case in group.get("test_cases", []):
        yield path + [case["name"]], case["status"]
    for sub in group.get("sub_groups", []):
        yield from leaves(sub, path + [sub["name"]])

def find(group, name):
    """The test named name: a group, or a case (a suite that never ran)."""
    for sub in group.get("sub_groups", []):
        if sub["name"] == name:
            return sub
    for case in group.get("test_cases", []):
        if case["name"] == name:
            return {"name": name, "test_cases": [case]}
    for sub in group.get("sub_groups", []):
        found = find(sub, name)
        if found:
            return found
    return None

try:
    with open(sys.argv[1]) as f:
        root = json.load(f)
except (OSError, ValueError) as e:
    print(0, 1, 0)
    print("no results: %s" % e)
    sys.exit(0)
suite = sys.argv[2]
if suite:
    root = find(root, suite)
    if root is None:
        print(0, 1, 0)
        print("%s: not in the results" % suite)
        sys.exit(0)
passed, skipped, bad = 0, 0, []
for path, status in leaves(root, [suite] if suite else []):
    if status == "PASS":
        passed += 1
    elif status == "SKIP":
        skipped += 1
    else:
        bad.append("%s %s" % (".".join(path), status))
if passed + skipped + len(bad) == 0:
    bad.append("%s: no test ran" % (suite or "the document"))
print(passed, len(bad), skipped)
for b in bad:
    print(b)
EOF
	) || counts="0 1 0"
	read -r KTAP_PASSED KTAP_FAILED KTAP_SKIPPED <<<"$(head -n 1 <<<"$counts")"
	tail -n +2 <<<"$counts" | sed 's/^/    not passed: /'
}

# ktap_from_console LOG: extract, parse and count the whole document of a
# console log (kept beside it as LOG.ktap and LOG.json). Sets KTAP_PASSED,
# KTAP_FAILED (the parser's complaints included) and KTAP_SKIPPED.
ktap_from_console() {
	local log=$1
	ktap_extract "$log" >"$log.ktap"
	if [ ! -s "$log.ktap" ]; then
		say "no KTAP document between the markers in $log"
		# shellcheck disable=SC2034 # the caller's results
		KTAP_PASSED=0 KTAP_FAILED=1 KTAP_SKIPPED=0
		return
	fi
	ktap_parse "$log.ktap" "$log.json"
	ktap_count "$log.json"
	if [ "$KTAP_ERRORS" -gt 0 ]; then
		say "kunit.py found $KTAP_ERRORS errors in the document ($log.ktap)"
		KTAP_FAILED=$((KTAP_FAILED + KTAP_ERRORS))
	fi
}

# ktap_vm_total NAME LOG VMRC: the verdict of a VM test stage. Counts the
# console's KTAP document, adds the runner's verdict as a check of its own
# (the guest exits 0 once all its checks ran, so anything else is a
# timeout, a panic or a kernel report, which vm.sh named), shows the end of
# the console when the run failed, and prints "NAME: P passed, F failed".
# Fails if a check did.
ktap_vm_total() {
	local name=$1 log=$2 vmrc=$3 passed failed
	if [ "$vmrc" -ne 0 ]; then
		say "the end of the console before the results ($log):"
		sed "/^$AS_KTAP_BEGIN\$/,\$d" "$log" | tail -n 40
	fi
	ktap_from_console "$log"
	passed=$KTAP_PASSED failed=$KTAP_FAILED
	if [ "$vmrc" -eq 0 ]; then
		say "ok: vm.sh: the guest ran to its end, the console shows no kernel report"
		passed=$((passed + 1))
	else
		say "not ok: vm.sh exited $vmrc (console log: $log)"
		failed=$((failed + 1))
	fi
	[ "$KTAP_SKIPPED" -eq 0 ] || say "$KTAP_SKIPPED checks skipped"
	total "$name" "$passed" "$failed"
	[ "$failed" -eq 0 ]
}
