/* SPDX-License-Identifier: MIT */
/*
 * The session as a GDB target, through the stub, on the fake machine:
 * target.xml and the register map, memory by gva and (PhyMemMode) by
 * gpa, breakpoints and watchpoints in the engine with their stop
 * replies, monitor output as O packets, exit, detach.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "debugger/gdbstub/session_target.h"
#include "debugger/gdbstub/stub.h"
#include "fake_machine.h"

static struct fake_machine *fm;
static struct session s;
static struct gdb_session_target gt;
static struct gdb_stub *st;
static char out[65536];
static size_t outlen;

static void view_output(void *opaque, enum session_out kind,
			const char *text, size_t len)
{
	gdb_session_target_output(&gt, kind, text, len);
}

static const struct session_view_ops view = { .output = view_output };

static void collect(void *io, const uint8_t *buf, size_t len)
{
	if (outlen + len < sizeof(out)) {
		memcpy(out + outlen, buf, len);
		outlen += len;
		out[outlen] = '\0';
	}
}

static void setup(void)
{
	fm = fake_machine_create();
	cr_assert_not_null(fm);
	cr_assert_eq(session_init(&s, &fm->m, &view, NULL), 0);
	cr_assert_eq(gdb_session_target_init(&gt, &s, GDB_DESC_X86_64), 0);
	st = calloc(1, sizeof(*st));
	cr_assert_not_null(st);
	gdb_stub_init(st, &gdb_session_target_ops, &gt, collect, NULL);
	st->no_ack = true;
	st->gdb_swbreak = st->gdb_hwbreak = true;
}

static void teardown(void)
{
	gdb_session_target_destroy(&gt);
	session_destroy(&s);
	free(st);
}

static const char *ask(const char *data)
{
	static uint8_t frame[4096];
	static char reply[GDB_PACKET_MAX + 1];
	size_t n = gdb_frame((const uint8_t *)data, strlen(data), frame,
			     sizeof(frame));
	char *start, *hash;
	long r;

	outlen = 0;
	out[0] = '\0';
	gdb_stub_input(st, frame, n);
	start = strrchr(out, '$');
	cr_assert_not_null(start, "no reply to %s", data);
	hash = strrchr(start, '#');
	r = gdb_unescape((uint8_t *)start + 1, (size_t)(hash - start - 1),
			 (uint8_t *)reply);
	reply[r] = '\0';
	return reply;
}

/* GDB's number for a register of the map, by name. */
static unsigned int regnum(const char *name)
{
	for (unsigned int i = 0; i < gt.map.n; i++)
		if (!strcmp(gt.map.reg[i].name, name))
			return i;
	cr_assert_fail("no register %s", name);
	return 0;
}

TestSuite(gdb_target, .init = setup, .fini = teardown);

Test(gdb_target, target_xml_and_register_map)
{
	const char *x = gt.map.xml;

	cr_assert_not_null(strstr(x, "<architecture>i386:x86-64</architecture>"));
	cr_assert_not_null(strstr(x, "<feature name=\"org.gnu.gdb.i386.core\">"));
	cr_assert_not_null(strstr(x, "<feature name=\"org.quadrant.x86.sys\">"));
	cr_assert_not_null(strstr(x, "<reg name=\"st7\" bitsize=\"80\""));
	cr_assert_not_null(strstr(x, "<flags id=\"x86_cr0\" size=\"8\">"));
	cr_assert_not_null(strstr(x, "<field name=\"PG\" start=\"31\""));
	/* GDB's amd64 order: rip is 16, eflags 17, then the selectors. */
	cr_assert_eq(regnum("rip"), 16);
	cr_assert_eq(regnum("eflags"), 17);
	cr_assert_eq(regnum("cs"), 18);
	cr_assert_eq(regnum("fop"), 39);
	cr_assert_eq(regnum("fs_base"), 40);
	/* The fake CPU's own registers follow, in the system feature. */
	cr_assert_eq(regnum("pc"), 42);
	cr_assert_eq(regnum("cr3"), 46);
	cr_assert_eq(gt.map.n, 47);
	cr_assert_str_eq(ask("qXfer:features:read:target.xml:0,20"),
			 "m<?xml version=\"1.0\"?>\n<!DOCTYPE ");
}

Test(gdb_target, aarch64_and_i386_layouts)
{
	struct gdb_regmap m;
	const struct vcpu_reg_desc t[] = {
		{ "x0", 64, 0 }, { "pc", 64, 0 }, { "ttbr0_el1", 64, 0 },
	};

	cr_assert_eq(gdb_regmap_build(&m, GDB_DESC_AARCH64, t, 3), 0);
	cr_assert_str_eq(m.reg[32].name, "pc");
	cr_assert_str_eq(m.reg[33].name, "cpsr");
	cr_assert_str_eq(m.reg[34].name, "ttbr0_el1");
	cr_assert_not_null(strstr(m.xml, "org.quadrant.aarch64.sys"));
	cr_assert_null(strstr(m.xml, "fpu"));
	gdb_regmap_free(&m);
	cr_assert_eq(gdb_regmap_build(&m, GDB_DESC_I386, t, 3), 0);
	cr_assert_str_eq(m.reg[0].name, "eax");
	cr_assert_str_eq(m.reg[8].name, "eip");
	cr_assert_eq(m.reg[8].bits, 32);
	cr_assert_not_null(strstr(m.xml, "<architecture>i386</architecture>"));
	gdb_regmap_free(&m);
}

Test(gdb_target, registers)
{
	char req[32];

	fm->reg[FAKE_R0] = 0x1234;
	snprintf(req, sizeof(req), "p%x", regnum("r0"));
	cr_assert_str_eq(ask(req), "3412000000000000");
	snprintf(req, sizeof(req), "P%x=7856000000000000", regnum("r0"));
	cr_assert_str_eq(ask(req), "OK");
	cr_assert_eq(fm->reg[FAKE_R0], 0x5678);
	/* Registers the CPU lacks read as 0 and ignore writes. */
	cr_assert_str_eq(ask("p0"), "0000000000000000");
	cr_assert_str_eq(ask("P0=0100000000000000"), "OK");
	cr_assert_str_eq(ask("p18"), "00000000000000000000");	/* st0 */
	/* g carries all 47, at their sizes. */
	cr_assert_eq(strlen(ask("g")), 2 * (16 * 8 + 8 + 4 + 6 * 4 + 8 * 10 +
					    8 * 4 + 2 * 8 + 4 * 8 + 4));
}

Test(gdb_target, memory_virtual_and_physical)
{
	const uint8_t word[4] = { 0xde, 0xad, 0xbe, 0xef };

	cr_assert_eq(vm_write_gpa(&fm->m.vm, FAKE_ALIAS_GPA, word, 4), 0);
	/* gva FAKE_ALIAS_GVA maps to FAKE_ALIAS_GPA. */
	cr_assert_str_eq(ask("m40000,4"), "deadbeef");
	cr_assert_str_eq(ask("m200000,4"), "E0e");	/* not mapped */
	cr_assert_str_eq(ask("Qqemu.PhyMemMode:1"), "OK");
	cr_assert_str_eq(ask("m90000,4"), "deadbeef");
	cr_assert_str_eq(ask("M90000,2:0102"), "OK");
	cr_assert_str_eq(ask("m1ffffe,8"), "0000");	/* the end of RAM */
	cr_assert_str_eq(ask("Qqemu.PhyMemMode:0"), "OK");
	cr_assert_str_eq(ask("m40000,2"), "0102");
}

Test(gdb_target, breakpoints_stop_with_their_kind)
{
	cr_assert_str_eq(ask("Z0,1010,1"), "OK");
	cr_assert_str_eq(ask("Z1,1020,1"), "OK");
	cr_assert_str_eq(ask("c"), "T05thread:1;swbreak:;");
	cr_assert_eq(fm->reg[FAKE_PC], 0x1010);
	cr_assert_str_eq(ask("c"), "T05thread:1;hwbreak:;");
	cr_assert_eq(fm->reg[FAKE_PC], 0x1020);
	cr_assert_str_eq(ask("s"), "T05thread:1;");
	cr_assert_eq(fm->reg[FAKE_PC], 0x1024);
	/* Inserting twice is fine; removing takes it out of the engine. */
	cr_assert_str_eq(ask("Z0,1010,1"), "OK");
	cr_assert_str_eq(ask("z0,1010,1"), "OK");
	cr_assert_str_eq(ask("z1,1020,1"), "OK");
	cr_assert_null(session_break_find(&s, 1));
	cr_assert_null(session_break_find(&s, 2));
}

Test(gdb_target, watchpoints)
{
	fm->write_pc = 0x1020;
	fm->write_gva = 0x3002;
	cr_assert_str_eq(ask("Z2,3000,8"), "OK");
	cr_assert_str_eq(ask("c"), "T05thread:1;watch:3002;");
	cr_assert_eq(fm->reg[FAKE_PC], 0x1024);	/* after the access */
	cr_assert_str_eq(ask("z2,3000,8"), "OK");
	cr_assert_str_eq(ask("Z4,3004,4"), "OK");
	fm->reg[FAKE_PC] = 0x1020;
	cr_assert_str_eq(ask("c"), "T05thread:1;awatch:3004;");
	cr_assert_str_eq(ask("Z2,3000,0"), "E16");	/* no length */
}

Test(gdb_target, monitor_goes_through_the_command_table)
{
	cr_assert_str_eq(ask("Z0,1010,1"), "OK");
	/* "info breakpoints" */
	cr_assert_str_eq(ask("qRcmd,696e666f20627265616b706f696e7473"), "OK");
	cr_assert_not_null(strstr(out, "$O"), "%s", out);
	/* "frob": the error comes back as text too. */
	cr_assert_str_eq(ask("qRcmd,66726f62"), "OK");
	cr_assert_not_null(strstr(out, "$O6572726f723a20"), "%s", out);
	/* "quit" is refused: GDB would be left talking to nothing. */
	cr_assert_str_eq(ask("qRcmd,71756974"), "OK");
	cr_assert_not_null(strstr(out, "$O6572726f723a20"), "%s", out);
	/* Outside monitor nothing is captured. */
	cr_assert_null(gt.out);
}

Test(gdb_target, exit_and_stop_reason)
{
	fm->exit_pc = 0x1008;
	fm->exit_status = 3;
	cr_assert_str_eq(ask("?"), "T05thread:1;");
	cr_assert_str_eq(ask("c"), "W03");
	/* Gone stays gone. */
	cr_assert_str_eq(ask("c"), "W03");
	cr_assert_str_eq(ask("?"), "W03");
}

Test(gdb_target, detach_removes_gdbs_breakpoints_only)
{
	struct breakpoint *b;

	cr_assert_gt(session_break_gva(&s, 0x1030), 0);	/* the user's */
	cr_assert_str_eq(ask("Z0,1010,1"), "OK");
	cr_assert_str_eq(ask("Z0,1030,1"), "OK");	/* shared with it */
	cr_assert_str_eq(ask("Qqemu.PhyMemMode:1"), "OK");
	cr_assert_str_eq(ask("D"), "OK");
	b = session_break_find(&s, 1);
	cr_assert(b && b->addr == 0x1030);
	cr_assert_null(session_break_find(&s, 2));
	cr_assert_not(gt.phys);
}
