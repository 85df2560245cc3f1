/* SPDX-License-Identifier: MIT */
/*
 * The VM: host-physical arena, memslots, devices, the event ring, the
 * hypervisor's MMU, and the vCPU with its architecture's ops.
 *
 * The hypervisor never reaches into the interpreter: it sees exits,
 * registers and memory through struct vcpu_ops.
 */
#ifndef HV_VM_H
#define HV_VM_H

#include <hv/arena.h>
#include <hv/event.h>
#include <hv/log.h>
#include <hv/memslot.h>
#include <hv/walk.h>

enum vm_arch { VM_ARCH_X86, VM_ARCH_ARM64 };

enum vm_mmu_mode {
	VM_MMU_TDP,		/* x86: EPT-format tables, 2D walk */
	VM_MMU_SHADOW,		/* x86: KVM-style shadow pages */
	VM_MMU_STAGE2,		/* arm64: stage-2 tables */
};

/* "tdp", "shadow", "stage-2" (as --mmu and the tools say it), or "?". */
const char *vm_mmu_mode_name(enum vm_mmu_mode mode);

/* Why vcpu_ops.run returned. Non-negative; host errors are -errno. */
enum vcpu_exit_reason {
	VCPU_EXIT_BUDGET,	/* ran the whole budget */
	VCPU_EXIT_HALT,		/* HLT/WFI with nothing to wake it */
	VCPU_EXIT_SHUTDOWN,	/* triple fault / PSCI reset */
	VCPU_EXIT_POWEROFF,	/* debug-exit port or PSCI SYSTEM_OFF */
	VCPU_EXIT_STOP,		/* a device or event callback asked to stop */
	VCPU_EXIT_STRICT,	/* --strict: unimplemented instruction */
	VCPU_EXIT_INTERNAL,	/* internal error: message in exit.msg */
};

struct vcpu_exit {
	enum vcpu_exit_reason reason;
	int status;		/* POWEROFF: the process exit status */
	char msg[160];		/* human-readable detail */
};

struct vcpu;

/* One register as the tools show it (and GDB numbers it). */
struct vcpu_reg_desc {
	const char *name;	/* "rax", "cr3", "x0", "ttbr0_el1" */
	uint8_t bits;		/* 16, 32, 64 */
	uint8_t group;		/* enum vcpu_reg_group */
};

enum vcpu_reg_group { VCPU_REG_GPR, VCPU_REG_PC, VCPU_REG_FLAGS,
		      VCPU_REG_SEG, VCPU_REG_CTRL, VCPU_REG_SYS };

/*
 * One architecture's CPU, as the hypervisor and tools see it.
 * Register numbers are the architecture's GDB numbering.
 */
struct vcpu_ops {
	const char *name;			/* "x86", "arm64" */
	/* Run at most @budget instructions. Returns 0 and fills @exit. */
	int (*run)(struct vcpu *vcpu, uint64_t budget, struct vcpu_exit *exit);
	/* Program counter as a guest virtual address. */
	uint64_t (*get_pc)(struct vcpu *vcpu);
	/*
	 * Translate @gva for the debugger: no A/D updates, no faults
	 * injected, no nested faults taken. Fills @rec; returns 0 and the
	 * gpa in rec->out, or -EFAULT.
	 */
	int (*translate)(struct vcpu *vcpu, gva_t gva, uint32_t access,
			 struct walk_record *rec);
	/*
	 * Under a shadow MMU: the walk the hardware makes of the shadow
	 * tables for the same access, as a peek (no exit). NULL elsewhere.
	 * Fills @rec; returns 0 or -EINVAL when there are no shadow tables.
	 */
	int (*shadow_peek)(struct vcpu *vcpu, gva_t gva, uint32_t access,
			   struct walk_record *rec);
	/*
	 * The register file for the tools: a fixed table (index = GDB
	 * register number), and get/set by index. Return 0 or -EINVAL.
	 * set_reg of a control register takes effect as the architecture
	 * says (a CR3 write flushes the TLB).
	 */
	const struct vcpu_reg_desc *(*reg_table)(struct vcpu *vcpu,
						 unsigned int *count);
	int (*get_reg)(struct vcpu *vcpu, unsigned int idx, uint64_t *val);
	int (*set_reg)(struct vcpu *vcpu, unsigned int idx, uint64_t val);
	/*
	 * Disassemble one instruction at @gva (peeking, no side effects).
	 * Returns its length in bytes, or -EFAULT if unmapped.
	 */
	int (*disasm)(struct vcpu *vcpu, gva_t gva, char *buf, size_t size);
	/*
	 * Decode a control/system register bit by bit for the tools:
	 * "cr0 = 0x80000011 [PG ET PE]". Returns snprintf's length, or
	 * -EINVAL for a register without a decoding.
	 */
	int (*describe_reg)(struct vcpu *vcpu, unsigned int idx, char *buf,
			    size_t size);
	/*
	 * The software TLB for the tools (`info tlb`): one line per valid
	 * entry. Returns the length the whole text needs, as snprintf.
	 */
	int (*format_tlb)(struct vcpu *vcpu, char *buf, size_t size);
	/* Flush the vCPU's TLB (the hypervisor changed its tables). */
	void (*flush_tlb)(struct vcpu *vcpu);
	void (*destroy)(struct vcpu *vcpu);
};

#define VCPU_MAX_BP 32
#define VCPU_MAX_WP 8

enum vcpu_wp_kind { VCPU_WP_READ = 1, VCPU_WP_WRITE = 2,
		    VCPU_WP_ACCESS = 3 };

enum vcpu_stop_cause { VCPU_STOP_NONE, VCPU_STOP_BREAKPOINT,
		       VCPU_STOP_WATCHPOINT, VCPU_STOP_REQUEST };

/*
 * Debug state the tools arm and the CPU honours, without ever patching
 * guest memory. Before executing an instruction whose pc is in bp[], the
 * CPU stops (run returns VCPU_EXIT_STOP, stop_cause BREAKPOINT) unless
 * skip_bp_at == pc, which it clears (so that continuing from a
 * breakpoint executes it once). A data access overlapping a watchpoint
 * (gva range, kind) completes and then stops the CPU after the
 * instruction with stop_cause WATCHPOINT, stop_addr the accessed gva and
 * stop_wp_kind the kind of access.
 */
struct vcpu_debug {
	unsigned int nbp;
	gva_t bp[VCPU_MAX_BP];
	gva_t skip_bp_at;
	bool skip_bp_valid;
	unsigned int nwp;
	struct {
		gva_t gva;
		uint64_t len;
		uint8_t kind;	/* enum vcpu_wp_kind */
	} wp[VCPU_MAX_WP];
	/* Filled by the CPU when it stops for one of them. */
	uint8_t stop_cause;	/* enum vcpu_stop_cause */
	uint8_t stop_wp_kind;
	gva_t stop_addr;
};

struct vcpu {
	const struct vcpu_ops *ops;
	struct vm *vm;
	unsigned int id;
	struct vcpu_debug dbg;
};

/* Where a guest console's bytes go (the tool decides). */
typedef void (*console_sink_fn)(void *opaque, const uint8_t *buf, size_t len);

/* --- port I/O and MMIO devices ------------------------------------------ */

struct io_ops {
	/* @size is 1, 2, 4 (or 8 for MMIO). Unimplemented reads return ~0. */
	uint64_t (*read)(void *opaque, uint64_t offset, unsigned int size);
	void (*write)(void *opaque, uint64_t offset, unsigned int size,
		      uint64_t val);
};

struct io_region {
	uint64_t base, len;
	const struct io_ops *ops;
	void *opaque;
	const char *name;
};

#define VM_IO_REGIONS_MAX 16

struct io_bus {
	unsigned int count;
	struct io_region region[VM_IO_REGIONS_MAX];
};

/* Register a device window. Returns 0, -EEXIST on overlap, -ENOSPC. */
int io_bus_register(struct io_bus *bus, uint64_t base, uint64_t len,
		    const struct io_ops *ops, void *opaque, const char *name);
/* Dispatch; unclaimed reads return all ones, unclaimed writes vanish. */
uint64_t io_bus_read(struct io_bus *bus, uint64_t addr, unsigned int size);
void io_bus_write(struct io_bus *bus, uint64_t addr, unsigned int size,
		  uint64_t val);

/* --- the VM --------------------------------------------------------------- */

struct vm_config {
	enum vm_arch arch;
	enum vm_mmu_mode mmu_mode;
	uint64_t ram_bytes;
	bool strict;		/* unimplemented instruction stops the VM */
};

struct vm {
	struct vm_config cfg;
	struct arena arena;
	struct memslots slots;
	struct io_bus pio;	/* x86 port I/O */
	struct io_bus mmio;	/* gpa outside memslots */
	struct event_ring events;
	uint64_t icount;	/* instructions retired */
	gpa_t ram_gpa;		/* guest-physical base of RAM */
	hpa_t ram_hpa;		/* its place in the arena */
	void *mmu;		/* the hypervisor MMU (tdp, shadow, stage-2) */
	/*
	 * A tool (debugger, GDB) wrote guest RAM behind the CPU's back: the
	 * hypervisor MMU drops what depends on the old bytes (the shadow
	 * MMU zaps the shadow pages of a guest table written so). NULL when
	 * the MMU keeps nothing derived from guest memory.
	 */
	void (*tool_wrote)(struct vm *vm, gpa_t gpa, uint64_t len);
	struct vcpu *vcpu;	/* one vCPU for now */
	/* A device asks the run loop to stop after this instruction. */
	bool stop_requested;
	struct vcpu_exit stop_exit;
};

/*
 * Create the VM's arena and RAM (one memslot at @ram_gpa) and the event
 * ring. The architecture code then adds devices and the vCPU.
 */
int vm_init(struct vm *vm, const struct vm_config *cfg, gpa_t ram_gpa);
void vm_destroy(struct vm *vm);

/* Ask the run loop to stop with @exit after the current instruction. */
void vm_request_stop(struct vm *vm, enum vcpu_exit_reason reason, int status,
		     const char *msg);

/* Ask every vCPU to flush its TLB (kvm_flush_remote_tlbs). */
void vm_flush_tlbs(struct vm *vm);

/* Host pointer for guest-physical RAM [gpa, gpa+len) within one slot. */
void *vm_gpa_to_hva(struct vm *vm, gpa_t gpa, uint64_t len);

/*
 * The tools' view of guest-physical memory: copy page by page through
 * the memslots, stopping at the first hole; writes are reported to
 * vm->tool_wrote. Returns the number of bytes done.
 */
size_t vm_tool_access_gpa(struct vm *vm, gpa_t gpa, void *buf, size_t len,
			  bool write);

/* Copy to/from guest-physical RAM. Returns 0 or -EFAULT (not all RAM). */
int vm_write_gpa(struct vm *vm, gpa_t gpa, const void *src, uint64_t len);
int vm_read_gpa(struct vm *vm, gpa_t gpa, void *dst, uint64_t len);

/*
 * The tools' view of guest virtual memory: translate each page with
 * vcpu_ops.translate (no side effects), then copy through the memslots.
 * Returns the number of bytes done (less than @len if a page is not
 * mapped or not RAM).
 */
size_t vcpu_read_gva(struct vcpu *vcpu, gva_t gva, void *dst, size_t len);
size_t vcpu_write_gva(struct vcpu *vcpu, gva_t gva, const void *src,
		      size_t len);

#define vm_emit(vm, kind, level, a0, a1, a2, a3) \
	event_emit(&(vm)->events, (kind), (level), (a0), (a1), (a2), (a3))

#endif
