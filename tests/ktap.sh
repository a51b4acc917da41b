# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# ktap.sh: sourced by the guest scripts (tests/vm-test.sh,
# tests/torture/guest.sh) in the QEMU machine, busybox sh. They build one
# KTAP document (Documentation/dev-tools/ktap.rst) of suites: suites of
# their own checks, and the documents that the test modules print, nested.
# ktap_print prints it between the marker lines that scripts/ktap.sh looks
# for on the host, which counts it with kunit.py.

ktap_doc=/tmp/ktap.doc		# the suites so far
ktap_body=/tmp/ktap.suite	# the results of the suite being run
: >"$ktap_doc"
ktap_nsuites=0

# suite NAME: start a suite of the script's own checks.
suite() {
	suite_name=$1 suite_n=0 suite_bad=0
	: >"$ktap_body"
}

ok() {
	suite_n=$((suite_n + 1))
	echo "    ok $suite_n $1" >>"$ktap_body"
	echo "ok $1"
}

# not_ok NAME WHY
not_ok() {
	suite_n=$((suite_n + 1)) suite_bad=1
	echo "    # $1: $2" >>"$ktap_body"
	echo "    not ok $suite_n $1" >>"$ktap_body"
	echo "not ok $1: $2"
}

# check NAME WHY COMMAND...: ok if COMMAND succeeds, else not ok, WHY.
check() {
	_name=$1 _why=$2
	shift 2
	if "$@"; then ok "$_name"; else not_ok "$_name" "$_why"; fi
}

# diag TEXT: a diagnostic line in the suite being run.
diag() {
	echo "    # $1" >>"$ktap_body"
}

# ktap_result_line NAME BAD: a suite's result line, at the top level.
ktap_result_line() {
	ktap_nsuites=$((ktap_nsuites + 1))
	if [ "$2" = 0 ]; then
		echo "ok $ktap_nsuites $1" >>"$ktap_doc"
	else
		echo "not ok $ktap_nsuites $1" >>"$ktap_doc"
	fi
}

suite_end() {
	{
		echo "    KTAP version 1"
		echo "    # Subtest: $suite_name"
		echo "    1..$suite_n"
		cat "$ktap_body"
	} >>"$ktap_doc"
	ktap_result_line "$suite_name" "$suite_bad"
}

# nest NAME FILE [WHY]: a module's KTAP document (its lines without the
# kernel log's prefix), nested as suite NAME. Without one, the suite is a
# failed test of its own, WHY saying why.
nest() {
	if ! grep -q '^ *\(not \)\{0,1\}ok [0-9]' "$2" 2>/dev/null; then
		echo "# $1: ${3:-no KTAP document}" >>"$ktap_doc"
		ktap_result_line "$1" 1
		echo "not ok $1: ${3:-no KTAP document}"
		return
	fi
	{
		echo "    KTAP version 1"
		echo "    # Subtest: $1"
		sed '1{/^KTAP version 1$/d}' "$2" | sed 's/^/    /'
	} >>"$ktap_doc"
	if grep -v '# SKIP' "$2" | grep -q '^ *not ok '; then
		ktap_result_line "$1" 1
	else
		ktap_result_line "$1" 0
	fi
}

# module_ktap MODULE: the lines MODULE printed to the kernel log since the
# last dmesg -c, without the prefix (timestamp, "MODULE: ").
module_ktap() {
	dmesg | sed -n "s/^\[[^]]*\] $1: //p"
}

# ktap_print: the whole document, between the markers, with the kernel's
# console turned down so that no kernel message lands in the middle.
ktap_print() {
	dmesg -n 1
	echo "ALERTABLE_SLEEP_KTAP_BEGIN"
	echo "KTAP version 1"
	echo "1..$ktap_nsuites"
	cat "$ktap_doc"
	echo "ALERTABLE_SLEEP_KTAP_END"
}
