/* SPDX-License-Identifier: MIT */
/*
 * The software TLB and the slow paths of guest memory access.
 *
 * Two direct-mapped arrays of X86_TLB_SIZE entries, one for CPL 0-2 and
 * one for CPL 3, indexed by virtual page number. An entry caches one
 * 4 KiB virtual page: the host pointer addend (host = addend + gva) and
 * a tag per kind of access. A tag holds the page address only once that
 * kind of access has been translated successfully, so a hit needs no
 * permission check:
 *   tag_r   a read walk succeeded (or a write walk, which implies it)
 *   tag_w   a write walk succeeded: the walker set the guest D bit, so
 *           later writes need no walk (never given from a read walk,
 *           which is how the first write of a clean page re-walks)
 *   tag_x   a fetch walk succeeded
 *   tag_wc  writable, but the page holds decoded instructions: stores
 *           go through x86_st_slow, which drops the blocks they overlap
 *           (x86_icache_invalidate, block.c)
 * Implicit supervisor accesses (GDT, IDT, TSS) bypass the TLB; MMIO is
 * never cached. A walk that reports a mapping larger than 4 KiB sets
 * tlb_has_large, after which INVLPG flushes everything (we cache 4 KiB
 * pieces and cannot find all pieces of one large page cheaply).
 */
#include <errno.h>
#include <stdio.h>

#include <hv/fmt.h>

#include <hv/x86/interp.h>

static void tlb_entry_clear(struct x86_tlb_entry *e)
{
	e->tag_r = e->tag_w = e->tag_x = e->tag_wc = X86_TLB_INVALID;
	e->global = false;
}

void x86_tlb_flush(struct x86_cpu *cpu, bool global)
{
	for (int u = 0; u < 2; u++)
		for (unsigned int i = 0; i < X86_TLB_SIZE; i++)
			if (global || !cpu->tlb[u][i].global)
				tlb_entry_clear(&cpu->tlb[u][i]);
	if (global)
		cpu->tlb_has_large = false;
}

void x86_tlb_invlpg(struct x86_cpu *cpu, uint64_t gva)
{
	unsigned int i = (gva >> PAGE_SHIFT) & (X86_TLB_SIZE - 1);

	if (cpu->tlb_has_large) {
		x86_tlb_flush(cpu, true);
		return;
	}
	tlb_entry_clear(&cpu->tlb[0][i]);
	tlb_entry_clear(&cpu->tlb[1][i]);
}

void x86_paging_ctx(const struct x86_cpu *cpu, struct x86_paging_ctx *ctx)
{
	ctx->cr0 = cpu->cr0;
	ctx->cr3 = cpu->cr3;
	ctx->cr4 = cpu->cr4;
	ctx->efer = cpu->efer;
	ctx->cpl = cpu->cpl;
	ctx->rflags_ac = cpu->rflags & X86_FL_AC;
}

static bool code_page(const struct x86_cpu *cpu, hpa_t hpa)
{
	uint64_t pfn = hpa >> PAGE_SHIFT;

	return pfn < cpu->code_pages_n &&
	       (cpu->code_pages[pfn >> 3] & (1u << (pfn & 7)));
}

void x86_mark_code(struct x86_cpu *cpu, hpa_t hpa)
{
	uint64_t pfn = hpa >> PAGE_SHIFT;

	if (pfn >= cpu->code_pages_n || code_page(cpu, hpa))
		return;
	cpu->code_pages[pfn >> 3] |= 1u << (pfn & 7);
	for (int u = 0; u < 2; u++)
		for (unsigned int i = 0; i < X86_TLB_SIZE; i++) {
			struct x86_tlb_entry *e = &cpu->tlb[u][i];

			if (e->hpa == (hpa & PAGE_MASK) &&
			    e->tag_w != X86_TLB_INVALID) {
				e->tag_wc = e->tag_w;
				e->tag_w = X86_TLB_INVALID;
			}
		}
}

/* One translated piece of an access: host memory or an MMIO gpa. */
struct piece {
	uint8_t *host;		/* NULL: MMIO */
	gpa_t gpa;
	hpa_t hpa;
	bool tracked;		/* a write-tracked guest page table */
};

/* Does any watchpoint overlap the page at @page? */
static bool x86_wp_page(const struct x86_cpu *cpu, uint64_t page)
{
	const struct vcpu_debug *d = &cpu->vcpu.dbg;

	for (unsigned int i = 0; i < d->nwp && i < VCPU_MAX_WP; i++)
		if (d->wp[i].gva < page + PAGE_SIZE &&
		    page < d->wp[i].gva + d->wp[i].len)
			return true;
	return false;
}

/*
 * A data access of @size bytes at @gva of @kind (VCPU_WP_READ/WRITE)
 * completed: if it overlaps a watchpoint of that kind, stop after this
 * instruction and tell the tools which access it was.
 */
static void x86_wp_check(struct x86_cpu *cpu, uint64_t gva, unsigned int size,
			 unsigned int kind)
{
	struct vcpu_debug *d = &cpu->vcpu.dbg;

	if (cpu->vm->stop_requested)
		return;
	for (unsigned int i = 0; i < d->nwp && i < VCPU_MAX_WP; i++) {
		if (!(d->wp[i].kind & kind) || d->wp[i].gva >= gva + size ||
		    gva >= d->wp[i].gva + d->wp[i].len)
			continue;
		d->stop_cause = VCPU_STOP_WATCHPOINT;
		d->stop_wp_kind = (uint8_t)kind;
		d->stop_addr = gva;
		vm_request_stop(cpu->vm, VCPU_EXIT_STOP, 0,
				kind == VCPU_WP_WRITE ? "watchpoint (write)"
						      : "watchpoint (read)");
		return;
	}
}

/*
 * Translate @gva for @acc (ACC_R/W/X), faulting as the walker says.
 * @sys: an implicit supervisor access (no TLB). Fills the TLB otherwise.
 */
static void translate(struct x86_cpu *cpu, uint64_t gva, enum x86_acc acc,
		      bool sys, struct piece *p)
{
	struct x86_paging_ctx ctx;
	struct x86_xlate out = { 0 };
	uint32_t access = 0;
	uint64_t page = gva & PAGE_MASK;
	uint8_t *host;
	int rc;

	p->tracked = false;
	/* A walk may refill the TLB or stop the VM: see run_block (cpu.c). */
	cpu->walked = true;
	if (cpu->mode == 64 && !x86_canonical(gva))
		x86_gp(cpu, 0);
	if (acc == ACC_W)
		access |= PFERR_WRITE;
	else if (acc == ACC_X)
		access |= PFERR_FETCH;
	if (sys)
		access |= X86_ACC_IMPLICIT;
	x86_paging_ctx(cpu, &ctx);
	rc = x86_hw_translate(&cpu->mmu, &ctx, gva, access, &out, NULL);
	if (rc < 0)
		x86_stop(cpu, VCPU_EXIT_INTERNAL,
			 "page walk for gva %#llx failed: %d",
			 (unsigned long long)gva, rc);
	if (rc == X86_XLATE_PF) {
		cpu->cr2 = gva;
		vm_emit(cpu->vm, EV_page_fault, -1, gva, out.pferr,
			cpu->insn_rip, 0);
		x86_raise(cpu, X86_PF, out.pferr, true);
	}
	if (rc == X86_XLATE_MMIO) {
		p->host = NULL;
		p->gpa = out.gpa;
		return;
	}
	host = arena_hva(&cpu->vm->arena, out.hpa & PAGE_MASK, PAGE_SIZE);
	if (!host)
		x86_stop(cpu, VCPU_EXIT_INTERNAL,
			 "walk of gva %#llx gave hpa %#llx outside the arena",
			 (unsigned long long)gva,
			 (unsigned long long)out.hpa);
	p->host = host + (gva & ~PAGE_MASK);
	p->gpa = out.gpa;
	p->hpa = out.hpa;
	p->tracked = out.flags & X86_XLATE_F_TRACKED;
	if (sys)
		return;
	/* Watched pages stay out of the TLB for data: see x86_wp_check. */
	if (unlikely(cpu->dbg_wp) && acc != ACC_X && x86_wp_page(cpu, page))
		return;

	struct x86_tlb_entry *e =
		&cpu->tlbc[(gva >> PAGE_SHIFT) & (X86_TLB_SIZE - 1)];
	uintptr_t addend = (uintptr_t)host - (uintptr_t)page;

	if (e->addend != addend || e->hpa != (out.hpa & PAGE_MASK) ||
	    (e->tag_r != page && e->tag_x != page && e->tag_w != page &&
	     e->tag_wc != page))
		tlb_entry_clear(e);
	e->addend = addend;
	e->hpa = out.hpa & PAGE_MASK;
	e->global = (out.perms & WALK_P_GLOBAL) && (cpu->cr4 & X86_CR4_PGE);
	if (out.page_shift > PAGE_SHIFT)
		cpu->tlb_has_large = true;
	switch (acc) {
	case ACC_W:
		e->tag_r = page;
		/* Never a writable entry for a tracked page (mmu_hw.h). */
		if (p->tracked)
			break;
		if (code_page(cpu, out.hpa))
			e->tag_wc = page;
		else
			e->tag_w = page;
		break;
	case ACC_R:
		e->tag_r = page;
		break;
	case ACC_X:
		e->tag_x = page;
		break;
	}
}

static uint64_t mmio_read(struct x86_cpu *cpu, gpa_t gpa, unsigned int size)
{
	uint64_t v = io_bus_read(&cpu->vm->mmio, gpa, size) & x86_mask(size);

	vm_emit(cpu->vm, EV_mmio, -1, gpa, size, v, 0);
	return v;
}

static void mmio_write(struct x86_cpu *cpu, gpa_t gpa, unsigned int size,
		       uint64_t v)
{
	vm_emit(cpu->vm, EV_mmio, -1, gpa, size, v, 1);
	io_bus_write(&cpu->vm->mmio, gpa, size, v & x86_mask(size));
	if (cpu->vm->stop_requested)
		return;
}

/* Next linear address, wrapping at 4 GiB outside 64-bit mode. */
static uint64_t lin_add(const struct x86_cpu *cpu, uint64_t gva, uint64_t n)
{
	return cpu->mode == 64 ? gva + n : (uint32_t)(gva + n);
}

static uint64_t do_load(struct x86_cpu *cpu, uint64_t gva, unsigned int size,
			enum x86_acc acc, bool sys)
{
	unsigned int n1 = PAGE_SIZE - (gva & ~PAGE_MASK);
	struct piece p1, p2;
	uint64_t v = 0;

	translate(cpu, gva, acc, sys, &p1);
	if (n1 >= size) {
		if (!p1.host)
			return mmio_read(cpu, p1.gpa, size);
		return x86_host_load(p1.host, size);
	}
	/* Crosses a page: translate both halves before reading anything. */
	translate(cpu, lin_add(cpu, gva, n1), acc, sys, &p2);
	for (unsigned int i = 0; i < size; i++) {
		const struct piece *p = i < n1 ? &p1 : &p2;
		unsigned int off = i < n1 ? i : i - n1;
		uint64_t b = p->host ? p->host[off] : mmio_read(cpu, p->gpa + off, 1);

		v |= b << (8 * i);
	}
	return v;
}

static void store_piece(struct x86_cpu *cpu, const struct piece *p,
			unsigned int size, uint64_t v)
{
	if (!p->host) {
		mmio_write(cpu, p->gpa, size, v);
		return;
	}
	x86_host_store(p->host, size, v);
	if (code_page(cpu, p->hpa))
		x86_icache_invalidate(cpu, (uintptr_t)p->host, size);
	/* A write-tracked page: the write is done, now tell the MMU. */
	if (p->tracked && cpu->mmu.hooks && cpu->mmu.hooks->track_write)
		cpu->mmu.hooks->track_write(cpu->mmu.hooks_opaque, p->gpa, &v,
					    size);
}

static void do_store(struct x86_cpu *cpu, uint64_t gva, unsigned int size,
		     uint64_t v, bool sys)
{
	unsigned int n1 = PAGE_SIZE - (gva & ~PAGE_MASK);
	struct piece p1, p2;

	translate(cpu, gva, ACC_W, sys, &p1);
	if (n1 >= size) {
		store_piece(cpu, &p1, size, v);
		return;
	}
	translate(cpu, lin_add(cpu, gva, n1), ACC_W, sys, &p2);
	for (unsigned int i = 0; i < size; i++) {
		if (i < n1)
			store_piece(cpu, &p1, 1, v >> (8 * i));
		else
			store_piece(cpu, &p2, 1, v >> (8 * i));
		if (i < n1)
			p1.host = p1.host ? p1.host + 1 : NULL, p1.gpa++, p1.hpa++;
		else
			p2.host = p2.host ? p2.host + 1 : NULL, p2.gpa++, p2.hpa++;
	}
}

uint64_t x86_ld_slow(struct x86_cpu *cpu, uint64_t gva, unsigned int size)
{
	uint64_t v;

	cpu->last_read = gva;
	v = do_load(cpu, gva, size, ACC_R, false);
	if (unlikely(cpu->dbg_wp))
		x86_wp_check(cpu, gva, size, VCPU_WP_READ);
	return v;
}

void x86_st_slow(struct x86_cpu *cpu, uint64_t gva, unsigned int size,
		 uint64_t v)
{
	struct x86_tlb_entry *e =
		&cpu->tlbc[(gva >> PAGE_SHIFT) & (X86_TLB_SIZE - 1)];

	cpu->last_write = gva;
	if (unlikely(cpu->dbg_wp)) {
		do_store(cpu, gva, size, v, false);
		x86_wp_check(cpu, gva, size, VCPU_WP_WRITE);
		return;
	}
	/* A store to a page holding decoded code: write, then invalidate. */
	if (e->tag_wc == (gva & PAGE_MASK) &&
	    (gva & ~PAGE_MASK) <= PAGE_SIZE - size) {
		void *p = (void *)(e->addend + gva);

		x86_host_store(p, size, v);
		x86_icache_invalidate(cpu, (uintptr_t)p, size);
		return;
	}
	do_store(cpu, gva, size, v, false);
}

void x86_probe_write(struct x86_cpu *cpu, uint64_t gva, unsigned int size)
{
	struct piece p;
	unsigned int n1 = PAGE_SIZE - (gva & ~PAGE_MASK);

	translate(cpu, gva, ACC_W, false, &p);
	if (n1 < size)
		translate(cpu, lin_add(cpu, gva, n1), ACC_W, false, &p);
}

uint64_t x86_ld_sys(struct x86_cpu *cpu, uint64_t gva, unsigned int size)
{
	return do_load(cpu, gva, size, ACC_R, true);
}

void x86_st_sys(struct x86_cpu *cpu, uint64_t gva, unsigned int size,
		uint64_t v)
{
	do_store(cpu, gva, size, v, true);
}

/*
 * Code outside RAM reads as all ones, as an unclaimed bus does; FF FF
 * decodes as an invalid instruction, so the guest gets #UD.
 */
static const uint8_t ones_page[2 * PAGE_SIZE] = {
	[0 ... 2 * PAGE_SIZE - 1] = 0xff
};

uint8_t *x86_fetch_page(struct x86_cpu *cpu, uint64_t gva)
{
	struct piece p;

	translate(cpu, gva, ACC_X, false, &p);
	if (!p.host)
		return (uint8_t *)ones_page + (gva & ~PAGE_MASK);
	return p.host;
}

int x86_peek(struct x86_cpu *cpu, gva_t gva, void *dst, size_t len)
{
	struct x86_paging_ctx ctx;
	uint8_t *d = dst;

	x86_paging_ctx(cpu, &ctx);
	while (len) {
		struct x86_xlate out = { 0 };
		size_t n = PAGE_SIZE - (gva & ~PAGE_MASK);
		const uint8_t *host;

		if (n > len)
			n = len;
		if (x86_hw_translate(&cpu->mmu, &ctx, gva, X86_ACC_PEEK, &out,
				     NULL) != X86_XLATE_OK)
			return -EFAULT;
		host = arena_hva(&cpu->vm->arena, out.hpa, n);
		if (!host)
			return -EFAULT;
		memcpy(d, host, n);
		d += n;
		gva += n;
		len -= n;
	}
	return 0;
}

/*
 * The TLB for the tools: one line per valid entry, supervisor entries
 * then user ones (the CPU keeps a TLB per privilege, as the rights
 * differ). An entry may allow a subset of r, w, x: each right is cached
 * once an access of that kind has walked successfully.
 */
int x86_tlb_format(struct x86_cpu *cpu, char *buf, size_t size)
{
	static const char *const name[2] = { "supervisor (CPL 0-2)",
					     "user (CPL 3)" };
	struct fmtbuf fb = fmtbuf_init(buf, size);

	for (int u = 0; u < 2; u++) {
		unsigned int n = 0;

		fmt_append(&fb, "%s TLB, %u entries, direct mapped by gva "
			   "page:\n", name[u], X86_TLB_SIZE);
		for (unsigned int i = 0; i < X86_TLB_SIZE; i++) {
			const struct x86_tlb_entry *e = &cpu->tlb[u][i];
			uint64_t page = e->tag_r != X86_TLB_INVALID ? e->tag_r :
					e->tag_x != X86_TLB_INVALID ? e->tag_x :
					e->tag_w;

			if (page == X86_TLB_INVALID)
				continue;
			n++;
			fmt_append(&fb, "  [%3u] gva %#018llx -> hpa %#llx  %c%c%c%s%s\n",
				   i, (unsigned long long)page,
				   (unsigned long long)e->hpa,
				   e->tag_r == page ? 'r' : '-',
				   e->tag_w == page ? 'w' :
				   e->tag_wc == page ? 'c' : '-',
				   e->tag_x == page ? 'x' : '-',
				   e->global ? " global" : "",
				   e->tag_wc == page ? " (writes checked: "
						       "the page holds code)" : "");
		}
		if (!n)
			fmt_append(&fb, "  (empty)\n");
	}
	return fmt_result(&fb);
}
