// SPDX-License-Identifier: MIT
/*
 * The table dumper: one line per present entry over a range, indented by
 * depth, for the debugger's `tdp` (and later `s2`, `shadow`) commands.
 * hv/ does no I/O, so lines go to a callback or into a buffer.
 */
#include <stdio.h>
#include <string.h>

#include <hv/pt.h>

/* "4K", "2M", "1G", "512G", "16K", "32M" ... from a shift. */
static void pt_size_name(unsigned int shift, char *buf, size_t size)
{
	static const char unit[] = "KMGTP";
	unsigned int u = 0;

	shift -= 10;
	while (shift >= 10 && u + 1 < sizeof(unit) - 1) {
		shift -= 10;
		u++;
	}
	snprintf(buf, size, "%llu%c", 1ull << shift, unit[u]);
}

struct pt_dump_data {
	pt_dump_line_fn fn;
	void *opaque;
	int lines;
};

static int pt_dump_visitor(const struct pt_visit_ctx *ctx)
{
	struct pt_dump_data *data = ctx->arg;
	const struct pt_format *fmt = ctx->pt->fmt;
	const struct pt_level *l = &fmt->lvl[ctx->depth];
	uint64_t size = pt_entry_size(fmt, ctx->depth);
	uint64_t base = ctx->addr & ~(size - 1);
	char flags[64] = "";
	char what[64];
	char line[256];

	if (!ctx->old)
		return 0;
	if (fmt->describe)
		fmt->describe(ctx->old, ctx->depth, flags, sizeof(flags));
	if (!fmt->present(ctx->old)) {
		snprintf(what, sizeof(what), "(not present)");
	} else if (ctx->visit == PT_WALK_TABLE_PRE) {
		snprintf(what, sizeof(what), "-> table 0x%llx",
			 (unsigned long long)fmt->oa(ctx->old, ctx->depth));
	} else {
		char sz[32];

		pt_size_name(l->shift, sz, sizeof(sz));
		snprintf(what, sizeof(what), "-> %s page 0x%llx", sz,
			 (unsigned long long)fmt->oa(ctx->old, ctx->depth));
	}
	snprintf(line, sizeof(line), "%*s%s[%3u] 0x%012llx-0x%012llx 0x%016llx %s %s",
		 (int)ctx->depth * 2, "", l->name, ctx->index,
		 (unsigned long long)base,
		 (unsigned long long)(base + size - 1),
		 (unsigned long long)ctx->old, flags, what);
	data->fn(data->opaque, line);
	data->lines++;
	return 0;
}

int pt_dump(struct pt_table *pt, uint64_t addr, uint64_t size,
	    pt_dump_line_fn fn, void *opaque)
{
	struct pt_dump_data data = { .fn = fn, .opaque = opaque };
	struct pt_walker walker = {
		.cb = pt_dump_visitor,
		.arg = &data,
		.flags = PT_WALK_LEAF | PT_WALK_TABLE_PRE,
	};

	pt_walk(pt, addr, size, &walker);
	return data.lines;
}

struct pt_dump_buf {
	char *buf;
	size_t size;
	size_t len;		/* what the whole dump needs */
};

static void pt_dump_buf_line(void *opaque, const char *line)
{
	struct pt_dump_buf *b = opaque;
	size_t n = strlen(line);

	if (b->len < b->size) {
		size_t room = b->size - b->len;

		memcpy(b->buf + b->len, line, n < room ? n : room);
	}
	b->len += n;
	if (b->len < b->size)
		b->buf[b->len] = '\n';
	b->len++;
}

size_t pt_dump_buf(struct pt_table *pt, uint64_t addr, uint64_t size,
		   char *buf, size_t bufsize)
{
	struct pt_dump_buf b = { .buf = buf, .size = bufsize };

	pt_dump(pt, addr, size, pt_dump_buf_line, &b);
	if (bufsize)
		buf[b.len < bufsize ? b.len : bufsize - 1] = '\0';
	return b.len;
}
