/* SPDX-License-Identifier: GPL-2.0 */
/*
 * alertable_sleep - interruptible long delays that any context can abort
 *
 * One thread at a time may sleep on a struct alertable_sleep_entry; any
 * context (another thread, a timer, a hard-IRQ handler, a driver's remove
 * path) can abort that sleep at once. An abort is sticky: it ends the
 * current sleep and every later one until the entry is reset.
 *
 * An entry is embedded in the object it serves, as a struct completion is.
 * An instance (alertable_sleep_create()) is an array of entries addressed
 * by event index, which adds what a set of sleepers needs: abort of them
 * all, and a destroy that ends every sleep and waits for the sleepers.
 *
 * The contract and the lifetime rules:
 * Documentation/alertable-sleep.rst
 */
#ifndef _ALERTABLE_SLEEP_H
#define _ALERTABLE_SLEEP_H

#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/ktime.h>
#include <linux/limits.h>

struct device;
struct alertable_sleep;

/**
 * struct alertable_sleep_entry - an alertable delay for one sleeper at a time
 * @state: the sleeper's task_struct pointer, or 0, and the state bits;
 *	changed only by the functions below
 *
 * Embed it in the object whose thread sleeps and set it up with
 * alertable_sleep_entry_init(), or define it with
 * DEFINE_ALERTABLE_SLEEP_ENTRY(). One word: 8 bytes on 64-bit, 4 on 32-bit.
 *
 * Lifetime, as for a struct completion: every call touches the entry in
 * one atomic read-modify-write of @state and never after it, so an abort
 * that a sleep returned -ECANCELED for is done with the entry, even if it
 * has not returned yet: its wake-up uses the task, not the entry. The
 * entry may be freed, or the stack frame that holds it left, once no sleep
 * is in progress on it and no abort or reset can start on it any more.
 */
struct alertable_sleep_entry {
	atomic_long_t state;
};

/**
 * ALERTABLE_SLEEP_ENTRY_INIT - static initializer of an entry
 *
 * The state alertable_sleep_entry_init() sets, for an entry embedded in an
 * object that is initialized statically or on the stack. An entry holds no
 * pointer to itself and has no lockdep map, so the initializer needs no
 * name and, unlike DECLARE_COMPLETION(), has no _ONSTACK form.
 */
#define ALERTABLE_SLEEP_ENTRY_INIT	{ .state = ATOMIC_LONG_INIT(0) }

/**
 * DEFINE_ALERTABLE_SLEEP_ENTRY() - define an entry ready to use
 * @name: its name
 *
 * An entry that needs no alertable_sleep_entry_init(): an abort may come
 * before the code that sleeps on it has run once.
 */
#define DEFINE_ALERTABLE_SLEEP_ENTRY(name)				\
	struct alertable_sleep_entry name = ALERTABLE_SLEEP_ENTRY_INIT

/**
 * alertable_sleep_entry_init() - set up an entry: idle, not aborted
 * @e: the entry
 *
 * Context: Any context; no sleeper or aborter may use @e meanwhile.
 */
static inline void alertable_sleep_entry_init(struct alertable_sleep_entry *e)
{
	atomic_long_set(&e->state, 0);
}

int alertable_sleep_entry_sleep(struct alertable_sleep_entry *e,
				unsigned int msecs);
int alertable_sleep_entry_sleep_until(struct alertable_sleep_entry *e,
				      ktime_t deadline, unsigned int flags);
void alertable_sleep_entry_abort(struct alertable_sleep_entry *e);
int alertable_sleep_entry_reset(struct alertable_sleep_entry *e);

/* Largest event_count an instance accepts. */
#define ALERTABLE_SLEEP_MAX_EVENTS	65536U

/* Pass as @msecs to sleep until aborted, signalled or destroyed. */
#define ALERTABLE_SLEEP_INFINITE	UINT_MAX

/* Flags of alertable_sleep_sleep_until(). */
/* The freezer may freeze the thread while it sleeps (system suspend). */
#define ALERTABLE_SLEEP_FREEZABLE	BIT(0)
/* Only a fatal signal ends the sleep; not SIGSTOP, not kthread_stop(). */
#define ALERTABLE_SLEEP_KILLABLE	BIT(1)
/*
 * TASK_IDLE: no signal ends the sleep and it does not count in the load
 * average; kthread_stop() and kthread_park() still end it.
 */
#define ALERTABLE_SLEEP_IDLE		BIT(2)

struct alertable_sleep *alertable_sleep_create(unsigned int event_count);
struct alertable_sleep *devm_alertable_sleep_create(struct device *dev,
						    unsigned int event_count);
void alertable_sleep_destroy(struct alertable_sleep *as);

/* OUT-OF-TREE ONLY: the module-wide instance of the module build. */
struct alertable_sleep *alertable_sleep_default(void);
/* END OUT-OF-TREE ONLY */
unsigned int alertable_sleep_event_count(const struct alertable_sleep *as);

int alertable_sleep_sleep(struct alertable_sleep *as, unsigned int index,
			  unsigned int msecs);
int alertable_sleep_sleep_until(struct alertable_sleep *as, unsigned int index,
				ktime_t deadline, unsigned int flags);
int alertable_sleep_sleep_freezable(struct alertable_sleep *as,
				    unsigned int index, unsigned int msecs);
int alertable_sleep_abort(struct alertable_sleep *as, unsigned int index);
int alertable_sleep_abort_all(struct alertable_sleep *as);
int alertable_sleep_reset_for_reuse(struct alertable_sleep *as,
				    unsigned int index);

#endif /* _ALERTABLE_SLEEP_H */
