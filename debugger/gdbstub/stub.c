/* SPDX-License-Identifier: MIT */
/*
 * The packet dispatcher (see stub.h). One table row per packet; each
 * handler parses its arguments strictly (a malformed packet gets "E01",
 * never a guess) and answers through reply_*. Unknown packets, and
 * packets whose target op is NULL, get the empty reply: "unsupported".
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "debugger/gdbstub/stub.h"

/* --- replies ----------------------------------------------------------- */

static void send_frame(struct gdb_stub *st, const uint8_t *data, size_t len)
{
	st->frame_len = gdb_frame(data, len, st->frame, sizeof(st->frame));
	if (st->frame_len && st->send)
		st->send(st->io, st->frame, st->frame_len);
}

static void reply_buf(struct gdb_stub *st, const void *data, size_t len)
{
	if (len > GDB_PACKET_MAX)
		len = GDB_PACKET_MAX;
	memmove(st->reply, data, len);
	st->reply_len = len;
}

static void reply_str(struct gdb_stub *st, const char *s)
{
	reply_buf(st, s, strlen(s));
}

/* "E" and two hex digits: the errno, as gdbserver does. */
static void reply_err(struct gdb_stub *st, int err)
{
	char e[8];

	if (err < 0)
		err = -err;
	snprintf(e, sizeof(e), "E%02x", err & 0xff);
	reply_str(st, e);
}

static void reply_ok(struct gdb_stub *st)
{
	reply_str(st, "OK");
}

/* Append formatted text to the reply being built. */
static void reply_addf(struct gdb_stub *st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void reply_addf(struct gdb_stub *st, const char *fmt, ...)
{
	size_t room = sizeof(st->reply) - st->reply_len;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf((char *)st->reply + st->reply_len, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		st->reply_len += (size_t)n < room ? (size_t)n : room - 1;
}

/* --- argument parsing --------------------------------------------------- */

/* "ADDR,LEN" followed by @end (':' or '\0'); *@p moves past @end. */
static bool parse_addr_len(const char **p, uint64_t *addr, uint64_t *len,
			   char end)
{
	const char *s = *p;

	if (!gdb_parse_hex(&s, addr) || *s++ != ',' || !gdb_parse_hex(&s, len))
		return false;
	if (*s != end)
		return false;
	*p = end ? s + 1 : s;
	return true;
}

static unsigned int nthreads(struct gdb_stub *st)
{
	unsigned int n = st->ops->thread_count ? st->ops->thread_count(st->t)
					       : 1;

	return n ? n : 1;
}

/* A thread id as GDB writes it: hex, or -1 (all), or 0 (any). */
static bool parse_tid(struct gdb_stub *st, const char *s, bool exact)
{
	uint64_t tid;

	if (!strcmp(s, "-1"))
		return true;
	if (s[0] == 'p')	/* multiprocess pPID.TID: we never ask for it */
		return false;
	if (!gdb_parse_hex(&s, &tid) || (exact && *s))
		return false;
	return tid <= nthreads(st);
}

/* --- stop replies ---------------------------------------------------------- */

size_t gdb_stub_format_stop(const struct gdb_stub *st,
			    const struct gdb_stop *stop, char *buf,
			    size_t size)
{
	static const char *const watch[] = { "", "", "", "watch", "rwatch",
					     "awatch" };
	int n;

	if (stop->kind == GDB_STOP_EXITED)
		n = snprintf(buf, size, "W%02x", stop->status & 0xff);
	else if (stop->why == GDB_WHY_SWBREAK && st->gdb_swbreak)
		n = snprintf(buf, size, "T%02xthread:1;swbreak:;",
			     stop->signo);
	else if (stop->why == GDB_WHY_HWBREAK && st->gdb_hwbreak)
		n = snprintf(buf, size, "T%02xthread:1;hwbreak:;",
			     stop->signo);
	else if (stop->why >= GDB_WHY_WATCH && stop->why <= GDB_WHY_AWATCH)
		n = snprintf(buf, size, "T%02xthread:1;%s:%llx;", stop->signo,
			     watch[stop->why],
			     (unsigned long long)stop->addr);
	else
		n = snprintf(buf, size, "T%02xthread:1;", stop->signo);
	return n < 0 ? 0 : (size_t)n < size ? (size_t)n : size - 1;
}

static void reply_stop(struct gdb_stub *st, const struct gdb_stop *stop)
{
	char buf[96];
	size_t n = gdb_stub_format_stop(st, stop, buf, sizeof(buf));

	if (stop->kind == GDB_STOP_EXITED)
		st->exited = true;
	reply_buf(st, buf, n);
}

/* --- the packets --------------------------------------------------------------- */

typedef void (*gdb_cmd_fn)(struct gdb_stub *st, const char *args,
			   size_t len);

static void cmd_stop_reason(struct gdb_stub *st, const char *args, size_t len)
{
	struct gdb_stop stop = { .kind = GDB_STOP_SIGNAL,
				 .signo = GDB_SIGTRAP };

	if (st->ops->stop_reason)
		st->ops->stop_reason(st->t, &stop);
	reply_stop(st, &stop);
}

static void cmd_read_regs(struct gdb_stub *st, const char *args, size_t len)
{
	unsigned int n = st->ops->reg_count ? st->ops->reg_count(st->t) : 0;
	uint8_t val[64];

	if (!n || !st->ops->read_reg)
		return;		/* unsupported */
	st->reply_len = 0;
	for (unsigned int i = 0; i < n; i++) {
		int sz = st->ops->read_reg(st->t, i, val, sizeof(val));

		if (sz < 0 || (size_t)sz > sizeof(val) ||
		    st->reply_len + 2 * (size_t)sz >= sizeof(st->reply)) {
			reply_err(st, sz < 0 ? sz : -E2BIG);
			return;
		}
		gdb_hex_encode(val, (size_t)sz,
			       (char *)st->reply + st->reply_len);
		st->reply_len += 2 * (size_t)sz;
	}
}

static void cmd_write_regs(struct gdb_stub *st, const char *args, size_t len)
{
	unsigned int n = st->ops->reg_count ? st->ops->reg_count(st->t) : 0;
	uint8_t val[64];
	size_t off = 0;

	if (!n || !st->ops->read_reg || !st->ops->write_reg)
		return;
	for (unsigned int i = 0; i < n; i++) {
		int sz = st->ops->read_reg(st->t, i, val, sizeof(val));

		if (sz < 0 || (size_t)sz > sizeof(val))
			return reply_err(st, EINVAL);
		if (off + 2 * (size_t)sz > len)
			break;	/* GDB may send fewer: leave the rest */
		if (gdb_hex_decode(args + off, 2 * (size_t)sz, val) < 0)
			return reply_err(st, EINVAL);
		off += 2 * (size_t)sz;
		if (st->ops->write_reg(st->t, i, val, (size_t)sz))
			return reply_err(st, EPERM);
	}
	if (off != len)
		return reply_err(st, EINVAL);
	reply_ok(st);
}

static void cmd_read_reg(struct gdb_stub *st, const char *args, size_t len)
{
	char hex[2 * 64 + 1];
	uint8_t val[64];
	uint64_t n;
	int sz;

	if (!st->ops->read_reg)
		return;
	if (!gdb_parse_hex(&args, &n) || *args)
		return reply_err(st, EINVAL);
	sz = n > 0xffff ? -EINVAL
			: st->ops->read_reg(st->t, (unsigned int)n, val,
					    sizeof(val));
	if (sz < 0 || (size_t)sz > sizeof(val))
		return reply_err(st, sz < 0 ? sz : -EINVAL);
	gdb_hex_encode(val, (size_t)sz, hex);
	reply_str(st, hex);
}

static void cmd_write_reg(struct gdb_stub *st, const char *args, size_t len)
{
	const char *p = args;
	uint8_t val[64];
	uint64_t n;
	long sz;

	if (!st->ops->write_reg)
		return;
	if (!gdb_parse_hex(&p, &n) || *p++ != '=' || n > 0xffff)
		return reply_err(st, EINVAL);
	if (strlen(p) > 2 * sizeof(val))
		return reply_err(st, EINVAL);
	sz = gdb_hex_decode(p, strlen(p), val);
	if (sz <= 0)
		return reply_err(st, EINVAL);
	if (st->ops->write_reg(st->t, (unsigned int)n, val, (size_t)sz))
		return reply_err(st, EPERM);
	reply_ok(st);
}

static void cmd_read_mem(struct gdb_stub *st, const char *args, size_t len)
{
	static uint8_t buf[GDB_PACKET_MAX / 2];
	uint64_t addr, n;
	long got;

	if (!st->ops->read_mem)
		return;
	if (!parse_addr_len(&args, &addr, &n, '\0'))
		return reply_err(st, EINVAL);
	if (n > sizeof(buf))	/* GDB asks again for the rest */
		n = sizeof(buf);
	if (!n)
		return reply_str(st, "");
	got = st->ops->read_mem(st->t, addr, buf, n);
	if (got <= 0)
		return reply_err(st, got < 0 ? got : -EFAULT);
	if ((uint64_t)got > n)
		got = (long)n;
	gdb_hex_encode(buf, (size_t)got, (char *)st->reply);
	st->reply_len = 2 * (size_t)got;
}

/* M: hex data; X: binary data. Both "ADDR,LEN:DATA". */
static void write_mem(struct gdb_stub *st, const char *args, size_t len,
		      bool binary)
{
	static uint8_t buf[GDB_PACKET_MAX];
	const char *p = args;
	uint64_t addr, n;
	size_t dlen;
	long got;

	if (!st->ops->write_mem)
		return;
	if (!parse_addr_len(&p, &addr, &n, ':'))
		return reply_err(st, EINVAL);
	dlen = len - (size_t)(p - args);
	got = binary ? gdb_unescape((const uint8_t *)p, dlen, buf)
		     : dlen > 2 * sizeof(buf) ? -1
		     : gdb_hex_decode(p, dlen, buf);
	if (got < 0 || (uint64_t)got != n)
		return reply_err(st, EINVAL);
	if (!n)
		return reply_ok(st);	/* X probe: binary writes work */
	got = st->ops->write_mem(st->t, addr, buf, n);
	if (got < 0 || (uint64_t)got != n)
		return reply_err(st, got < 0 ? got : -EFAULT);
	reply_ok(st);
}

static void cmd_write_mem_hex(struct gdb_stub *st, const char *args,
			      size_t len)
{
	write_mem(st, args, len, false);
}

static void cmd_write_mem_bin(struct gdb_stub *st, const char *args,
			      size_t len)
{
	write_mem(st, args, len, true);
}

static void resume(struct gdb_stub *st, bool step, bool set_pc, uint64_t pc)
{
	struct gdb_stop stop = { .kind = GDB_STOP_SIGNAL,
				 .signo = GDB_SIGTRAP };
	int ret;

	if (!st->ops->resume)
		return;
	ret = st->ops->resume(st->t, step, set_pc, pc, &stop);
	if (ret && st->ops->stop_reason)
		st->ops->stop_reason(st->t, &stop);
	reply_stop(st, &stop);
}

/* c [ADDR], s [ADDR] */
static void cmd_cont_step(struct gdb_stub *st, const char *args, bool step)
{
	uint64_t pc = 0;
	bool set = *args != '\0';

	if (set && (!gdb_parse_hex(&args, &pc) || *args))
		return reply_err(st, EINVAL);
	resume(st, step, set, pc);
}

static void cmd_cont(struct gdb_stub *st, const char *args, size_t len)
{
	cmd_cont_step(st, args, false);
}

static void cmd_step(struct gdb_stub *st, const char *args, size_t len)
{
	cmd_cont_step(st, args, true);
}

/* C SIG[;ADDR], S SIG[;ADDR]: the signal is dropped (nothing to deliver). */
static void cmd_sig_resume(struct gdb_stub *st, const char *args, bool step)
{
	uint64_t sig, pc = 0;
	bool set = false;

	if (!gdb_parse_hex(&args, &sig))
		return reply_err(st, EINVAL);
	if (*args == ';') {
		args++;
		set = true;
		if (!gdb_parse_hex(&args, &pc))
			return reply_err(st, EINVAL);
	}
	if (*args)
		return reply_err(st, EINVAL);
	resume(st, step, set, pc);
}

static void cmd_cont_sig(struct gdb_stub *st, const char *args, size_t len)
{
	cmd_sig_resume(st, args, false);
}

static void cmd_step_sig(struct gdb_stub *st, const char *args, size_t len)
{
	cmd_sig_resume(st, args, true);
}

static void cmd_vcont_query(struct gdb_stub *st, const char *args,
			    size_t len)
{
	if (st->ops->resume)
		reply_str(st, "vCont;c;C;s;S");
}

/*
 * vCont;ACTION[:TID]... : the first action that applies to our thread
 * (all vCPUs run together: all-stop) decides. c and C continue, s and S
 * step; any other action, or a malformed list, is an error.
 */
static void cmd_vcont(struct gdb_stub *st, const char *args, size_t len)
{
	const char *p = args;
	int chosen = 0;

	if (!st->ops->resume)
		return;
	while (*p) {
		char act, tid[24];
		uint64_t sig;
		size_t n;

		if (*p++ != ';')
			return reply_err(st, EINVAL);
		act = *p++;
		if (act != 'c' && act != 's' && act != 'C' && act != 'S')
			return reply_err(st, EINVAL);
		if ((act == 'C' || act == 'S') && !gdb_parse_hex(&p, &sig))
			return reply_err(st, EINVAL);
		if (*p == ':') {
			p++;
			n = strcspn(p, ";");
			if (!n || n >= sizeof(tid))
				return reply_err(st, EINVAL);
			memcpy(tid, p, n);
			tid[n] = '\0';
			p += n;
			if (!parse_tid(st, tid, true))
				return reply_err(st, EINVAL);
		} else if (*p && *p != ';') {
			return reply_err(st, EINVAL);
		}
		if (!chosen)
			chosen = act;
	}
	if (!chosen)
		return reply_err(st, EINVAL);
	resume(st, chosen == 's' || chosen == 'S', false, 0);
}

/* Z/z TYPE,ADDR,KIND[;...]: conditions and commands are ignored. */
static void breakpoint(struct gdb_stub *st, const char *args, bool insert)
{
	uint64_t type, addr, kind;
	int ret;

	if (!(insert ? st->ops->insert_bp : st->ops->remove_bp))
		return;
	if (!gdb_parse_hex(&args, &type) || *args++ != ',' ||
	    !gdb_parse_hex(&args, &addr) || *args++ != ',' ||
	    !gdb_parse_hex(&args, &kind) || (*args && *args != ';'))
		return reply_err(st, EINVAL);
	if (type > GDB_WP_ACCESS)
		return;		/* unsupported type */
	ret = insert ? st->ops->insert_bp(st->t, (enum gdb_bp_type)type, addr,
					  kind)
		     : st->ops->remove_bp(st->t, (enum gdb_bp_type)type, addr,
					  kind);
	if (ret == -EOPNOTSUPP)
		return;
	if (ret)
		return reply_err(st, ret);
	reply_ok(st);
}

static void cmd_insert_bp(struct gdb_stub *st, const char *args, size_t len)
{
	breakpoint(st, args, true);
}

static void cmd_remove_bp(struct gdb_stub *st, const char *args, size_t len)
{
	breakpoint(st, args, false);
}

static void cmd_detach(struct gdb_stub *st, const char *args, size_t len)
{
	if (st->ops->detach)
		st->ops->detach(st->t);
	reply_ok(st);
	st->state = GDB_STUB_DETACHED;
}

/* k: no reply; vKill: "OK". */
static void cmd_kill(struct gdb_stub *st, const char *args, size_t len)
{
	if (st->ops->kill)
		st->ops->kill(st->t);
	st->state = GDB_STUB_KILLED;
	st->reply_len = (size_t)-1;
}

static void cmd_vkill(struct gdb_stub *st, const char *args, size_t len)
{
	if (st->ops->kill)
		st->ops->kill(st->t);
	reply_ok(st);
	st->state = GDB_STUB_KILLED;
}

/* Hg TID / Hc TID: every thread is fine; there is one register set each. */
static void cmd_set_thread(struct gdb_stub *st, const char *args, size_t len)
{
	if ((args[0] != 'g' && args[0] != 'c') || !parse_tid(st, args + 1, true))
		return reply_err(st, EINVAL);
	reply_ok(st);
}

static void cmd_thread_alive(struct gdb_stub *st, const char *args,
			     size_t len)
{
	if (!parse_tid(st, args, true) || !strcmp(args, "0") ||
	    !strcmp(args, "-1"))
		return reply_err(st, ESRCH);
	reply_ok(st);
}

static void cmd_supported(struct gdb_stub *st, const char *args, size_t len)
{
	st->gdb_swbreak = strstr(args, "swbreak+") != NULL;
	st->gdb_hwbreak = strstr(args, "hwbreak+") != NULL;
	st->reply_len = 0;
	reply_addf(st, "PacketSize=%x;QStartNoAckMode+;swbreak+;hwbreak+",
		   GDB_PACKET_MAX);
	if (st->ops->xml)
		reply_addf(st, ";qXfer:features:read+");
}

static void cmd_no_ack(struct gdb_stub *st, const char *args, size_t len)
{
	reply_ok(st);
	st->no_ack = true;	/* after this reply's own ack */
}

/* qXfer:features:read:ANNEX:OFFSET,LENGTH */
static void cmd_xfer_features(struct gdb_stub *st, const char *args,
			      size_t len)
{
	const char *colon = strchr(args, ':'), *p, *doc;
	char annex[64];
	uint64_t off, n;
	size_t dlen;

	if (!st->ops->xml)
		return;
	if (!colon || (size_t)(colon - args) >= sizeof(annex))
		return reply_err(st, 0);
	memcpy(annex, args, (size_t)(colon - args));
	annex[colon - args] = '\0';
	p = colon + 1;
	if (!parse_addr_len(&p, &off, &n, '\0'))
		return reply_err(st, 0);
	doc = st->ops->xml(st->t, annex);
	if (!doc)
		return reply_err(st, 0);
	dlen = strlen(doc);
	if (off >= dlen)
		return reply_str(st, "l");
	/* Escaping may double a byte: keep the frame under our limit. */
	if (n > GDB_PACKET_MAX / 2 - 1)
		n = GDB_PACKET_MAX / 2 - 1;
	if (n > dlen - off)
		n = dlen - off;
	st->reply[0] = off + n < dlen ? 'm' : 'l';
	memcpy(st->reply + 1, doc + off, n);
	st->reply_len = 1 + n;
}

static void cmd_attached(struct gdb_stub *st, const char *args, size_t len)
{
	reply_str(st, "1");	/* quitting GDB detaches, never kills */
}

static void cmd_current_thread(struct gdb_stub *st, const char *args,
			       size_t len)
{
	reply_str(st, "QC1");
}

static void cmd_thread_first(struct gdb_stub *st, const char *args,
			     size_t len)
{
	unsigned int n = nthreads(st);

	st->reply_len = 0;
	reply_addf(st, "m");
	for (unsigned int i = 1; i <= n; i++)
		reply_addf(st, "%s%x", i > 1 ? "," : "", i);
}

static void cmd_thread_next(struct gdb_stub *st, const char *args, size_t len)
{
	reply_str(st, "l");
}

static void cmd_thread_extra(struct gdb_stub *st, const char *args,
			     size_t len)
{
	char text[32], hex[65];
	uint64_t tid;

	if (!gdb_parse_hex(&args, &tid) || *args || !tid ||
	    tid > nthreads(st))
		return reply_err(st, EINVAL);
	snprintf(text, sizeof(text), "vCPU %u", (unsigned int)(tid - 1));
	gdb_hex_encode((const uint8_t *)text, strlen(text), hex);
	reply_str(st, hex);
}

/* Monitor output as O packets, sent while the command runs. */
static void monitor_out(void *ctx, const char *text, size_t len)
{
	struct gdb_stub *st = ctx;
	char hex[2 * 1024 + 2];

	while (len) {
		size_t n = len < 1024 ? len : 1024;
		size_t f;

		hex[0] = 'O';
		gdb_hex_encode((const uint8_t *)text, n, hex + 1);
		f = gdb_frame((const uint8_t *)hex, 1 + 2 * n, st->oframe,
			      sizeof(st->oframe));
		if (f && st->send)
			st->send(st->io, st->oframe, f);
		text += n;
		len -= n;
	}
}

static void cmd_rcmd(struct gdb_stub *st, const char *args, size_t len)
{
	char line[1024];
	long n;

	if (!st->ops->monitor)
		return;
	if (len >= 2 * sizeof(line))
		return reply_err(st, E2BIG);
	n = gdb_hex_decode(args, len, (uint8_t *)line);
	if (n < 0)
		return reply_err(st, EINVAL);
	line[n] = '\0';
	if (memchr(line, '\0', (size_t)n))
		return reply_err(st, EINVAL);
	st->ops->monitor(st->t, line, monitor_out, st);
	reply_ok(st);
}

/* Qqemu.PhyMemMode:0|1, as QEMU's stub: memory by physical address. */
static void cmd_set_phys(struct gdb_stub *st, const char *args, size_t len)
{
	if (!st->ops->set_phys_mode)
		return;
	if ((args[0] != '0' && args[0] != '1') || args[1])
		return reply_err(st, EINVAL);
	if (st->ops->set_phys_mode(st->t, args[0] == '1'))
		return reply_err(st, EINVAL);
	reply_ok(st);
}

static void cmd_get_phys(struct gdb_stub *st, const char *args, size_t len)
{
	if (st->ops->get_phys_mode)
		reply_str(st, st->ops->get_phys_mode(st->t) ? "1" : "0");
}

/*
 * The packet table. A name ending in ':', ',' or ';' is a prefix with
 * arguments after it; single letters take arguments directly; other
 * names match exactly or before a ':' (qSupported:..., qAttached:PID).
 */
static const struct gdb_cmd {
	const char *name;
	bool exact;
	gdb_cmd_fn fn;
} gdb_cmds[] = {
	{ "?", true, cmd_stop_reason },		/* why did it stop */
	{ "g", true, cmd_read_regs },		/* all registers */
	{ "G", false, cmd_write_regs },		/* write all registers */
	{ "p", false, cmd_read_reg },		/* one register */
	{ "P", false, cmd_write_reg },		/* write one register */
	{ "m", false, cmd_read_mem },		/* read memory, hex */
	{ "M", false, cmd_write_mem_hex },	/* write memory, hex */
	{ "X", false, cmd_write_mem_bin },	/* write memory, binary */
	{ "c", false, cmd_cont },		/* continue [at addr] */
	{ "s", false, cmd_step },		/* step [at addr] */
	{ "C", false, cmd_cont_sig },		/* continue with signal */
	{ "S", false, cmd_step_sig },		/* step with signal */
	{ "vCont?", true, cmd_vcont_query },	/* which vCont actions */
	{ "vCont", false, cmd_vcont },		/* resume, per thread */
	{ "Z", false, cmd_insert_bp },		/* breakpoint/watchpoint */
	{ "z", false, cmd_remove_bp },
	{ "D", false, cmd_detach },		/* detach: guest runs on */
	{ "k", true, cmd_kill },		/* kill: quadrant exits */
	{ "vKill;", false, cmd_vkill },
	{ "H", false, cmd_set_thread },		/* thread for g/c */
	{ "T", false, cmd_thread_alive },	/* is thread alive */
	{ "qSupported", false, cmd_supported },	/* feature negotiation */
	{ "QStartNoAckMode", true, cmd_no_ack },	/* stop sending +/- */
	{ "qXfer:features:read:", false, cmd_xfer_features },	/* target.xml */
	{ "qAttached", false, cmd_attached },	/* attached, not started */
	{ "qC", true, cmd_current_thread },
	{ "qfThreadInfo", true, cmd_thread_first },	/* list threads */
	{ "qsThreadInfo", true, cmd_thread_next },
	{ "qThreadExtraInfo,", false, cmd_thread_extra },
	{ "qRcmd,", false, cmd_rcmd },		/* monitor COMMAND */
	{ "Qqemu.PhyMemMode:", false, cmd_set_phys },
	{ "qqemu.PhyMemMode", true, cmd_get_phys },
};

static const struct gdb_cmd *lookup(const char *data, size_t len,
				    size_t *argoff)
{
	for (size_t i = 0; i < sizeof(gdb_cmds) / sizeof(gdb_cmds[0]); i++) {
		const struct gdb_cmd *c = &gdb_cmds[i];
		size_t n = strlen(c->name);

		if (len < n || memcmp(data, c->name, n) ||
		    (c->exact && len != n))
			continue;
		/* "qSupported:xmlRegisters=..." - the ':' is not an argument. */
		*argoff = n + (n > 1 && len > n && data[n] == ':');
		return c;
	}
	return NULL;
}

void gdb_stub_packet(struct gdb_stub *st, const uint8_t *data, size_t len)
{
	static char args[GDB_PACKET_MAX + 1];
	const struct gdb_cmd *c;
	size_t off = 0;

	st->packets++;
	st->reply_len = 0;
	c = len ? lookup((const char *)data, len, &off) : NULL;
	if (c) {
		/* Arguments as a C string; binary X data keeps its length. */
		memcpy(args, data + off, len - off);
		args[len - off] = '\0';
		c->fn(st, args, len - off);
	}
	if (st->reply_len == (size_t)-1)	/* 'k': no reply at all */
		return;
	send_frame(st, st->reply, st->reply_len);
}

void gdb_stub_init(struct gdb_stub *st, const struct gdb_target_ops *ops,
		   void *t, gdb_send_fn send, void *io)
{
	memset(st, 0, sizeof(*st));
	st->ops = ops;
	st->t = t;
	st->send = send;
	st->io = io;
	st->state = GDB_STUB_ATTACHED;
	gdb_rx_init(&st->rx);
}

static void send_byte(struct gdb_stub *st, uint8_t c)
{
	if (st->send)
		st->send(st->io, &c, 1);
}

size_t gdb_stub_input(struct gdb_stub *st, const uint8_t *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len && st->state == GDB_STUB_ATTACHED; i++) {
		switch (gdb_rx_feed(&st->rx, buf[i])) {
		case GDB_RX_PACKET:
			if (!st->no_ack)
				send_byte(st, '+');
			gdb_stub_packet(st, st->rx.buf, st->rx.len);
			break;
		case GDB_RX_BADSUM:
			st->bad_packets++;
			if (!st->no_ack)
				send_byte(st, '-');	/* GDB resends */
			break;
		case GDB_RX_OVERLONG:
			st->bad_packets++;
			if (!st->no_ack)
				send_byte(st, '+');
			reply_err(st, E2BIG);
			send_frame(st, st->reply, st->reply_len);
			break;
		case GDB_RX_NACK:
			if (!st->no_ack && st->frame_len && st->send)
				st->send(st->io, st->frame, st->frame_len);
			break;
		case GDB_RX_INTERRUPT:	/* stopped already: nothing to do */
		case GDB_RX_ACK:
		case GDB_RX_NONE:
			break;
		}
	}
	return i;
}
