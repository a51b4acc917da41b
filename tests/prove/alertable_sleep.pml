/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The state machine of one alertable_sleep entry (alertable_sleep.c), in
 * Promela for spin. Every process is one caller of the core; each
 * d_step is one atomic RMW of the entry's word, or an access that the
 * litmus tests (tests/prove/litmus/) prove ordered well enough for spin's
 * interleavings: the model runs sequentially consistent, and the litmus
 * tests show the kernel's memory model gives the same outcomes.
 *
 * Two configurations (scripts/prove.sh runs both):
 *
 * instance (default): one index of an instance. Two sleepers that each
 *   sleep once (a timed sleep, whose hrtimer fires whenever it likes, or an
 *   infinite one), an aborter, a resetter, and destroy: ->closing, a grace
 *   period (a model of RCU readers), CLOSING on the entry, wait_var_event()
 *   until the owner is gone, then the free.
 * -DEMBEDDED: an entry embedded in its sleeper's object, as the
 *   alertable_sleep_entry_*() calls use it. The sleeper sleeps until it
 *   gets -ECANCELED, then frees the object and exits; its task_struct is
 *   freed a grace period later (put_task_struct_rcu_user()). One abort
 *   races with it.
 *
 * What is checked:
 * - one owner (assert);
 * - a sleep returns 0 only if its timer fired and no abort or close
 *   landed while it owned the entry; -ECANCELED only after an abort;
 *   -ESHUTDOWN only after destroy began (assert);
 * - no access to freed memory: every access to the entry or instance,
 *   and the wake-up's access to a task, asserts it is not freed;
 * - no deadlock: every process ends (spin's invalid end states), destroy
 *   included, which waits for the owners;
 * - LTL signal_ends_sleep: an abort or close that lands while a sleeper
 *   owns the entry ends that sleep.
 *
 * Mutants (spin -D...), each of which must be caught, in the
 * configuration named:
 *   NONATOMIC_CLAIM  instance: the claim reads the word, then writes it
 *   NO_OWNER_GUARD   instance: the reset clears ABORTED even with an owner
 *   NO_GP            instance: destroy without synchronize_rcu()
 *   NO_WAKE          instance: the abort sets the bit but wakes nobody
 *   READ_AFTER_RMW   embedded: the design before 55516c5, whose wake-up
 *                    read the entry (rcuwait_wake_up(&e->wait)) after the
 *                    RMW
 *   NO_RCU_TASK      embedded: entry_signal() without rcu_read_lock()
 */

#define RUNNING		0
#define INTERRUPTIBLE	1

/* Results of a sleep; 0 is "not returned yet". */
#define R_OK		1	/* 0: the whole delay ran out */
#define R_ECANCELED	2
#define R_EBUSY		3
#define R_ESHUTDOWN	4

/* Process ids, for the RCU reader bits. */
#define P_S1	1
#define P_S2	2
#define P_ABORT	3
#define P_RESET	4
#define P_DESTROY 5
#define P_REAPER 6

/* The entry's word: owner (0, or sleeper 1 or 2), ABORTED, CLOSING. */
byte owner;
bool ab;
bool cl;

bool freed;		/* the entry (and its instance) were freed */
bool as_closing;	/* the instance's ->closing */
bit tstate[3];		/* each sleeper's task state */
bool task_freed[3];	/* each sleeper's task_struct */

/* RCU: the readers inside a read-side section, one bit per process, and
 * those the grace period in progress waits for. */
byte rcu_in;
byte gp_wait;

/* Ghost state for the assertions and the LTL formula. */
byte nowners;		/* sleepers that own the entry */
bool inside[3];		/* sleeper i owns the entry */
bool landed[3];		/* a signal landed while sleeper i owned it */
bool aborted_ever;	/* an abort's RMW happened */
byte nchecked;		/* calls past their ->closing check */
bool dwoken;		/* destroy's wait_var_event() was woken */
bool exited;		/* EMBEDDED: the sleeper's task exited */

#define ACCESS		assert(!freed)
#define NCALLS		4	/* two sleeps, an abort, a reset */

inline rcu_read_lock(id)
{
	rcu_in = rcu_in | (1 << id)
}

inline rcu_read_unlock(id)
{
	d_step {
		rcu_in = rcu_in & ~(1 << id);
		gp_wait = gp_wait & ~(1 << id)
	}
}

/* Waits for every reader that was inside when it began. */
inline synchronize_rcu()
{
	gp_wait = rcu_in;
	(gp_wait == 0)
}

/* try_to_wake_up() under p->pi_lock: wake a task that sleeps. */
inline wake_up_process(t)
{
	d_step {
		assert(!task_freed[t]);
		if
		:: tstate[t] == INTERRUPTIBLE -> tstate[t] = RUNNING
		:: else
		fi
	}
}

/*
 * entry_signal(): rcu_read_lock(); old = fetch_or(bit); wake the owner if
 * it had one and no bit was set; rcu_read_unlock(). @nested: the caller
 * is already in a read-side section (alertable_sleep_abort()).
 */
inline entry_signal(id, abort, nested, o, b)
{
#ifndef NO_RCU_TASK
	if
	:: !nested -> rcu_read_lock(id)
	:: else
	fi;
#endif
	d_step {
		ACCESS;
		o = owner;
		b = ab || cl;
		if
		:: abort -> ab = 1; aborted_ever = 1
		:: else -> cl = 1
		fi;
		if
		:: o != 0 -> landed[o] = 1
		:: else
		fi
	}
#ifdef READ_AFTER_RMW
	/* rcuwait_wake_up(&e->wait): reads e->wait.task, then wakes it */
	if
	:: o != 0 -> ACCESS; wake_up_process(o)
	:: else
	fi;
#elif !defined(NO_WAKE)
	if
	:: o != 0 && !b -> wake_up_process(o)
	:: else
	fi;
#endif
#ifndef NO_RCU_TASK
	if
	:: !nested -> rcu_read_unlock(id)
	:: else
	fi
#endif
}

/*
 * One sleep of sleeper @me, from entry_claim() to entry_result(); @res
 * is its result. In an instance the caller claims inside its read-side
 * section and unlocks after the claim. The caller declares SLEEP_LOCALS.
 */
#define SLEEP_LOCALS	bool timed, fired, bits, etime, o_ab, o_cl; byte o_own

inline sleep_once(me, res, in_rcu)
{
	/* entry_claim() */
#ifndef NONATOMIC_CLAIM
	d_step {
		ACCESS;
		if
		:: ab -> res = R_ECANCELED
		:: !ab && owner != 0 -> res = R_EBUSY
		:: !ab && owner == 0 ->
			owner = me; nowners++; inside[me] = 1; landed[me] = 0;
			assert(nowners == 1)
		fi
	}
#else
	d_step { ACCESS; o_own = owner; o_ab = ab }
	if
	:: o_ab -> res = R_ECANCELED
	:: !o_ab && o_own != 0 -> res = R_EBUSY
	:: !o_ab && o_own == 0 ->
		d_step {
			ACCESS;
			owner = me; ab = 0; nowners++; inside[me] = 1;
			landed[me] = 0;
			assert(nowners == 1)
		}
	fi;
#endif
	if
	:: in_rcu -> rcu_read_unlock(me)
	:: else
	fi;

	if
	:: res == 0 ->
		/* entry_wait(): a timed sleep, or ALERTABLE_SLEEP_INFINITE */
		if
		:: timed = 1
		:: timed = 0
		fi;
		fired = 0;
		etime = 0;
		do
		:: tstate[me] = INTERRUPTIBLE;	/* set_current_state() */
		   d_step { ACCESS; bits = ab || cl }
		   if
		   :: bits -> break
		   :: else
		   fi;
		   if
		   :: timed && fired -> etime = 1; break
		   :: else
		   fi;
		   /* schedule(): until woken, or the hrtimer fires */
		   if
		   :: tstate[me] == RUNNING
		   :: timed && !fired ->
			d_step { fired = 1; tstate[me] = RUNNING }
		   fi
		od;
		tstate[me] = RUNNING;

		/* entry_release() */
		d_step {
			ACCESS;
			o_ab = ab;
			o_cl = cl;
			owner = 0;
			nowners--;
			inside[me] = 0
		}
		if
		:: o_cl -> dwoken = 1	/* wake_up_var(): hashes the address only */
		:: else
		fi;

		/* entry_result() */
		if
		:: o_cl -> res = R_ESHUTDOWN
		:: !o_cl && o_ab -> res = R_ECANCELED
		:: else -> res = R_OK	/* the wait's 0 or -ETIME, both 0 */
		fi;
		assert(res != R_OK || (etime && !landed[me]))
	:: else
	fi;
	assert(res != R_ECANCELED || aborted_ever);
	assert(res != R_ESHUTDOWN || as_closing)
}

#ifndef EMBEDDED

/* alertable_sleep_sleep() of an instance's index */
proctype Sleeper(byte me)
{
	byte res = 0;
	SLEEP_LOCALS;

	rcu_read_lock(me);
	d_step {
		ACCESS;		/* READ_ONCE(as->closing) */
		if
		:: as_closing -> res = R_ESHUTDOWN
		:: else
		fi;
		nchecked++
	}
	if
	:: res == R_ESHUTDOWN -> rcu_read_unlock(me)
	:: else -> sleep_once(me, res, 1)
	fi
}

/* alertable_sleep_abort() */
proctype Aborter()
{
	byte o;
	bool b, shut;

	rcu_read_lock(P_ABORT);
	d_step { ACCESS; shut = as_closing; nchecked++ }
	if
	:: !shut -> entry_signal(P_ABORT, 1, 1, o, b)
	:: else
	fi;
	rcu_read_unlock(P_ABORT)
}

/* alertable_sleep_reset_for_reuse(): entry_reset() */
proctype Resetter()
{
	bool shut;

	rcu_read_lock(P_RESET);
	d_step { ACCESS; shut = as_closing; nchecked++ }
	if
	:: !shut ->
		d_step {
			ACCESS;
#ifndef NO_OWNER_GUARD
			if
			:: owner == 0 -> ab = 0		/* else -EBUSY */
			:: else
			fi
#else
			ab = 0
#endif
		}
	:: else
	fi;
	rcu_read_unlock(P_RESET)
}

/* alertable_sleep_destroy() */
proctype Destroy()
{
	byte o;
	bool b;

	as_closing = 1;
#ifndef NO_GP
	synchronize_rcu();
#endif
	entry_signal(P_DESTROY, 0, 0, o, b);
	/* wait_var_event(&e->state, !owner) */
	do
	:: dwoken = 0;		/* prepare_to_wait_event() */
	   d_step { ACCESS; o = owner }
	   if
	   :: o == 0 -> break
	   :: else -> dwoken == 1	/* schedule() until wake_up_var() */
	   fi
	od;
	/*
	 * The callers' part: every call that overlaps destroy has read
	 * ->closing before destroy frees. The core does not ensure it for a
	 * call that begins after the grace period above: without this
	 * line, spin finds one that reads the freed instance.
	 */
	(nchecked == NCALLS);
	freed = 1
}

init {
	atomic {
		run Sleeper(P_S1);
		run Sleeper(P_S2);
		run Aborter();
		run Resetter();
		run Destroy()
	}
}

#else	/* EMBEDDED */

/*
 * alertable_sleep_entry_sleep() in a loop until -ECANCELED; then the
 * object that embeds the entry is freed and the task exits.
 */
proctype Sleeper(byte me)
{
	byte res;
	SLEEP_LOCALS;

	do
	:: res = 0;
	   sleep_once(me, res, 0);
	   if
	   :: res == R_ECANCELED -> break
	   :: else
	   fi
	od;
	freed = 1;
	exited = 1
}

/* alertable_sleep_entry_abort() */
proctype Aborter()
{
	byte o;
	bool b;

	entry_signal(P_ABORT, 1, 0, o, b)
}

/* put_task_struct_rcu_user(): call_rcu() frees the task_struct */
proctype Reaper()
{
	exited;
	synchronize_rcu();
	task_freed[P_S1] = 1
}

init {
	atomic {
		run Sleeper(P_S1);
		run Aborter();
		run Reaper()
	}
}

#endif

ltl signal_ends_sleep {
	[] ((landed[1] -> <> !inside[1]) && (landed[2] -> <> !inside[2]))
}
