/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints of alertable_sleep, under events/alertable_sleep/ in tracefs.
 * Off by default; a disabled tracepoint costs a patched-out branch.
 *
 * The instance is recorded by its id, the name of its debugfs directory,
 * counted from 1 in order of creation. The end of a sleep is traced
 * after the sleeper released its index, when destroy may already have
 * freed the instance, so the id is read before, while the index was owned.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM alertable_sleep

#if !defined(_ALERTABLE_SLEEP_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _ALERTABLE_SLEEP_TRACE_H

#include <linux/tracepoint.h>

/* msecs: to the deadline, rounded up; UINT_MAX for none */
TRACE_EVENT(alertable_sleep_begin,
	    TP_PROTO(unsigned int id, unsigned int index, unsigned int msecs,
		     unsigned int flags),
	    TP_ARGS(id, index, msecs, flags),
	    TP_STRUCT__entry(__field(unsigned int, id)
			     __field(unsigned int, index)
			     __field(unsigned int, msecs)
			     __field(unsigned int, flags)),
	    TP_fast_assign(__entry->id = id;
			   __entry->index = index;
			   __entry->msecs = msecs;
			   __entry->flags = flags;),
	    TP_printk("instance=%u index=%u msecs=%u flags=%#x",
		      __entry->id, __entry->index, __entry->msecs,
		      __entry->flags)
);

TRACE_EVENT(alertable_sleep_end,
	    TP_PROTO(unsigned int id, unsigned int index, int result,
		     u64 elapsed_us),
	    TP_ARGS(id, index, result, elapsed_us),
	    TP_STRUCT__entry(__field(unsigned int, id)
			     __field(unsigned int, index)
			     __field(int, result)
			     __field(u64, elapsed_us)),
	    TP_fast_assign(__entry->id = id;
			   __entry->index = index;
			   __entry->result = result;
			   __entry->elapsed_us = elapsed_us;),
	    TP_printk("instance=%u index=%u result=%d elapsed_us=%llu",
		      __entry->id, __entry->index, __entry->result,
		      __entry->elapsed_us)
);

DECLARE_EVENT_CLASS(alertable_sleep_index_op,
		    TP_PROTO(unsigned int id, unsigned int index, int result),
		    TP_ARGS(id, index, result),
		    TP_STRUCT__entry(__field(unsigned int, id)
				     __field(unsigned int, index)
				     __field(int, result)),
		    TP_fast_assign(__entry->id = id;
				   __entry->index = index;
				   __entry->result = result;),
		    TP_printk("instance=%u index=%u result=%d",
			      __entry->id, __entry->index, __entry->result)
);

/* result: 1 if a sleeper was woken, 0 if the index was idle */
DEFINE_EVENT(alertable_sleep_index_op, alertable_sleep_abort,
	     TP_PROTO(unsigned int id, unsigned int index, int result),
	     TP_ARGS(id, index, result)
);

/* result: 0, or -EBUSY if a sleeper held the index */
DEFINE_EVENT(alertable_sleep_index_op, alertable_sleep_reset,
	     TP_PROTO(unsigned int id, unsigned int index, int result),
	     TP_ARGS(id, index, result)
);

#endif /* _ALERTABLE_SLEEP_TRACE_H */

/* This part must be outside the include guard. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE alertable_sleep_trace
#include <trace/define_trace.h>
