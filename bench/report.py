#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn the console log of one `make bench` boot into a table and JSON.

usage: report.py [--vm-rc N] [--host TEXT] [--machine TEXT] [--markdown MD]
                 CONSOLE_LOG JSON_OUT

Reads the lines that bench/alertable_sleep_bench.c ("alertable_sleep_bench:
RESULT {json}") and bench/guest.sh ("MEMINFO ...", "UNLOAD ...",
"COALESCE_TRACE ...", "TIMERLAT ...", "CYCLICTEST ...") print, prints one
markdown table (measurement, alertable_sleep, baselines, ratio
alertable_sleep/baseline, goal, met?) and the small tables of memory per
entry, coalescing and the abort_all() storm, and writes every raw figure
to JSON_OUT. Exit status 0 if the run completed: the module's "done" line, a
result for every measurement it was asked for, and no wrong return code
counted by it. The figures themselves never fail the run.
"""

import argparse
import datetime
import json
import re
import sys

RESULT_RE = re.compile(r'alertable_sleep_bench: RESULT (\{.*\})\s*$')
MEMINFO_RE = re.compile(r'^MEMINFO rep=(\d+) phase=(\w+)((?: \w+:\d+)*)\s*$')
UNLOAD_RE = re.compile(r'^UNLOAD (variant=.*)$')
CLOCKSOURCE_RE = re.compile(r'clocksource: Switched to clocksource (\S+)')
# "COALESCE_TRACE method=M <a line of tracefs's trace>", one expiry of a
# timer whose function is a sleep's: hrtimer_expire_entry (hrtimer=,
# function=, now= in ns) or timer_expire_entry (timer=, function=, now= in
# jiffies); the CPU is the bracketed number.
COALESCE_RE = re.compile(r'^COALESCE_TRACE method=(\S+) .*?\[(\d+)\].*?'
                         r'(?:hrtimer|timer)=(?:0x)?([0-9a-f]+) '
                         r'function=(\S+) now=(\d+)')
TIMERLAT_RE = re.compile(r'^TIMERLAT (storm=.*)$')
# cyclictest -q: "T: 0 (  123) P:95 I:1000 C:  10000 Min: 3 Act: 5 Avg: 6 Max: 20"
CYCLICTEST_RE = re.compile(r'^CYCLICTEST storm=(\S+) T: *(\d+) .*'
                           r'C: *(\d+) .*Avg: *(\d+) +Max: *(\d+)')
# "remove:" from the demo while it had a .remove callback, "unbind:" since.
REMOVE_RE = re.compile(r'alertable_sleep_demo.*: (?:remove|unbind): (\d+) workers '
                       r'stopped in (-?\d+) us')

JIFFY_NS = None  # set from the config line
SLACK_NS = 50000  # the task's timer slack, from the config line


MARKDOWN_HEAD = """\
# alertable_sleep benchmark results

One `make bench` run (scripts/bench.sh: bench/alertable_sleep_bench.c
in one QEMU boot; raw numbers in the JSON file the run names).

- Date: %(date)s
- Machine: %(machine)s
- Guest: %(guest)s
- Host: %(host)s
- Measurements: tests=%(tests)s (the bench module's bit mask; 127 is all)
- module_init of the bench module ran %(init)s

Absolute numbers under TCG are inflated: every guest instruction is
emulated, and IPIs, timer interrupts and, with clocksource hpet, every
clock read go through QEMU.
Only the ratios carry over to real hardware, and only to within the noise
that the two runs of each latency baseline show (the host was shared).

"ratio" is alertable_sleep / baseline; for latency, against the better of
the two baselines (pooled runs); rcuwait+flag and the hrtimer wait are
extra rows, not baselines. Timing overshoot is elapsed - requested;
"early" counts sleeps that returned 0 before the requested time.

"""


def fmt_ns(ns):
    """A duration in the unit that keeps three or four digits."""
    if ns is None:
        return '-'
    a = abs(ns)
    if a >= 10**9:
        return '%.2f s' % (ns / 1e9)
    if a >= 10**6:
        return '%.2f ms' % (ns / 1e6)
    if a >= 10**3:
        return '%.1f µs' % (ns / 1e3)
    return '%d ns' % ns


def fmt_ps(ps):
    return '%.1f ns' % (ps / 1000.0)


def ratio(a, b):
    if a is None or not b:
        return None
    return a / b


def fmt_ratio(r, against=None):
    if r is None:
        return '-'
    s = '%.3f' % r
    return '%s vs %s' % (s, against) if against else s


def met(ok):
    if ok is None:
        return '-'
    return 'yes' if ok else 'NO'


def parse(log):
    results, seen = [], set()
    meminfo, unload, removes = [], [], []
    extra = {'coalesce_trace': [], 'timerlat': [], 'cyclictest': []}
    clocksource = None
    with open(log, encoding='utf-8', errors='replace') as f:
        for line in f:
            line = line.rstrip('\n')
            m = RESULT_RE.search(line)
            if m:
                if m.group(1) in seen:
                    continue
                seen.add(m.group(1))
                try:
                    results.append(json.loads(m.group(1)))
                except ValueError:
                    print('report: cannot parse: %s' % line, file=sys.stderr)
                continue
            m = MEMINFO_RE.match(line)
            if m:
                fields = dict(kv.split(':') for kv in m.group(3).split())
                meminfo.append({'rep': int(m.group(1)),
                                'phase': m.group(2),
                                'kB': {k: int(v) for k, v in fields.items()}})
                continue
            m = COALESCE_RE.match(line)
            if m:
                extra['coalesce_trace'].append({
                    'method': m.group(1), 'cpu': int(m.group(2)),
                    'timer': int(m.group(3), 16), 'function': m.group(4),
                    'now': int(m.group(5))})
                continue
            m = TIMERLAT_RE.match(line)
            if m:
                d = dict(kv.split('=', 1) for kv in m.group(1).split())
                extra['timerlat'].append(d)
                continue
            m = CYCLICTEST_RE.match(line)
            if m:
                extra['cyclictest'].append({
                    'storm': m.group(1), 'thread': int(m.group(2)),
                    'cycles': int(m.group(3)), 'avg_us': int(m.group(4)),
                    'max_us': int(m.group(5))})
                continue
            m = UNLOAD_RE.match(line)
            if m:
                unload.append(dict(kv.split('=', 1)
                                   for kv in m.group(1).split()))
                continue
            m = REMOVE_RE.search(line)
            if m:
                removes.append(int(m.group(2)))
                continue
            m = CLOCKSOURCE_RE.search(line)
            if m:
                clocksource = m.group(1)
    return results, meminfo, unload, removes, clocksource, extra


def pick(results, **kw):
    for r in results:
        if all(r.get(k) == v for k, v in kw.items()):
            return r
    return None


def latency_rows(results, rows):
    alert = pick(results, test='abort_latency', variant='alertable_sleep')
    if not alert:
        return
    bases = []
    for name, label in (('completion', 'completion'),
                        ('waitqueue_flag', 'waitqueue+flag')):
        pooled = pick(results, test='abort_latency', variant=name,
                      run='pooled')
        r1 = pick(results, test='abort_latency', variant=name, run='1')
        r2 = pick(results, test='abort_latency', variant=name, run='2')
        if pooled:
            bases.append((label, pooled, r1, r2))
    extra = pick(results, test='abort_latency', variant='rcuwait_flag')
    hr = pick(results, test='abort_latency',
              variant='waitqueue_flag_hrtimeout')
    for key, goal in (('p50_ns', 1.05), ('p99_ns', 1.25)):
        cells = []
        for label, pooled, r1, r2 in bases:
            cells.append('%s %s (run 1: %s, run 2: %s)' % (
                label, fmt_ns(pooled[key]), fmt_ns(r1 and r1[key]),
                fmt_ns(r2 and r2[key])))
        if extra:
            cells.append('rcuwait+flag, the bare primitive alertable_sleep '
                         'waits on (extra, not a baseline) %s' %
                         fmt_ns(extra[key]))
        if hr:
            cells.append('waitqueue+flag with the hrtimer timeout '
                         'alertable_sleep uses (extra) %s' %
                         fmt_ns(hr[key]))
        best = min(bases, key=lambda b: b[1][key]) if bases else None
        r = ratio(alert[key], best[1][key]) if best else None
        rows.append([
            'abort-to-return latency %s (n=%d per run, in %d blocks; '
            'sleeper CPU %d, aborter CPU %d)' % (
                key[:3], alert['n'], alert.get('blocks', 1),
                alert['sleeper_cpu'], alert['aborter_cpu']),
            fmt_ns(alert[key]),
            '; '.join(cells),
            fmt_ratio(r, best[0] if best else None),
            '<= %.2f' % goal,
            met(r is not None and r <= goal)])


def fanout_rows(results, rows):
    for r in results:
        if r.get('test') != 'fanout' or r.get('variant') != 'alertable_sleep':
            continue
        n = r['threads']
        base = pick(results, test='fanout', variant='completion', threads=n)
        wq = pick(results, test='fanout', variant='waitqueue_flag',
                  threads=n)
        q = ratio(r['p50_ns'], base and base['p50_ns'])
        qmin = ratio(r['min_ns'], base and base['min_ns'])
        goal = 1.10 if n == 1024 else None
        cells = []
        rw = pick(results, test='fanout', variant='rcuwait_flag',
                  threads=n)
        for b, what, loop in ((base, 'completion', 'complete_all()'),
                              (wq, 'waitqueue+flag', 'wake_up_all()'),
                              (rw, 'rcuwait+flag (extra)',
                               'rcuwait_wake_up()')):
            if b:
                cells.append('%s x%d: %s (%s-%s; %s loop %s)' % (
                    what, n, fmt_ns(b['p50_ns']), fmt_ns(b['min_ns']),
                    fmt_ns(b['max_ns']), loop, fmt_ns(b['call_p50_ns'])))
        rows.append([
            'fan-out, %d sleepers: abort to last return (median of %d; '
            'min-max)' % (n, r['reps']),
            '%s (%s-%s; abort_all call %s)' % (
                fmt_ns(r['p50_ns']), fmt_ns(r['min_ns']),
                fmt_ns(r['max_ns']), fmt_ns(r['call_p50_ns'])),
            '; '.join(cells) or '-',
            '%s vs completion (of the minima: %s)' % (fmt_ratio(q),
                                                      fmt_ratio(qmin)),
            '<= %.2f' % goal if goal else '-',
            met(q <= goal) if goal and q is not None else '-'])


def fastpath_rows(results, rows):
    spec = [
        ('sleep on an already-aborted index', 'sleep_aborted',
         [('completion_done()', 'completion_done'),
          ('wait_for_completion_interruptible_timeout() on a done '
           'completion', 'wait_for_completion_done')]),
        ('sleep with msecs 0', 'sleep_zero',
         [('completion_done()', 'completion_done')]),
        ('abort an index nobody sleeps on', 'abort_idle',
         [('complete_all() with no waiter', 'complete_all_idle')]),
    ]
    for label, op, baselines in spec:
        a = pick(results, test='fastpath', op=op)
        if not a:
            continue
        cells, best = [], None
        for blabel, bop in baselines:
            b = pick(results, test='fastpath', op=bop)
            if not b:
                continue
            cells.append('%s %s' % (blabel, fmt_ps(b['p50_ps'])))
            if best is None or b['p50_ps'] < best[1]['p50_ps']:
                best = (blabel.split('(')[0] + '()', b)
        q = ratio(a['p50_ps'], best and best[1]['p50_ps'])
        rows.append([
            'fast path: %s, per call (p50 of %d batches of %d; p99 %s)' % (
                label, a['batches'], a['batch'], fmt_ps(a['p99_ps'])),
            fmt_ps(a['p50_ps']),
            '; '.join(cells) or '-',
            fmt_ratio(q, best[0] if best and len(cells) > 1 else None),
            '-', '-'])


def timing_cell(r):
    return '%s / %s, %d early' % (fmt_ns(r['p50_over_ns']),
                                  fmt_ns(r['max_over_ns']), r['early'])


def timing_rows(results, rows):
    for phase, phase_label in (('random', 'random tick phase'),
                               ('back_to_back', 'back to back')):
        for r in results:
            if (r.get('test') != 'timing' or r['phase'] != phase or
                    r['variant'] != 'alertable_sleep'):
                continue
            ms = r['ms']
            cells, best = [], None
            for name in ('msleep_interruptible',
                         'schedule_timeout_interruptible',
                         'wait_event_interruptible_hrtimeout'):
                b = pick(results, test='timing', phase=phase, ms=ms,
                         variant=name)
                if not b:
                    continue
                extra = ' (extra)' if 'hrtimeout' in name else ''
                cells.append('%s%s %s' % (name, extra, timing_cell(b)))
                if 'hrtimeout' in name:
                    continue
                if best is None or b['p50_over_ns'] < best[1]['p50_over_ns']:
                    best = (name, b)
            q = ratio(r['p50_over_ns'], best and best[1]['p50_over_ns'])
            # The contract since the coalescing rule: never early, and the
            # timer fires at most max(timer slack, delay/8) late; one jiffy
            # more for the wake-up, as the goal allowed before that rule.
            bound = None
            if JIFFY_NS is not None:
                bound = max(SLACK_NS, ms * 10**6 // 8) + JIFFY_NS
            ok = (r['early'] == 0 and bound is not None and
                  r['p50_over_ns'] <= bound)
            rows.append([
                'timing %d ms, %s (n=%d): overshoot p50 / max, early '
                'returns' % (ms, phase_label, r['n']),
                timing_cell(r),
                '; '.join(cells),
                fmt_ratio(q, best[0] if best else None),
                '0 early, p50 <= %s (max(slack, delay/8) + 1 jiffy)' %
                fmt_ns(bound),
                met(ok)])


def median(v):
    v = sorted(v)
    n = len(v)
    return (v[(n - 1) // 2] + v[n // 2]) / 2


def abort_all_rows(results, rows, summary):
    """abort_all() in hard IRQ, tracing off against on, per sleeper count.

    Each run (a write of the abort_all_run parameter) gives the median of
    its calls; the row compares the median of the runs with tracing on
    against that of the runs with tracing off.
    """
    runs = [r for r in results if r.get('test') == 'abort_all']
    derived = {}
    for n in sorted({r['sleepers'] for r in runs}):
        by = {t: [r for r in runs if r['sleepers'] == n and
                  r['tracing'] == t] for t in ('off', 'on')}
        cells = {}
        for t, rs in by.items():
            if rs:
                cells[t] = '%s %s (max %s; runs: %s)' % (
                    t, fmt_ns(median([r['p50_ns'] for r in rs])),
                    fmt_ns(max(r['max_ns'] for r in rs)),
                    ', '.join(fmt_ns(r['p50_ns']) for r in rs))
        off = by['off'] and median([r['p50_ns'] for r in by['off']])
        on = by['on'] and median([r['p50_ns'] for r in by['on']])
        q = ratio(on or None, off or None)
        derived[str(n)] = {'off_p50_ns': off or None, 'on_p50_ns': on or None,
                           'ratio': q}
        rs = by['off'] or by['on']
        if rs[0].get('context', 'hardirq') == 'hardirq':
            where = 'in hard IRQ'
            how = 'HARD hrtimer callback'
        else:
            # PREEMPT_RT: the HARD hrtimer's call returned hardirq_ret.
            where = 'from process context'
            how = ('PREEMPT_RT refused it in a HARD hrtimer callback: %s' %
                   errno_name(rs[0].get('hardirq_ret')))
        rows.append([
            'abort_all %d indices %s, %d sleepers, tracing off / '
            'on (median of %d calls per run, %s)' % (
                rs[0]['entries'], where, n, rs[0]['reps'], how),
            '; '.join(cells[t] for t in ('off', 'on') if t in cells),
            'the same call with the alertable_sleep tracepoints off',
            fmt_ratio(q, 'tracing off' if q else None),
            '<= 2x',
            met(q <= 2) if q is not None else '-'])
    summary['abort_all'] = derived


ERRNO = {0: '0', -1: '-EPERM', -4: '-EINTR', -16: '-EBUSY',
         -115: '-EINPROGRESS', -125: '-ECANCELED'}


def errno_name(v):
    if v is None:
        return '?'
    return ERRNO.get(v, str(v))


def fmt_bytes(b):
    if b >= 1 << 20 and not b % (1 << 20):
        return '%d MiB (%d B)' % (b >> 20, b)
    if b >= 1 << 10 and not b % (1 << 10):
        return '%d KiB (%d B)' % (b >> 10, b)
    return '%d B' % b


def memory_table(results, summary):
    """sizeof(entry) and the entries array of 65,536, now and before."""
    kern = pick(results, test='memory', source='kernel')
    if not kern or 'entries_alloc_bytes' not in kern:
        return None
    n = kern['entries']
    per = kern['free_delta_bytes'] / n
    deltas = summary.get('meminfo_deltas_kB') or []
    slab = None
    if deltas:
        sums = sorted(sum(d.get(k, 0) for k in ('Slab', 'VmallocUsed',
                                                   'Percpu'))
                      for d in deltas)
        slab = sums[len(sums) // 2] * 1024
    how = lambda vm: 'vmalloc' if vm else 'kmalloc'
    rows = [
        ['one atomic_long_t (owner task pointer, ABORTED, CLOSING): now',
         '%d B' % kern['sizeof_entry'],
         '%s, %s' % (fmt_bytes(kern['entries_alloc_bytes']),
                     how(kern['entries_vmalloc'])),
         '%s (Slab+VmallocUsed+Percpu delta of a held instance, median of '
         '%d); %.1f B per index (free pages, median of %d creations)' % (
             fmt_bytes(slab) if slab is not None else '-', len(deltas), per,
             kern['reps'])],
        ['rcuwait + atomic_t: before 55516c5',
         '%d B' % kern['sizeof_entry_old'],
         '%s, %s' % (fmt_bytes(kern['entries_alloc_old_bytes']),
                     how(kern['entries_old_vmalloc'])),
         '-'],
    ]
    head = ['entry', 'sizeof', 'entries array of %d (kvcalloc() as '
            'alertable_sleep_create(), what the allocator gave)' % n,
            'instance of %d measured' % n]
    return table(rows, head)


def coalesce_table(results, extra, summary):
    """Timer expiries of 64 sleeps of 2 s, and their overshoot, per method.

    An expiry is one run of a CPU's timer code: the trace events of one
    hrtimer interrupt (or softirq) share its `now`, those of one timer
    wheel run its jiffies. Only events whose timer lies on a sleeper's
    stack count.
    """
    out_rows, derived = [], {}
    labels = {
        'alertable_sleep': 'alertable_sleep_sleep(as, i, 2000): hrtimer, '
                           'slack max(timer_slack, delay/8) = 250 ms',
        'hrtimer_slack': 'schedule_hrtimeout_range(2 s, timer_slack_ns): '
                         'hrtimer, the old precise rule',
        'msleep_interruptible': 'msleep_interruptible(2000): timer wheel',
    }
    for method in ('alertable_sleep', 'hrtimer_slack',
                   'msleep_interruptible'):
        r = pick(results, test='coalesce', method=method)
        if not r:
            continue
        stacks = [int(x['stack'], 16) for x in results
                  if x.get('test') == 'coalesce_sleeper' and
                  x['method'] == method]
        size = r['stack_size']
        mine = [e for e in extra['coalesce_trace'] if e['method'] == method]
        ev = [e for e in mine
              if any(st <= e['timer'] < st + size for st in stacks)]
        note = ''
        if mine and not ev:
            # Hashed pointers (a kernel without the nohash-ptr option):
            # the sleeps' own timer function, inside the test's window.
            fn = ('process_timeout' if method == 'msleep_interruptible'
                  else 'hrtimer_wakeup')
            if fn == 'process_timeout':
                lo, hi = r['jiffies0'], r['jiffies1']
            else:
                lo = r['first_start_ns'] + r['ms'] * 10**6
                hi = r['last_end_ns']
            ev = [e for e in mine if e['function'] == fn and
                  lo <= e['now'] <= hi]
            note = ' (pointers hashed: every %s in the window)' % fn
        runs = sorted({(e['cpu'], e['now']) for e in ev})
        timers = {e['timer'] for e in ev}
        cpus = sorted({e['cpu'] for e in ev})
        # Runs in which the periodic tick expired too: an interrupt the
        # CPU took anyway. The timer wheel always runs from the tick.
        ticks = {(e['cpu'], e['now']) for e in mine
                 if e['function'] == 'tick_sched_timer'}
        on_tick = [r for r in runs if r in ticks]
        derived[method] = {'expiries': len(runs), 'events': len(ev),
                           'timers': len(timers), 'cpus': cpus,
                           'runs': runs, 'on_tick': len(on_tick)}
        if method == 'msleep_interruptible':
            cell = '%d (timer-wheel runs, each from a tick)' % len(runs)
        else:
            cell = '%d (%d of them with the tick)' % (len(runs),
                                                     len(on_tick))
        out_rows.append([
            labels[method],
            cell if ev else '- (no trace events)',
            '%d on CPUs %s%s' % (len(ev), ','.join(map(str, cpus)) or '-',
                                 note),
            '%s / %s' % (fmt_ns(r['over_p50_ns']), fmt_ns(r['over_max_ns'])),
            '%d' % r['early'],
        ])
    summary['coalesce'] = derived
    if not out_rows:
        return None
    r = pick(results, test='coalesce')
    head = ['method (%d kthreads, 2 s each, one started every %d µs: '
            'over %s)' % (r['sleepers'], r['spread_us'],
                          fmt_ns(r['start_span_ns'])),
            'timer expiries: interrupts (or timer-wheel runs) that expired '
            'any of them, and how many of those also ran the periodic tick',
            'trace events of their timers',
            'overshoot p50 / max', 'early']
    return table(out_rows, head)


def storm_table(results, extra, cfg, summary):
    """Worst latency of other tasks with an abort_all() storm and without."""
    storms = [r for r in results if r.get('test') == 'storm']
    rows, derived = [], []
    for tool in ('timerlat', 'cyclictest'):
        if tool == 'timerlat':
            runs = {d['storm']: d for d in extra['timerlat']}

            def worst(d):
                avg = lambda k: (' (avg %s)' % fmt_ns(int(d[k]))
                                 if k in d else '')
                return ('IRQ %s%s, thread %s%s' % (
                    fmt_ns(int(d['irq_max_ns'])), avg('irq_avg_ns'),
                    fmt_ns(int(d['thread_max_ns'])), avg('thread_avg_ns')))
        else:
            runs = {}
            for d in extra['cyclictest']:
                runs.setdefault(d['storm'], []).append(d)

            def worst(d):
                d = sorted(d, key=lambda x: x['thread'])
                return '%s (per CPU: %s; avg %s)' % (
                    fmt_ns(max(x['max_us'] for x in d) * 1000),
                    ', '.join(fmt_ns(x['max_us'] * 1000) for x in d),
                    ', '.join(fmt_ns(x['avg_us'] * 1000) for x in d))
        if 'none' not in runs:
            continue
        order = ['busy', 'hardirq', 'kthread']
        for ctx in sorted([k for k in runs if k != 'none'],
                          key=lambda k: order.index(k) if k in order else 9):
            st = pick(storms, label=tool, context=ctx) or {}
            if ctx == 'busy':
                calls = '%d ms busy in %.1f s' % (st.get('calls', 0),
                                                  st.get('ms', 0) / 1000.0)
            elif st.get('calls'):
                calls = '%d calls in %.1f s, each p50 %s, max %s' % (
                    st['calls'], st['ms'] / 1000.0,
                    fmt_ns(st['call_p50_ns']), fmt_ns(st['call_max_ns']))
            else:
                calls = 'no call ran'
            if st.get('refused'):
                calls += '; %d refused (-EPERM)' % st['refused']
            if ctx == 'hardirq':
                what = 'HARD hrtimer every %d ms' % (st.get('period_us', 0)
                                                      // 1000)
            elif ctx == 'busy':
                what = ('control, no abort_all(): SCHED_OTHER kthread, '
                        'busy, preemptible at every step')
            else:
                what = 'SCHED_OTHER kthread, in a loop'
            rows.append([
                '%s%s' % (cfg.get('release'),
                          ' (PREEMPT_RT)' if cfg.get('preempt_rt') else ''),
                tool,
                '%s: %s' % (what, calls),
                worst(runs['none']), worst(runs[ctx]),
                errno_name(st.get('probe_hardirq_ret'))])
            derived.append({'tool': tool, 'storm': ctx, 'none': runs['none'],
                            'with': runs[ctx], 'storm_result': st})
    summary['storm'] = derived
    if not rows:
        return None
    head = ['kernel', 'tool', 'storm context (abort_all of 65536 indices, '
            '%d sleepers)' % (storms[0]['sleepers'] if storms else 0),
            'worst latency without storm (and average)',
            'worst latency with storm (and average)',
            'abort_all() from a HARD hrtimer returned']
    return table(rows, head)


def memory_rows(results, meminfo, rows, summary):
    kern = pick(results, test='memory', source='kernel')
    if not kern and not meminfo:
        return
    guest = {}
    entries = kern['entries'] if kern else 65536
    for m in meminfo:
        guest.setdefault(m['rep'], {})[m['phase']] = m['kB']
    per_rep = []
    for rep in sorted(guest):
        g = guest[rep]
        if 'before' in g and 'held' in g:
            d = {k: (g['before'][k] - g['held'][k]) if k == 'MemFree'
                 else (g['held'][k] - g['before'][k])
                 for k in g['before'] if k in g['held']}
            per_rep.append(d)
    summary['meminfo_deltas_kB'] = per_rep
    cells_a, measured = [], None
    if per_rep:
        # The kernel's own accounting of what the instance holds: slab
        # (kmalloc, including large kmalloc pages), vmalloc and per-CPU
        # memory. MemFree moves by more: an order-9 allocation can refill
        # the per-CPU page lists, whose pages MemFree does not count.
        keys = [k for k in ('Slab', 'VmallocUsed', 'Percpu')
                if k in per_rep[0]]
        sums = sorted(sum(d[k] for k in keys) for d in per_rep)
        measured = sums[len(sums) // 2] * 1024 / entries
        parts = ['%s %+d kB' % (k, sorted(d[k] for d in per_rep)
                                [len(per_rep) // 2]) for k in keys]
        frees = sorted(d['MemFree'] for d in per_rep)
        cells_a.append('%.1f B (/proc/meminfo Slab + VmallocUsed + Percpu '
                       'delta, median of %d: %s; MemFree moved by %.1f B '
                       'per index)' % (measured, len(per_rep),
                                       ', '.join(parts),
                                       frees[len(frees) // 2] * 1024 /
                                       entries))
    if kern:
        kb = kern['free_delta_bytes'] / kern['entries']
        cells_a.append('%.1f B (in-kernel free-page delta, median of %d)' %
                       (kb, kern['reps']))
        if measured is None:
            measured = kb
    base = []
    if kern:
        base.append('sizeof(entry) %d B' % kern['sizeof_entry'])
        if kern['vmalloc']:
            base.append('allocation: vmalloc')
        else:
            base.append('instance header: kmalloc, ksize %d B' %
                        kern['alloc_bytes'])
    base.append('DMF: fixed 32 events')
    q = ratio(measured, kern and kern['sizeof_entry'])
    rows.append([
        'memory per index, instance of %d entries' % entries,
        '; '.join(cells_a) or '-',
        '; '.join(base),
        fmt_ratio(q, 'sizeof' if q else None),
        '<= 48 B',
        met(measured <= 48) if measured is not None else '-'])


def unload_rows(unload, removes, rows, summary):
    figs = {}
    for i, u in enumerate(unload):
        if 't0_ns' not in u or 't1_ns' not in u:
            continue
        ns = int(u['t1_ns']) - int(u['t0_ns'])
        rem = removes[i] * 1000 if i < len(removes) else None
        figs[u['variant']] = (ns, rem)
    summary['unload'] = {k: {'rmmod_ns': v[0], 'remove_ns': v[1]}
                         for k, v in figs.items()}
    if 'alertable_sleep' not in figs:
        if unload:
            rows.append(['rmmod of the demo (4 workers, 10 s sleeps)',
                         'skipped: no demo module', '-', '-', '-', '-'])
        return

    def cell(v):
        return '%s (driver unbind %s)' % (fmt_ns(v[0]), fmt_ns(v[1]))
    a = figs['alertable_sleep']
    cells = ['use_msleep=1 (msleep_interruptible) %s' % cell(v)
             if k == 'msleep_interruptible' else
             'use_msleep=1 uninterruptible=1 (msleep) %s' % cell(v)
             for k, v in figs.items() if k != 'alertable_sleep']
    b = figs.get('msleep_interruptible')
    rows.append([
        'rmmod of the demo, 4 workers 2 s into 10 s sleeps',
        cell(a), '; '.join(cells),
        fmt_ratio(ratio(a[0], b and b[0]),
                  'msleep_interruptible' if b else None),
        '-', '-'])


def table(rows, head=None):
    head = head or ['measurement', 'alertable_sleep', 'baseline(s)',
                    'ratio alertable_sleep/baseline', 'goal', 'met?']
    out = ['| ' + ' | '.join(head) + ' |',
           '|' + '|'.join('---' for _ in head) + '|']
    for r in rows:
        out.append('| ' + ' | '.join(c.replace('|', '/') for c in r) + ' |')
    return '\n'.join(out)


def check_complete(results, vm_rc):
    problems = []
    if vm_rc:
        problems.append('scripts/vm.sh exited %d' % vm_rc)
    cfg = pick(results, test='config')
    if not cfg:
        problems.append('no config line: the bench module did not run')
        return problems
    if not pick(results, test='done'):
        problems.append('no "done" line: module_init did not finish')
    for p in results:
        if p.get('test') == 'phase' and p['ret'] != 0:
            problems.append('phase %s returned %d' % (p['name'], p['ret']))
    want = [(1, 'abort_latency'), (2, 'fanout'), (4, 'fastpath'),
            (8, 'timing'), (16, 'memory')]
    for bit, test in want:
        if cfg['tests'] & bit and not pick(results, test=test):
            problems.append('no %s results' % test)
    for t in ('off', 'on'):
        if cfg['tests'] & 32 and not pick(results, test='abort_all',
                                           tracing=t):
            problems.append('no abort_all results with tracing %s' % t)
    for m in ('alertable_sleep', 'hrtimer_slack', 'msleep_interruptible'):
        if cfg['tests'] & 128 and not pick(results, test='coalesce',
                                            method=m):
            problems.append('no coalescing result for %s' % m)
    for r in results:
        if r.get('errors') or r.get('unsettled'):
            problems.append('%s %s: %s wrong return codes, %s sleepers '
                            'never seen asleep' % (
                                r['test'], r.get('variant') or r.get('op') or
                                r.get('tracing'),
                                r.get('errors', 0), r.get('unsettled', 0)))
    return problems


def main():
    global JIFFY_NS, SLACK_NS
    ap = argparse.ArgumentParser()
    ap.add_argument('--vm-rc', type=int, default=0)
    ap.add_argument('--host', default='',
                    help='a note on the host, e.g. its load average')
    ap.add_argument('--machine', default='',
                    help='what ran the guest, e.g. "QEMU 7.2 TCG, 2 vCPUs"')
    ap.add_argument('--markdown', help='also write the table, with the '
                    'date and the machine, to this markdown file')
    ap.add_argument('log')
    ap.add_argument('json_out')
    args = ap.parse_args()

    results, meminfo, unload, removes, clocksource, extra = parse(args.log)
    cfg = pick(results, test='config') or {}
    JIFFY_NS = cfg.get('tick_nsec')
    SLACK_NS = cfg.get('timer_slack_ns', SLACK_NS)
    summary = {}
    rows = []
    latency_rows(results, rows)
    fanout_rows(results, rows)
    fastpath_rows(results, rows)
    timing_rows(results, rows)
    memory_rows(results, meminfo, rows, summary)
    abort_all_rows(results, rows, summary)
    unload_rows(unload, removes, rows, summary)
    problems = check_complete(results, args.vm_rc)
    small = []
    for title, t in (
            ('Memory per entry', memory_table(results, summary)),
            ('Coalescing: timer expiries of 64 sleeps of 2 s, counted with '
             'the tracepoints timer:hrtimer_expire_entry and '
             'timer:timer_expire_entry', coalesce_table(results, extra,
                                                        summary)),
            ('abort_all() storm: worst wake-up latency of other tasks '
             '(timerlat: the kernel\'s tracer; cyclictest: rt-tests, '
             'SCHED_FIFO 95 on each CPU)', storm_table(results, extra, cfg,
                                                      summary))):
        if t:
            small.append((title, t))

    done = pick(results, test='done')
    now = datetime.datetime.now(datetime.timezone.utc)
    guest = 'kernel %s, HZ=%s, %s CPUs, clocksource %s' % (
        cfg.get('release'), cfg.get('hz'), cfg.get('cpus'), clocksource)
    print()
    print('alertable_sleep benchmark: guest %s; module_init ran %s' % (
        guest, fmt_ns(done['ms'] * 10**6) if done else '?'))
    if args.machine:
        print('machine: %s' % args.machine)
    if args.host:
        print('host: %s' % args.host)
    print()
    print(table(rows))
    print()
    for title, t in small:
        print(title + ':')
        print()
        print(t)
        print()
    if args.markdown:
        with open(args.markdown, 'w', encoding='utf-8') as f:
            f.write(MARKDOWN_HEAD % {
                'date': now.strftime('%Y-%m-%d %H:%M UTC'),
                'machine': args.machine or '?', 'guest': guest,
                'host': args.host or '?', 'tests': cfg.get('tests'),
                'init': fmt_ns(done['ms'] * 10**6) if done else '?'})
            f.write(table(rows) + '\n')
            for title, t in small:
                f.write('\n%s:\n\n%s\n' % (title, t))
    doc = {
        'date': now.isoformat(),
        'machine': args.machine,
        'clocksource': clocksource,
        'console_log': args.log,
        'host': args.host,
        'config': cfg,
        'results': results,
        'meminfo': meminfo,
        'unload_lines': unload,
        'coalesce_trace': extra['coalesce_trace'],
        'timerlat': extra['timerlat'],
        'cyclictest': extra['cyclictest'],
        'demo_remove_us': removes,
        'derived': summary,
        'table': {'head': ['measurement', 'alertable_sleep', 'baselines',
                           'ratio', 'goal', 'met'], 'rows': rows},
        'complete': not problems,
        'problems': problems,
    }
    with open(args.json_out, 'w', encoding='utf-8') as f:
        json.dump(doc, f, indent=1, ensure_ascii=False)
        f.write('\n')
    for p in problems:
        print('bench: incomplete run: %s' % p)
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
