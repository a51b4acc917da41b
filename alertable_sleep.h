/* SPDX-License-Identifier: GPL-2.0 */
/*
 * alertable_sleep - interruptible long delays that any context can abort
 *
 * An instance owns a fixed number of event indices. One thread at a time may
 * sleep on an index; any context (another thread, a timer, a hard-IRQ
 * handler, a driver's remove path) can abort that sleep at once. An abort is
 * sticky: it ends the current sleep and every later one on that index until
 * alertable_sleep_reset_for_reuse() is called.
 *
 * See Documentation/alertable-sleep.rst for the contract and lifetime rules.
 */
#ifndef _ALERTABLE_SLEEP_H
#define _ALERTABLE_SLEEP_H

#include <linux/bits.h>
#include <linux/ktime.h>
#include <linux/limits.h>

struct device;
struct alertable_sleep;

/* Largest event_count an instance (or the eventcount parameter) accepts. */
#define ALERTABLE_SLEEP_MAX_EVENTS	65536U

/* Pass as @msecs to sleep until aborted, signalled or destroyed. */
#define ALERTABLE_SLEEP_INFINITE	UINT_MAX

/* Flags of alertable_sleep_sleep_until(). */
/* The freezer may freeze the thread while it sleeps (system suspend). */
#define ALERTABLE_SLEEP_FREEZABLE	BIT(0)
/* Only a fatal signal ends the sleep; not SIGSTOP, not kthread_stop(). */
#define ALERTABLE_SLEEP_KILLABLE	BIT(1)

struct alertable_sleep *alertable_sleep_create(unsigned int event_count);
struct alertable_sleep *devm_alertable_sleep_create(struct device *dev,
						    unsigned int event_count);
void alertable_sleep_destroy(struct alertable_sleep *as);

struct alertable_sleep *alertable_sleep_default(void);
unsigned int alertable_sleep_event_count(const struct alertable_sleep *as);

int alertable_sleep_sleep(struct alertable_sleep *as, unsigned int index,
			  unsigned int msecs);
int alertable_sleep_sleep_until(struct alertable_sleep *as, unsigned int index,
				ktime_t deadline, unsigned int flags);
int alertable_sleep_sleep_freezable(struct alertable_sleep *as,
				    unsigned int index, unsigned int msecs);
int alertable_sleep_abort(struct alertable_sleep *as, unsigned int index);
void alertable_sleep_abort_all(struct alertable_sleep *as);
int alertable_sleep_reset_for_reuse(struct alertable_sleep *as,
				    unsigned int index);

#endif /* _ALERTABLE_SLEEP_H */
