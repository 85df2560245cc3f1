/* SPDX-License-Identifier: MIT */
/*
 * The debugger engine against the fake machine: stepping, the kinds of
 * breakpoint, event breaks, until, interrupts, the breakpoint table.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "debugger/session.h"
#include "fake_machine.h"

struct capture {
	char text[16384];
	size_t len;
	unsigned int errors, stops, polls, poll_stop_after;
};

static void cap_output(void *opaque, enum session_out kind, const char *t,
		       size_t len)
{
	struct capture *c = opaque;

	if (kind == SESSION_OUT_ERROR)
		c->errors++;
	if (c->len + len < sizeof(c->text)) {
		memcpy(c->text + c->len, t, len);
		c->len += len;
		c->text[c->len] = '\0';
	}
}

static void cap_stopped(void *opaque, const struct session_stop *st)
{
	((struct capture *)opaque)->stops++;
}

static bool cap_poll(void *opaque)
{
	struct capture *c = opaque;

	return c->poll_stop_after && ++c->polls >= c->poll_stop_after;
}

static const struct session_view_ops cap_ops = {
	.output = cap_output, .stopped = cap_stopped, .poll = cap_poll,
};

static struct fake_machine *fm;
static struct session s;
static struct capture cap;

static void setup(void)
{
	memset(&cap, 0, sizeof(cap));
	fm = fake_machine_create();
	cr_assert_not_null(fm);
	cr_assert_eq(session_init(&s, &fm->m, &cap_ops, &cap), 0);
}

static void teardown(void)
{
	session_destroy(&s);
}

TestSuite(session, .init = setup, .fini = teardown);

Test(session, stepi_moves_pc_and_icount)
{
	cr_assert_eq(session_pc(&s), FAKE_ENTRY);
	cr_assert_eq(session_stepi(&s, 1), 0);
	cr_assert_eq(session_pc(&s), FAKE_ENTRY + 4);
	cr_assert_eq(session_icount(&s), 1);
	cr_assert_eq(s.last.reason, STOP_STEP);
	cr_assert_eq(session_stepi(&s, 10), 0);
	cr_assert_eq(session_icount(&s), 11);
	cr_assert_eq(cap.stops, 2);
	cr_assert(strstr(cap.text, "Stepped 10, pc 0x0000102c, icount 11"),
		  "%s", cap.text);
	cr_assert(strstr(cap.text, "=> 0x0000102c:  nop"), "%s", cap.text);
}

Test(session, stepi_zero_is_refused)
{
	cr_assert_lt(session_stepi(&s, 0), 0);
	cr_assert_eq(cap.errors, 1);
	cr_assert_eq(session_icount(&s), 0);
}

Test(session, long_stepi_runs_in_slices)
{
	cr_assert_eq(session_stepi(&s, 3 * SESSION_SLICE + 7), 0);
	cr_assert_eq(session_icount(&s), 3 * SESSION_SLICE + 7);
	cr_assert_eq(fm->runs, 4);
	cr_assert_eq(s.last.reason, STOP_STEP);
}

Test(session, gva_breakpoint_stops_before_and_resumes_past)
{
	fm->exit_pc = 0x1100;
	cr_assert_eq(session_break_gva(&s, 0x1040), 1);
	cr_assert_eq(session_continue(&s), 0);
	cr_assert_eq(s.last.reason, STOP_BREAKPOINT);
	cr_assert_eq(s.last.bp, 1);
	cr_assert_eq(session_pc(&s), 0x1040);
	cr_assert_eq(session_icount(&s), 0x10);
	cr_assert_eq(session_break_find(&s, 1)->hits, 1);
	/* Continuing executes the breakpoint's instruction once. */
	cr_assert_eq(session_continue(&s), 0);
	cr_assert_eq(s.last.reason, STOP_EXITED);
	cr_assert_eq(s.last.status, 0);
	cr_assert(s.exited);
}

Test(session, stepi_over_a_breakpoint_at_pc)
{
	cr_assert_eq(session_break_gva(&s, FAKE_ENTRY), 1);
	cr_assert_eq(session_stepi(&s, 1), 0);
	cr_assert_eq(s.last.reason, STOP_STEP);
	cr_assert_eq(session_pc(&s), FAKE_ENTRY + 4);
}

Test(session, disabled_breakpoint_does_not_stop)
{
	fm->exit_pc = 0x1100;
	fm->exit_status = 3;
	session_break_gva(&s, 0x1040);
	cr_assert_eq(session_break_enable(&s, 1, false), 0);
	session_continue(&s);
	cr_assert_eq(s.last.reason, STOP_EXITED);
	cr_assert_eq(s.last.status, 3);
}

Test(session, icount_breakpoint_is_exact)
{
	cr_assert_eq(session_break_icount(&s, 250001), 1);
	cr_assert_eq(session_continue(&s), 0);
	cr_assert_eq(s.last.reason, STOP_ICOUNT);
	cr_assert_eq(session_icount(&s), 250001);
	cr_assert_lt(session_break_icount(&s, 5), 0, "past icount refused");
}

Test(session, event_breakpoint_stops_after_the_instruction)
{
	struct evfilter f;
	char err[128];
	char *argv[] = { "cr", "cr=3" };

	fake_machine_emit(fm, 0x1020, EV_cr, -1, 0, 0x1000, 0x2000, 0x1020);
	fake_machine_emit(fm, 0x1030, EV_cr, -1, 3, 0x1000, 0x2000, 0x1030);
	cr_assert_eq(evfilter_parse(&f, 2, argv, err, sizeof(err)), 0, "%s",
		     err);
	cr_assert_eq(session_break_event(&s, &f), 1);
	cr_assert_eq(session_continue(&s), 0);
	cr_assert_eq(s.last.reason, STOP_EVENT);
	cr_assert(s.last.has_event);
	cr_assert_eq(s.last.ev.kind, EV_cr);
	cr_assert_eq(s.last.ev.a[3], 0x1030);
	cr_assert_eq(session_pc(&s), 0x1034);
	cr_assert(strstr(cap.text, "Breakpoint 1 (event cr cr=3)"), "%s",
		  cap.text);
	cr_assert(strstr(cap.text, "cr cr=3 old=0x1000 new=0x2000"), "%s",
		  cap.text);
}

Test(session, until_event_then_continue_to_exit)
{
	struct evfilter f;
	char err[128];
	char *argv[] = { "fault" };

	fm->fault_pc = 0x1010;
	fm->exit_pc = FAKE_HANDLER + 0x40;
	cr_assert_eq(evfilter_parse(&f, 1, argv, err, sizeof(err)), 0);
	cr_assert_eq(session_until(&s, &f), 0);
	cr_assert_eq(s.last.reason, STOP_UNTIL);
	cr_assert_eq(s.last.ev.kind, EV_page_fault);
	cr_assert_eq(s.last.ev.a[0], 0x400000);
	/* The filter is gone after until: continue runs to the exit. */
	cr_assert_eq(session_continue(&s), 0);
	cr_assert_eq(s.last.reason, STOP_EXITED);
	cr_assert_lt(session_continue(&s), 0, "nothing to run after exit");
	cr_assert_lt(session_stepi(&s, 1), 0);
}

Test(session, stepping_a_fault_stops_in_the_handler)
{
	fm->fault_pc = 0x1004;
	session_stepi(&s, 1);
	cr_assert_eq(session_stepi(&s, 1), 0);
	cr_assert_eq(session_pc(&s), FAKE_HANDLER);
	cr_assert_eq(session_icount(&s), 1, "delivery retires nothing");
	cr_assert(strstr(cap.text, "page_fault addr=0x400000"), "%s",
		  cap.text);
	cr_assert(strstr(cap.text, "inj_exception vector=14"), "%s",
		  cap.text);
}

Test(session, event_hit_at_budget_end_leaves_no_stale_stop)
{
	struct evfilter f;
	char err[128];
	char *argv[] = { "page_fault" };

	fm->fault_pc = 0x1000;
	evfilter_parse(&f, 1, argv, err, sizeof(err));
	session_break_event(&s, &f);
	/* The fault's delivery uses the whole budget of 1. */
	cr_assert_eq(session_stepi(&s, 1), 0);
	cr_assert_eq(s.last.reason, STOP_EVENT);
	cr_assert_not(fm->m.vm.stop_requested);
	cr_assert_eq(session_stepi(&s, 3), 0);
	cr_assert_eq(s.last.reason, STOP_STEP);
	cr_assert_eq(session_icount(&s), 3);
}

Test(session, watchpoint_reports_the_access)
{
	fm->write_pc = 0x1008;
	fm->write_gva = 0x3002;
	cr_assert_eq(session_watch(&s, 0x3000, 4, VCPU_WP_WRITE), 1);
	cr_assert_eq(session_continue(&s), 0);
	cr_assert_eq(s.last.reason, STOP_WATCHPOINT);
	cr_assert_eq(s.last.bp, 1);
	cr_assert_eq(s.last.addr, 0x3002);
	cr_assert_eq(session_pc(&s), 0x100c);
	cr_assert(strstr(cap.text, "write of gva 0x3002"), "%s", cap.text);
}

Test(session, read_watchpoint_ignores_writes)
{
	fm->write_pc = 0x1008;
	fm->write_gva = 0x3000;
	fm->exit_pc = 0x1020;
	session_watch(&s, 0x3000, 4, VCPU_WP_READ);
	session_continue(&s);
	cr_assert_eq(s.last.reason, STOP_EXITED);
}

Test(session, gpa_breakpoint_finds_the_alias)
{
	fm->reg[FAKE_PC] = FAKE_ALIAS_GVA - 8;
	cr_assert_eq(session_break_gpa(&s, FAKE_ALIAS_GPA + 4), 1);
	cr_assert_eq(session_continue(&s), 0);
	cr_assert_eq(s.last.reason, STOP_BREAKPOINT);
	cr_assert_eq(session_pc(&s), FAKE_ALIAS_GVA + 4);
	cr_assert_eq(session_icount(&s), 3);
	/* Resuming executes it once and goes on. */
	session_stepi(&s, 2);
	cr_assert_eq(s.last.reason, STOP_STEP);
	cr_assert_eq(session_pc(&s), FAKE_ALIAS_GVA + 12);
}

Test(session, poll_interrupts_a_continue)
{
	cap.poll_stop_after = 3;
	cr_assert_eq(session_continue(&s), 0);
	cr_assert_eq(s.last.reason, STOP_INTERRUPT);
	cr_assert_eq(session_icount(&s), 3 * SESSION_SLICE);
}

Test(session, interrupt_flag_stops_between_slices)
{
	session_interrupt(&s);	/* a Ctrl-C at the prompt is forgotten */
	session_stepi(&s, 1);
	cr_assert_eq(s.last.reason, STOP_STEP);
	cap.poll_stop_after = 0;
	s.interrupt = 0;
}

Test(session, breakpoint_table)
{
	struct evfilter f;
	char err[128];
	char *argv[] = { "tlb" };

	cr_assert_eq(session_break_gva(&s, 0x2000), 1);
	cr_assert_eq(session_break_gva(&s, 0x2000), -EEXIST);
	cr_assert_eq(session_break_gpa(&s, 0x2000), 2, "gpa is another kind");
	evfilter_parse(&f, 1, argv, err, sizeof(err));
	cr_assert_eq(session_break_event(&s, &f), 3);
	cr_assert_eq(session_break_event(&s, &f), -EEXIST);
	cr_assert_eq(session_break_delete(&s, 2), 0);
	cr_assert_eq(session_break_delete(&s, 2), -ENOENT);
	cr_assert_eq(session_break_gva(&s, 0x3000), 4, "numbers never reused");
	cr_assert_eq(session_break_enable(&s, 9, true), -ENOENT);
	cr_assert_eq(session_break_delete(&s, 0), 0);
	cr_assert_null(session_break_find(&s, 1));
	cr_assert_null(session_break_find(&s, 4));
}

Test(session, code_breakpoints_are_limited_by_the_cpu)
{
	for (unsigned int i = 0; i < VCPU_MAX_BP; i++)
		cr_assert_gt(session_break_gva(&s, 0x1000 + 4 * i), 0);
	cr_assert_eq(session_break_gva(&s, 0x9000), -ENOSPC);
	for (unsigned int i = 0; i < VCPU_MAX_WP; i++)
		cr_assert_gt(session_watch(&s, 0x1000 + 8 * i, 8,
					   VCPU_WP_WRITE), 0);
	cr_assert_eq(session_watch(&s, 0x9000, 4, VCPU_WP_WRITE), -ENOSPC);
	cr_assert_lt(session_watch(&s, 0x9000, 0, VCPU_WP_WRITE), 0);
	cr_assert_eq(session_break_icount(&s, 100), VCPU_MAX_BP +
		     VCPU_MAX_WP + 1, "icount breakpoints are ours");
}

Test(session, break_format)
{
	struct breakpoint b = { .type = BP_WATCH, .addr = 0x10, .len = 8,
				.wp_kind = VCPU_WP_ACCESS };
	char buf[128];

	session_break_format(&b, buf, sizeof(buf));
	cr_assert_str_eq(buf, "access gva 0x10 len 8");
	b.type = BP_ICOUNT;
	b.addr = 99;
	session_break_format(&b, buf, sizeof(buf));
	cr_assert_str_eq(buf, "icount 99");
}
