/* SPDX-License-Identifier: MIT */
/*
 * The TUI on a terminal: curses, signals and the one poll loop.
 *
 * Everything arrives as bytes on file descriptors, cgdb's way: keys on
 * stdin; SIGINT and SIGWINCH as one byte each on a self-pipe ('i', 'w'),
 * written by handlers that do nothing else. At rest the loop sleeps in
 * poll(); while the walk pane animates it wakes every frame.
 *
 * Running: 'c' (and 'f', and ':continue') runs inside commands_execute,
 * in the engine's budgeted slices. Between slices the engine calls
 * tui_view_ops.poll, i.e. term_poll here, which looks at the same two
 * descriptors without blocking: any key or Ctrl-C stops the run, a
 * resize is handled, and the screen is redrawn a few times a second so
 * the icount and the guest console move.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <curses.h>

#include "debugger/debug.h"
#include "debugger/trace.h"
#include "debugger/tui/tui.h"

#define TUI_FRAME_MS 60		/* walk animation: one level per frame */
#define TUI_RUN_REDRAW_MS 150	/* redraw while the guest runs */

static int term_pipe[2] = { -1, -1 };
static struct tui *term_tui;	/* for the SIGINT handler */
static SCREEN *term_screen;

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* --- signals ------------------------------------------------------------------ */

static void term_signal(int sig)
{
	int saved = errno;
	char b = sig == SIGINT ? 'i' : 'w';

	if (sig == SIGINT && term_tui)
		session_interrupt(term_tui->s);
	if (term_pipe[1] >= 0 && write(term_pipe[1], &b, 1) < 0) {
		/* full: a byte is already waiting */
	}
	errno = saved;
}

static struct sigaction old_int, old_winch;

static int term_signals_init(void)
{
	struct sigaction sa = { .sa_handler = term_signal };

	if (pipe(term_pipe))
		return -errno;
	for (int i = 0; i < 2; i++) {
		fcntl(term_pipe[i], F_SETFL, O_NONBLOCK);
		fcntl(term_pipe[i], F_SETFD, FD_CLOEXEC);
	}
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGWINCH, &sa, &old_winch);
	return 0;
}

static void term_signals_fini(void)
{
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGWINCH, &old_winch, NULL);
	for (int i = 0; i < 2; i++) {
		if (term_pipe[i] >= 0)
			close(term_pipe[i]);
		term_pipe[i] = -1;
	}
}

/* Empty the self-pipe: bit 0 SIGINT seen, bit 1 SIGWINCH seen. */
static int term_drain(void)
{
	char buf[64];
	ssize_t n;
	int seen = 0;

	while ((n = read(term_pipe[0], buf, sizeof(buf))) > 0)
		for (ssize_t i = 0; i < n; i++)
			seen |= buf[i] == 'i' ? 1 : 2;
	return seen;
}

/* --- the screen ------------------------------------------------------------------ */

static void term_resize(void)
{
	struct winsize ws;

	if (!ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) && ws.ws_row && ws.ws_col)
		resize_term(ws.ws_row, ws.ws_col);
	clear();
}

static void term_draw(struct tui *t)
{
	struct canvas c;

	canvas_curses_init(&c);
	tui_render(t, &c);
	refresh();
}

/* curses' key codes to ours. */
static int term_key(int ch)
{
	switch (ch) {
	case KEY_UP: return TK_UP;
	case KEY_DOWN: return TK_DOWN;
	case KEY_LEFT: return TK_LEFT;
	case KEY_RIGHT: return TK_RIGHT;
	case KEY_PPAGE: return TK_PGUP;
	case KEY_NPAGE: return TK_PGDN;
	case KEY_HOME: return TK_HOME;
	case KEY_END: return TK_END;
	case KEY_BTAB: return TK_BTAB;
	case KEY_RESIZE: return TK_RESIZE;
	case KEY_DC: return TK_DELETE;
	case KEY_BACKSPACE: case 8: return TK_BACKSPACE;
	case KEY_ENTER: case '\r': return TK_ENTER;
	}
	return ch;
}

/* Between run slices: true stops the run. */
static bool term_poll(struct tui *t)
{
	static uint64_t last;
	struct pollfd pfd[2] = {
		{ .fd = STDIN_FILENO, .events = POLLIN },
		{ .fd = term_pipe[0], .events = POLLIN },
	};
	bool stop = false;
	int seen;

	if (poll(pfd, 2, 0) > 0) {
		if (pfd[1].revents & POLLIN) {
			seen = term_drain();
			if (seen & 2)
				term_resize();
			if (seen & 1)
				stop = true;
		}
		if (pfd[0].revents & (POLLIN | POLLHUP)) {
			int ch;

			while ((ch = getch()) != ERR) {
				if (ch == KEY_RESIZE)
					continue;
				stop = true;
			}
		}
	}
	if (stop) {
		tui_message(t, false, "stopped by a key");
		return true;
	}
	if (now_ms() - last >= TUI_RUN_REDRAW_MS) {
		last = now_ms();
		term_draw(t);
	}
	return false;
}

/* The view's loop: keys, signals and animation frames until quit. */
static void term_loop(struct tui *t)
{
	struct pollfd pfd[2] = {
		{ .fd = STDIN_FILENO, .events = POLLIN },
		{ .fd = term_pipe[0], .events = POLLIN },
	};
	bool animating = false;

	term_draw(t);
	while (!t->quit) {
		int n = poll(pfd, 2, animating ? TUI_FRAME_MS : -1);

		if (n < 0 && errno != EINTR)
			break;
		if (n > 0 && (pfd[1].revents & POLLIN)) {
			int seen = term_drain();

			if (seen & 2)
				term_resize();
			if (seen & 1) {
				t->s->interrupt = 0;
				tui_message(t, false, "the guest is not running "
					    "(c runs it, q quits)");
			}
		}
		if (n > 0 && (pfd[0].revents & (POLLIN | POLLHUP))) {
			int ch, got = 0;

			while (!t->quit && (ch = getch()) != ERR) {
				int r = tui_key(t, term_key(ch));

				got++;
				if (ch == KEY_RESIZE)
					term_resize();
				if (r & TUI_QUIT)
					t->quit = true;
			}
			/* stdin closed: nobody can type q */
			if (!got && (pfd[0].revents & POLLHUP))
				t->quit = true;
		}
		animating = tui_tick(t);
		term_draw(t);
	}
}

static int term_begin(struct tui *t)
{
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return -ENOTTY;
	term_screen = newterm(NULL, stdout, stdin);
	if (!term_screen)
		return -ENOTTY;
	set_term(term_screen);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(40);
	curs_set(0);
	if (term_signals_init()) {
		endwin();
		delscreen(term_screen);
		term_screen = NULL;
		return -EIO;
	}
	term_tui = t;
	t->poll = term_poll;
	t->animate = true;
	tui_set_active(t);
	return 0;
}

static void term_end(struct tui *t)
{
	tui_set_active(NULL);
	term_tui = NULL;
	t->poll = NULL;
	term_signals_fini();
	endwin();
	delscreen(term_screen);
	term_screen = NULL;
}

/* hv's log lines go to the output pane while curses owns the screen. */
static void tui_log(void *opaque, enum hv_log_level level, const char *msg)
{
	struct tui *t = opaque;
	static const char *const prefix[] = { "error", "warning", "info",
					      "debug" };
	char line[512];
	int n = snprintf(line, sizeof(line), "quadrant: %s: %s\n",
			 prefix[level], msg);

	if (n > 0)
		tui_lines_add(&t->output, line, (size_t)n < sizeof(line) ?
			      (size_t)n : sizeof(line) - 1,
			      level == HV_LOG_ERROR ? TR_ERROR : TR_NORMAL);
}

/*
 * Back in the CLI: hv has no getter for the sink the CLI had, so put
 * back the one `quadrant debug` installs (debug.c): lines on stderr.
 */
static void tui_log_stderr(void *opaque, enum hv_log_level level,
			   const char *msg)
{
	static const char *const prefix[] = { "error", "warning", "info",
					      "debug" };

	fflush(stdout);
	fprintf(stderr, "quadrant: %s: %s\n", prefix[level], msg);
}

int tui_run_session(struct session *s, const char *image)
{
	const struct session_view_ops *ops = s->ops;
	void *opaque = s->opaque;
	struct tui *t = calloc(1, sizeof(*t));
	int ret;

	if (!t)
		return -ENOMEM;
	ret = tui_init(t, s, image);
	if (ret) {
		free(t);
		return ret;
	}
	ret = term_begin(t);
	if (!ret) {
		s->ops = &tui_view_ops;
		s->opaque = t;
		hv_log_set_sink(tui_log, t);
		tui_refresh(t);
		term_loop(t);
		hv_log_set_sink(tui_log_stderr, NULL);
		s->ops = ops;
		s->opaque = opaque;
		term_end(t);
	}
	tui_fini(t);
	free(t);
	return ret;
}

/* --- the redraw benchmark ------------------------------------------------------------- */

static double secs(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Step to the guest's page faults and time what the TUI does after each
 * stop (refresh every pane from the engine, render the whole screen)
 * into the in-memory canvas, at a projector size and at 80x24.
 */
static int tui_bench(struct tui *t, unsigned int n)
{
	static const int sizes[][2] = { { 50, 160 }, { 24, 80 } };
	unsigned int faults = 0;
	double t0, step_s = 0;

	for (unsigned int i = 0; i < 5 && !t->s->exited; i++) {
		t0 = secs();
		tui_command(t, "until page_fault");
		step_s += secs() - t0;
		faults += t->s->last.reason == STOP_UNTIL;
	}
	printf("tui: %u page faults reached, %.3f ms per step to a fault "
	       "(engine, with refresh)\n", faults,
	       faults ? step_s * 1000 / faults : 0.0);
	for (size_t k = 0; k < ARRAY_SIZE(sizes); k++) {
		struct canvas_mem m;
		struct canvas c;

		if (canvas_mem_init(&m, &c, sizes[k][0], sizes[k][1]))
			return QSTATUS_INTERNAL;
		t0 = secs();
		for (unsigned int i = 0; i < n; i++) {
			tui_refresh(t);
			tui_render(t, &c);
		}
		printf("tui redraw %dx%d: %.3f ms per redraw (refresh + "
		       "render, %u runs)\n", sizes[k][1], sizes[k][0],
		       (secs() - t0) * 1000 / n, n);
		canvas_mem_free(&m);
	}
	return 0;
}

/* --- quadrant tui ----------------------------------------------------------------------- */

int cmd_tui(struct quadrant_opts *o, unsigned int bench_redraw)
{
	struct trace_writer trace = { .fp = NULL };
	struct session s;
	struct tui *t = calloc(1, sizeof(*t));
	int status, ret;

	if (!t)
		return QSTATUS_INTERNAL;
	if (o->gdb) {
		fprintf(stderr, "quadrant: --gdb: the GDB stub is not built "
			"yet\n");
		free(t);
		return QSTATUS_USAGE;
	}
	if (!bench_redraw && (!isatty(STDIN_FILENO) ||
			      !isatty(STDOUT_FILENO))) {
		fprintf(stderr, "quadrant: tui needs a terminal; use "
			"'quadrant debug' for scripts\n");
		free(t);
		return QSTATUS_USAGE;
	}
	status = debug_open_session(&s, o, &tui_view_ops, t);
	if (status)
		goto out;
	if (tui_init(t, &s, o->image)) {
		status = QSTATUS_INTERNAL;
		goto out;
	}
	if (o->trace_path && trace_open(&trace, &s.m->vm.events,
					o->trace_path)) {
		status = QSTATUS_USAGE;
		goto out_fini;
	}
	if (bench_redraw) {
		status = tui_bench(t, bench_redraw);
	} else if ((ret = term_begin(t))) {
		fprintf(stderr, "quadrant: cannot use the terminal: %s\n",
			strerror(-ret));
		status = QSTATUS_USAGE;
	} else {
		hv_log_set_sink(tui_log, t);
		term_loop(t);
		hv_log_set_sink(NULL, NULL);
		term_end(t);
	}
	status = trace_finish(&trace, s.m, o->stats, status);
out_fini:
	tui_fini(t);
out:
	session_destroy(&s);
	free(t);
	return status;
}
