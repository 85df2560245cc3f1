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
#define RIPREG 16

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

bool x86_cf(const struct x86_cpu *cpu);
bool x86_cond(const struct x86_cpu *cpu, unsigned int cc);

static inline void lf_set(struct x86_cpu *cpu, enum x86_lf_op op,
			  unsigned int size, uint64_t a, uint64_t b,
			  uint64_t res)
{
	cpu->lf.op = op;
	cpu->lf.size = size;
	cpu->lf.a = a;
	cpu->lf.b = b;
	cpu->lf.res = res & x86_mask(size);
}

/* Set the arithmetic flags eagerly: @flags holds their new values. */
static inline void lf_set_eager(struct x86_cpu *cpu, uint64_t flags)
{
	uint64_t f = x86_get_flags(cpu);

	cpu->rflags = (f & ~X86_FL_ARITH) | (flags & X86_FL_ARITH);
	cpu->lf.op = LF_NONE;
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

/* Load @size bytes at linear @gva with the current CPL's rights. */
static inline uint64_t x86_ld(struct x86_cpu *cpu, uint64_t gva,
			      unsigned int size)
{
	const struct x86_tlb_entry *e =
		&cpu->tlbc[(gva >> PAGE_SHIFT) & (X86_TLB_SIZE - 1)];

	if (likely(e->tag_r == (gva & PAGE_MASK) &&
		   (gva & ~PAGE_MASK) <= PAGE_SIZE - size))
		return x86_host_load((const void *)(e->addend + gva), size);
	return x86_ld_slow(cpu, gva, size);
}

static inline void x86_st(struct x86_cpu *cpu, uint64_t gva,
			  unsigned int size, uint64_t v)
{
	const struct x86_tlb_entry *e =
		&cpu->tlbc[(gva >> PAGE_SHIFT) & (X86_TLB_SIZE - 1)];

	if (likely(e->tag_w == (gva & PAGE_MASK) &&
		   (gva & ~PAGE_MASK) <= PAGE_SIZE - size)) {
		x86_host_store((void *)(e->addend + gva), size, v);
		return;
	}
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

/* Effective address (offset) of a memory operand. */
static inline uint64_t x86_ea(const struct x86_cpu *cpu,
			      const struct x86_insn *in,
			      const struct x86_op *op)
{
	uint64_t a = (uint64_t)op->val;

	if (op->base != NOREG)
		a += op->base == RIPREG ? cpu->rip : cpu->gpr[op->base];
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
