/* SPDX-License-Identifier: MIT */
/*
 * The block cache: decoded instructions, kept as straight-line blocks.
 *
 * Why blocks: an interpreter that looks up the TLB and a decoded-
 * instruction cache for every instruction spends most of its time
 * there, not in the handlers. A block is the run of instructions from
 * one rip up to the first jump (or anything else that may change rip,
 * the mode, paging or the TLB: decode.c says which), so the run loop
 * translates rip and finds the decoded instructions once per block,
 * then calls the handlers one after another (cpu.c).
 *
 * A block is keyed by the host address of its first byte, its rip and
 * the code size. Keying by rip lets the decoder fix everything that
 * depends on it: each instruction's rip and next rip, rip-relative
 * addresses, jump targets. It never crosses a page: it stops before an
 * instruction that would, and such an instruction at the start of a
 * block is decoded alone, every time, and not cached (decode.c), as
 * the second page could be remapped.
 *
 * Self-modifying code: the host page of every block is marked in
 * code_pages, so stores there take the TLB's slow path (tlb.c), which
 * calls x86_icache_invalidate for the bytes written; every block that
 * overlaps them is dropped. Blocks of a page are found through a list
 * per arena page. A dropped block's instructions all get a handler
 * that leaves the block (exec_stale), so if a store overwrote the block
 * it runs in, the next instruction is decoded again from the new bytes
 * and the run loop need not check after every instruction.
 *
 * Memory: blocks and their instructions come from two pools, allocated
 * in order and never freed one by one; when either is full, every
 * block is dropped at once (QEMU's tb_flush). That happens only while
 * building a block, never while one runs.
 */
#include <errno.h>
#include <stdlib.h>

#include <hv/x86/interp.h>

#define HASH_SIZE (1u << X86_BLOCK_HASH_BITS)

int x86_blocks_init(struct x86_cpu *cpu)
{
	struct x86_block_cache *bc = &cpu->blk;

	bc->hash = calloc(HASH_SIZE, sizeof(*bc->hash));
	bc->page = calloc(cpu->code_pages_n ? cpu->code_pages_n : 1,
			  sizeof(*bc->page));
	bc->blocks = calloc(X86_BLOCK_POOL, sizeof(*bc->blocks));
	bc->insns = calloc(X86_BLOCK_INSN_POOL, sizeof(*bc->insns));
	if (!bc->hash || !bc->page || !bc->blocks || !bc->insns) {
		x86_blocks_destroy(cpu);
		return -ENOMEM;
	}
	bc->scratch.insn = &bc->scratch_insn;
	bc->scratch.n = 1;
	return 0;
}

void x86_blocks_destroy(struct x86_cpu *cpu)
{
	struct x86_block_cache *bc = &cpu->blk;

	free(bc->hash);
	free(bc->page);
	free(bc->blocks);
	free(bc->insns);
	memset(bc, 0, sizeof(*bc));
}

/* Drop every block: the pools are full. */
static void blocks_flush(struct x86_cpu *cpu)
{
	struct x86_block_cache *bc = &cpu->blk;

	memset(bc->hash, 0, HASH_SIZE * sizeof(*bc->hash));
	memset(bc->page, 0, cpu->code_pages_n * sizeof(*bc->page));
	for (unsigned int i = 0; i < bc->nblocks; i++)
		bc->blocks[i].key = 0;
	bc->nblocks = 0;
	bc->ninsns = 0;
	bc->flushes++;
}

/*
 * Decode the block at cpu->rip (first byte at host @hva, linear @gva)
 * and cache it. The first instruction may fault (#PF on the next page,
 * #UD); the others are only looked at: one that does not decode, or
 * would cross the page, ends the block before it without a fault, since
 * the guest may never get there.
 */
const struct x86_block *x86_block_build(struct x86_cpu *cpu, uint64_t gva,
					const uint8_t *hva)
{
	struct x86_block_cache *bc = &cpu->blk;
	uintptr_t hpa = (uintptr_t)hva - (uintptr_t)cpu->vm->arena.base;
	uint64_t pfn = hpa >> PAGE_SHIFT;
	unsigned int avail = PAGE_SIZE - (gva & ~PAGE_MASK);
	unsigned int n = 0, pos = 0;
	struct x86_insn *in;
	struct x86_block *b;
	unsigned int h;

	/* Code outside RAM (it reads as all ones) is never cached. */
	if ((uintptr_t)hva < (uintptr_t)cpu->vm->arena.base ||
	    pfn >= cpu->code_pages_n)
		goto uncached;
	if (bc->nblocks == X86_BLOCK_POOL ||
	    bc->ninsns + X86_BLOCK_MAX > X86_BLOCK_INSN_POOL)
		blocks_flush(cpu);
	in = &bc->insns[bc->ninsns];
	do {
		uint64_t rip = n ? in[n - 1].next_rip : cpu->rip;

		if (!x86_decode_ahead(cpu, rip, hva + pos, avail - pos,
				      &in[n]))
			break;
		pos += in[n].len;
		n++;
	} while (n < X86_BLOCK_MAX && !in[n - 1].ends_block && pos < avail);
	if (!n)
		goto uncached;

	b = &bc->blocks[bc->nblocks++];
	bc->ninsns += n;
	b->key = (uintptr_t)hva;
	b->rip = cpu->rip;
	b->mode = cpu->mode;
	b->n = n;
	b->bytes = pos;
	b->bp_tag = 0;
	b->insn = in;
	h = x86_block_hash(b->key);
	b->hnext = bc->hash[h];
	bc->hash[h] = b;
	b->pnext = bc->page[pfn];
	bc->page[pfn] = b;
	x86_mark_code(cpu, hpa);
	return b;

uncached:
	x86_decode_hard(cpu, gva, hva, &bc->scratch_insn);
	bc->scratch.key = 0;
	bc->scratch.rip = cpu->rip;
	bc->scratch.mode = cpu->mode;
	return &bc->scratch;
}

/*
 * What the instructions of a dropped block become: if the block was
 * running (a store in it overwrote it), its next instruction must not
 * run as decoded; leave the block, and the run loop decodes again.
 */
static void exec_stale(struct x86_cpu *cpu, const struct x86_insn *in)
{
	x86_refetch(cpu);
}

static void hash_unlink(struct x86_block_cache *bc, struct x86_block *b)
{
	struct x86_block **pp = &bc->hash[x86_block_hash(b->key)];

	while (*pp != b)
		pp = &(*pp)->hnext;
	*pp = b->hnext;
}

void x86_icache_invalidate(struct x86_cpu *cpu, uintptr_t hva,
			   unsigned int len)
{
	struct x86_block_cache *bc = &cpu->blk;
	uint64_t pfn = (hva - (uintptr_t)cpu->vm->arena.base) >> PAGE_SHIFT;
	struct x86_block **pp, *b;

	if (pfn >= cpu->code_pages_n)
		return;
	pp = &bc->page[pfn];
	while ((b = *pp)) {
		if (b->key < hva + len && hva < b->key + b->bytes) {
			*pp = b->pnext;
			hash_unlink(bc, b);
			b->key = 0;
			for (unsigned int i = 0; i < b->n; i++)
				b->insn[i].fn = exec_stale;
		} else {
			pp = &b->pnext;
		}
	}
}
