/* SPDX-License-Identifier: MIT */
/*
 * The packet dispatcher against a fake target: every packet's reply,
 * acks and no-ack mode, retransmission, malformed arguments, NULL ops
 * answering "unsupported", O packets streamed by monitor commands.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "debugger/gdbstub/stub.h"

/* --- a fake target: 3 registers, 64 KiB of memory at 0x1000 ---------- */

#define MEM_BASE 0x1000u
#define MEM_SIZE 0x10000u

struct fake {
	uint64_t reg[3];	/* r0 (8 bytes), r1 (8), flags (4) */
	uint8_t mem[MEM_SIZE];
	bool phys;
	int nbp;
	enum gdb_bp_type bp_type[8];
	uint64_t bp_addr[8], bp_kind[8];
	int resumes;
	bool last_step;
	uint64_t resume_pc;
	struct gdb_stop next_stop;
	bool detached, killed;
	char monitor_line[256];
};

static const char fake_xml[] = "<target><architecture>fake</architecture>"
			       "</target>";

static const char *f_xml(void *t, const char *annex)
{
	return strcmp(annex, "target.xml") ? NULL : fake_xml;
}

static unsigned int f_reg_count(void *t)
{
	return 3;
}

static int f_read_reg(void *t, unsigned int n, uint8_t *buf, size_t size)
{
	struct fake *f = t;
	int sz = n == 2 ? 4 : 8;

	if (n > 2)
		return -EINVAL;
	for (int i = 0; i < sz; i++)
		buf[i] = (uint8_t)(f->reg[n] >> (8 * i));
	return sz;
}

static int f_write_reg(void *t, unsigned int n, const uint8_t *buf,
		       size_t len)
{
	struct fake *f = t;
	uint64_t v = 0;

	if (n > 2 || len != (n == 2 ? 4u : 8u))
		return -EINVAL;
	if (n == 2 && buf[0] == 0xee)
		return -EPERM;		/* a read-only pattern */
	for (size_t i = 0; i < len; i++)
		v |= (uint64_t)buf[i] << (8 * i);
	f->reg[n] = v;
	return 0;
}

static long f_read_mem(void *t, uint64_t addr, uint8_t *buf, size_t len)
{
	struct fake *f = t;
	size_t n;

	if (addr < MEM_BASE || addr >= MEM_BASE + MEM_SIZE)
		return -EFAULT;
	n = MEM_BASE + MEM_SIZE - addr;
	if (n > len)
		n = len;
	memcpy(buf, f->mem + (addr - MEM_BASE), n);
	return (long)n;
}

static long f_write_mem(void *t, uint64_t addr, const uint8_t *buf,
			size_t len)
{
	struct fake *f = t;

	if (addr < MEM_BASE || addr + len > MEM_BASE + MEM_SIZE)
		return -EFAULT;
	memcpy(f->mem + (addr - MEM_BASE), buf, len);
	return (long)len;
}

static int f_set_phys(void *t, bool phys)
{
	((struct fake *)t)->phys = phys;
	return 0;
}

static bool f_get_phys(void *t)
{
	return ((struct fake *)t)->phys;
}

static int f_insert(void *t, enum gdb_bp_type type, uint64_t addr,
		    uint64_t kind)
{
	struct fake *f = t;

	if (f->nbp == 8)
		return -ENOSPC;
	f->bp_type[f->nbp] = type;
	f->bp_addr[f->nbp] = addr;
	f->bp_kind[f->nbp] = kind;
	f->nbp++;
	return 0;
}

static int f_remove(void *t, enum gdb_bp_type type, uint64_t addr,
		    uint64_t kind)
{
	struct fake *f = t;

	for (int i = 0; i < f->nbp; i++)
		if (f->bp_type[i] == type && f->bp_addr[i] == addr) {
			f->bp_type[i] = f->bp_type[--f->nbp];
			f->bp_addr[i] = f->bp_addr[f->nbp];
			return 0;
		}
	return -ENOENT;
}

static int f_resume(void *t, bool step, bool set_pc, uint64_t pc,
		    struct gdb_stop *stop)
{
	struct fake *f = t;

	f->resumes++;
	f->last_step = step;
	f->resume_pc = set_pc ? pc : ~0ull;
	*stop = f->next_stop;
	return 0;
}

static void f_stop_reason(void *t, struct gdb_stop *stop)
{
	memset(stop, 0, sizeof(*stop));
	stop->signo = GDB_SIGTRAP;
}

static int f_monitor(void *t, const char *line, gdb_out_fn out, void *ctx)
{
	struct fake *f = t;

	snprintf(f->monitor_line, sizeof(f->monitor_line), "%s", line);
	out(ctx, "line one\n", 9);
	out(ctx, "line two\n", 9);
	return 0;
}

static void f_detach(void *t)
{
	((struct fake *)t)->detached = true;
}

static void f_kill(void *t)
{
	((struct fake *)t)->killed = true;
}

static const struct gdb_target_ops fake_ops = {
	.xml = f_xml, .reg_count = f_reg_count, .read_reg = f_read_reg,
	.write_reg = f_write_reg, .read_mem = f_read_mem,
	.write_mem = f_write_mem, .set_phys_mode = f_set_phys,
	.get_phys_mode = f_get_phys, .insert_bp = f_insert,
	.remove_bp = f_remove, .resume = f_resume,
	.stop_reason = f_stop_reason, .monitor = f_monitor,
	.detach = f_detach, .kill = f_kill,
};

static const struct gdb_target_ops null_ops;

/* --- the harness: send packets, collect what the stub says ------------ */

static struct fake *f;
static struct gdb_stub *st;
static char out[65536];
static size_t outlen;

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
	f = calloc(1, sizeof(*f));
	st = calloc(1, sizeof(*st));
	cr_assert(f && st);
	gdb_stub_init(st, &fake_ops, f, collect, NULL);
	st->no_ack = true;	/* most tests: replies only */
	outlen = 0;
	out[0] = '\0';
}

static void teardown(void)
{
	free(f);
	free(st);
}

/* Send DATA framed; return the reply's DATA (unframed, unescaped). */
static const char *ask_len(const char *data, size_t len)
{
	static uint8_t frame[2 * GDB_PACKET_MAX + 8];
	static char reply[GDB_PACKET_MAX + 1];
	size_t n = 0;
	uint8_t sum = 0;
	char *start, *hash;
	long r;

	/* Framed as GDB does: the data goes as given (X escapes its own). */
	frame[n++] = '$';
	for (size_t i = 0; i < len; i++) {
		frame[n++] = (uint8_t)data[i];
		sum = (uint8_t)(sum + (uint8_t)data[i]);
	}
	n += (size_t)snprintf((char *)frame + n, 4, "#%02x", sum);
	outlen = 0;
	out[0] = '\0';
	gdb_stub_input(st, frame, n);
	start = strrchr(out, '$');
	if (!start)
		return NULL;
	hash = strrchr(start, '#');
	cr_assert_not_null(hash);
	r = gdb_unescape((uint8_t *)start + 1, (size_t)(hash - start - 1),
			 (uint8_t *)reply);
	cr_assert_geq(r, 0);
	reply[r] = '\0';
	return reply;
}

static const char *ask(const char *data)
{
	return ask_len(data, strlen(data));
}

TestSuite(gdb_stub, .init = setup, .fini = teardown);

Test(gdb_stub, acks_until_no_ack_mode)
{
	st->no_ack = false;
	cr_assert_str_eq(ask("QStartNoAckMode"), "OK");
	cr_assert_eq(out[0], '+');	/* the ack for that packet itself */
	cr_assert(st->no_ack);
	cr_assert_str_eq(ask("?"), "T05thread:1;");
	cr_assert_eq(out[0], '$');	/* no more acks */
}

Test(gdb_stub, bad_checksum_gets_nack_and_resend)
{
	st->no_ack = false;
	gdb_stub_input(st, (const uint8_t *)"$g#00", 5);
	cr_assert_str_eq(out, "-");
	cr_assert_eq(st->bad_packets, 1);
	ask("qC");
	outlen = 0;
	gdb_stub_input(st, (const uint8_t *)"-", 1);	/* GDB: again */
	cr_assert_str_eq(out, "$QC1#c5");
}

Test(gdb_stub, supported_and_features)
{
	const char *r = ask("qSupported:multiprocess+;swbreak+;hwbreak+;"
			    "xmlRegisters=i386");

	cr_assert_not_null(strstr(r, "PacketSize=4000"));
	cr_assert_not_null(strstr(r, "qXfer:features:read+"));
	cr_assert_not_null(strstr(r, "QStartNoAckMode+"));
	cr_assert_not_null(strstr(r, "swbreak+"));
	cr_assert(st->gdb_swbreak);
}

Test(gdb_stub, xfer_target_xml_in_chunks)
{
	char doc[256] = "";
	size_t got = 0;
	const char *r;
	char req[64];

	for (;;) {
		snprintf(req, sizeof(req), "qXfer:features:read:target.xml:"
			 "%zx,10", got);
		r = ask(req);
		cr_assert(r[0] == 'm' || r[0] == 'l', "reply %s", r);
		strcat(doc, r + 1);
		got += strlen(r + 1);
		if (r[0] == 'l')
			break;
		cr_assert_leq(strlen(r + 1), 0x10);
	}
	cr_assert_str_eq(doc, fake_xml);
	cr_assert_str_eq(ask("qXfer:features:read:target.xml:ffff,10"), "l");
	cr_assert_str_eq(ask("qXfer:features:read:other.xml:0,10"), "E00");
	cr_assert_str_eq(ask("qXfer:features:read:target.xml:zz"), "E00");
}

Test(gdb_stub, registers)
{
	f->reg[0] = 0x1122334455667788ull;
	f->reg[2] = 0x246;
	cr_assert_str_eq(ask("g"), "8877665544332211" "0000000000000000"
			 "46020000");
	cr_assert_str_eq(ask("p0"), "8877665544332211");
	cr_assert_str_eq(ask("p2"), "46020000");
	cr_assert_str_eq(ask("p3"), "E16");
	cr_assert_str_eq(ask("pzz"), "E16");
	cr_assert_str_eq(ask("P1=0100000000000000"), "OK");
	cr_assert_eq(f->reg[1], 1);
	cr_assert_str_eq(ask("P1=01"), "E01");		/* wrong size */
	cr_assert_str_eq(ask("P2=ee000000"), "E01");	/* refused */
	cr_assert_str_eq(ask("P1=0x"), "E16");
	cr_assert_str_eq(ask("G" "0200000000000000" "0300000000000000"
			     "04000000"), "OK");
	cr_assert_eq(f->reg[0], 2);
	cr_assert_eq(f->reg[2], 4);
	cr_assert_str_eq(ask("G0200"), "E16");		/* truncated */
}

Test(gdb_stub, memory_hex_and_binary)
{
	f->mem[0] = 0xab;
	f->mem[1] = 0xcd;
	cr_assert_str_eq(ask("m1000,2"), "abcd");
	cr_assert_str_eq(ask("m1000,0"), "");
	cr_assert_str_eq(ask("m0,4"), "E0e");		/* EFAULT */
	cr_assert_str_eq(ask("m10ffe,8"), "0000");	/* short read */
	cr_assert_str_eq(ask("m1000"), "E16");
	cr_assert_str_eq(ask("m1000,2x"), "E16");
	cr_assert_str_eq(ask("M1004,2:beef"), "OK");
	cr_assert_eq(f->mem[4], 0xbe);
	cr_assert_str_eq(ask("M1004,2:bee"), "E16");	/* odd hex */
	cr_assert_str_eq(ask("M1004,3:beef"), "E16");	/* length mismatch */
	cr_assert_str_eq(ask("M0,1:00"), "E0e");
	cr_assert_str_eq(ask("X1000,0:"), "OK");	/* the probe */
	/* Binary: '#' escaped as }\x03, and a raw NUL byte. */
	const char x[] = "X1008,3:}\x03" "\0" "z";
	cr_assert_str_eq(ask_len(x, sizeof(x) - 1), "OK");
	cr_assert_eq(f->mem[8], '#');
	cr_assert_eq(f->mem[9], 0);
	cr_assert_eq(f->mem[10], 'z');
	cr_assert_str_eq(ask("X1008,2:}"), "E16");	/* escape cut off */
}

Test(gdb_stub, big_read_is_clamped_to_the_packet)
{
	const char *r = ask("m1000,ffff");

	cr_assert_eq(strlen(r), GDB_PACKET_MAX);
}

Test(gdb_stub, breakpoints_and_watchpoints)
{
	cr_assert_str_eq(ask("Z0,1010,1"), "OK");
	cr_assert_str_eq(ask("Z1,1020,1"), "OK");
	cr_assert_str_eq(ask("Z2,2000,4"), "OK");
	cr_assert_str_eq(ask("Z4,3000,8;X1,0"), "OK");	/* condition ignored */
	cr_assert_eq(f->nbp, 4);
	cr_assert_eq(f->bp_type[2], GDB_WP_WRITE);
	cr_assert_eq(f->bp_kind[2], 4);
	cr_assert_str_eq(ask("z0,1010,1"), "OK");
	cr_assert_eq(f->nbp, 3);
	cr_assert_str_eq(ask("z0,9999,1"), "E02");
	cr_assert_str_eq(ask("Z5,1000,1"), "");		/* unknown type */
	cr_assert_str_eq(ask("Z0,1000"), "E16");
	cr_assert_str_eq(ask("Z0,,1"), "E16");
}

Test(gdb_stub, stop_replies)
{
	st->gdb_swbreak = st->gdb_hwbreak = true;
	f->next_stop = (struct gdb_stop){ .signo = GDB_SIGTRAP,
					  .why = GDB_WHY_SWBREAK };
	cr_assert_str_eq(ask("c"), "T05thread:1;swbreak:;");
	cr_assert_not(f->last_step);
	f->next_stop.why = GDB_WHY_HWBREAK;
	cr_assert_str_eq(ask("s"), "T05thread:1;hwbreak:;");
	cr_assert(f->last_step);
	f->next_stop.why = GDB_WHY_WATCH;
	f->next_stop.addr = 0x2000;
	cr_assert_str_eq(ask("c"), "T05thread:1;watch:2000;");
	f->next_stop.why = GDB_WHY_RWATCH;
	cr_assert_str_eq(ask("c"), "T05thread:1;rwatch:2000;");
	f->next_stop.why = GDB_WHY_AWATCH;
	cr_assert_str_eq(ask("c"), "T05thread:1;awatch:2000;");
	f->next_stop = (struct gdb_stop){ .signo = GDB_SIGINT };
	cr_assert_str_eq(ask("c"), "T02thread:1;");
	f->next_stop = (struct gdb_stop){ .kind = GDB_STOP_EXITED,
					  .status = 3 };
	cr_assert_str_eq(ask("c"), "W03");
	cr_assert(st->exited);
}

Test(gdb_stub, swbreak_only_when_gdb_knows_it)
{
	f->next_stop = (struct gdb_stop){ .signo = GDB_SIGTRAP,
					  .why = GDB_WHY_SWBREAK };
	cr_assert_str_eq(ask("c"), "T05thread:1;");
}

Test(gdb_stub, resume_forms)
{
	f->next_stop.signo = GDB_SIGTRAP;
	ask("c1234");
	cr_assert_eq(f->resume_pc, 0x1234);
	ask("s");
	cr_assert_eq(f->resume_pc, ~0ull);
	cr_assert(f->last_step);
	ask("C05;2000");
	cr_assert_eq(f->resume_pc, 0x2000);
	cr_assert_not(f->last_step);
	ask("S0b");
	cr_assert(f->last_step);
	cr_assert_str_eq(ask("cxyz"), "E16");
	cr_assert_str_eq(ask("C"), "E16");
	cr_assert_eq(f->resumes, 4);
}

Test(gdb_stub, vcont)
{
	f->next_stop.signo = GDB_SIGTRAP;
	cr_assert_str_eq(ask("vCont?"), "vCont;c;C;s;S");
	ask("vCont;s:1");
	cr_assert(f->last_step);
	ask("vCont;c");
	cr_assert_not(f->last_step);
	ask("vCont;s:1;c");
	cr_assert(f->last_step);
	ask("vCont;C05:-1");
	cr_assert_not(f->last_step);
	cr_assert_eq(f->resumes, 4);
	cr_assert_str_eq(ask("vCont;"), "E16");
	cr_assert_str_eq(ask("vCont;x"), "E16");
	cr_assert_str_eq(ask("vCont;s:9"), "E16");	/* no thread 9 */
	cr_assert_str_eq(ask("vCont;s:"), "E16");
	cr_assert_str_eq(ask("vCont"), "E16");
	cr_assert_str_eq(ask("vContc"), "E16");
	cr_assert_eq(f->resumes, 4);
}

Test(gdb_stub, threads)
{
	cr_assert_str_eq(ask("qC"), "QC1");
	cr_assert_str_eq(ask("qfThreadInfo"), "m1");
	cr_assert_str_eq(ask("qsThreadInfo"), "l");
	cr_assert_str_eq(ask("qAttached"), "1");
	cr_assert_str_eq(ask("qAttached:1"), "1");
	cr_assert_str_eq(ask("Hg0"), "OK");
	cr_assert_str_eq(ask("Hc-1"), "OK");
	cr_assert_str_eq(ask("Hg1"), "OK");
	cr_assert_str_eq(ask("Hg2"), "E16");
	cr_assert_str_eq(ask("Hx1"), "E16");
	cr_assert_str_eq(ask("T1"), "OK");
	cr_assert_str_eq(ask("T2"), "E03");
	/* "vCPU 0" in hex */
	cr_assert_str_eq(ask("qThreadExtraInfo,1"), "764350552030");
	cr_assert_str_eq(ask("qThreadExtraInfo,2"), "E16");
}

Test(gdb_stub, monitor_streams_o_packets)
{
	const char *r;

	/* "walk 0x1000" */
	r = ask("qRcmd,77616c6b20307831303030");
	cr_assert_str_eq(r, "OK");
	cr_assert_str_eq(f->monitor_line, "walk 0x1000");
	/* Two O packets went out before the OK, in order. */
	cr_assert_not_null(strstr(out, "$O6c696e65206f6e650a#"));
	cr_assert_lt(strstr(out, "$O6c696e65206f6e650a#"),
		     strstr(out, "$O6c696e652074776f0a#"));
	cr_assert_str_eq(ask("qRcmd,7"), "E16");
	cr_assert_str_eq(ask("qRcmd,zz"), "E16");
	cr_assert_str_eq(ask("qRcmd,6100"), "E16");	/* embedded NUL */
}

Test(gdb_stub, phys_mode)
{
	cr_assert_str_eq(ask("qqemu.PhyMemMode"), "0");
	cr_assert_str_eq(ask("Qqemu.PhyMemMode:1"), "OK");
	cr_assert(f->phys);
	cr_assert_str_eq(ask("qqemu.PhyMemMode"), "1");
	cr_assert_str_eq(ask("Qqemu.PhyMemMode:2"), "E16");
	cr_assert_str_eq(ask("Qqemu.PhyMemMode:0"), "OK");
	cr_assert_not(f->phys);
}

Test(gdb_stub, unknown_packets_are_unsupported)
{
	cr_assert_str_eq(ask("vMustReplyEmpty"), "");
	cr_assert_str_eq(ask("qTStatus"), "");
	cr_assert_str_eq(ask("!"), "");
	cr_assert_str_eq(ask(""), "");
	cr_assert_str_eq(ask("qCRC:1000,4"), "");	/* not qC */
}

Test(gdb_stub, null_ops_answer_unsupported)
{
	gdb_stub_init(st, &null_ops, NULL, collect, NULL);
	st->no_ack = true;
	cr_assert_str_eq(ask("g"), "");
	cr_assert_str_eq(ask("m1000,4"), "");
	cr_assert_str_eq(ask("Z0,1000,1"), "");
	cr_assert_str_eq(ask("c"), "");
	cr_assert_str_eq(ask("vCont?"), "");
	cr_assert_str_eq(ask("qRcmd,6869"), "");
	cr_assert_str_eq(ask("Qqemu.PhyMemMode:1"), "");
	cr_assert_null(strstr(ask("qSupported"), "qXfer"));
	cr_assert_str_eq(ask("?"), "T05thread:1;");
	cr_assert_str_eq(ask("D"), "OK");
}

Test(gdb_stub, detach_and_kill)
{
	cr_assert_str_eq(ask("D;1"), "OK");
	cr_assert(f->detached);
	cr_assert_eq(st->state, GDB_STUB_DETACHED);
	/* Nothing more is read once detached. */
	cr_assert_eq(gdb_stub_input(st, (const uint8_t *)"$g#67", 5), 0);
	teardown();
	setup();
	cr_assert_null(ask("k"));	/* no reply at all */
	cr_assert(f->killed);
	cr_assert_eq(st->state, GDB_STUB_KILLED);
}

Test(gdb_stub, overlong_packet_gets_an_error)
{
	size_t n = GDB_PACKET_MAX + 10;
	char *big = malloc(2 * n + 8);
	char *data = malloc(n);

	cr_assert(big && data);
	memset(data, 'm', n);
	n = gdb_frame((uint8_t *)data, n, (uint8_t *)big, 2 * n + 8);
	outlen = 0;
	gdb_stub_input(st, (uint8_t *)big, n);
	cr_assert_str_eq(out, "$E07#ac");
	free(big);
	free(data);
}

Test(gdb_stub, format_stop)
{
	struct gdb_stop s = { .kind = GDB_STOP_EXITED, .status = 0x101 };
	char buf[8];

	cr_assert_eq(gdb_stub_format_stop(st, &s, buf, sizeof(buf)), 3);
	cr_assert_str_eq(buf, "W01");
}
