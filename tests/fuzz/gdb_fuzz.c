/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the GDB stub: arbitrary bytes go through the
 * framing layer and the dispatcher, against a fake target with small
 * registers and a little memory, in ack and no-ack mode. Everything the
 * stub sends is checked to be well framed; ASan and UBSan catch the
 * rest.
 *
 *   make fuzz                      a long run
 *   tests/fuzz/run.sh              the bounded run of `make check`
 *
 * The input is also split at every '!' into separate stub sessions, so
 * that the corpus can hold whole conversations.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "debugger/gdbstub/stub.h"

#define MEM_BASE 0x1000u
#define MEM_SIZE 0x4000u

static uint8_t mem[MEM_SIZE];
static uint64_t regs[40];

static const char xml[] =
	"<?xml version=\"1.0\"?><target><architecture>i386:x86-64"
	"</architecture></target>";

static const char *f_xml(void *t, const char *annex)
{
	return strcmp(annex, "target.xml") ? NULL : xml;
}

static unsigned int f_reg_count(void *t)
{
	return 40;
}

static int f_read_reg(void *t, unsigned int n, uint8_t *buf, size_t size)
{
	size_t sz = n % 3 == 0 ? 4 : n % 3 == 1 ? 8 : 10;

	if (n >= 40 || sz > size)
		return -EINVAL;
	memset(buf, 0, sz);
	memcpy(buf, &regs[n], sz < 8 ? sz : 8);
	return (int)sz;
}

static int f_write_reg(void *t, unsigned int n, const uint8_t *buf,
		       size_t len)
{
	if (n >= 40 || len > 10)
		return -EINVAL;
	memcpy(&regs[n], buf, len < 8 ? len : 8);
	return 0;
}

static long f_read_mem(void *t, uint64_t addr, uint8_t *buf, size_t len)
{
	size_t n;

	if (addr < MEM_BASE || addr >= MEM_BASE + MEM_SIZE)
		return -EFAULT;
	n = MEM_BASE + MEM_SIZE - addr;
	if (n > len)
		n = len;
	memcpy(buf, mem + (addr - MEM_BASE), n);
	return (long)n;
}

static long f_write_mem(void *t, uint64_t addr, const uint8_t *buf,
			size_t len)
{
	if (addr < MEM_BASE || addr >= MEM_BASE + MEM_SIZE ||
	    len > MEM_BASE + MEM_SIZE - addr)
		return -EFAULT;
	memcpy(mem + (addr - MEM_BASE), buf, len);
	return (long)len;
}

static bool phys;

static int f_set_phys(void *t, bool p)
{
	phys = p;
	return 0;
}

static bool f_get_phys(void *t)
{
	return phys;
}

static int f_bp(void *t, enum gdb_bp_type type, uint64_t addr, uint64_t kind)
{
	return addr & 1 ? -ENOSPC : 0;
}

static unsigned int resumes;

static int f_resume(void *t, bool step, bool set_pc, uint64_t pc,
		    struct gdb_stop *stop)
{
	static const int whys[] = { GDB_WHY_NONE, GDB_WHY_SWBREAK,
				    GDB_WHY_HWBREAK, GDB_WHY_WATCH,
				    GDB_WHY_RWATCH, GDB_WHY_AWATCH };

	memset(stop, 0, sizeof(*stop));
	resumes++;
	stop->signo = GDB_SIGTRAP;
	stop->why = whys[resumes % 6];
	stop->addr = pc;
	if (resumes % 7 == 0) {
		stop->kind = GDB_STOP_EXITED;
		stop->status = (int)pc;
	}
	return resumes % 11 == 0 ? -EINVAL : 0;
}

static void f_stop_reason(void *t, struct gdb_stop *stop)
{
	memset(stop, 0, sizeof(*stop));
	stop->signo = GDB_SIGTRAP;
}

static int f_monitor(void *t, const char *line, gdb_out_fn out, void *ctx)
{
	size_t n = strlen(line);

	out(ctx, line, n);
	out(ctx, "\n", 1);
	return n & 1 ? -EINVAL : 0;
}

static unsigned int f_threads(void *t)
{
	return 2;
}

static const struct gdb_target_ops ops = {
	.xml = f_xml, .reg_count = f_reg_count, .read_reg = f_read_reg,
	.write_reg = f_write_reg, .read_mem = f_read_mem,
	.write_mem = f_write_mem, .set_phys_mode = f_set_phys,
	.get_phys_mode = f_get_phys, .insert_bp = f_bp, .remove_bp = f_bp,
	.resume = f_resume, .stop_reason = f_stop_reason,
	.monitor = f_monitor, .thread_count = f_threads,
};

/* Every frame the stub sends must be '$', data, '#', two hex digits. */
static void check_send(void *io, const uint8_t *buf, size_t len)
{
	if (len == 1 && (buf[0] == '+' || buf[0] == '-'))
		return;
	if (len < 4 || buf[0] != '$' || buf[len - 3] != '#' ||
	    gdb_hex_digit(buf[len - 2]) < 0 || gdb_hex_digit(buf[len - 1]) < 0)
		abort();
	for (size_t i = 1; i < len - 3; i++)
		if (buf[i] == '$' || buf[i] == '#')
			abort();	/* unescaped */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct gdb_stub *st;
	size_t start = 0;

	if (!st)
		st = malloc(sizeof(*st));
	if (!st)
		return 0;
	while (start <= size) {
		const uint8_t *bang = size > start ?
			memchr(data + start, '!', size - start) : NULL;
		size_t end = bang ? (size_t)(bang - data) : size;

		gdb_stub_init(st, &ops, NULL, check_send, NULL);
		/* The first byte of each session picks the ack mode. */
		st->no_ack = end > start && (data[start] & 1);
		gdb_stub_input(st, data + start, end - start);
		start = end + 1;
	}
	return 0;
}
