/* SPDX-License-Identifier: MIT */
/*
 * The GDB server (see server.h): a listening socket, at most one GDB,
 * and the session as the view that owns them.
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "debugger/debug.h"
#include "debugger/gdbstub/server.h"
#include "debugger/gdbstub/session_target.h"
#include "debugger/gdbstub/stub.h"
#include "debugger/trace.h"

struct gdb_server {
	struct session s;
	struct gdb_session_target gt;
	struct gdb_stub *stub;
	FILE *console;
	int lfd, cfd;
	bool lost;		/* the connection died during a run */
	size_t npending;	/* bytes GDB sent while the guest ran */
	uint8_t pending[GDB_PACKET_MAX + 8];
};

/* --- the session's view ------------------------------------------------ */

static void srv_output(void *opaque, enum session_out kind, const char *text,
		       size_t len)
{
	struct gdb_server *srv = opaque;

	/* Outside `monitor`, GDB reports stops itself: only errors show. */
	if (!gdb_session_target_output(&srv->gt, kind, text, len) &&
	    kind == SESSION_OUT_ERROR)
		fprintf(stderr, "quadrant: %.*s", (int)len, text);
}

static void srv_console(void *opaque, const uint8_t *buf, size_t len)
{
	struct gdb_server *srv = opaque;

	fwrite(buf, 1, len, srv->console);
	fflush(srv->console);
}

static void srv_close(struct gdb_server *srv)
{
	if (srv->cfd >= 0)
		close(srv->cfd);
	srv->cfd = -1;
	srv->npending = 0;
}

/*
 * Between run slices: with a GDB attached, read what it sent (0x03 is
 * Ctrl-C; anything else waits for the stop; end of file stops the
 * guest); without one, stop when one is knocking.
 */
static bool srv_poll(void *opaque)
{
	struct gdb_server *srv = opaque;
	struct pollfd p = { .fd = srv->cfd >= 0 ? srv->cfd : srv->lfd,
			    .events = POLLIN };
	uint8_t buf[512];
	bool stop = false;
	ssize_t n;

	if (poll(&p, 1, 0) <= 0)
		return false;
	if (srv->cfd < 0)
		return true;
	n = read(srv->cfd, buf, sizeof(buf));
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		srv->lost = true;
		return true;
	}
	for (ssize_t i = 0; i < n; i++) {
		if (buf[i] == 0x03)
			stop = true;
		else if (srv->npending < sizeof(srv->pending))
			srv->pending[srv->npending++] = buf[i];
	}
	return stop;
}

static const struct session_view_ops gdb_view_ops = {
	.output = srv_output,
	.console = srv_console,
	.stopped = NULL,
	.poll = srv_poll,
};

static void srv_send(void *io, const uint8_t *buf, size_t len)
{
	struct gdb_server *srv = io;

	while (len && srv->cfd >= 0 && !srv->lost) {
		ssize_t n = send(srv->cfd, buf, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			srv->lost = true;
			return;
		}
		buf += n;
		len -= (size_t)n;
	}
}

/* --- the socket ----------------------------------------------------------- */

bool gdb_parse_listen(const char *spec, char *host, size_t hostlen,
		      unsigned int *port, bool *i386)
{
	const char *colon, *p;
	char buf[300], *end;
	unsigned long v;

	if (strlen(spec) >= sizeof(buf))
		return false;
	snprintf(buf, sizeof(buf), "%s", spec);
	*i386 = false;
	end = strchr(buf, ',');
	if (end) {
		if (strcmp(end, ",i386"))
			return false;
		*i386 = true;
		*end = '\0';
	}
	spec = buf;
	colon = strrchr(spec, ':');
	p = colon ? colon + 1 : spec;
	if (!*p || *p == '-')
		return false;
	v = strtoul(p, &end, 10);
	if (*end || v > 65535)
		return false;
	*port = (unsigned int)v;
	if (colon && colon != spec) {
		if ((size_t)(colon - spec) >= hostlen)
			return false;
		memcpy(host, spec, (size_t)(colon - spec));
		host[colon - spec] = '\0';
	} else {
		snprintf(host, hostlen, "127.0.0.1");
	}
	return true;
}

static int srv_listen(const char *spec, bool *i386)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC,
				  .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_PASSIVE };
	struct addrinfo *res, *ai;
	struct sockaddr_storage sa;
	socklen_t salen = sizeof(sa);
	char host[256], portstr[8], shown[64] = "?";
	unsigned int port;
	int fd = -1, one = 1, ret;

	if (!gdb_parse_listen(spec, host, sizeof(host), &port, i386)) {
		fprintf(stderr, "quadrant: --gdb wants [ADDR:]PORT[,i386], not "
			"'%s'\n", spec);
		return -1;
	}
	snprintf(portstr, sizeof(portstr), "%u", port);
	ret = getaddrinfo(host, portstr, &hints, &res);
	if (ret) {
		fprintf(stderr, "quadrant: --gdb %s: %s\n", spec,
			gai_strerror(ret));
		return -1;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
			    ai->ai_protocol);
		if (fd < 0)
			continue;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (!bind(fd, ai->ai_addr, ai->ai_addrlen) && !listen(fd, 1))
			break;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0) {
		fprintf(stderr, "quadrant: --gdb %s: cannot listen: %s\n",
			spec, strerror(errno));
		return -1;
	}
	if (!getsockname(fd, (struct sockaddr *)&sa, &salen)) {
		char h[48] = "";

		getnameinfo((struct sockaddr *)&sa, salen, h, sizeof(h),
			    portstr, sizeof(portstr),
			    NI_NUMERICHOST | NI_NUMERICSERV);
		snprintf(shown, sizeof(shown), "%s:%s", h, portstr);
	}
	fprintf(stderr, "quadrant: GDB stub listening on %s\n", shown);
	return fd;
}

/* Wait for and accept one GDB. Returns 0, or -1 on a socket error. */
static int srv_accept(struct gdb_server *srv)
{
	int one = 1;

	for (;;) {
		struct pollfd p = { .fd = srv->lfd, .events = POLLIN };

		if (poll(&p, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		srv->cfd = accept4(srv->lfd, NULL, NULL, SOCK_CLOEXEC);
		if (srv->cfd >= 0)
			break;
		if (errno != EINTR && errno != ECONNABORTED && errno != EAGAIN)
			return -1;
	}
	setsockopt(srv->cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	srv->lost = false;
	srv->npending = 0;
	gdb_stub_init(srv->stub, &gdb_session_target_ops, &srv->gt, srv_send,
		      srv);
	fprintf(stderr, "quadrant: GDB attached\n");
	return 0;
}

/* --- the loop --------------------------------------------------------------- */

/* The exit status `quadrant run` gives for the guest's final stop. */
static int final_status(const struct session_stop *st)
{
	switch (st->reason) {
	case STOP_EXITED:
		return st->status;
	case STOP_HALTED:
		fprintf(stderr, "quadrant: guest halted with nothing to wake "
			"it\n");
		return QSTATUS_HALTED;
	case STOP_SHUTDOWN:
		fprintf(stderr, "quadrant: guest shut down (%s)\n",
			st->msg[0] ? st->msg : "triple fault");
		return 0;
	case STOP_STRICT:
		fprintf(stderr, "quadrant: --strict: %s\n", st->msg);
		return QSTATUS_STRICT;
	default:
		fprintf(stderr, "quadrant: internal error: %s\n", st->msg);
		return QSTATUS_INTERNAL;
	}
}

/* Feed GDB's bytes to the stub, then those that came during a run. */
static void srv_feed(struct gdb_server *srv, const uint8_t *buf, size_t len)
{
	static uint8_t again[sizeof(((struct gdb_server *)0)->pending)];

	gdb_stub_input(srv->stub, buf, len);
	while (srv->npending && !srv->lost &&
	       srv->stub->state == GDB_STUB_ATTACHED) {
		size_t n = srv->npending;

		memcpy(again, srv->pending, n);
		srv->npending = 0;
		gdb_stub_input(srv->stub, again, n);
	}
}

/*
 * Serve one GDB until it goes. Returns true if the guest should run
 * free afterwards (D), false to keep it stopped.
 */
static bool srv_serve(struct gdb_server *srv)
{
	uint8_t buf[4096];

	while (srv->cfd >= 0) {
		struct pollfd p = { .fd = srv->cfd, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		n = read(srv->cfd, buf, sizeof(buf));
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			break;
		srv_feed(srv, buf, (size_t)n);
		if (srv->lost || srv->stub->state != GDB_STUB_ATTACHED ||
		    srv->stub->exited)
			break;
	}
	if (srv->stub->state != GDB_STUB_KILLED)
		gdb_session_target_ops.detach(&srv->gt);
	fprintf(stderr, "quadrant: GDB %s\n",
		srv->stub->state == GDB_STUB_DETACHED ? "detached" :
		srv->stub->state == GDB_STUB_KILLED ? "killed the guest" :
		"disconnected");
	srv_close(srv);
	return srv->stub->state == GDB_STUB_DETACHED;
}

int gdb_run(struct quadrant_opts *o)
{
	struct trace_writer trace = { .fp = NULL };
	struct gdb_server *srv = calloc(1, sizeof(*srv));
	bool run_free = !o->gdb_wait, i386 = false;
	char host[256];
	unsigned int port;
	int status = 0;

	if (!srv || !(srv->stub = calloc(1, sizeof(*srv->stub)))) {
		fprintf(stderr, "quadrant: out of memory\n");
		free(srv);
		return QSTATUS_INTERNAL;
	}
	srv->cfd = -1;
	srv->console = stdout;
	if (o->serial_path && !(srv->console = fopen(o->serial_path, "w"))) {
		fprintf(stderr, "quadrant: cannot write '%s': %s\n",
			o->serial_path, strerror(errno));
		status = QSTATUS_USAGE;
		goto out_free;
	}
	if (!gdb_parse_listen(o->gdb, host, sizeof(host), &port, &i386)) {
		fprintf(stderr, "quadrant: --gdb wants [ADDR:]PORT[,i386], not "
			"'%s'\n", o->gdb);
		status = QSTATUS_USAGE;
		goto out_console;
	}
	status = debug_open_session(&srv->s, o, &gdb_view_ops, srv);
	if (status)
		goto out_console;
	if (i386 && srv->s.m->arch != VM_ARCH_X86) {
		fprintf(stderr, "quadrant: --gdb ...,i386 is for x86 guests\n");
		status = QSTATUS_USAGE;
		goto out_session;
	}
	if (gdb_session_target_init(&srv->gt, &srv->s, i386 ? GDB_DESC_I386 :
				    gdb_desc_for(srv->s.m->arch))) {
		fprintf(stderr, "quadrant: cannot describe the CPU to GDB\n");
		status = QSTATUS_INTERNAL;
		goto out_session;
	}
	if (o->trace_path && trace_open(&trace, &srv->s.m->vm.events,
					o->trace_path)) {
		status = QSTATUS_USAGE;
		goto out_target;
	}
	srv->lfd = srv_listen(o->gdb, &i386);
	if (srv->lfd < 0) {
		status = QSTATUS_USAGE;
		goto out_trace;
	}
	for (;;) {
		if (run_free && !srv->s.exited) {
			/* No GDB: run until one knocks or the guest stops. */
			session_continue(&srv->s);
			if (srv->s.last.reason != STOP_INTERRUPT)
				run_free = false;
		}
		if (srv->s.exited && srv->s.last.reason != STOP_NONE) {
			status = final_status(&srv->s.last);
			break;
		}
		if (srv_accept(srv)) {
			fprintf(stderr, "quadrant: accept: %s\n",
				strerror(errno));
			status = QSTATUS_INTERNAL;
			break;
		}
		run_free = srv_serve(srv);
		if (srv->stub->state == GDB_STUB_KILLED) {
			status = 0;
			break;
		}
	}
	close(srv->lfd);
out_trace:
	status = trace_finish(&trace, srv->s.m, o->stats, status);
out_target:
	gdb_session_target_destroy(&srv->gt);
out_session:
	session_destroy(&srv->s);
out_console:
	fflush(srv->console);
	if (srv->console != stdout)
		fclose(srv->console);
out_free:
	free(srv->stub);
	free(srv);
	return status;
}
