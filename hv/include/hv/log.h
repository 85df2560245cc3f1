/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor prints nothing itself: it hands messages to a sink the
 * tool installs (stderr for `quadrant run`, the event pane for the TUI).
 */
#ifndef HV_LOG_H
#define HV_LOG_H

#include <stdarg.h>
#include <stdbool.h>

enum hv_log_level { HV_LOG_ERROR, HV_LOG_WARN, HV_LOG_INFO, HV_LOG_DEBUG };

typedef void (*hv_log_sink_fn)(void *opaque, enum hv_log_level level,
			       const char *msg);

/* Install the sink; NULL restores the default (drop everything). */
void hv_log_set_sink(hv_log_sink_fn fn, void *opaque);

void hv_log(enum hv_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define hv_err(...) hv_log(HV_LOG_ERROR, __VA_ARGS__)
#define hv_warn(...) hv_log(HV_LOG_WARN, __VA_ARGS__)
#define hv_info(...) hv_log(HV_LOG_INFO, __VA_ARGS__)

/*
 * A broken invariant of ours (never a guest action): report once, with
 * the place, and carry on. Evaluates to the condition.
 */
#define HV_WARN_ON_ONCE(cond)                                              \
	({                                                                 \
		static bool __warned;                                      \
		bool __c = !!(cond);                                       \
		if (__c && !__warned) {                                    \
			__warned = true;                                   \
			hv_log(HV_LOG_ERROR, "BUG: %s at %s:%d", #cond,    \
			       __FILE__, __LINE__);                        \
		}                                                          \
		__c;                                                       \
	})

#endif
