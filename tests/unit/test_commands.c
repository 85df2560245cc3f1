/* SPDX-License-Identifier: MIT */
/*
 * The command table: parsing, lookup and abbreviations, expressions,
 * help for every command, completion, and each command's output and
 * errors against the fake machine. Bad input gets a message, never a
 * crash.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "debugger/commands.h"
#include "fake_machine.h"

struct capture {
	char text[65536];
	size_t len;
	char err[4096];
	size_t elen;
	unsigned int errors;
};

static void cap_output(void *opaque, enum session_out kind, const char *t,
		       size_t len)
{
	struct capture *c = opaque;
	char *buf = kind == SESSION_OUT_ERROR ? c->err : c->text;
	size_t *n = kind == SESSION_OUT_ERROR ? &c->elen : &c->len;
	size_t cap = kind == SESSION_OUT_ERROR ? sizeof(c->err) :
		     sizeof(c->text);

	if (kind == SESSION_OUT_ERROR)
		c->errors++;
	if (*n + len < cap) {
		memcpy(buf + *n, t, len);
		*n += len;
		buf[*n] = '\0';
	}
}

static const struct session_view_ops cap_ops = { .output = cap_output };

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

static void clear(void)
{
	cap.len = cap.elen = 0;
	cap.text[0] = cap.err[0] = '\0';
	cap.errors = 0;
}

/* Run @line; expect success and @want somewhere in the output. */
static void ok_has(const char *line, const char *want)
{
	int ret;

	clear();
	ret = commands_execute(&s, line, false);
	cr_assert_geq(ret, 0, "'%s' failed: %s", line, cap.err);
	cr_assert_eq(cap.errors, 0, "'%s': %s", line, cap.err);
	if (want)
		cr_assert(strstr(cap.text, want), "'%s' printed:\n%s\n"
			  "without '%s'", line, cap.text, want);
}

/* Run @line; expect one error line containing @want. */
static void err_has(const char *line, const char *want)
{
	clear();
	cr_assert_lt(commands_execute(&s, line, false), 0, "'%s' passed",
		     line);
	cr_assert_eq(cap.errors, 1, "'%s': %u errors: %s", line, cap.errors,
		     cap.err);
	cr_assert(strstr(cap.err, want), "'%s' said '%s', not '%s'", line,
		  cap.err, want);
	cr_assert_eq(strchr(cap.err, '\n'), cap.err + strlen(cap.err) - 1,
		     "one line: %s", cap.err);
}

TestSuite(parse);
TestSuite(commands, .init = setup, .fini = teardown);

Test(parse, words_format_and_rest)
{
	char line[] = "  x/16xb   gpa 0x1000 ";
	struct cmd_args a;
	char err[64];

	cr_assert_eq(commands_parse(line, &a, err, sizeof(err)), 0);
	cr_assert_eq(a.argc, 3);
	cr_assert_str_eq(a.argv[0], "x");
	cr_assert_str_eq(a.fmt, "16xb");
	cr_assert_str_eq(a.argv[1], "gpa");
	cr_assert_str_eq(a.argv[2], "0x1000");
}

Test(parse, echo_keeps_the_rest)
{
	char line[] = "echo  hello   world";
	struct cmd_args a;
	char err[64];

	cr_assert_eq(commands_parse(line, &a, err, sizeof(err)), 0);
	cr_assert_str_eq(a.rest, "hello   world");
}

Test(parse, too_many_words)
{
	char line[400];
	struct cmd_args a;
	char err[64];

	line[0] = '\0';
	for (int i = 0; i < 40; i++)
		strcat(line, "w ");
	cr_assert_eq(commands_parse(line, &a, err, sizeof(err)), -E2BIG);
}

Test(parse, numbers)
{
	uint64_t v;

	cr_assert(dbg_parse_u64("0x1f", &v) && v == 31);
	cr_assert(dbg_parse_u64("31", &v) && v == 31);
	cr_assert(dbg_parse_u64("010", &v) && v == 10, "no octal");
	cr_assert(dbg_parse_u64("0b101", &v) && v == 5);
	cr_assert(dbg_parse_u64("0xffff_f000", &v) && v == 0xfffff000);
	cr_assert(dbg_parse_u64("18446744073709551615", &v) && v == ~0ull);
	cr_assert_not(dbg_parse_u64("18446744073709551616", &v));
	cr_assert_not(dbg_parse_u64("0x", &v));
	cr_assert_not(dbg_parse_u64("", &v));
	cr_assert_not(dbg_parse_u64("12z", &v));
	cr_assert_not(dbg_parse_u64("-1", &v));
	cr_assert_not(dbg_parse_u64("_1", &v));
}

Test(commands, lookup_aliases_prefixes_ambiguity)
{
	char err[256];
	const struct command *c;

	cr_assert_str_eq(commands_lookup(&s, "s", err, 256)->name, "stepi");
	cr_assert_str_eq(commands_lookup(&s, "si", err, 256)->name, "stepi");
	cr_assert_str_eq(commands_lookup(&s, "c", err, 256)->name,
			 "continue");
	cr_assert_str_eq(commands_lookup(&s, "b", err, 256)->name, "break");
	cr_assert_str_eq(commands_lookup(&s, "d", err, 256)->name, "delete");
	cr_assert_str_eq(commands_lookup(&s, "i", err, 256)->name, "info");
	cr_assert_str_eq(commands_lookup(&s, "q", err, 256)->name, "quit");
	cr_assert_str_eq(commands_lookup(&s, "disas", err, 256)->name,
			 "disassemble");
	cr_assert_str_eq(commands_lookup(&s, "wat", err, 256)->name, "watch");
	cr_assert_null(commands_lookup(&s, "wa", err, 256), "walk or watch");
	cr_assert_str_eq(commands_lookup(&s, "tdp", err, 256)->name, "tdp");
	cr_assert_str_eq(commands_lookup(&s, "x", err, 256)->name, "x");
	c = commands_lookup(&s, "e", err, 256);
	cr_assert_null(c);
	cr_assert(strstr(err, "ambiguous") && strstr(err, "echo") &&
		  strstr(err, "enable"), "%s", err);
	cr_assert_null(commands_lookup(&s, "frob", err, 256));
	cr_assert(strstr(err, "unknown command 'frob'"), "%s", err);
}

Test(commands, every_command_has_help_and_an_example)
{
	unsigned int n;
	const struct command *t = commands_table(&n);
	char line[64];

	cr_assert_gt(n, 20);
	for (unsigned int i = 0; i < n; i++) {
		cr_assert(t[i].usage && t[i].summary && t[i].example,
			  "%s", t[i].name);
		snprintf(line, sizeof(line), "help %s", t[i].name);
		ok_has(line, "example: ");
	}
	ok_has("help", "Breakpoints:");
	cr_assert(strstr(cap.text, "  walk "), "%s", cap.text);
	ok_has("help s", "usage: stepi [N]");
	err_has("help frob", "unknown command");
}

Test(commands, info_tlb_on_a_cpu_without_one)
{
	ok_has("info tlb", "this CPU shows no TLB");
	ok_has("i t", "this CPU shows no TLB");
}

Test(commands, mmu_commands_name_the_mmu_they_need)
{
	/* The fake machine has none of the hypervisor's tables. */
	err_has("sp", "no shadow MMU");
	err_has("mmu audit", "no shadow MMU");
	err_has("mmu", "usage: mmu audit");
	err_has("s2", "no s2 tables");
}

static int sp_called;
static int fake_sp(struct session *ss, struct cmd_args *a)
{
	sp_called++;
	session_printf(ss, "shadow pages: none\n");
	return 0;
}

static bool applies_fake(const struct session *ss)
{
	return ss->m->ops && !strcmp(ss->m->ops->name, "fake");
}

static const struct command fake_cmds[] = {
	{ "sp", NULL, CMD_CAT_MMU, "sp", "list shadow pages", NULL, "sp",
	  fake_sp, NULL, false },
	{ "fakecmd", NULL, CMD_CAT_OTHER, "fakecmd", "only on fakes", NULL,
	  "fakecmd", fake_sp, NULL, false },
};
static const struct command_set fake_set = { "fake", applies_fake,
					     fake_cmds, 2 };

Test(commands, a_machine_registers_its_commands)
{
	cr_assert_eq(commands_register(&fake_set), 0);
	ok_has("sp", "shadow pages: none");
	ok_has("fakec", "shadow pages");
	cr_assert_eq(sp_called, 2);
	ok_has("help", "fakecmd");
	cr_assert_null(strstr(cap.text, "sp           list the shadow"),
		       "the placeholder is replaced");
}

Test(commands, stepping_and_repeat)
{
	ok_has("stepi", "Stepped 1, pc 0x00001004, icount 1");
	ok_has("s 3", "icount 4");
	clear();
	cr_assert_eq(commands_execute(&s, "", true), 0);
	cr_assert_eq(session_icount(&s), 7, "Enter repeats 's 3'");
	ok_has("# a comment", NULL);
	cr_assert_eq(session_icount(&s), 7);
	err_has("stepi 0", "not a positive count");
	err_has("stepi x", "not a positive count");
	err_has("stepi 1 2", "usage: stepi [N]");
	err_has("continue now", "takes no arguments");
}

Test(commands, breakpoints)
{
	fm->exit_pc = 0x1100;
	ok_has("break 0x1010", "Breakpoint 1: gva 0x1010");
	ok_has("b *0x1020", "Breakpoint 2: gva 0x1020");
	ok_has("break gpa 0x1030", "Breakpoint 3: gpa 0x1030");
	ok_has("break icount 100", "Breakpoint 4: icount 100");
	ok_has("break event page_fault addr=0x400000-0x401000",
	       "Breakpoint 5: event page_fault addr=0x400000-0x401000");
	ok_has("watch 0x3000", "Watchpoint 6: write gva 0x3000 len 4");
	ok_has("watch access 0x3000 8", "Watchpoint 7: access gva 0x3000 len 8");
	fm->reg[FAKE_R0] = 0x400000;
	ok_has("break event page_fault addr=$r0+0x10",
	       "Breakpoint 8: event page_fault addr=0x400010");
	err_has("break event page_fault addr=$r0-$r1", "range takes numbers");
	err_has("break event page_fault addr=$nosuch", "no register 'nosuch'");
	ok_has("delete 8", NULL);
	ok_has("break icount +5", "Breakpoint 9: icount 5");
	err_has("break icount +0", "not a positive count");
	ok_has("delete 9", NULL);
	ok_has("info breakpoints", "Num  Type    Enb  Hits  What");
	cr_assert(strstr(cap.text, "5    event   y    0     event page_fault"),
		  "%s", cap.text);
	err_has("break 0x1010", "breakpoint 1 is already gva 0x1010");
	ok_has("continue", "Breakpoint 1 (gva 0x1010), pc 0x00001010");
	ok_has("disable 1 2", NULL);
	ok_has("info b", "1    break   n    1     gva 0x1010");
	ok_has("c", "Breakpoint 3 (gpa 0x1030 (single-steps))");
	ok_has("delete 3", NULL);
	ok_has("delete", NULL);
	ok_has("info breakpoints", "No breakpoints.");
	err_has("delete 9", "no breakpoint 9");
	err_has("delete x", "not a breakpoint number");
	err_has("break", "break where?");
	err_has("break gpa", "usage: break gpa ADDR");
	err_has("break event", "which event?");
	err_has("break event nosuch", "no event or event group 'nosuch'");
	err_has("break event tlb.page_fault addr=0x40000000-0x40200000",
		"no event 'page_fault' in group 'tlb'");
	err_has("break 0xzz", "not a number");
	err_has("watch", "usage: watch");
	err_has("watch 0x1000 0", "not a positive count");
	err_has("watch 0x1000 99999", "1 to 4096");
}

Test(commands, until)
{
	fm->fault_pc = 0x1010;
	ok_has("until page_fault", "Reached, pc 0x00008000, icount 4");
	cr_assert(strstr(cap.text, "page_fault addr=0x400000 error_code=0x2"),
		  "%s", cap.text);
	err_has("until", "until which event?");
	err_has("until page_fault gfn=1", "event 'page_fault' has no field 'gfn' (fields: addr error_code rip level)");
	err_has("until cr cr=1-1", "empty range");
	err_has("until cr cr", "not a condition");
	err_has("until cr cr=0xq", "not a number");
	err_has("until cr cr=1-zz", "not a range");
}

Test(commands, expressions)
{
	uint64_t v;

	fm->reg[FAKE_R0] = 0x100;
	cr_assert_eq(commands_eval(&s, "0x10+4", &v), 0);
	cr_assert_eq(v, 0x14);
	cr_assert_eq(commands_eval(&s, "$r0+8-1", &v), 0);
	cr_assert_eq(v, 0x107);
	cr_assert_eq(commands_eval(&s, "r0", &v), 0);
	cr_assert_eq(v, 0x100);
	cr_assert_eq(commands_eval(&s, "$pc", &v), 0);
	cr_assert_eq(v, FAKE_ENTRY);
	cr_assert_eq(commands_eval(&s, "*0x20", &v), 0);
	cr_assert_eq(v, 0x20);
	clear();
	cr_assert_lt(commands_eval(&s, "$nosuch", &v), 0);
	cr_assert(strstr(cap.err, "no register 'nosuch'"), "%s", cap.err);
	cr_assert_lt(commands_eval(&s, "1+", &v), 0);
	cr_assert_lt(commands_eval(&s, "", &v), 0);
}

Test(commands, registers_and_set)
{
	ok_has("registers", "r0   0x0000000000000000");
	cr_assert(strstr(cap.text, "cr0 = 0x80000011 [PG PE]"), "%s",
		  cap.text);
	cr_assert(strstr(cap.text, "cr3 = 0x0000000000000000"), "%s",
		  cap.text);
	ok_has("info registers cr0", "cr0 = 0x80000011 [PG PE]");
	ok_has("r r1 pc", "r1 = 0x0000000000000000");
	ok_has("set r1 0x55", NULL);
	ok_has("registers r1", "r1 = 0x0000000000000055");
	ok_has("set $r1 = $r1+1", NULL);
	ok_has("registers R1", "r1 = 0x0000000000000056");
	ok_has("set show-events 0", NULL);
	err_has("registers nosuch", "no register 'nosuch'");
	err_has("set nosuch 1", "no register or setting 'nosuch'");
	err_has("set r1", "usage: set");
}

Test(commands, examine_memory)
{
	uint32_t words[4] = { 0x11223344, 0xdeadbeef, 0, 0x41424344 };

	vm_write_gpa(&fm->m.vm, 0x2000, words, sizeof(words));
	vm_write_gpa(&fm->m.vm, FAKE_ALIAS_GPA, words, sizeof(words));
	ok_has("x/4xw 0x2000",
	       "gva 0x00002000:  0x11223344  0xdeadbeef  0x00000000  0x41424344");
	ok_has("x/2xg gpa 0x2000",
	       "gpa 0x00002000:  0xdeadbeef11223344  0x4142434400000000");
	ok_has("x/4xb", "gpa 0x00002010:");
	clear();
	cr_assert_eq(commands_execute(&s, "", true), 0);
	cr_assert(strstr(cap.text, "gpa 0x00002014:"), "Enter continues: %s",
		  cap.text);
	ok_has("x/1xw gva 0x40000", "gva 0x00040000:  0x11223344");
	ok_has("x/4c 0x200c", "gva 0x0000200c:  'D'  'C'  'B'  'A'");
	ok_has("x/2dw 0x2004", "-559038737  0");
	ok_has("x/2i $pc", "=> 0x00001000:  nop");
	err_has("x/4xw 0xfffff0", "gva 0xfffff0 is not mapped ('walk' shows why)");
	err_has("x/4xw gpa 0x1ffffc", "gpa 0x200000 is not guest RAM");
	err_has("x/2xg hpa 0xffffffffffff0000", "not in the arena");
	err_has("x/4q 0x1000", "'q' is not a format");
	err_has("x/0x 0x1000", "bad count");
	err_has("x/5000xb 0", "at most 4096");
	err_has("x/i gpa 0x1000", "guest virtual addresses only");
	err_has("stepi/3", "takes no /FORMAT");
}

Test(commands, disassemble_around_pc)
{
	ok_has("stepi 3", NULL);
	ok_has("disassemble", "   0x00001008:  nop\n=> 0x0000100c:  nop");
	cr_assert(strstr(cap.text, "0x00001000:  nop"), "history: %s",
		  cap.text);
	ok_has("break 0x1010", NULL);
	ok_has("disas 0x1010 1", "  *0x00001010:  nop");
	ok_has("disas 0xffff0 8", "0x000ffffc:  nop\n   0x00100000:  (not mapped)");
	err_has("disas 0 0", "not a count");
}

Test(commands, walk_tdp_stats)
{
	ok_has("walk 0x40123", "gpa 0x90123");
	ok_has("walk 0x40123 write user", NULL);
	ok_has("walk 0x7000000", "not present");
	err_has("walk", "walk which address?");
	err_has("walk 0x1000 sideways", "'sideways' is not an access");
	ok_has("tdp", "tables [0x0, 0x200000)");
	ok_has("tdp 0x1000", "tables [0x1000, 0x201000)");
	ok_has("tdp 0x1000 0x2000", "tables [0x1000, 0x2000)");
	err_has("tdp 0x2000 0x1000", "empty range");
	ok_has("stats", "fake_counter 42");
	cr_assert(strstr(cap.text, "instructions 0"), "%s", cap.text);
	ok_has("info machine", "machine  fake, mmu tdp, 2 MiB RAM at gpa 0x0");
}

Test(commands, events_listing)
{
	fake_machine_emit(fm, 0x1000, EV_cr, -1, 0, 1, 2, 0x1000);
	fake_machine_emit(fm, 0x1004, EV_cr, -1, 3, 1, 2, 0x1004);
	fake_machine_emit(fm, 0x1008, EV_paging_element, 2, 0x5023, 0x4000,
			  1, 0);
	ok_has("events", "No events.");
	ok_has("stepi 3", NULL);
	ok_has("events", "#0 @0 cr cr=0");
	cr_assert(strstr(cap.text, "#2 @2 paging_element level=2 pte=0x5023"),
		  "%s", cap.text);
	ok_has("events 1", "#2 @2 paging_element");
	cr_assert_null(strstr(cap.text, "#1 "));
	ok_has("events cr cr=3", "#1 @1 cr cr=3");
	cr_assert_null(strstr(cap.text, "#0 "));
	ok_has("events walk level=2", "#2 ");
	ok_has("events 5 cpu", "#0 ");
	ok_has("events new", "No new events.");
	ok_has("events tlb", "No matching events among those kept.");
	err_has("events cr gfn=1", "has no field 'gfn'");
	err_has("events 0", "not a count");
}

Test(commands, unknown_and_odd_input_never_crash)
{
	static const char *const lines[] = {
		"frob", "e", "x/", "x/ 1", "break event *", "break event * gfn=1",
		"until * level=300", "events 99999999999999999999", "set = =",
		"info", "info nothing", "walk $", "walk +", "x 1+", "tdp -",
		"registers $", "help help help", "b event cr cr=1-",
		"b event cr.cr", "b event .cr", "b event cpu.", "watch read",
		"delete 0", "enable 99999999", "x/99999999999999999999x 0",
		"break icount 0", "break icount 1 2",
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(lines); i++) {
		clear();
		commands_execute(&s, lines[i], false);
		cr_assert_leq(cap.errors, 1, "'%s': %s", lines[i], cap.err);
	}
}

Test(commands, quit)
{
	cr_assert_eq(commands_execute(&s, "quit", false), CMD_QUIT);
	cr_assert_eq(commands_execute(&s, "q", false), CMD_QUIT);
}

/* --- completion --------------------------------------------------------------- */

struct words {
	char all[4096];
};

static void add_word(void *ctx, const char *w)
{
	struct words *ws = ctx;

	strcat(ws->all, w);
	strcat(ws->all, " ");
}

static const char *complete(const char *line)
{
	static struct words ws;

	ws.all[0] = '\0';
	commands_complete(&s, line, add_word, &ws);
	return ws.all;
}

Test(commands, completion)
{
	cr_assert(strstr(complete(""), "stepi "));
	cr_assert(strstr(complete("dis"), "disassemble "));
	cr_assert(strstr(complete("break "), "event "));
	cr_assert(strstr(complete("break event "), "page_fault "));
	cr_assert(strstr(complete("break event "), "tdp "));
	/* A group is offered exactly when this build has events in it. */
	for (int g = 0; g < EVG__COUNT; g++) {
		char word[32];
		bool has = false;

		for (int k = 0; k < EV__COUNT; k++)
			has |= event_group(k) == (enum ev_group)g;
		snprintf(word, sizeof(word), "%s ", event_group_name(g));
		cr_assert_eq(strstr(complete("break event "), word) != NULL, has,
			     "group %s", word);
	}
	cr_assert(strstr(complete("b event page_fault "), "addr= "));
	cr_assert(strstr(complete("b event page_fault a"), "level= "));
	cr_assert(strstr(complete("until cr "), "cr= "));
	cr_assert(strstr(complete("help "), "walk "));
	cr_assert(strstr(complete("registers "), "cr0 "));
	cr_assert(strstr(complete("info "), "breakpoints "));
	cr_assert(strstr(complete("info registers "), "r1 "));
	cr_assert(strstr(complete("x/4xg "), "gpa "));
	cr_assert(strstr(complete("events 10 "), "page_fault "));
	cr_assert(strstr(complete("events walk "), "level= "));
	cr_assert(strstr(complete("watch "), "access "));
	cr_assert_str_eq(complete("frob "), "");
}
