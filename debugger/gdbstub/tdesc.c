/* SPDX-License-Identifier: MIT */
/*
 * Target descriptions (see tdesc.h): the core of each layout is a
 * table; everything after it comes from the vCPU's register file, so a
 * register added to hv/x86/regs.c or hv/arm64/regs.c reaches GDB (and
 * `p $name`) with no edit here.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "debugger/gdbstub/tdesc.h"

/* A core register: its GDB name, size, type, and the file's name for it. */
struct core_reg {
	const char *name;
	uint16_t bits;
	const char *type;
	const char *from;	/* the vCPU register, NULL: none (reads 0) */
	const char *group;
};

#define X87_REGS                                                            \
	{ "st0", 80, "i387_ext", NULL, "float" },                           \
	{ "st1", 80, "i387_ext", NULL, "float" },                           \
	{ "st2", 80, "i387_ext", NULL, "float" },                           \
	{ "st3", 80, "i387_ext", NULL, "float" },                           \
	{ "st4", 80, "i387_ext", NULL, "float" },                           \
	{ "st5", 80, "i387_ext", NULL, "float" },                           \
	{ "st6", 80, "i387_ext", NULL, "float" },                           \
	{ "st7", 80, "i387_ext", NULL, "float" },                           \
	{ "fctrl", 32, "int", NULL, "float" },                              \
	{ "fstat", 32, "int", NULL, "float" },                              \
	{ "ftag", 32, "int", NULL, "float" },                               \
	{ "fiseg", 32, "int", NULL, "float" },                              \
	{ "fioff", 32, "int", NULL, "float" },                              \
	{ "foseg", 32, "int", NULL, "float" },                              \
	{ "fooff", 32, "int", NULL, "float" },                              \
	{ "fop", 32, "int", NULL, "float" }

#define SEG_REGS                                                            \
	{ "cs", 32, "int32", "cs", NULL }, { "ss", 32, "int32", "ss", NULL }, \
	{ "ds", 32, "int32", "ds", NULL }, { "es", 32, "int32", "es", NULL }, \
	{ "fs", 32, "int32", "fs", NULL }, { "gs", 32, "int32", "gs", NULL }

static const struct core_reg x86_64_core[] = {
	{ "rax", 64, "int64", "rax", NULL }, { "rbx", 64, "int64", "rbx", NULL },
	{ "rcx", 64, "int64", "rcx", NULL }, { "rdx", 64, "int64", "rdx", NULL },
	{ "rsi", 64, "int64", "rsi", NULL }, { "rdi", 64, "int64", "rdi", NULL },
	{ "rbp", 64, "data_ptr", "rbp", NULL },
	{ "rsp", 64, "data_ptr", "rsp", NULL },
	{ "r8", 64, "int64", "r8", NULL }, { "r9", 64, "int64", "r9", NULL },
	{ "r10", 64, "int64", "r10", NULL }, { "r11", 64, "int64", "r11", NULL },
	{ "r12", 64, "int64", "r12", NULL }, { "r13", 64, "int64", "r13", NULL },
	{ "r14", 64, "int64", "r14", NULL }, { "r15", 64, "int64", "r15", NULL },
	{ "rip", 64, "code_ptr", "rip", NULL },
	{ "eflags", 32, "i386_eflags", "eflags", NULL },
	SEG_REGS,
	X87_REGS,
};

static const struct core_reg i386_core[] = {
	{ "eax", 32, "int32", "rax", NULL }, { "ecx", 32, "int32", "rcx", NULL },
	{ "edx", 32, "int32", "rdx", NULL }, { "ebx", 32, "int32", "rbx", NULL },
	{ "esp", 32, "data_ptr", "rsp", NULL },
	{ "ebp", 32, "data_ptr", "rbp", NULL },
	{ "esi", 32, "int32", "rsi", NULL }, { "edi", 32, "int32", "rdi", NULL },
	{ "eip", 32, "code_ptr", "rip", NULL },
	{ "eflags", 32, "i386_eflags", "eflags", NULL },
	SEG_REGS,
	X87_REGS,
};

static const struct core_reg x86_64_segments[] = {
	{ "fs_base", 64, "int64", "fs_base", NULL },
	{ "gs_base", 64, "int64", "gs_base", NULL },
};

static const struct core_reg aarch64_core[] = {
#define X(n) { "x" #n, 64, "int", "x" #n, NULL }
	X(0), X(1), X(2), X(3), X(4), X(5), X(6), X(7), X(8), X(9), X(10),
	X(11), X(12), X(13), X(14), X(15), X(16), X(17), X(18), X(19),
	X(20), X(21), X(22), X(23), X(24), X(25), X(26), X(27), X(28),
	X(29), X(30),
#undef X
	{ "sp", 64, "data_ptr", "sp", NULL },
	{ "pc", 64, "code_ptr", "pc", NULL },
	{ "cpsr", 32, "cpsr_flags", "cpsr", NULL },
};

static const char *const x86_64_features[] = {
	"org.gnu.gdb.i386.core", "org.gnu.gdb.i386.segments",
	"org.quadrant.x86.sys",
};
/* i386: the core, then (index 2, as for x86-64) the system registers. */
static const char *const i386_features[] = {
	"org.gnu.gdb.i386.core", "", "org.quadrant.x86.sys",
};
static const char *const aarch64_features[] = {
	"org.gnu.gdb.aarch64.core", "org.quadrant.aarch64.sys",
};

/* Flag types, each in the feature that uses it: id, size, fields. */
struct flags_type {
	const char *id;
	unsigned int size;
	const char *fields;	/* "NAME:BIT NAME:BIT ..." */
	const char *feature;
};

static const struct flags_type flags_types[] = {
	{ "i386_eflags", 4, "CF:0 :1 PF:2 AF:4 ZF:6 SF:7 TF:8 IF:9 DF:10 "
	  "OF:11 NT:14 RF:16 VM:17 AC:18 VIF:19 VIP:20 ID:21",
	  "org.gnu.gdb.i386.core" },
	{ "x86_cr0", 8, "PE:0 MP:1 EM:2 TS:3 ET:4 NE:5 WP:16 AM:18 NW:29 "
	  "CD:30 PG:31", "org.quadrant.x86.sys" },
	{ "x86_cr4", 8, "VME:0 PVI:1 TSD:2 DE:3 PSE:4 PAE:5 MCE:6 PGE:7 "
	  "PCE:8 OSFXSR:9 OSXMMEXCPT:10 UMIP:11 LA57:12 FSGSBASE:16 "
	  "PCIDE:17 OSXSAVE:18 SMEP:20 SMAP:21 PKE:22",
	  "org.quadrant.x86.sys" },
	{ "x86_efer", 8, "SCE:0 LME:8 LMA:10 NXE:11", "org.quadrant.x86.sys" },
	{ "cpsr_flags", 4, "SP:0 EL:2 nRW:4 F:6 I:7 A:8 D:9 IL:20 SS:21 "
	  "V:28 C:29 Z:30 N:31", "org.gnu.gdb.aarch64.core" },
};

/* The type of a register the file adds (cr0 gets its flags). */
static const char *extra_type(enum gdb_desc desc, const char *name,
			      unsigned int bits)
{
	/* The flag types are 8 bytes wide, as the registers they name. */
	if (desc != GDB_DESC_AARCH64 && bits == 64) {
		if (!strcmp(name, "cr0"))
			return "x86_cr0";
		if (!strcmp(name, "cr4"))
			return "x86_cr4";
		if (!strcmp(name, "efer"))
			return "x86_efer";
	}
	return bits == 64 ? "uint64" : "uint32";
}

static int find_vcpu_reg(const struct vcpu_reg_desc *t, unsigned int count,
			 const char *name)
{
	for (unsigned int i = 0; name && i < count; i++)
		if (t[i].name && !strcasecmp(t[i].name, name))
			return (int)i;
	return -1;
}

static int add_core(struct gdb_regmap *map, const struct core_reg *c,
		    unsigned int n, uint8_t feature,
		    const struct vcpu_reg_desc *t, unsigned int count,
		    bool *used)
{
	for (unsigned int i = 0; i < n; i++) {
		struct gdb_reg *r = &map->reg[map->n];
		int v = find_vcpu_reg(t, count, c[i].from);

		if (map->n == GDB_MAX_REGS)
			return -E2BIG;
		snprintf(r->name, sizeof(r->name), "%s", c[i].name);
		r->bits = c[i].bits;
		r->vcpu = (int16_t)v;
		r->type = c[i].type;
		r->group = c[i].group;
		r->feature = feature;
		if (v >= 0)
			used[v] = true;
		map->n++;
	}
	return 0;
}

/* Append to a growing string; false if out of memory. */
struct sbuf {
	char *p;
	size_t len, cap;
};

static bool sb_addf(struct sbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static bool sb_addf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->p ? b->p + b->len : NULL,
			      b->p ? b->cap - b->len : 0, fmt, ap);
		va_end(ap);
		if (n < 0)
			return false;
		if (b->p && b->len + (size_t)n < b->cap) {
			b->len += (size_t)n;
			return true;
		}
		b->cap = (b->cap + (size_t)n + 1) * 2;
		char *q = realloc(b->p, b->cap);

		if (!q)
			return false;
		b->p = q;
	}
}

static bool xml_flags(struct sbuf *b, const char *feature)
{
	for (size_t i = 0; i < ARRAY_SIZE(flags_types); i++) {
		const struct flags_type *f = &flags_types[i];
		const char *p = f->fields;

		if (strcmp(f->feature, feature))
			continue;
		if (!sb_addf(b, "  <flags id=\"%s\" size=\"%u\">\n", f->id,
			     f->size))
			return false;
		while (*p) {
			size_t len = strcspn(p, ":");
			unsigned int bit = (unsigned int)strtoul(p + len + 1,
								 NULL, 10);

			if (!sb_addf(b, "    <field name=\"%.*s\" start=\"%u\" "
				     "end=\"%u\"/>\n", (int)len, p, bit, bit))
				return false;
			p += len + 1;
			p += strcspn(p, " ");
			p += *p == ' ';
		}
		if (!sb_addf(b, "  </flags>\n"))
			return false;
	}
	return true;
}

static char *build_xml(const struct gdb_regmap *map, unsigned int nfeatures)
{
	struct sbuf b = { NULL, 0, 0 };
	bool ok = sb_addf(&b, "<?xml version=\"1.0\"?>\n<!DOCTYPE target "
			  "SYSTEM \"gdb-target.dtd\">\n<target version=\"1.0\">\n"
			  "<architecture>%s</architecture>\n", map->arch);

	for (unsigned int f = 0; ok && f < nfeatures; f++) {
		bool any = false;

		for (unsigned int i = 0; i < map->n; i++)
			any |= map->reg[i].feature == f;
		if (!any)
			continue;
		ok = sb_addf(&b, "<feature name=\"%s\">\n", map->features[f]) &&
		     xml_flags(&b, map->features[f]);
		for (unsigned int i = 0; ok && i < map->n; i++) {
			const struct gdb_reg *r = &map->reg[i];

			if (r->feature != f)
				continue;
			ok = sb_addf(&b, "  <reg name=\"%s\" bitsize=\"%u\" "
				     "type=\"%s\" regnum=\"%u\"%s%s%s/>\n",
				     r->name, r->bits, r->type, i,
				     r->group ? " group=\"" : "",
				     r->group ? r->group : "",
				     r->group ? "\"" : "");
		}
		ok = ok && sb_addf(&b, "</feature>\n");
	}
	ok = ok && sb_addf(&b, "</target>\n");
	if (!ok) {
		free(b.p);
		return NULL;
	}
	return b.p;
}

enum gdb_desc gdb_desc_for(enum vm_arch arch)
{
	return arch == VM_ARCH_ARM64 ? GDB_DESC_AARCH64 : GDB_DESC_X86_64;
}

int gdb_regmap_build(struct gdb_regmap *map, enum gdb_desc desc,
		     const struct vcpu_reg_desc *t, unsigned int count)
{
	bool used[256] = { false };
	const struct core_reg *core;
	unsigned int ncore, nfeatures, sys;
	int ret;

	memset(map, 0, sizeof(*map));
	if (count > ARRAY_SIZE(used))
		return -E2BIG;
	map->desc = desc;
	switch (desc) {
	case GDB_DESC_AARCH64:
		map->arch = "aarch64";
		map->features = aarch64_features;
		nfeatures = ARRAY_SIZE(aarch64_features);
		core = aarch64_core;
		ncore = ARRAY_SIZE(aarch64_core);
		sys = 1;
		break;
	case GDB_DESC_I386:
		map->arch = "i386";
		map->features = i386_features;
		nfeatures = ARRAY_SIZE(i386_features);
		core = i386_core;
		ncore = ARRAY_SIZE(i386_core);
		sys = 2;
		/* r8-r15 do not exist for GDB's i386: leave them out. */
		for (unsigned int i = 8; i < 16; i++) {
			char name[8];

			snprintf(name, sizeof(name), "r%u", i);
			ret = find_vcpu_reg(t, count, name);
			if (ret >= 0)
				used[ret] = true;
		}
		break;
	case GDB_DESC_X86_64:
	default:
		map->arch = "i386:x86-64";
		map->features = x86_64_features;
		nfeatures = ARRAY_SIZE(x86_64_features);
		core = x86_64_core;
		ncore = ARRAY_SIZE(x86_64_core);
		sys = 2;
		break;
	}
	ret = add_core(map, core, ncore, 0, t, count, used);
	if (!ret && desc == GDB_DESC_X86_64)
		ret = add_core(map, x86_64_segments,
			       ARRAY_SIZE(x86_64_segments), 1, t, count, used);
	/* Everything else the vCPU has, in the custom feature. */
	for (unsigned int i = 0; !ret && i < count; i++) {
		struct gdb_reg *r = &map->reg[map->n];

		if (used[i] || !t[i].name)
			continue;
		if (map->n == GDB_MAX_REGS) {
			ret = -E2BIG;
			break;
		}
		snprintf(r->name, sizeof(r->name), "%s", t[i].name);
		r->bits = t[i].bits > 32 ? 64 : 32;
		r->vcpu = (int16_t)i;
		r->type = extra_type(desc, r->name, r->bits);
		r->group = "system";
		r->feature = (uint8_t)sys;
		map->n++;
	}
	if (ret)
		return ret;
	map->xml = build_xml(map, nfeatures);
	return map->xml ? 0 : -ENOMEM;
}

void gdb_regmap_free(struct gdb_regmap *map)
{
	free(map->xml);
	map->xml = NULL;
}

int gdb_reg_read(const struct gdb_regmap *map, struct vcpu *vcpu,
		 unsigned int n, uint8_t *buf, size_t size)
{
	const struct gdb_reg *r;
	size_t bytes;
	uint64_t v = 0;

	if (n >= map->n)
		return -EINVAL;
	r = &map->reg[n];
	bytes = r->bits / 8u;
	if (bytes > size)
		return -EINVAL;
	memset(buf, 0, bytes);
	if (r->vcpu >= 0 && vcpu->ops->get_reg &&
	    vcpu->ops->get_reg(vcpu, (unsigned int)r->vcpu, &v))
		v = 0;
	for (size_t i = 0; i < bytes && i < 8; i++)
		buf[i] = (uint8_t)(v >> (8 * i));
	return (int)bytes;
}

int gdb_reg_write(const struct gdb_regmap *map, struct vcpu *vcpu,
		  unsigned int n, const uint8_t *buf, size_t len)
{
	const struct gdb_reg *r;
	uint64_t v = 0, cur = 0, mask;
	size_t bytes;

	if (n >= map->n)
		return -EINVAL;
	r = &map->reg[n];
	bytes = r->bits / 8u;
	if (len != bytes)
		return -EINVAL;
	if (r->vcpu < 0)
		return 0;	/* no such register in our CPU: ignored */
	for (size_t i = 0; i < bytes && i < 8; i++)
		v |= (uint64_t)buf[i] << (8 * i);
	mask = bytes >= 8 ? ~0ull : (1ull << (8 * bytes)) - 1;
	if (!vcpu->ops->get_reg ||
	    vcpu->ops->get_reg(vcpu, (unsigned int)r->vcpu, &cur))
		return -EINVAL;
	/* A 32-bit view (i386's eax) keeps the upper half. */
	v = (cur & ~mask) | (v & mask);
	if (v == cur)
		return 0;
	if (!vcpu->ops->set_reg ||
	    vcpu->ops->set_reg(vcpu, (unsigned int)r->vcpu, v))
		return -EPERM;
	return 0;
}
