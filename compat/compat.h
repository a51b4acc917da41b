/* SPDX-License-Identifier: GPL-2.0 */
/*
 * compat.h - the newest kernel's API on older kernels
 *
 * alertable_sleep, its samples and its tests are written against the
 * newest kernel's API. This header, force-included into every object of
 * the out-of-tree build (see the top-level Kbuild), supplies what an older
 * kernel lacks, in the way of the backports project: one block per kernel
 * change, naming the release and the commit that made it. Where a
 * distribution or a stable release could have backported an API, the
 * block tests a COMPAT_HAVE_* probe of compat/Kbuild.include, not a version.
 * An in-tree copy drops this file and needs nothing else removed.
 *
 * Supported: Linux 5.10 and later.
 */
#ifndef _ALERTABLE_SLEEP_COMPAT_H
#define _ALERTABLE_SLEEP_COMPAT_H

#include <linux/version.h>

/*
 * The one version test: the supported range, so that an older kernel
 * fails with one line instead of a page of compiler errors.
 */
#if KERNEL_VERSION(5, 10, 0) > LINUX_VERSION_CODE
#error "alertable_sleep supports Linux 5.10 and later"
#endif

/*
 * Every shim is a macro, and this header includes no kernel header: it
 * comes first in every file, before the file's own "#define pr_fmt", which
 * a kernel header here would pre-empt with the default. A macro is
 * expanded where it is used, after the file's own includes.
 */

/*
 * 5.11, commit 15115830c887 ("preempt: Cleanup the macro maze a bit"):
 * in_hardirq() replaces in_irq().
 */
#ifndef COMPAT_HAVE_IN_HARDIRQ
#define in_hardirq()	in_irq()
#endif

/*
 * 5.17, commit cead18552660 ("exit: Rename complete_and_exit to
 * kthread_complete_and_exit").
 */
#ifndef COMPAT_HAVE_KTHREAD_COMPLETE_AND_EXIT
#define kthread_complete_and_exit(comp, code)	complete_and_exit(comp, code)
#endif

/*
 * 6.2, commit e9a688bcb193 ("random: use rejection sampling for uniform
 * bounded random integers") adds get_random_u32_below(); stable 6.1.4 took
 * it too, hence the probe.
 */
#ifndef COMPAT_HAVE_GET_RANDOM_U32_BELOW
#define get_random_u32_below(ceil)	prandom_u32_max(ceil)
#endif

/*
 * 6.2, commit 9b13df3fb64e ("timers: Rename del_timer_sync() to
 * timer_delete_sync()"); in stable 6.1.84, 5.15.154 and 5.10.215 too.
 */
#ifndef COMPAT_HAVE_TIMER_DELETE_SYNC
#define timer_delete_sync(t)	del_timer_sync(t)
#endif

/*
 * 6.13, commit 908a1d775422 ("hrtimers: Introduce hrtimer_setup() to
 * replace hrtimer_init()"); commit 9779489a31d7 ("hrtimers: Delete
 * hrtimer_init()") later removed the old call, and 7.3 has none.
 */
#ifndef COMPAT_HAVE_HRTIMER_SETUP
#define hrtimer_setup(timer, fn, clock_id, mode)			\
	do {								\
		struct hrtimer *__compat_t = (timer);			\
									\
		hrtimer_init(__compat_t, clock_id, mode);		\
		__compat_t->function = (fn);				\
	} while (0)
#endif

/*
 * 6.13, commit 444cb7db4c9f ("hrtimers: Introduce
 * hrtimer_setup_on_stack()"); 6.13 also deleted hrtimer_init_on_stack()
 * (commit 3c2fb0152175).
 */
#ifndef COMPAT_HAVE_HRTIMER_SETUP_ON_STACK
#define hrtimer_setup_on_stack(timer, fn, clock_id, mode)		\
	do {								\
		struct hrtimer *__compat_t = (timer);			\
									\
		hrtimer_init_on_stack(__compat_t, clock_id, mode);	\
		__compat_t->function = (fn);				\
	} while (0)
#endif

/*
 * 7.0, commit 2932ba8d9c99 ("slab: Introduce kmalloc_obj() and family"):
 * allocation by type, with the size and the overflow check derived from
 * it; queued for 6.18-stable too, hence the probe.
 */
#ifndef COMPAT_HAVE_KZALLOC_OBJ
#define kzalloc_obj(P, gfp)		kzalloc(sizeof(P), gfp)
#define kvzalloc_objs(P, count, gfp)	kvcalloc(count, sizeof(P), gfp)
#endif

/*
 * 6.13, commit c9bd83abfeb9 ("hrtimers: Introduce
 * hrtimer_setup_sleeper_on_stack()"); the same release deleted
 * hrtimer_init_sleeper_on_stack() (commit f3bef7aaa6c8).
 */
#ifndef COMPAT_HAVE_HRTIMER_SETUP_SLEEPER_ON_STACK
#define hrtimer_setup_sleeper_on_stack(sl, clock_id, mode)		\
	hrtimer_init_sleeper_on_stack(sl, clock_id, mode)
#endif

/*
 * 6.1, commit f5d39b020809 ("freezer,sched: Rewrite core freezer logic"):
 * a sleep that the freezer may freeze in place says so with TASK_FREEZABLE
 * in its state. Before, the freezer woke interruptible sleepers instead
 * (a kthread's with wake_up_state(), a user task's with a fake signal), and
 * a freezable sleep froze itself with try_to_freeze() when woken, which is
 * what alertable_sleep's loop does on every kernel.
 */
#ifndef COMPAT_HAVE_TASK_FREEZABLE
#define TASK_FREEZABLE	0
#endif

#endif /* _ALERTABLE_SLEEP_COMPAT_H */
