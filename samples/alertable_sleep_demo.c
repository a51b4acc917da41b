// SPDX-License-Identifier: GPL-2.0
/*
 * alertable_sleep_demo - a sample driver that sleeps with alertable_sleep
 *
 * The module creates a platform device and binds its driver to it with
 * platform_create_bundle() (a real driver would be matched to its hardware
 * by a bus instead), so that insmod fails when probe() does. probe() starts
 * @workers kernel threads; each one does a round of work (here, a log line)
 * and then sleeps for @period_ms on its own event index.
 *
 * Writing 1 to the device's poll_now attribute stands for the device asking
 * to be looked at now: it fires an hrtimer, standing in for the device's
 * interrupt, whose handler aborts the sleep of every worker. Each worker
 * re-arms its index with alertable_sleep_reset_for_reuse(), does a round at
 * once and sleeps for a whole period again. The attribute rounds counts the
 * rounds done so far.
 *
 * The driver has no remove(): devm actions undo probe() in reverse order.
 * On unbind (rmmod), the interrupt is quiesced, kthread_stop() ends each
 * worker's sleep at once and reaps it, and then the instance is destroyed.
 *
 * For comparison, use_msleep=1 makes the workers sleep with
 * msleep_interruptible() instead, and use_msleep=1 uninterruptible=1 with
 * msleep(). The best their "interrupt" can do is wake_up_process(), after
 * which both go back to sleep for the rest of the period. kthread_stop()
 * ends msleep_interruptible() only on kernels where it sets
 * TIF_NOTIFY_SIGNAL, and never ends msleep().
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/err.h>
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

#include "alertable_sleep.h"

#define DEMO_NAME		"alertable_sleep_demo"
#define DEMO_MAX_WORKERS	64U

static unsigned int workers = 4;
module_param(workers, uint, 0444);
MODULE_PARM_DESC(workers, "Worker threads (1..64, default 4)");

static unsigned int period_ms = 10000;
module_param(period_ms, uint, 0444);
MODULE_PARM_DESC(period_ms,
		 "Sleep between two rounds of work in ms (at least 1, default 10000)");

static bool use_default;
module_param(use_default, bool, 0444);
MODULE_PARM_DESC(use_default,
		 "Sleep on indices 0..workers-1 of alertable_sleep's module-wide instance instead of an own one");

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
	struct task_struct *task;
	unsigned int index;	/* the event index this worker sleeps on */
	unsigned long rounds;	/* written by the worker only */
};

struct demo {
	struct device *dev;
	struct alertable_sleep *as;
	struct hrtimer irq;	/* stands in for the device's interrupt */
	atomic64_t irq_at;	/* ktime_get() when it last fired */
	unsigned int nr_workers;	/* started so far */
	bool stopping;		/* no worker starts another round */
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

static int demo_worker_fn(void *data)
{
	struct demo_worker *w = data;
	struct demo *demo = w->demo;
	bool polled = false;
	int ret;

	while (!kthread_should_stop()) {
		demo_round(w, polled);

		if (use_msleep) {
			if (uninterruptible)
				msleep(period_ms);
			else
				msleep_interruptible(period_ms);
			if (READ_ONCE(demo->stopping))
				break;
			continue;
		}

		/*
		 * 0: the period elapsed. -ECANCELED: the interrupt asked for a
		 * round now. -ERESTARTSYS: kthread_stop(), which the loop
		 * condition sees. Anything else is a bug of ours.
		 */
		ret = alertable_sleep_sleep(demo->as, w->index, period_ms);
		polled = ret == -ECANCELED;
		if (polled) {
			/*
			 * Re-arm before the round, not after: an interrupt that
			 * comes during the round then aborts the next sleep
			 * and is served at once, instead of being cleared.
			 */
			alertable_sleep_reset_for_reuse(demo->as, w->index);
		} else if (ret && ret != -ERESTARTSYS) {
			dev_err(demo->dev, "worker %u: cannot sleep on index %u: %pe\n",
				w->index, w->index, ERR_PTR(ret));
			break;
		}
	}

	demo_wait_for_stop();
	dev_info(demo->dev, "worker %u: stopped after %lu rounds\n",
		 w->index, w->rounds);
	return 0;
}

/*
 * The interrupt handler: ask every worker for a round now. alertable_sleep
 * aborts from any context. HRTIMER_MODE_REL runs it in hard-IRQ context,
 * or on PREEMPT_RT in the timer softirq, like a threaded handler; not
 * HRTIMER_MODE_REL_HARD, which stays in hard IRQ on PREEMPT_RT, where an
 * abort must not run (its wake-up takes a sleeping spinlock_t there).
 */
static enum hrtimer_restart demo_irq(struct hrtimer *timer)
{
	struct demo *demo = container_of(timer, struct demo, irq);
	unsigned int i;

	atomic64_set(&demo->irq_at, ktime_get());
	for (i = 0; i < demo->nr_workers; i++) {
		if (use_msleep)	/* the comparison: msleep*() sleep on */
			wake_up_process(demo->worker[i].task);
		else
			alertable_sleep_abort(demo->as, demo->worker[i].index);
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
		hrtimer_start(&demo->irq, 0, HRTIMER_MODE_REL);
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
 * devm action: stop every worker started so far. kthread_stop() ends a
 * worker's alertable_sleep_sleep() at once, on every kernel. @stopping is
 * for the msleep variants, which nothing wakes: it keeps the workers still
 * asleep from starting another round while kthread_stop() waits for the
 * first ones.
 */
static void demo_stop_workers(void *data)
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

/* devm action: quiesce the interrupt; waits for a handler that runs. */
static void demo_irq_off(void *data)
{
	struct demo *demo = data;

	hrtimer_cancel(&demo->irq);
}

/*
 * The order of the steps is the order of teardown, reversed: devres runs
 * its actions last in, first out, after the driver core has removed the
 * poll_now attribute (which waits for a write in progress). On unbind, and
 * when probe() fails part way:
 *
 * 1. demo_irq_off(), registered last, quiesces the interrupt, whose
 *    handler uses both the instance and the workers' tasks;
 * 2. demo_stop_workers(), registered after the instance was created, stops
 *    every worker. It is registered before the first worker starts and
 *    stops those started so far, so a failed start needs no unwinding;
 * 3. devres destroys the instance, registered first, when nothing can
 *    sleep on it or abort it any more. Destroying it while a worker runs
 *    would be a use-after-free: a worker between two sleeps owns nothing,
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
	hrtimer_setup(&demo->irq, demo_irq, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	platform_set_drvdata(pdev, demo);

	if (use_default) {
		demo->as = alertable_sleep_default();
		if (alertable_sleep_event_count(demo->as) < workers)
			return dev_err_probe(dev, -EINVAL,
					     "the default instance has %u indices, %u workers need more\n",
					     alertable_sleep_event_count(demo->as),
					     workers);
		/*
		 * An abort is sticky: the last user of these indices may have
		 * left them aborted. -EBUSY means another thread is sleeping
		 * on one right now.
		 */
		for (i = 0; i < workers; i++) {
			ret = alertable_sleep_reset_for_reuse(demo->as, i);
			if (ret)
				return dev_err_probe(dev, ret,
						     "index %u of the default instance is in use\n",
						     i);
		}
	} else {
		demo->as = devm_alertable_sleep_create(dev, workers);
		if (IS_ERR(demo->as))
			return dev_err_probe(dev, PTR_ERR(demo->as),
					     "cannot create an instance\n");
	}

	ret = devm_add_action_or_reset(dev, demo_stop_workers, demo);
	if (ret)
		return ret;
	for (i = 0; i < workers; i++) {
		struct demo_worker *w = &demo->worker[i];

		w->demo = demo;
		w->index = i;
		w->task = kthread_run(demo_worker_fn, w, "as_demo/%u", i);
		if (IS_ERR(w->task))
			return dev_err_probe(dev, PTR_ERR(w->task),
					     "cannot start worker %u\n", i);
		demo->nr_workers++;
	}

	ret = devm_add_action_or_reset(dev, demo_irq_off, demo);
	if (ret)
		return ret;

	dev_info(dev, "%u workers started, sleeping %u ms with %s\n", workers,
		 period_ms, !use_msleep ? "alertable_sleep" :
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

MODULE_DESCRIPTION("Sample driver whose worker threads sleep with alertable_sleep");
MODULE_AUTHOR("The alertable_sleep developers");
MODULE_LICENSE("GPL");
