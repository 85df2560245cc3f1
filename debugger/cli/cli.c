/* SPDX-License-Identifier: MIT */
/*
 * The readline CLI. Readline runs in its callback mode inside one poll
 * loop over stdin and a self-pipe (cgdb's model): the SIGINT handler
 * marks the session interrupted, which ends a running `continue`
 * between slices, and writes a byte to the pipe, which at the prompt
 * clears the line as a shell does. Commands go to the one command
 * table; output comes back through cli_view_ops.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "debugger/cli/cli.h"
#include "debugger/commands.h"
#include "debugger/options.h"
#include "debugger/tui/tui.h"

/* Signal handlers reach the one CLI through these. */
static struct cli *cli_active;
static int cli_sigpipe[2] = { -1, -1 };

/* --- the view ------------------------------------------------------------ */

/* Guest console output may leave a line open; start ours on a new one. */
static void cli_newline_if_open(struct cli *c)
{
	if (c->last_out && c->last_out != '\n') {
		fputc('\n', stdout);
		c->last_out = '\n';
	}
}

static void cli_output(void *opaque, enum session_out kind, const char *text,
		       size_t len)
{
	struct cli *c = opaque;

	cli_newline_if_open(c);
	if (kind == SESSION_OUT_ERROR) {
		fflush(stdout);
		fprintf(stderr, "%serror: %.*s", c->where ? c->where : "",
			(int)len, text);
		fflush(stderr);
		c->failed = true;
		return;
	}
	fwrite(text, 1, len, stdout);
	if (len)
		c->last_out = text[len - 1];
}

static void cli_console(void *opaque, const uint8_t *buf, size_t len)
{
	struct cli *c = opaque;

	fwrite(buf, 1, len, stdout);
	fflush(stdout);
	if (len)
		c->last_out = (char)buf[len - 1];
}

static void cli_stopped(void *opaque, const struct session_stop *stop)
{
	struct cli *c = opaque;

	if (stop->reason == STOP_ERROR)
		c->failed = true;
	fflush(stdout);
}

const struct session_view_ops cli_view_ops = {
	.output = cli_output,
	.console = cli_console,
	.stopped = cli_stopped,
	.poll = NULL,		/* Ctrl-C arrives by signal */
};

/* --- signals --------------------------------------------------------------- */

static void cli_sigint(int sig)
{
	int saved = errno;
	char b = 'i';

	if (cli_active)
		session_interrupt(cli_active->s);
	if (cli_sigpipe[1] >= 0 && write(cli_sigpipe[1], &b, 1) < 0) {
		/* the pipe is full: a byte is already waiting */
	}
	errno = saved;
}

/* Empty the self-pipe; true if Ctrl-C was pressed since last time. */
static bool cli_drain_sigpipe(void)
{
	bool any = false;
	char buf[64];

	while (cli_sigpipe[0] >= 0 && read(cli_sigpipe[0], buf, sizeof(buf)) > 0)
		any = true;
	return any;
}

static int cli_signals_init(struct cli *c)
{
	struct sigaction sa = { .sa_handler = cli_sigint };

	if (pipe(cli_sigpipe))
		return -errno;
	for (int i = 0; i < 2; i++) {
		fcntl(cli_sigpipe[i], F_SETFL, O_NONBLOCK);
		fcntl(cli_sigpipe[i], F_SETFD, FD_CLOEXEC);
	}
	cli_active = c;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	return sigaction(SIGINT, &sa, NULL) ? -errno : 0;
}

static void cli_signals_fini(void)
{
	signal(SIGINT, SIG_DFL);
	cli_active = NULL;
	for (int i = 0; i < 2; i++) {
		if (cli_sigpipe[i] >= 0)
			close(cli_sigpipe[i]);
		cli_sigpipe[i] = -1;
	}
}

/* --- one line ------------------------------------------------------------------ */

static void cli_exec(struct cli *c, const char *line, bool repeat)
{
	int ret = commands_execute(c->s, line, repeat);

	if (ret == CMD_QUIT)
		c->quit = true;
	else if (ret < 0)
		c->failed = true;
	fflush(stdout);
	/* Ctrl-C while a script runs ends the script, not just the run. */
	if (cli_drain_sigpipe() && !c->tty_now) {
		fprintf(stderr, "quadrant: interrupted\n");
		c->failed = true;
		c->quit = true;
	}
}

/* Run the lines of @fp; @name labels errors. */
static void cli_run_file(struct cli *c, FILE *fp, const char *name)
{
	char *line = NULL;
	size_t cap = 0;
	unsigned int lineno = 0;

	while (!c->quit && getline(&line, &cap, fp) >= 0) {
		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		if (name) {
			snprintf(c->where_buf, sizeof(c->where_buf), "%s:%u: ",
				 name, lineno);
			c->where = c->where_buf;
		}
		cli_exec(c, line, false);
	}
	c->where = NULL;
	free(line);
}

/* --- readline ------------------------------------------------------------------- */

static char cli_prompt_buf[96];

static const char *cli_prompt(struct cli *c)
{
	char a[20];

	if (c->s->exited)
		snprintf(cli_prompt_buf, sizeof(cli_prompt_buf),
			 "(quadrant: %s) ",
			 session_stop_reason_name(c->s->last.reason));
	else
		snprintf(cli_prompt_buf, sizeof(cli_prompt_buf),
			 "(quadrant %s @%llu) ",
			 session_fmt_addr(session_pc(c->s), a),
			 (unsigned long long)session_icount(c->s));
	return cli_prompt_buf;
}

static void cli_on_line(char *line);

static void cli_install_prompt(struct cli *c)
{
	rl_callback_handler_install(cli_prompt(c), cli_on_line);
}

static void cli_on_line(char *line)
{
	struct cli *c = cli_active;

	if (!line) {		/* Ctrl-D */
		fputs("quit\n", stdout);
		c->quit = true;
		rl_callback_handler_remove();
		return;
	}
	if (line[strspn(line, " \t")])
		add_history(line);
	rl_callback_handler_remove();
	c->last_out = '\n';
	cli_exec(c, line, true);
	free(line);
	if (!c->quit)
		cli_install_prompt(c);
}

/* Completion: the command table's candidates, filtered by prefix. */
struct cli_matches {
	const char *prefix;
	size_t plen;
	char **v;
	size_t n, cap;
};

static void cli_add_match(void *ctx, const char *word)
{
	struct cli_matches *m = ctx;

	if (strncmp(word, m->prefix, m->plen))
		return;
	for (size_t i = 0; i < m->n; i++)
		if (!strcmp(m->v[i], word))
			return;
	if (m->n + 1 >= m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 32;
		char **v = realloc(m->v, cap * sizeof(*v));

		if (!v)
			return;
		m->v = v;
		m->cap = cap;
	}
	m->v[m->n++] = strdup(word);
}

static struct cli_matches cli_cur_matches;

static char *cli_match_gen(const char *text, int state)
{
	static size_t next;

	if (!state)
		next = 0;
	if (next < cli_cur_matches.n) {
		char *w = cli_cur_matches.v[next];

		cli_cur_matches.v[next++] = NULL;
		return w;
	}
	return NULL;
}

static char **cli_complete(const char *text, int start, int end)
{
	struct cli_matches *m = &cli_cur_matches;
	char line[1024];
	char **res;

	for (size_t i = 0; i < m->n; i++)
		free(m->v[i]);
	m->n = 0;
	m->prefix = text;
	m->plen = strlen(text);
	snprintf(line, sizeof(line), "%.*s", end, rl_line_buffer);
	commands_complete(cli_active->s, line, cli_add_match, m);
	rl_attempted_completion_over = 1;
	if (m->n == 1 && m->v[0][0] && m->v[0][strlen(m->v[0]) - 1] == '=')
		rl_completion_suppress_append = 1;
	res = rl_completion_matches(text, cli_match_gen);
	for (size_t i = 0; i < m->n; i++)
		free(m->v[i]);
	m->n = 0;
	return res;
}

static char cli_history_path[512];

static void cli_history_load(void)
{
	const char *home = getenv("HOME");

	if (!home || !*home)
		return;
	snprintf(cli_history_path, sizeof(cli_history_path),
		 "%s/.quadrant_history", home);
	read_history(cli_history_path);
}

static void cli_history_save(void)
{
	if (cli_history_path[0]) {
		write_history(cli_history_path);
		history_truncate_file(cli_history_path, 1000);
	}
}

/* Ctrl-C at the prompt: drop the line and show a fresh prompt. */
static void cli_prompt_interrupted(struct cli *c)
{
	c->s->interrupt = 0;
	rl_free_line_state();
	rl_callback_sigcleanup();
	rl_replace_line("", 0);
	fputs("^C\n", stdout);
	rl_on_new_line();
	rl_redisplay();
}

static void cli_interactive(struct cli *c)
{
	struct pollfd pfd[2] = {
		{ .fd = STDIN_FILENO, .events = POLLIN },
		{ .fd = cli_sigpipe[0], .events = POLLIN },
	};

	rl_readline_name = "quadrant";
	rl_catch_signals = 0;
	rl_attempted_completion_function = cli_complete;
	rl_completer_word_break_characters = (char *)" \t";
	using_history();
	cli_history_load();
	printf("Type 'help' for commands, Tab to complete, Ctrl-C to "
	       "interrupt, Ctrl-D to quit.\n");
	cli_install_prompt(c);
	c->tty_now = true;
	while (!c->quit) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd[1].revents & POLLIN) {
			cli_drain_sigpipe();
			cli_prompt_interrupted(c);
		}
		if (pfd[0].revents & (POLLIN | POLLHUP))
			rl_callback_read_char();
	}
	rl_callback_handler_remove();
	cli_history_save();
}

int cli_run(struct cli *c, const char *script, bool batch)
{
	c->batch = batch;
	c->tty = !batch && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
	c->last_out = '\n';
	commands_register(&tui_command_set);	/* `tui` switches views */
	if (cli_signals_init(c))
		fprintf(stderr, "quadrant: cannot catch Ctrl-C: %s\n",
			strerror(errno));
	if (script && strcmp(script, "-")) {
		FILE *fp = fopen(script, "r");

		if (!fp) {
			fprintf(stderr, "quadrant: cannot read script '%s': "
				"%s\n", script, strerror(errno));
			cli_signals_fini();
			return QSTATUS_USAGE;
		}
		cli_run_file(c, fp, script);
		fclose(fp);
		if (batch) {
			cli_signals_fini();
			return c->failed ? 1 : 0;
		}
	}
	if (!c->quit) {
		if (c->tty)
			cli_interactive(c);
		else
			cli_run_file(c, stdin, NULL);
	}
	fflush(stdout);
	cli_signals_fini();
	return batch && c->failed ? 1 : 0;
}
