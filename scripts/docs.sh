#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make docs: render Documentation/ to HTML the way the kernel renders its own
# (the kernel tree's kerneldoc sphinx extension and scripts/kernel-doc pull
# the contract out of alertable_sleep.c), then check the result:
#   sphinx build clean: sphinx-build -q -W --keep-going exits 0 and prints
#     nothing (-q leaves only warnings; kernel-doc's own warnings reach
#     stderr without failing the build, so they are caught here)
#   every EXPORT_SYMBOL_GPL() of alertable_sleep.c has its rendered entry
#   the porting table from DMF_AlertableSleep is present
# The build is always a full one (-E -a): an incremental build would not
# repeat the warnings of pages it skips, and the check could not fail.
set -eu
. "$(dirname "$0")/lib.sh"

# kernel_tree extracts with xz-utils; 6.1's kernel-doc needs perl.
need_pkgs python3-sphinx xz-utils perl
tree=$(kernel_tree)

# Debian's sphinx is installed for the system python, which need not be the
# first python3 on PATH.
sphinx="/usr/bin/python3 -m sphinx"

out=$AS_CACHE/docs
html=$out/html
log=$out/sphinx.log
page=$html/alertable-sleep.html
rm -rf "$out"
mkdir -p "$out"

pass=0
fail=0
ok() { echo "ok   $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }

say "sphinx-build -W --keep-going of $AS_ROOT/Documentation into $html"
rc=0
ALERTABLE_SLEEP_KTREE=$tree PYTHONDONTWRITEBYTECODE=1 \
	$sphinx -b html -W --keep-going -E -a -q -d "$out/doctrees" \
	"$AS_ROOT/Documentation" "$html" >"$log" 2>&1 || rc=$?
if [ "$rc" -eq 0 ] && [ -f "$page" ] && [ ! -s "$log" ]; then
	ok "sphinx build clean"
else
	bad "sphinx build clean (exit $rc, log $log)"
	sed 's/^/     /' "$log"
fi

# The C domain gives each rendered function the anchor id="c.NAME": a
# symbol that kernel-doc failed to render, or that has no kernel-doc
# comment, has none.
exports=$(sed -n 's/^EXPORT_SYMBOL_GPL(\([a-z0-9_]*\));$/\1/p' \
	"$AS_ROOT/alertable_sleep.c")
n=$(echo "$exports" | grep -c . || true)
undocumented=
for sym in $exports; do
	grep -q "id=\"c\\.$sym\"" "$page" 2>/dev/null ||
		undocumented="$undocumented $sym"
done
if [ "$n" -gt 0 ] && [ -z "$undocumented" ]; then
	ok "all $n exported symbols documented"
else
	bad "exported symbols documented ($n found, no entry for:$undocumented)"
fi

# One rendered table must map each DMF method and status to ours.
if [ -f "$page" ] && /usr/bin/python3 - "$page" <<'PY'
import sys
from html.parser import HTMLParser

need = ['DMF_AlertableSleep_Create', 'EventCount', 'DMF_AlertableSleep_Sleep',
        'DMF_AlertableSleep_Abort', 'DMF_AlertableSleep_ResetForReuse',
        'STATUS_SUCCESS', 'STATUS_UNSUCCESSFUL', 'alertable_sleep_create',
        'alertable_sleep_sleep', 'alertable_sleep_abort',
        'alertable_sleep_reset_for_reuse', 'alertable_sleep_destroy',
        'ALERTABLE_SLEEP_INFINITE', '-ECANCELED']

class Tables(HTMLParser):
    def __init__(self):
        super().__init__()
        self.depth, self.text, self.tables = 0, [], []
    def handle_starttag(self, tag, attrs):
        if tag == 'table':
            self.depth += 1
    def handle_endtag(self, tag):
        if tag == 'table' and self.depth:
            self.depth -= 1
            if not self.depth:
                self.tables.append(''.join(self.text))
                self.text = []
    def handle_data(self, data):
        if self.depth:
            self.text.append(data)

p = Tables()
p.feed(open(sys.argv[1], encoding='utf-8').read())
sys.exit(0 if any(all(w in t for w in need) for t in p.tables) else 1)
PY
then
	ok "porting table from DMF_AlertableSleep present"
else
	bad "porting table from DMF_AlertableSleep present"
fi

say "HTML: $page"
total docs "$pass" "$fail"
[ "$fail" -eq 0 ]
