/* SPDX-License-Identifier: MIT */
/*
 * Private to the x86 interpreter (hv/x86/cpu*.c, exec_*.c, ...): the
 * fast paths every handler uses, inline, and the handler prototypes the
 * dispatch table in decode.c names.
 *
 * Faults: a handler that faults calls x86_raise(), which longjmps back
 * to the run loop; the loop puts rip back on the faulting instruction
 * and delivers the exception. Handlers therefore do every access that
 * can fault before they change any register ("no partial updates").
 */
#ifndef HV_X86_INTERP_H
#define HV_X86_INTERP_H

#include <string.h>

#include <hv/log.h>
#include <hv/x86/cpu.h>

#define NOREG 0xff

static inline uint64_t x86_mask(unsigned int size)
{
	return size >= 8 ? ~0ull : (1ull << (size * 8)) - 1;
}

static inline uint64_t x86_sign(unsigned int size)
{
	return 1ull << (size * 8 - 1);
}

static inline int64_t x86_sext(uint64_t v, unsigned int size)
{
	switch (size) {
	case 1: return (int8_t)v;
	case 2: return (int16_t)v;
	case 4: return (int32_t)v;
	default: return (int64_t)v;
	}
}

/* --- registers --------------------------------------------------------- */

static inline uint64_t reg_get(const struct x86_cpu *cpu, unsigned int r,
			       unsigned int size)
{
	if (size == 1 && r >= 16)
		return (cpu->gpr[r - 16] >> 8) & 0xff;
	return cpu->gpr[r & 15] & x86_mask(size);
}

/* Writes as the hardware does: 8/16-bit merge, 32-bit zero-extends. */
static inline void reg_set(struct x86_cpu *cpu, unsigned int r,
			   unsigned int size, uint64_t v)
{
	uint64_t *g;

	switch (size) {
	case 1:
		if (r >= 16) {
			g = &cpu->gpr[(r - 16) & 3];
			*g = (*g & ~0xff00ull) | ((v & 0xff) << 8);
		} else {
			g = &cpu->gpr[r & 15];
			*g = (*g & ~0xffull) | (v & 0xff);
		}
		break;
	case 2:
		g = &cpu->gpr[r & 15];
		*g = (*g & ~0xffffull) | (v & 0xffff);
		break;
	case 4:
		cpu->gpr[r & 15] = (uint32_t)v;
		break;
	default:
		cpu->gpr[r & 15] = v;
	}
}

/* --- exceptions -------------------------------------------------------- */

_Noreturn void x86_raise(struct x86_cpu *cpu, int vec, uint32_t err,
			 bool has_err);
#define x86_fault(cpu, vec) x86_raise((cpu), (vec), 0, false)
#define x86_gp(cpu, err) x86_raise((cpu), X86_GP, (err), true)
#define x86_ud(cpu) x86_raise((cpu), X86_UD, 0, false)
/*
 * Leave the running block without executing the instruction at
 * cpu->insn_rip: the run loop carries on there with a fresh lookup.
 */
_Noreturn void x86_refetch(struct x86_cpu *cpu);
/* Leave run() with @reason; rip stays on the current instruction. */
_Noreturn void x86_stop(struct x86_cpu *cpu, enum vcpu_exit_reason reason,
			const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/*
 * Deliver @vec through the IDT (except.c). @soft: INT n / INT3 / INTO
 * (gate DPL checked, no EXT). rip must already hold the return address.
 */
void x86_deliver(struct x86_cpu *cpu, int vec, uint32_t err, bool has_err,
		 bool soft);

/* --- flags (flags.c) ------------------------------------------------- */

bool x86_cond(const struct x86_cpu *cpu, unsigned int cc);

/* CF of a lazy operation (the table at the top of flags.c). */
static inline bool x86_lf_cf(const struct x86_lazy_flags *lf)
{
	switch (lf->op) {
	case LF_ADD:
		return lf->res < lf->a;
	case LF_ADC:
		return lf->cin ? lf->res <= lf->a : lf->res < lf->a;
	case LF_SUB:
		return lf->a < lf->b;
	case LF_SBB:
		return lf->cin ? lf->a <= lf->b : lf->a < lf->b;
	case LF_INC:
	case LF_DEC:
	case LF_SHL:
	case LF_SHR:
	case LF_SAR:
		return lf->cin;
	default:
		return false;
	}
}

static inline bool x86_cf(const struct x86_cpu *cpu)
{
	if (cpu->lf.op == LF_NONE)
		return cpu->rflags & X86_FL_CF;
	return x86_lf_cf(&cpu->lf);
}

/*
 * Condition @cc as x86_cond computes it, for the common cases only:
 * ZF and SF from any lazy result, and the compares after a CMP or SUB
 * from its raw operands (shifted left so that the sign bit is bit 63
 * for the signed ones). Returns 1 or 0, or -1 if x86_cond must answer.
 * Meant for a constant @cc (the fast jumps in exec_fast.c).
 */
static inline int x86_cond_lazy(const struct x86_cpu *cpu, unsigned int cc)
{
	const struct x86_lazy_flags *lf = &cpu->lf;
	unsigned int sh = 64 - 8 * lf->size;
	bool r;

	if (lf->op == LF_NONE)
		return -1;
	switch (cc >> 1) {
	case 2:	/* E */
		r = lf->res == 0;
		break;
	case 4:	/* S */
		r = (lf->res << sh) >> 63;
		break;
	case 1:	/* B */
		if (lf->op != LF_SUB)
			return -1;
		r = lf->a < lf->b;
		break;
	case 3:	/* BE */
		if (lf->op != LF_SUB)
			return -1;
		r = lf->a <= lf->b;
		break;
	case 6:	/* L */
		if (lf->op != LF_SUB)
			return -1;
		r = (int64_t)(lf->a << sh) < (int64_t)(lf->b << sh);
		break;
	case 7:	/* LE */
		if (lf->op != LF_SUB)
			return -1;
		r = (int64_t)(lf->a << sh) <= (int64_t)(lf->b << sh);
		break;
	default:
		return -1;
	}
	return r ^ (cc & 1);
}

/* Record a flag-setting operation; LF_LOGIC's flags need only res. */
static inline void lf_set(struct x86_cpu *cpu, enum x86_lf_op op,
			  unsigned int size, uint64_t a, uint64_t b,
			  uint64_t res)
{
	cpu->lf.op = op;
	cpu->lf.size = size;
	if (op != LF_LOGIC) {
		cpu->lf.a = a;
		cpu->lf.b = b;
	}
	cpu->lf.res = res & x86_mask(size);
}

/*
 * Set all the arithmetic flags eagerly: @flags holds their new values.
 * The pending lazy ones are simply dropped (rflags' other bits are
 * always current).
 */
static inline void lf_set_eager(struct x86_cpu *cpu, uint64_t flags)
{
	cpu->rflags = (cpu->rflags & ~X86_FL_ARITH) | (flags & X86_FL_ARITH);
	cpu->lf.op = LF_NONE;
}

/*
 * SHL/SHR/SAR by @cnt (1..63, already masked): @a the value, @r the
 * result, @cf the last bit shifted out.
 */
static inline void lf_set_shift(struct x86_cpu *cpu, enum x86_lf_op op,
				unsigned int size, uint64_t a,
				unsigned int cnt, uint64_t r, bool cf)
{
	lf_set(cpu, op, size, a, cnt, r);
	cpu->lf.cin = cf;
}

/* Parity of the low byte: PF set if an even number of ones. */
static inline uint64_t x86_pf(uint64_t res)
{
	return __builtin_parity(res & 0xff) ? 0 : X86_FL_PF;
}

/* ZF, SF and PF of @res at @size. */
static inline uint64_t x86_szp(uint64_t res, unsigned int size)
{
	uint64_t f = x86_pf(res);

	if (!(res & x86_mask(size)))
		f |= X86_FL_ZF;
	if (res & x86_sign(size))
		f |= X86_FL_SF;
	return f;
}

/* --- memory (tlb.c) ------------------------------------------------- */

enum x86_acc { ACC_R = 0, ACC_W = 1, ACC_X = 2 };

uint64_t x86_ld_slow(struct x86_cpu *cpu, uint64_t gva, unsigned int size);
void x86_st_slow(struct x86_cpu *cpu, uint64_t gva, unsigned int size,
		 uint64_t v);
/* Supervisor accesses the CPU makes for itself (GDT, IDT, TSS). */
uint64_t x86_ld_sys(struct x86_cpu *cpu, uint64_t gva, unsigned int size);
void x86_st_sys(struct x86_cpu *cpu, uint64_t gva, unsigned int size,
		uint64_t v);
/* Check that [gva, gva+size) is writable (may fault); no write. */
void x86_probe_write(struct x86_cpu *cpu, uint64_t gva, unsigned int size);
/* Host pointer of the code byte at @gva (filling the TLB), or faults. */
uint8_t *x86_fetch_page(struct x86_cpu *cpu, uint64_t gva);
/* The host page holding @hva now holds decoded instructions. */
void x86_mark_code(struct x86_cpu *cpu, hpa_t hpa);
void x86_tlb_invlpg(struct x86_cpu *cpu, uint64_t gva);
void x86_paging_ctx(const struct x86_cpu *cpu, struct x86_paging_ctx *ctx);

static inline uint64_t x86_host_load(const void *p, unsigned int size)
{
	switch (size) {
	case 1: return *(const uint8_t *)p;
	case 2: { uint16_t v; memcpy(&v, p, 2); return v; }
	case 4: { uint32_t v; memcpy(&v, p, 4); return v; }
	default: { uint64_t v; memcpy(&v, p, 8); return v; }
	}
}

static inline void x86_host_store(void *p, unsigned int size, uint64_t v)
{
	switch (size) {
	case 1: *(uint8_t *)p = (uint8_t)v; break;
	case 2: { uint16_t x = (uint16_t)v; memcpy(p, &x, 2); break; }
	case 4: { uint32_t x = (uint32_t)v; memcpy(p, &x, 4); break; }
	default: memcpy(p, &v, 8);
	}
}

/*
 * Host address of @size bytes at linear @gva if the TLB lets the
 * current CPL read them (x86_tlb_rd) or write them (x86_tlb_wr) with no
 * walk and no check, or NULL: then the slow path must do the access.
 * A writable entry is readable too (both tags are set by a write walk
 * and cleared together).
 */
static inline const void *x86_tlb_rd(const struct x86_cpu *cpu, uint64_t gva,
				     unsigned int size)
{
	const struct x86_tlb_entry *e =
		&cpu->tlbc[(gva >> PAGE_SHIFT) & (X86_TLB_SIZE - 1)];

	if (likely(e->tag_r == (gva & PAGE_MASK) &&
		   (gva & ~PAGE_MASK) <= PAGE_SIZE - size))
		return (const void *)(e->addend + gva);
	return NULL;
}

static inline void *x86_tlb_wr(const struct x86_cpu *cpu, uint64_t gva,
			       unsigned int size)
{
	const struct x86_tlb_entry *e =
		&cpu->tlbc[(gva >> PAGE_SHIFT) & (X86_TLB_SIZE - 1)];

	if (likely(e->tag_w == (gva & PAGE_MASK) &&
		   (gva & ~PAGE_MASK) <= PAGE_SIZE - size))
		return (void *)(e->addend + gva);
	return NULL;
}

/* Load @size bytes at linear @gva with the current CPL's rights. */
static inline uint64_t x86_ld(struct x86_cpu *cpu, uint64_t gva,
			      unsigned int size)
{
	const void *p = x86_tlb_rd(cpu, gva, size);

	if (likely(p))
		return x86_host_load(p, size);
	return x86_ld_slow(cpu, gva, size);
}

static inline void x86_st(struct x86_cpu *cpu, uint64_t gva,
			  unsigned int size, uint64_t v)
{
	void *p = x86_tlb_wr(cpu, gva, size);

	if (likely(p))
		x86_host_store(p, size, v);
	else
		x86_st_slow(cpu, gva, size, v);
}

/* --- addresses --------------------------------------------------------- */

/* Linear address of @off in segment @seg (bases ignored but FS/GS in 64). */
static inline uint64_t x86_lin(const struct x86_cpu *cpu, unsigned int seg,
			       uint64_t off)
{
	if (cpu->mode == 64)
		return seg >= X86_FS ? off + cpu->seg[seg].base : off;
	return (uint32_t)(off + cpu->seg[seg].base);
}

/*
 * Effective address (offset) of a memory operand. A rip-relative one
 * was made absolute at decode time (its val holds next rip + disp).
 */
static inline uint64_t x86_ea(const struct x86_cpu *cpu,
			      const struct x86_insn *in,
			      const struct x86_op *op)
{
	uint64_t a = (uint64_t)op->val;

	if (op->base != NOREG)
		a += cpu->gpr[op->base];
	if (op->index != NOREG)
		a += cpu->gpr[op->index] * op->scale;
	if (in->asize == 4)
		a = (uint32_t)a;
	else if (in->asize == 2)
		a = (uint16_t)a;
	return a;
}

static inline uint64_t x86_op_lin(const struct x86_cpu *cpu,
				  const struct x86_insn *in,
				  const struct x86_op *op)
{
	return x86_lin(cpu, op->seg, x86_ea(cpu, in, op));
}

/*
 * Read operand @i. For memory, *@lin receives the linear address so a
 * read-modify-write can store without recomputing it.
 */
static inline uint64_t op_get(struct x86_cpu *cpu, const struct x86_insn *in,
			      unsigned int i, uint64_t *lin)
{
	const struct x86_op *op = &in->op[i];

	switch (op->kind) {
	case OPK_REG:
		return reg_get(cpu, op->reg, op->size);
	case OPK_IMM:
		return (uint64_t)op->val & x86_mask(op->size);
	case OPK_MEM: {
		uint64_t a = x86_op_lin(cpu, in, op);

		if (lin)
			*lin = a;
		return x86_ld(cpu, a, op->size);
	}
	default:
		x86_ud(cpu);
	}
}

static inline void op_put(struct x86_cpu *cpu, const struct x86_insn *in,
			  unsigned int i, uint64_t lin, uint64_t v)
{
	const struct x86_op *op = &in->op[i];

	if (op->kind == OPK_REG)
		reg_set(cpu, op->reg, op->size, v);
	else if (op->kind == OPK_MEM)
		x86_st(cpu, lin, op->size, v);
	else
		x86_ud(cpu);
}

/* Operand @i as a destination only: its linear address if memory. */
static inline uint64_t op_dst_lin(struct x86_cpu *cpu,
				  const struct x86_insn *in, unsigned int i)
{
	return in->op[i].kind == OPK_MEM ? x86_op_lin(cpu, in, &in->op[i]) : 0;
}

/* --- the stack --------------------------------------------------------- */

/* Stack pointer width: 8 in 64-bit mode, else SS.B ? 4 : 2. */
static inline unsigned int x86_sp_size(const struct x86_cpu *cpu)
{
	if (cpu->mode == 64)
		return 8;
	return (cpu->seg[X86_SS].attr & X86_SEG_DB) ? 4 : 2;
}

static inline void x86_sp_set(struct x86_cpu *cpu, uint64_t sp)
{
	reg_set(cpu, X86_RSP, x86_sp_size(cpu), sp);
}

/* Push @size bytes; the store happens before RSP changes. */
static inline void x86_push(struct x86_cpu *cpu, unsigned int size,
			    uint64_t v)
{
	uint64_t sp = (cpu->gpr[X86_RSP] - size) & x86_mask(x86_sp_size(cpu));

	x86_st(cpu, x86_lin(cpu, X86_SS, sp), size, v);
	x86_sp_set(cpu, sp);
}

/* Read the stack @off bytes above RSP (no RSP change). */
static inline uint64_t x86_stack_peek(struct x86_cpu *cpu, uint64_t off,
				      unsigned int size)
{
	uint64_t sp = (cpu->gpr[X86_RSP] + off) & x86_mask(x86_sp_size(cpu));

	return x86_ld(cpu, x86_lin(cpu, X86_SS, sp), size);
}

static inline void x86_sp_add(struct x86_cpu *cpu, uint64_t n)
{
	x86_sp_set(cpu, (cpu->gpr[X86_RSP] + n) & x86_mask(x86_sp_size(cpu)));
}

/* --- modes ------------------------------------------------------------ */

/* Recompute cpu->mode (16/32/64) from EFER.LMA and CS. */
void x86_update_mode(struct x86_cpu *cpu);
void x86_set_cpl(struct x86_cpu *cpu, unsigned int cpl);

/* rip truncated to the code size. */
static inline uint64_t x86_ip_mask(const struct x86_cpu *cpu, uint64_t ip)
{
	if (cpu->mode == 64)
		return ip;
	return cpu->mode == 32 ? (uint32_t)ip : (uint16_t)ip;
}

static inline uint64_t x86_iopl(struct x86_cpu *cpu)
{
	return (cpu->rflags >> 12) & 3;
}

static inline bool x86_canonical(uint64_t a)
{
	return (uint64_t)((int64_t)(a << 16) >> 16) == a;
}

/* --- segments (seg.c) ------------------------------------------------ */

/* Read the 8-byte descriptor for @sel; faults #GP(sel) if out of table. */
uint64_t x86_desc_read(struct x86_cpu *cpu, uint16_t sel, int vec);
/* Unpack a descriptor into a segment register image. */
void x86_desc_unpack(uint64_t desc, uint16_t sel, struct x86_seg *s);
/* MOV/POP to a data segment or SS, with the protected-mode checks. */
void x86_load_seg(struct x86_cpu *cpu, unsigned int sreg, uint16_t sel);
/* Load CS for a far jmp/call/ret/iret to privilege @cpl (checked). */
void x86_load_cs(struct x86_cpu *cpu, uint16_t sel, unsigned int cpl);
/* Check a CS selector for a control transfer to @rpl; returns attr. */
void x86_check_cs(struct x86_cpu *cpu, uint16_t sel, unsigned int cpl,
		  struct x86_seg *out, int vec);
void x86_check_ss(struct x86_cpu *cpu, uint16_t sel, unsigned int cpl,
		  struct x86_seg *out, int vec);
void x86_seg_flat(struct x86_seg *s, uint16_t sel, uint32_t attr);
/* After a return to an outer ring: null data segs the new CPL may not use. */
void x86_null_outer_segs(struct x86_cpu *cpu);

/* --- misc -------------------------------------------------------------- */

void x86_write_cr(struct x86_cpu *cpu, unsigned int cr, uint64_t v);
int x86_rdmsr(struct x86_cpu *cpu, uint32_t msr, uint64_t *v);
int x86_wrmsr(struct x86_cpu *cpu, uint32_t msr, uint64_t v);
void x86_cpuid(struct x86_cpu *cpu, uint32_t leaf, uint32_t sub,
	       uint32_t r[4]);
void x86_write_flags(struct x86_cpu *cpu, uint64_t v, unsigned int size);
void x86_undefined(struct x86_cpu *cpu, const struct x86_insn *in);
/* Port I/O: CPL > IOPL consults the TSS I/O bitmap (#GP(0) if denied). */
void x86_io_check(struct x86_cpu *cpu, uint16_t port, unsigned int size);
uint64_t x86_pio_read(struct x86_cpu *cpu, uint16_t port, unsigned int size);
void x86_pio_write(struct x86_cpu *cpu, uint16_t port, unsigned int size,
		   uint64_t v);

/* --- decoded instructions (decode.c, block.c) ------------------------- */

/* Decode for a block; false (no side effect) if not one whole insn. */
bool x86_decode_ahead(struct x86_cpu *cpu, uint64_t rip, const uint8_t *bytes,
		      unsigned int n, struct x86_insn *in);
/* Decode at cpu->rip what x86_decode_ahead refused: #PF, #UD, or @in. */
void x86_decode_hard(struct x86_cpu *cpu, uint64_t gva, const uint8_t *hva,
		     struct x86_insn *in);
int x86_decoder_init(struct x86_cpu *cpu);
void x86_decoder_destroy(struct x86_cpu *cpu);

int x86_blocks_init(struct x86_cpu *cpu);
void x86_blocks_destroy(struct x86_cpu *cpu);
/* Decode and cache the block at cpu->rip (first byte at @hva). */
const struct x86_block *x86_block_build(struct x86_cpu *cpu, uint64_t gva,
					const uint8_t *hva);

static inline unsigned int x86_block_hash(uintptr_t hva)
{
	return (hva ^ (hva >> X86_BLOCK_HASH_BITS)) &
	       ((1u << X86_BLOCK_HASH_BITS) - 1);
}

/* The block for cpu->rip, whose first byte is at @hva (linear @gva). */
static inline const struct x86_block *x86_block_get(struct x86_cpu *cpu,
						    uint64_t gva,
						    const uint8_t *hva)
{
	const struct x86_block *b = cpu->blk.hash[x86_block_hash((uintptr_t)hva)];

	for (; b; b = b->hnext)
		if (b->key == (uintptr_t)hva && b->rip == cpu->rip &&
		    b->mode == cpu->mode)
			return b;
	return x86_block_build(cpu, gva, hva);
}
/* A store wrote [hva, hva + len) of a code page: drop the blocks there. */
void x86_icache_invalidate(struct x86_cpu *cpu, uintptr_t hva,
			   unsigned int len);

/* A specialised handler for @in's operand shapes, or @fn (exec_alu.c). */
x86_exec_fn x86_fast_handler(x86_exec_fn fn, const struct x86_insn *in);

/* Handlers, one per family; decode.c maps mnemonics to them. */
#define X86_HANDLERS(H)                                                     \
	H(alu) H(test) H(incdec) H(neg) H(not) H(shift) H(shd) H(mul1)      \
	H(imul) H(div) H(bt) H(bsf) H(bsr) H(setcc) H(cmovcc) H(mov)        \
	H(movzx) H(movsx) H(lea) H(xchg) H(cmpxchg) H(cmpxchg8b) H(xadd)    \
	H(bswap) H(cbw) H(cwd) H(flagop) H(sahf) H(lahf) H(nop) H(ud)       \
	H(jmp) H(jcc) H(jcxz) H(loop) H(call) H(ret) H(push) H(pop)         \
	H(pushf) H(popf) H(pusha) H(popa) H(enter) H(leave) H(jmpf)         \
	H(callf) H(retf) H(iret) H(int) H(int3) H(into) H(int1)             \
	H(movs) H(stos) H(lods) H(cmps) H(scas) H(ins) H(outs)              \
	H(in) H(out) H(hlt) H(cli) H(sti) H(cpuid) H(rdtsc) H(rdmsr)        \
	H(wrmsr) H(movcr) H(movdr) H(movseg) H(lgdt) H(sgdt) H(ltr) H(str)  \
	H(lldt) H(sldt) H(invlpg) H(syscall) H(sysret) H(sysenter)          \
	H(sysexit) H(swapgs) H(clts) H(smsw) H(lmsw) H(stac) H(clac)        \
	H(xlat) H(wbinvd) H(rdtscp) H(lar) H(lsl) H(verr) H(pushseg)        \
	H(popseg) H(lfs) H(rdpmc)

#define X86_DECLARE(name) \
	void x86_exec_##name(struct x86_cpu *cpu, const struct x86_insn *in);
X86_HANDLERS(X86_DECLARE)
#undef X86_DECLARE

/* The register file for the tools (regs.c). */
const struct vcpu_reg_desc *x86_reg_table(struct vcpu *vcpu,
					  unsigned int *count);
int x86_get_reg(struct vcpu *vcpu, unsigned int idx, uint64_t *val);
int x86_set_reg(struct vcpu *vcpu, unsigned int idx, uint64_t val);
int x86_describe_reg(struct vcpu *vcpu, unsigned int idx, char *buf,
		     size_t size);
int x86_disasm_op(struct vcpu *vcpu, gva_t gva, char *buf, size_t size);

#endif
