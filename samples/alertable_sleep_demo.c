// SPDX-License-Identifier: GPL-2.0
/*
 * alertable_sleep_demo - a sample driver that sleeps with alertable_sleep
 *
 * The module creates a platform device and binds its driver to it with
 * platform_create_bundle() (a real driver would be matched to its hardware
 * by a bus instead), so that insmod fails when probe() does. probe() starts
 * @workers pollers; each one does a round of work (here, a log line) and
 * then sleeps for @period_ms on its own event index. A poller is a
 * freezable kernel thread, or with use_work=1 a work item: the two shapes
 * a polling driver takes.
 *
 * Writing 1 to the device's poll_now attribute stands for the device asking
 * to be looked at now: it fires an hrtimer, standing in for the device's
 * interrupt, whose handler aborts the sleep of every poller. Each poller
 * re-arms its index with alertable_sleep_reset_for_reuse(), does a round at
 * once and sleeps for a whole period again. The attribute rounds counts the
 * rounds done so far.
 *
 * The kernel threads call set_freezable() and sleep in
 * alertable_sleep_sleep_freezable(), so that system suspend can freeze them
 * where they sleep.
 *
 * The driver has no remove(): devm actions undo probe() in reverse order.
 * On unbind (rmmod), the interrupt is quiesced; then kthread_stop() ends
 * each thread's sleep at once and reaps it, or an abort ends each work
 * item's sleep and cancel_work_sync() waits for it to return; and then the
 * instance is destroyed.
 *
 * For comparison, use_msleep=1 makes the pollers sleep with
 * msleep_interruptible() instead, and use_msleep=1 uninterruptible=1 with
 * msleep(). The best their "interrupt" can do is wake_up_process(), after
 * which both go back to sleep for the rest of the period; the freezer
 * cannot freeze them before their sleep ends; a work item gets no signal
 * and cannot be aborted, so cancel_work_sync() waits out its sleep.
 * kthread_stop() ends msleep_interruptible() only on kernels where it sets
 * TIF_NOTIFY_SIGNAL (6.1 and later), and never ends msleep().
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/err.h>
#include <linux/freezer.h>
#include <linux/hrtimer.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/overflow.h>
#include <linux/platform_device.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include <linux/workqueue.h>

#include "alertable_sleep.h"

#define DEMO_NAME		"alertable_sleep_demo"
#define DEMO_MAX_WORKERS	64U

static unsigned int workers = 4;
module_param(workers, uint, 0444);
MODULE_PARM_DESC(workers, "Pollers (1..64, default 4)");

static unsigned int period_ms = 10000;
module_param(period_ms, uint, 0444);
MODULE_PARM_DESC(period_ms,
		 "Sleep between two rounds of work in ms (at least 1, default 10000)");

static bool use_work;
module_param(use_work, bool, 0444);
MODULE_PARM_DESC(use_work,
		 "Poll in work items instead of freezable kernel threads");

static bool use_msleep;
module_param(use_msleep, bool, 0444);
MODULE_PARM_DESC(use_msleep,
		 "Sleep with msleep_interruptible() instead, for comparison");

static bool uninterruptible;
module_param(uninterruptible, bool, 0444);
MODULE_PARM_DESC(uninterruptible,
		 "With use_msleep, sleep with msleep(), which nothing ends early");

struct demo;

struct demo_worker {
	struct demo *demo;
	struct task_struct *task;	/* a kernel thread, or */
	struct work_struct work;	/* a work item (use_work) */
	unsigned int index;	/* the event index this poller sleeps on */
	unsigned long rounds;	/* written by the poller only */
};

struct demo {
	struct device *dev;
	struct alertable_sleep *as;
	struct hrtimer irq;	/* stands in for the device's interrupt */
	atomic64_t irq_at;	/* ktime_get() when it last fired */
	unsigned int nr_workers;	/* started so far */
	bool stopping;		/* no poller starts another round */
	struct demo_worker worker[];
};

/*
 * A kthread must not return before kthread_stop() is called on it: its task
 * could be freed under kthread_stop(). A worker that cannot go on waits here
 * to be reaped.
 */
static void demo_wait_for_stop(void)
{
	set_current_state(TASK_INTERRUPTIBLE);
	while (!kthread_should_stop()) {
		schedule();
		set_current_state(TASK_INTERRUPTIBLE);
	}
	__set_current_state(TASK_RUNNING);
}

/* A real driver would poll or service its hardware here. */
static void demo_round(struct demo_worker *w, bool polled)
{
	struct demo *demo = w->demo;

	WRITE_ONCE(w->rounds, w->rounds + 1);
	if (polled)
		dev_info(demo->dev,
			 "worker %u: round %lu, %lld us after the poll-now interrupt\n",
			 w->index, w->rounds,
			 ktime_us_delta(ktime_get(),
					atomic64_read(&demo->irq_at)));
	else
		dev_info(demo->dev, "worker %u: round %lu, next in %u ms\n",
			 w->index, w->rounds, period_ms);
}

/*
 * The comparison: msleep*() return nothing worth looking at, and no
 * interrupt, abort or freezer can end them early.
 */
static void demo_msleep(void)
{
	if (uninterruptible)
		msleep(period_ms);
	else
		msleep_interruptible(period_ms);
}

/*
 * What a poller does with the result of its sleep. 0: the period elapsed.
 * -ECANCELED: the interrupt asked for a round now, or unbind for the end
 * (@stopping is set before that abort). -ERESTARTSYS: kthread_stop(), which
 * the thread's loop condition sees. Anything else is a bug of ours.
 *
 * Return: true to go on, false to stop polling.
 */
static bool demo_slept(struct demo_worker *w, int ret, bool *polled)
{
	struct demo *demo = w->demo;

	*polled = false;
	if (ret == -ECANCELED) {
		if (READ_ONCE(demo->stopping))
			return false;
		/*
		 * Re-arm before the round, not after: an interrupt that comes
		 * during the round then aborts the next sleep and is served at
		 * once, instead of being cleared.
		 */
		alertable_sleep_reset_for_reuse(demo->as, w->index);
		*polled = true;
	} else if (ret && ret != -ERESTARTSYS) {
		dev_err(demo->dev, "worker %u: cannot sleep on index %u: %pe\n",
			w->index, w->index, ERR_PTR(ret));
		return false;
	}
	return true;
}

/*
 * A polling thread. set_freezable() lets system suspend freeze it, which
 * the freezer can do only where the thread sleeps in a freezable sleep or
 * calls try_to_freeze(). alertable_sleep_sleep_freezable() is frozen in
 * place; the thread in msleep*() freezes only once its sleep has ended,
 * which may be too late: the freezer gives up after pm_freeze_timeout and
 * fails the suspend.
 */
static int demo_thread_fn(void *data)
{
	struct demo_worker *w = data;
	struct demo *demo = w->demo;
	bool polled = false;
	int ret;

	set_freezable();
	while (!kthread_should_stop()) {
		demo_round(w, polled);

		if (use_msleep) {
			demo_msleep();
			try_to_freeze();
			if (READ_ONCE(demo->stopping))
				break;
			continue;
		}

		ret = alertable_sleep_sleep_freezable(demo->as, w->index,
						      period_ms);
		if (!demo_slept(w, ret, &polled))
			break;
	}

	demo_wait_for_stop();
	dev_info(demo->dev, "worker %u: stopped after %lu rounds\n",
		 w->index, w->rounds);
	return 0;
}

/*
 * A polling work item: a round, a sleep, and again until unbind. It holds
 * its kworker for good, so it runs on system_long_wq. A kworker gets no
 * signal and no kthread_stop(): only an abort ends its sleep early.
 */
static void demo_work_fn(struct work_struct *work)
{
	struct demo_worker *w = container_of(work, struct demo_worker, work);
	struct demo *demo = w->demo;
	bool polled = false;
	int ret;

	while (!READ_ONCE(demo->stopping)) {
		demo_round(w, polled);

		if (use_msleep) {
			demo_msleep();
			continue;
		}

		ret = alertable_sleep_sleep(demo->as, w->index, period_ms);
		if (!demo_slept(w, ret, &polled))
			break;
	}
	dev_info(demo->dev, "worker %u: work done after %lu rounds\n",
		 w->index, w->rounds);
}

/*
 * The interrupt handler: ask every poller for a round now. alertable_sleep
 * aborts from any context but NMI, so the hrtimer runs in hard-IRQ context
 * even on PREEMPT_RT (HRTIMER_MODE_REL_HARD), as a device's interrupt
 * handler that is not threaded does. msleep*() can only be woken, and a
 * work item not even that.
 */
static enum hrtimer_restart demo_irq(struct hrtimer *timer)
{
	struct demo *demo = container_of(timer, struct demo, irq);
	unsigned int i;

	atomic64_set(&demo->irq_at, ktime_get());
	for (i = 0; i < demo->nr_workers; i++) {
		struct demo_worker *w = &demo->worker[i];

		if (!use_msleep)
			alertable_sleep_abort(demo->as, w->index);
		else if (w->task)	/* the comparison: msleep*() sleep on */
			wake_up_process(w->task);
	}
	return HRTIMER_NORESTART;
}

static ssize_t poll_now_store(struct device *dev, struct device_attribute *attr,
			      const char *buf, size_t count)
{
	struct demo *demo = dev_get_drvdata(dev);
	bool poll;
	int ret;

	ret = kstrtobool(buf, &poll);
	if (ret)
		return ret;
	if (poll)
		hrtimer_start(&demo->irq, 0, HRTIMER_MODE_REL_HARD);
	return count;
}
static DEVICE_ATTR_WO(poll_now);

static ssize_t rounds_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	struct demo *demo = dev_get_drvdata(dev);
	unsigned long rounds = 0;
	unsigned int i;

	for (i = 0; i < demo->nr_workers; i++)
		rounds += READ_ONCE(demo->worker[i].rounds);
	return sysfs_emit(buf, "%lu\n", rounds);
}
static DEVICE_ATTR_RO(rounds);

static struct attribute *demo_attrs[] = {
	&dev_attr_poll_now.attr,
	&dev_attr_rounds.attr,
	NULL
};
ATTRIBUTE_GROUPS(demo);

/*
 * devm action: stop every thread started so far. kthread_stop() ends a
 * thread's alertable_sleep sleep at once, on every kernel. @stopping is for
 * the msleep variants, which nothing wakes: it keeps the threads still
 * asleep from starting another round while kthread_stop() waits for the
 * first ones.
 */
static void demo_stop_threads(void *data)
{
	struct demo *demo = data;
	ktime_t start = ktime_get();
	unsigned int i;

	WRITE_ONCE(demo->stopping, true);
	for (i = 0; i < demo->nr_workers; i++)
		kthread_stop(demo->worker[i].task);
	dev_info(demo->dev, "unbind: %u workers stopped in %lld us\n",
		 demo->nr_workers, ktime_us_delta(ktime_get(), start));
}

/*
 * devm action: cancel every work item queued so far. cancel_work_sync()
 * waits for a running work item to return, and nothing but an abort ends
 * its sleep early: abort them all first (after setting @stopping, which
 * tells a poller that this abort is the end, not a poll), then wait.
 */
static void demo_cancel_works(void *data)
{
	struct demo *demo = data;
	ktime_t start = ktime_get();
	unsigned int i;

	WRITE_ONCE(demo->stopping, true);
	if (!use_msleep) {
		for (i = 0; i < demo->nr_workers; i++)
			alertable_sleep_abort(demo->as, demo->worker[i].index);
	}
	for (i = 0; i < demo->nr_workers; i++)
		cancel_work_sync(&demo->worker[i].work);
	dev_info(demo->dev, "unbind: %u work items cancelled in %lld us\n",
		 demo->nr_workers, ktime_us_delta(ktime_get(), start));
}

/* devm action: quiesce the interrupt; waits for a handler that runs. */
static void demo_irq_off(void *data)
{
	struct demo *demo = data;

	hrtimer_cancel(&demo->irq);
}

/* Start poller @i: a kernel thread, or a work item on system_long_wq. */
static int demo_start_worker(struct demo *demo, unsigned int i)
{
	struct demo_worker *w = &demo->worker[i];

	w->demo = demo;
	w->index = i;
	if (use_work) {
		INIT_WORK(&w->work, demo_work_fn);
		queue_work(system_long_wq, &w->work);
		return 0;
	}
	w->task = kthread_run(demo_thread_fn, w, "as_demo/%u", i);
	return PTR_ERR_OR_ZERO(w->task);
}

/* OUT-OF-TREE ONLY: the module-wide instance of the module build. */
static bool use_default;
module_param(use_default, bool, 0444);
MODULE_PARM_DESC(use_default,
		 "Sleep on indices 0..workers-1 of alertable_sleep's module-wide instance instead of an own one");

/* Check the size of the module-wide instance and clear old aborts. */
static int demo_use_default(struct demo *demo)
{
	struct device *dev = demo->dev;
	unsigned int i;
	int ret;

	demo->as = alertable_sleep_default();
	if (alertable_sleep_event_count(demo->as) < workers)
		return dev_err_probe(dev, -EINVAL,
				     "the default instance has %u indices, %u workers need more\n",
				     alertable_sleep_event_count(demo->as),
				     workers);
	/*
	 * An abort is sticky: the last user of these indices may have left
	 * them aborted. -EBUSY means another thread is sleeping on one right
	 * now.
	 */
	for (i = 0; i < workers; i++) {
		ret = alertable_sleep_reset_for_reuse(demo->as, i);
		if (ret)
			return dev_err_probe(dev, ret,
					     "index %u of the default instance is in use\n",
					     i);
	}
	return 0;
}

/* END OUT-OF-TREE ONLY */
/* The instance the pollers sleep on: their own, which devres destroys. */
static int demo_instance(struct demo *demo)
{
	/* OUT-OF-TREE ONLY */
	if (use_default)
		return demo_use_default(demo);
	/* END OUT-OF-TREE ONLY */
	demo->as = devm_alertable_sleep_create(demo->dev, workers);
	return IS_ERR(demo->as) ?
	       dev_err_probe(demo->dev, PTR_ERR(demo->as),
			     "cannot create an instance\n") : 0;
}

/*
 * The order of the steps is the order of teardown, reversed: devres runs
 * its actions last in, first out, after the driver core has removed the
 * poll_now attribute (which waits for a write in progress). On unbind, and
 * when probe() fails part way:
 *
 * 1. demo_irq_off(), registered last, quiesces the interrupt, whose
 *    handler uses both the instance and the pollers;
 * 2. demo_stop_threads() or demo_cancel_works(), registered after the
 *    instance was created, ends every poller. It is registered before the
 *    first poller starts and ends those started so far, so a failed start
 *    needs no unwinding;
 * 3. devres destroys the instance, registered first, when nothing can
 *    sleep on it or abort it any more. Destroying it while a poller runs
 *    would be a use-after-free: a poller between two sleeps owns nothing,
 *    so destroy would free the instance under its next call.
 */
static int demo_setup(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct demo *demo;
	unsigned int i;
	int ret;

	demo = devm_kzalloc(dev, struct_size(demo, worker, workers), GFP_KERNEL);
	if (!demo)
		return -ENOMEM;
	demo->dev = dev;
	hrtimer_setup(&demo->irq, demo_irq, CLOCK_MONOTONIC,
		      HRTIMER_MODE_REL_HARD);
	platform_set_drvdata(pdev, demo);

	ret = demo_instance(demo);
	if (ret)
		return ret;

	ret = devm_add_action_or_reset(dev, use_work ? demo_cancel_works :
				       demo_stop_threads, demo);
	if (ret)
		return ret;
	for (i = 0; i < workers; i++) {
		ret = demo_start_worker(demo, i);
		if (ret)
			return dev_err_probe(dev, ret,
					     "cannot start worker %u\n", i);
		demo->nr_workers++;
	}

	ret = devm_add_action_or_reset(dev, demo_irq_off, demo);
	if (ret)
		return ret;

	dev_info(dev, "%u %s started, sleeping %u ms with %s\n", workers,
		 use_work ? "work items" : "freezable threads", period_ms,
		 !use_msleep ? "alertable_sleep" :
		 uninterruptible ? "msleep()" : "msleep_interruptible()");
	return 0;
}

/* platform_create_bundle() turns a failed probe into -ENODEV: keep ours. */
static int demo_probe_error;

static int demo_probe(struct platform_device *pdev)
{
	demo_probe_error = demo_setup(pdev);
	return demo_probe_error;
}

/* No .probe: platform_create_bundle() binds it once. No .remove: devm. */
static struct platform_driver demo_driver = {
	.driver = {
		.name = DEMO_NAME,
		.dev_groups = demo_groups,
	},
};

static struct platform_device *demo_pdev;

static int __init demo_init(void)
{
	/* Checked before there is a device to probe. */
	if (!workers || workers > DEMO_MAX_WORKERS || !period_ms) {
		pr_err("workers must be 1..%u and period_ms at least 1\n",
		       DEMO_MAX_WORKERS);
		return -EINVAL;
	}

	/* Stands in for the device a bus would find; probe() runs now. */
	demo_pdev = platform_create_bundle(&demo_driver, demo_probe, NULL, 0,
					   NULL, 0);
	if (IS_ERR(demo_pdev))
		return demo_probe_error ?: PTR_ERR(demo_pdev);
	return 0;
}
module_init(demo_init);

static void __exit demo_exit(void)
{
	/* Unbinding runs the devm actions and frees what probe() got. */
	platform_device_unregister(demo_pdev);
	platform_driver_unregister(&demo_driver);
}
module_exit(demo_exit);

MODULE_DESCRIPTION("Sample driver whose pollers sleep with alertable_sleep");
MODULE_AUTHOR("The alertable_sleep developers");
MODULE_LICENSE("GPL");
