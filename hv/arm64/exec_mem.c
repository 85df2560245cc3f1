// SPDX-License-Identifier: MIT
/*
 * Guest memory as the CPU sees it, and the load/store instructions.
 *
 * Every data access tries the software TLB first (tlb.c): a hit with
 * the right permission bit is a host load or store at addend + va. A
 * miss, a missing right, an access crossing a 4 KiB page or an armed
 * watchpoint takes the slow path: the hardware walk (s1walk.c), a TLB
 * fill when the result is RAM, a device access on vm->mmio otherwise.
 *
 * Devices (an IPA outside every memslot): the access goes to the MMIO
 * bus. An IPA no device claims is a synchronous external abort in the
 * guest (DFSC 0x10), as the architecture describes a bus error. QEMU's
 * virt machine reads some unassigned holes as 0; we do not.
 *
 * Alignment: SCTLR_EL1.A checks every access; exclusives and
 * acquire/release always require natural alignment (alignment fault,
 * DFSC 0x21). With the MMU off data accesses are architecturally
 * Device memory, where unaligned accesses fault; like QEMU 7.2 we do not
 * check that (nor MAIR Device attributes), so compiled code that relies
 * on unaligned Normal accesses runs the same here and there.
 * SP alignment (SCTLR_EL1.SA/SA0): a load or store based on a
 * misaligned SP takes an SP alignment fault (EC 0x26).
 */
#include <stdio.h>
#include <string.h>

#include <hv/arm64/interp.h>

#define TCR_TBI0 BIT(37)
#define TCR_TBI1 BIT(38)

/* Top Byte Ignore: a tagged VA becomes the canonical one. */
static inline uint64_t tbi_strip(const struct arm64_cpu *cpu, uint64_t va)
{
	uint64_t tbi = (va >> 55 & 1) ? TCR_TBI1 : TCR_TBI0;

	if (likely(!(cpu->tcr & tbi)))
		return va;
	return sext(va, 56);
}

void arm64_s1_ctx(const struct arm64_cpu *cpu, struct arm64_s1_ctx *ctx)
{
	ctx->sctlr = cpu->sctlr;
	ctx->tcr = cpu->tcr;
	ctx->ttbr0 = cpu->ttbr0;
	ctx->ttbr1 = cpu->ttbr1;
	ctx->mair = cpu->mair;
}

static inline uint16_t cur_vmid(const struct arm64_cpu *cpu)
{
	return cpu->mmu.s2.enabled ? cpu->mmu.s2.vmid : 0;
}

static inline bool el0_access(const struct arm64_cpu *cpu, uint32_t acc)
{
	return cpu->el == 0 || (acc & ARM64_ACC_EL0);
}

/* A data abort on @va for the current instruction. */
__attribute__((noreturn))
static void data_abort(struct arm64_cpu *cpu, uint64_t va, uint32_t fsc,
		       bool write)
{
	uint32_t ec = cpu->el ? ESR_EC_DABT_CUR : ESR_EC_DABT_LOW;

	arm64_take_exception(cpu, ESR_EC(ec) | ESR_IL | fsc |
				  (write ? ESR_WNR : 0), va, true,
			     cpu->insn_pc);
}

/*
 * Walk for the CPU: the walk record goes to mmu.last_walk. A guest fault
 * is taken (longjmp); a stage-2 handler failure stops the VM.
 */
static int xlate(struct arm64_cpu *cpu, uint64_t va, uint32_t acc,
		 struct arm64_xlate *x)
{
	struct arm64_s1_ctx ctx;
	char msg[120];
	int r;

	cpu->tlb_misses++;
	arm64_s1_ctx(cpu, &ctx);
	r = arm64_hw_translate(&cpu->mmu, &ctx, va, acc, x,
			       &cpu->mmu.last_walk);
	if (x->s2_stop) {
		snprintf(msg, sizeof(msg),
			 "stage-2 fault at va %#llx ipa %#llx not handled (%d)",
			 (unsigned long long)va,
			 (unsigned long long)x->ipa, x->s2_err);
		arm64_stop_now(cpu, VCPU_EXIT_INTERNAL, msg);
	}
	if (r == ARM64_XLATE_FAULT) {
		uint32_t esr = x->esr;
		bool fetch = acc & ARM64_ACC_FETCH;

		if (cpu->el == 0)
			esr -= 1u << ESR_EC_SHIFT;	/* lower EL flavour */
		arm64_take_exception(cpu, esr, va, true,
				     fetch ? va : cpu->insn_pc);
	}
	return r;
}

/* The region of vm->mmio holding @ipa, or NULL. */
static const struct io_region *mmio_find(struct vm *vm, ipa_t ipa)
{
	for (unsigned int i = 0; i < vm->mmio.count; i++) {
		const struct io_region *r = &vm->mmio.region[i];

		if (ipa >= r->base && ipa - r->base < r->len)
			return r;
	}
	return NULL;
}

static uint64_t mmio_read(struct arm64_cpu *cpu, uint64_t va, ipa_t ipa,
			  unsigned int size)
{
	uint64_t v;

	if (!mmio_find(cpu->vm, ipa))
		data_abort(cpu, va, FSC_SEA, false);
	v = io_bus_read(&cpu->vm->mmio, ipa, size);
	vm_emit(cpu->vm, EV_mmio, -1, ipa, size, v, 0);
	return v;
}

static void mmio_write(struct arm64_cpu *cpu, uint64_t va, ipa_t ipa,
		       unsigned int size, uint64_t v)
{
	if (!mmio_find(cpu->vm, ipa))
		data_abort(cpu, va, FSC_SEA, true);
	vm_emit(cpu->vm, EV_mmio, -1, ipa, size, v, 1);
	io_bus_write(&cpu->vm->mmio, ipa, size, v);
}

static void check_watch(struct arm64_cpu *cpu, uint64_t va, unsigned int size,
			bool write)
{
	struct vcpu_debug *d = &cpu->vcpu.dbg;
	uint8_t kind = write ? VCPU_WP_WRITE : VCPU_WP_READ;

	for (unsigned int i = 0; i < d->nwp && i < VCPU_MAX_WP; i++) {
		if (!(d->wp[i].kind & kind))
			continue;
		if (va < d->wp[i].gva + d->wp[i].len && d->wp[i].gva < va + size) {
			d->stop_cause = VCPU_STOP_WATCHPOINT;
			d->stop_addr = va;
			d->stop_wp_kind = kind;
			arm64_request_stop(cpu, VCPU_EXIT_STOP, 0, "watchpoint");
			return;
		}
	}
}

static inline uint64_t host_load(const uint8_t *p, unsigned int size)
{
	uint8_t b; uint16_t h; uint32_t w; uint64_t d;

	switch (size) {
	case 1: memcpy(&b, p, 1); return b;
	case 2: memcpy(&h, p, 2); return h;
	case 4: memcpy(&w, p, 4); return w;
	default: memcpy(&d, p, 8); return d;
	}
}

static inline void host_store(uint8_t *p, unsigned int size, uint64_t v)
{
	uint8_t b = (uint8_t)v; uint16_t h = (uint16_t)v; uint32_t w = (uint32_t)v;

	switch (size) {
	case 1: memcpy(p, &b, 1); break;
	case 2: memcpy(p, &h, 2); break;
	case 4: memcpy(p, &w, 4); break;
	default: memcpy(p, &v, 8); break;
	}
}

/* The host address of @va through the TLB, or NULL (take the slow path). */
static inline uint8_t *tlb_lookup(struct arm64_cpu *cpu, uint64_t va,
				  uint8_t need)
{
	const struct arm64_tlb_entry *e = arm64_tlb_slot(cpu, va);

	if (likely(e->va == (va & PAGE_MASK) && (e->perm & need) &&
		   (e->global || e->asid == cpu->asid) &&
		   e->vmid == cur_vmid(cpu)))
		return (uint8_t *)(e->addend + va);
	return NULL;
}

/*
 * One access within a page, slow path: walk, fill, then RAM or device.
 * @val is in/out.
 */
static void access_page(struct arm64_cpu *cpu, uint64_t va, unsigned int size,
			uint32_t acc, bool write, uint64_t *val)
{
	struct arm64_xlate x;
	uint8_t need = el0_access(cpu, acc)
		? (write ? ARM64_PERM_W0 : ARM64_PERM_R0)
		: (write ? ARM64_PERM_W1 : ARM64_PERM_R1);
	uint8_t *host = tlb_lookup(cpu, va, need);

	if (!host) {
		uint32_t a = (write ? ARM64_ACC_WRITE : ARM64_ACC_READ) |
			     (el0_access(cpu, acc) ? ARM64_ACC_EL0 : 0);

		if (xlate(cpu, va, a, &x) == ARM64_XLATE_MMIO) {
			if (write)
				mmio_write(cpu, va, x.ipa, size, *val);
			else
				*val = mmio_read(cpu, va, x.ipa, size);
			return;
		}
		arm64_tlb_fill(cpu, va, &x);
		host = arena_hva(&cpu->vm->arena, x.hpa, size);
		if (!host)
			data_abort(cpu, va, FSC_SEA, write);
	}
	if (write)
		host_store(host, size, *val);
	else
		*val = host_load(host, size);
}

static void check_align(struct arm64_cpu *cpu, uint64_t va, unsigned int size,
			bool write)
{
	if ((cpu->sctlr & SCTLR_A) && (va & (size - 1)))
		data_abort(cpu, va, FSC_ALIGN, write);
}

static uint64_t load_slow(struct arm64_cpu *cpu, uint64_t va, unsigned int size,
			  uint32_t acc)
{
	uint64_t v = 0;

	cpu->slow = true;	/* may stop the VM or change the fetch page */
	check_align(cpu, va, size, false);
	if ((va & (PAGE_SIZE - 1)) + size <= PAGE_SIZE) {
		access_page(cpu, va, size, acc, false, &v);
	} else {
		/* crossing a page: byte by byte, little-endian */
		for (unsigned int i = 0; i < size; i++) {
			uint64_t b = 0;

			access_page(cpu, va + i, 1, acc, false, &b);
			v |= b << (8 * i);
		}
	}
	if (cpu->vcpu.dbg.nwp)
		check_watch(cpu, va, size, false);
	cpu->last_read = va;
	return v;
}

/* The fast path, inlined into the handlers: a TLB hit. */
/*
 * The fast path, inlined into the handlers. First the page of the last
 * plain load (acc 0), which was a TLB hit with the same checks passed
 * (no TBI, no SCTLR.A, no watchpoint: what changes these invalidates
 * it), then a TLB hit, which becomes that page.
 */
static inline __attribute__((always_inline))
uint64_t load_inline(struct arm64_cpu *cpu, uint64_t va, unsigned int size,
		     uint32_t acc)
{
	uint64_t tagged = va;

	if (likely(!acc && (va & PAGE_MASK) == cpu->ld_page &&
		   (va & (PAGE_SIZE - 1)) <= PAGE_SIZE - size))
		return host_load((const uint8_t *)(cpu->ld_addend + va), size);
	va = tbi_strip(cpu, va);
	if (likely((va & (PAGE_SIZE - 1)) + size <= PAGE_SIZE &&
		   !(cpu->sctlr & SCTLR_A) && !cpu->vcpu.dbg.nwp)) {
		uint8_t need = el0_access(cpu, acc) ? ARM64_PERM_R0
						   : ARM64_PERM_R1;
		uint8_t *host = tlb_lookup(cpu, va, need);

		if (host) {
			if (!acc && va == tagged) {
				cpu->ld_page = va & PAGE_MASK;
				cpu->ld_addend = (uintptr_t)host - va;
			}
			return host_load(host, size);
		}
	}
	return load_slow(cpu, va, size, acc);
}

uint64_t arm64_load(struct arm64_cpu *cpu, uint64_t va, unsigned int size,
		    uint32_t acc)
{
	return load_inline(cpu, va, size, acc);
}

static void store_slow(struct arm64_cpu *cpu, uint64_t va, unsigned int size,
		       uint64_t val, uint32_t acc)
{
	cpu->slow = true;	/* may stop the VM or change the fetch page */
	check_align(cpu, va, size, true);
	if ((va & (PAGE_SIZE - 1)) + size <= PAGE_SIZE) {
		access_page(cpu, va, size, acc, true, &val);
	} else {
		/* probe both pages first so a fault writes nothing */
		for (unsigned int i = 0; i < size; i++)
			if (i == 0 || !((va + i) & (PAGE_SIZE - 1))) {
				struct arm64_xlate x;
				uint32_t a = ARM64_ACC_WRITE |
					(el0_access(cpu, acc) ? ARM64_ACC_EL0 : 0);

				xlate(cpu, va + i, a, &x);
			}
		for (unsigned int i = 0; i < size; i++) {
			uint64_t b = val >> (8 * i) & 0xff;

			access_page(cpu, va + i, 1, acc, true, &b);
		}
	}
	if (cpu->vcpu.dbg.nwp)
		check_watch(cpu, va, size, true);
	cpu->last_write = va;
}

static inline __attribute__((always_inline))
void store_inline(struct arm64_cpu *cpu, uint64_t va, unsigned int size,
		  uint64_t val, uint32_t acc)
{
	uint64_t tagged = va;

	if (likely(!acc && (va & PAGE_MASK) == cpu->st_page &&
		   (va & (PAGE_SIZE - 1)) <= PAGE_SIZE - size)) {
		host_store((uint8_t *)(cpu->st_addend + va), size, val);
		return;
	}
	va = tbi_strip(cpu, va);
	if (likely((va & (PAGE_SIZE - 1)) + size <= PAGE_SIZE &&
		   !(cpu->sctlr & SCTLR_A) && !cpu->vcpu.dbg.nwp)) {
		uint8_t need = el0_access(cpu, acc) ? ARM64_PERM_W0
						   : ARM64_PERM_W1;
		uint8_t *host = tlb_lookup(cpu, va, need);

		if (host) {
			if (!acc && va == tagged) {
				cpu->st_page = va & PAGE_MASK;
				cpu->st_addend = (uintptr_t)host - va;
			}
			host_store(host, size, val);
			return;
		}
	}
	store_slow(cpu, va, size, val, acc);
}

void arm64_store(struct arm64_cpu *cpu, uint64_t va, unsigned int size,
		 uint64_t val, uint32_t acc)
{
	store_inline(cpu, va, size, val, acc);
}

const uint8_t *arm64_fetch(struct arm64_cpu *cpu, uint32_t *word)
{
	uint64_t pc = cpu->pc;
	uint8_t need = cpu->el ? ARM64_PERM_X1 : ARM64_PERM_X0;
	struct arm64_xlate x;
	uint8_t *host;

	if (pc & 3)
		arm64_take_exception(cpu, ESR_EC(ESR_EC_PC_ALIGN) |
				     ESR_IL, pc, true, pc);
	cpu->insn_pc = pc;	/* faults below report this pc */
	host = tlb_lookup(cpu, pc, need);
	if (!host) {
		uint32_t a = ARM64_ACC_FETCH | (cpu->el ? 0 : ARM64_ACC_EL0);

		if (xlate(cpu, pc, a, &x) == ARM64_XLATE_MMIO) {
			/* executing from a device: an external abort */
			uint32_t ec = cpu->el ? ESR_EC_IABT_CUR : ESR_EC_IABT_LOW;

			arm64_take_exception(cpu, ESR_EC(ec) | ESR_IL |
					     FSC_SEA, pc, true, pc);
		}
		arm64_tlb_fill(cpu, pc, &x);
		host = arena_hva(&cpu->vm->arena, x.hpa, 4);
		if (!host) {
			uint32_t ec = cpu->el ? ESR_EC_IABT_CUR : ESR_EC_IABT_LOW;

			arm64_take_exception(cpu, ESR_EC(ec) | ESR_IL |
					     FSC_SEA, pc, true, pc);
		}
	}
	cpu->fetch_va = pc & PAGE_MASK;
	cpu->fetch_host = host - (pc & (PAGE_SIZE - 1));
	memcpy(word, host, 4);
	return host;
}

/*
 * AT S1E1R/W, S1E0R/W: a stage-1 translation whose result goes to
 * PAR_EL1 instead of an exception. PAR on success: PA[47:12], NS[9],
 * SH[8:7], ATTR[63:56], F=0; on a fault: F=1, FST[6:1], PTW[8] (a
 * stage-2 fault on the walk), S[9] (stage 2).
 */
void arm64_at(struct arm64_cpu *cpu, uint64_t va, bool write, bool el0)
{
	struct arm64_s1_ctx ctx;
	struct arm64_xlate x;
	struct walk_record rec;
	uint32_t acc = (write ? ARM64_ACC_WRITE : 0) |
		       (el0 ? ARM64_ACC_EL0 : 0) | ARM64_ACC_S1_ONLY;
	int r;

	arm64_s1_ctx(cpu, &ctx);
	r = arm64_hw_translate(&cpu->mmu, &ctx, tbi_strip(cpu, va), acc, &x,
			       &rec);
	if (x.s2_stop)
		arm64_stop_now(cpu, VCPU_EXIT_INTERNAL,
			       "stage-2 fault during AT not handled");
	if (r == ARM64_XLATE_FAULT)
		cpu->par = 1 | (uint64_t)(x.esr & ESR_FSC_MASK) << 1;
	else
		cpu->par = (x.ipa & GENMASK(47, 12)) | (uint64_t)x.attr << 56 |
			   3ull << 7;
}

/* --- the instructions -------------------------------------------------- */

/* The base register as an address; SP alignment checked. */
static inline uint64_t base_reg(struct arm64_cpu *cpu, unsigned int rn)
{
	uint64_t v = cpu->x[rn];

	if (unlikely(rn == REG_SP && (v & 15) &&
		     (cpu->sctlr & (cpu->el ? SCTLR_SA : SCTLR_SA0))))
		arm64_take_exception(cpu, ESR_EC(ESR_EC_SP_ALIGN) |
				     ESR_IL, 0, false, cpu->insn_pc);
	return v;
}

/* Load/store one register: op 0 store, 1 load, 2 signed to 64, 3 signed
 * to 32. */
static inline void ldst_one(struct arm64_cpu *cpu, const struct arm64_dinsn *in,
			    uint64_t addr, uint32_t acc)
{
	unsigned int bytes = 1u << in->size;
	uint64_t v;

	switch (in->op) {
	case 0:
		store_inline(cpu, addr, bytes, cpu->x[in->rd], acc);
		return;
	case 1:
		cpu->x[in->rd] = load_inline(cpu, addr, bytes, acc);
		return;
	case 2:
		v = load_inline(cpu, addr, bytes, acc);
		cpu->x[in->rd] = sext(v, bytes * 8);
		return;
	default:
		v = load_inline(cpu, addr, bytes, acc);
		cpu->x[in->rd] = (uint32_t)sext(v, bytes * 8);
		return;
	}
}

/* LDR/STR (unsigned offset, unscaled, pre/post-index, unprivileged). */
void exec_ldst_imm(struct arm64_cpu *cpu, const struct arm64_dinsn *in)
{
	uint64_t base = base_reg(cpu, in->rn);
	uint64_t addr = in->flags & 2 ? base : base + (uint64_t)in->imm;
	uint32_t acc = (in->flags & 4) && cpu->el == 1 ? ARM64_ACC_EL0 : 0;

	ldst_one(cpu, in, addr, acc);
	if (in->flags & 3)
		cpu->x[in->rn] = base + (uint64_t)in->imm;
}

/* The offset of a register-offset access: Xm or Wm extended, shifted. */
static inline uint64_t reg_offset(const struct arm64_cpu *cpu,
				  const struct arm64_dinsn *in)
{
	uint64_t off = cpu->x[in->rm];

	switch (in->shift) {
	case 2: off = (uint32_t)off; break;			/* UXTW */
	case 6: off = (uint64_t)(int64_t)(int32_t)off; break;	/* SXTW */
	default: break;						/* LSL, SXTX */
	}
	return off << in->amount;
}

void exec_ldst_reg(struct arm64_cpu *cpu, const struct arm64_dinsn *in)
{
	uint64_t off = reg_offset(cpu, in);

	ldst_one(cpu, in, base_reg(cpu, in->rn) + off, 0);
}

void exec_ld_lit(struct arm64_cpu *cpu, const struct arm64_dinsn *in)
{
	uint64_t addr = cpu->insn_pc + (uint64_t)in->imm;

	switch (in->op) {
	case 0: cpu->x[in->rd] = arm64_load(cpu, addr, 4, 0); break;
	case 1: cpu->x[in->rd] = arm64_load(cpu, addr, 8, 0); break;
	default: cpu->x[in->rd] = sext(arm64_load(cpu, addr, 4, 0), 32); break;
	}
}

void exec_prfm(struct arm64_cpu *cpu, const struct arm64_dinsn *in)
{
	/* prefetch hints never fault */
}

/* LDP/STP/LDNP/STNP/LDPSW: op 0 store, 1 load, 2 LDPSW. */
void exec_ldst_pair(struct arm64_cpu *cpu, const struct arm64_dinsn *in)
{
	unsigned int bytes = 1u << in->size;
	uint64_t base = base_reg(cpu, in->rn);
	uint64_t addr = in->flags & 2 ? base : base + (uint64_t)in->imm;
	uint64_t a, b;

	if (in->op == 0) {
		arm64_store(cpu, addr, bytes, cpu->x[in->rd], 0);
		arm64_store(cpu, addr + bytes, bytes, cpu->x[in->ra], 0);
	} else {
		a = arm64_load(cpu, addr, bytes, 0);
		b = arm64_load(cpu, addr + bytes, bytes, 0);
		if (in->op == 2) {
			a = sext(a, 32);
			b = sext(b, 32);
		}
		cpu->x[in->rd] = a;
		cpu->x[in->ra] = b;
	}
	if (in->flags & 3)
		cpu->x[in->rn] = base + (uint64_t)in->imm;
}

static void check_align_always(struct arm64_cpu *cpu, uint64_t va,
			       unsigned int size, bool write)
{
	if (va & (size - 1))
		data_abort(cpu, tbi_strip(cpu, va), FSC_ALIGN, write);
}

/*
 * LDXR/LDAXR/STXR/STLXR and the pairs (op bit 1), op bit 0 = load. One
 * vCPU: the exclusive monitor is a flag with an address; STXR succeeds
 * (status 0) only when it is set for that address, and clears it.
 */
void exec_ldst_excl(struct arm64_cpu *cpu, const struct arm64_dinsn *in)
{
	unsigned int bytes = 1u << in->size;
	bool pair = in->op & 2, load = in->op & 1;
	unsigned int total = pair ? 2 * bytes : bytes;
	uint64_t addr = base_reg(cpu, in->rn);

	check_align_always(cpu, addr, total, !load);
	if (load) {
		uint64_t a = arm64_load(cpu, addr, bytes, 0), b = 0;

		if (pair)
			b = arm64_load(cpu, addr + bytes, bytes, 0);
		cpu->x[in->rd] = a;
		if (pair)
			cpu->x[in->ra] = b;
		cpu->excl_valid = true;
		cpu->excl_addr = addr;
		cpu->excl_size = total;
		return;
	}
	if (cpu->excl_valid && cpu->excl_addr == addr &&
	    cpu->excl_size == total) {
		arm64_store(cpu, addr, bytes, cpu->x[in->rd], 0);
		if (pair)
			arm64_store(cpu, addr + bytes, bytes, cpu->x[in->ra], 0);
		cpu->x[in->rm] = 0;
	} else {
		cpu->x[in->rm] = 1;
	}
	cpu->excl_valid = false;
}

/* LDAR/STLR: plain accesses on one in-order CPU, but always aligned. */
void exec_ldst_ordered(struct arm64_cpu *cpu, const struct arm64_dinsn *in)
{
	unsigned int bytes = 1u << in->size;
	uint64_t addr = base_reg(cpu, in->rn);

	check_align_always(cpu, addr, bytes, !in->op);
	if (in->op)
		cpu->x[in->rd] = arm64_load(cpu, addr, bytes, 0);
	else
		arm64_store(cpu, addr, bytes, cpu->x[in->rd], 0);
}

/*
 * Specialized forms (decode.c picks them): LDR (zero-extending) and STR
 * of each size, with an immediate offset and no write-back, or a
 * register offset; the commonest loads and stores compiled code has.
 */
#define LDST_SPECIAL(bits, bytes)					\
void exec_ldr##bits##_imm(struct arm64_cpu *cpu, const struct arm64_dinsn *in) \
{									\
	uint64_t addr = base_reg(cpu, in->rn) + (uint64_t)in->imm;	\
									\
	cpu->x[in->rd] = load_inline(cpu, addr, bytes, 0);		\
}									\
void exec_str##bits##_imm(struct arm64_cpu *cpu, const struct arm64_dinsn *in) \
{									\
	uint64_t addr = base_reg(cpu, in->rn) + (uint64_t)in->imm;	\
									\
	store_inline(cpu, addr, bytes, cpu->x[in->rd], 0);		\
}									\
void exec_ldr##bits##_reg(struct arm64_cpu *cpu, const struct arm64_dinsn *in) \
{									\
	uint64_t addr = base_reg(cpu, in->rn) + reg_offset(cpu, in);	\
									\
	cpu->x[in->rd] = load_inline(cpu, addr, bytes, 0);		\
}									\
void exec_str##bits##_reg(struct arm64_cpu *cpu, const struct arm64_dinsn *in) \
{									\
	uint64_t addr = base_reg(cpu, in->rn) + reg_offset(cpu, in);	\
									\
	store_inline(cpu, addr, bytes, cpu->x[in->rd], 0);		\
}
LDST_SPECIAL(8, 1)
LDST_SPECIAL(16, 2)
LDST_SPECIAL(32, 4)
LDST_SPECIAL(64, 8)
#undef LDST_SPECIAL
