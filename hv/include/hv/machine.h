/* SPDX-License-Identifier: MIT */
/*
 * A whole machine built from a guest image: the VM, its devices, the
 * hypervisor MMU and the vCPU. The architecture comes from the image.
 * This is what the tools (run, debug, tui, gdb) hold.
 */
#ifndef HV_MACHINE_H
#define HV_MACHINE_H

#include <hv/vm.h>

struct machine_opts {
	enum vm_mmu_mode mmu;	/* x86: VM_MMU_TDP or VM_MMU_SHADOW */
	bool mmu_given;		/* the user chose --mmu */
	uint64_t ram_bytes;	/* 0: the default, 128 MiB */
	bool strict;
	bool no_prev_roots;	/* x86 shadow: no previous-root cache */
	unsigned int ipa_bits;	/* arm64, 0: default */
	unsigned int granule;	/* arm64 stage-2 granule bytes, 0: 4 KiB */
	console_sink_fn console;
	void *console_opaque;
	const char *cmdline;	/* passed to the guest (multiboot) */
};

struct machine;

struct machine_arch_ops {
	const char *name;
	/* Counters for --stats, one "name value" line each. */
	int (*format_stats)(struct machine *m, char *buf, size_t size);
	/* Dump the hypervisor's tables for [start, end) (tdp, s2). */
	int (*dump_tables)(struct machine *m, uint64_t start, uint64_t end,
			   char *buf, size_t size);
	void (*destroy)(struct machine *m);
};

struct machine {
	struct vm vm;
	enum vm_arch arch;
	const struct machine_arch_ops *ops;
	void *arch_state;
};

#define MACHINE_DEFAULT_RAM (128 * MiB)

/*
 * Build a machine for @image. Returns 0 and *@out, or -errno with a
 * message for the user in @err.
 */
int machine_create(struct machine **out, const uint8_t *image, size_t len,
		   const struct machine_opts *opts, char *err, size_t errlen);
void machine_destroy(struct machine *m);

/* Run at most @budget instructions. */
int machine_run(struct machine *m, uint64_t budget, struct vcpu_exit *exit);

int machine_format_stats(struct machine *m, char *buf, size_t size);

#endif
