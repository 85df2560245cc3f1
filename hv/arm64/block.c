// SPDX-License-Identifier: MIT
/*
 * The block cache: straight-line code decoded once and run without a
 * fetch, a TLB lookup or a decode per instruction (cpu.c runs it).
 *
 * A block starts at any word and takes the words after it until
 *  - a word of the branch / exception / system family (op0 = 101x:
 *    B, BL, B.cond, CBZ, TBZ, BR, RET, ERET, SVC, HVC, BRK, hints,
 *    barriers, MSR, MRS, SYS), or an UNDEFINED word: these may change
 *    the pc, PSTATE, the translation regime or the system registers,
 *    or read the instruction count, so they are the block's last word;
 *  - the end of the 4 KiB page: one fetch translation covers the block;
 *  - ARM64_BLOCK_MAX words.
 * Every other instruction (data processing, loads and stores) leaves the
 * pc to the next word, unless it faults, and a fault leaves the block.
 *
 * The cache is direct mapped by the host address of the first word, the
 * key; the same guest code mapped at two VAs shares its blocks, which is
 * fine because a handler takes every address it needs from insn_pc.
 * Nothing is invalidated when memory changes: cpu.c compares each word
 * with the one it was decoded from just before running it (as the
 * one-instruction path compares with the icache), drops a block whose
 * word changed, and carries on one word at a time.
 */
#include <string.h>

#include <hv/arm64/interp.h>

/* Does @w end a block (see above)? */
static bool ends_block(uint32_t w, const struct arm64_dinsn *in)
{
	return ((w >> 25) & 0xe) == 0xa || in->fn == exec_undef;
}

struct arm64_block *arm64_block_build(struct arm64_cpu *cpu,
				      struct arm64_block *b,
				      const uint8_t *host, uint64_t pc)
{
	unsigned int room = (unsigned int)(PAGE_SIZE - (pc & (PAGE_SIZE - 1))) / 4;
	unsigned int n = 0;

	if (room > ARM64_BLOCK_MAX)
		room = ARM64_BLOCK_MAX;
	while (n < room) {
		struct arm64_dinsn *in = &b->insn[n];
		uint32_t w;

		memcpy(&w, host + 4 * n, 4);
		arm64_decode(w, in);
		n++;
		if (ends_block(w, in))
			break;
	}
	b->key = (uintptr_t)host;
	b->n = n;
	cpu->icache_misses += n;
	return b;
}
