/* SPDX-License-Identifier: MIT */
/*
 * The x86 machine, a subset of QEMU's `-M pc`: RAM from gpa 0, a 16550
 * UART at 0x3F8, isa-debug-exit at 0xF4, a Multiboot v1 kernel, and the
 * hypervisor MMU the user chose (TDP by default).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <hv/machine.h>
#include <hv/mmu/shadow.h>
#include <hv/mmu/tdp.h>
#include <hv/x86/cpu.h>
#include <hv/x86/debugexit.h>
#include <hv/x86/multiboot.h>
#include <hv/x86/uart16550.h>

struct x86_machine {
	struct machine m;
	struct x86_cpu *cpu;
	struct tdp_mmu *tdp;
	struct shadow_mmu *shadow;
	struct uart16550 com1;
	struct multiboot_image img;
};

static struct x86_machine *to_x86(struct machine *m)
{
	return (struct x86_machine *)m;
}

static int x86_format_stats(struct machine *m, char *buf, size_t size)
{
	struct x86_machine *xm = to_x86(m);

	if (xm->tdp)
		return tdp_mmu_format_stats(xm->tdp, buf, size);
	if (xm->shadow)
		return shadow_mmu_format_stats(xm->shadow, buf, size);
	return 0;
}

static int x86_dump_tables(struct machine *m, uint64_t start, uint64_t end,
			   char *buf, size_t size)
{
	struct x86_machine *xm = to_x86(m);

	if (xm->shadow)
		return shadow_mmu_dump(xm->shadow, start, end, buf, size);
	if (!xm->tdp)
		return snprintf(buf, size, "no hypervisor tables\n");
	return tdp_mmu_dump(xm->tdp, start, end, buf, size);
}

static void x86_destroy(struct machine *m)
{
	struct x86_machine *xm = to_x86(m);

	/* The TDP tables live in the arena: free them before it goes. */
	if (xm->tdp)
		tdp_mmu_destroy(xm->tdp);
	if (xm->shadow)
		shadow_mmu_destroy(xm->shadow);
	vm_destroy(&m->vm);	/* destroys the vCPU, then the arena */
	free(xm);
}

static const struct machine_arch_ops x86_machine_ops = {
	.name = "x86",
	.format_stats = x86_format_stats,
	.dump_tables = x86_dump_tables,
	.destroy = x86_destroy,
};

int x86_machine_create(struct machine **out, const uint8_t *image,
		       size_t len, const struct machine_opts *opts, char *err,
		       size_t errlen)
{
	struct vm_config cfg = {
		.arch = VM_ARCH_X86,
		.mmu_mode = opts->mmu_given ? opts->mmu : VM_MMU_TDP,
		.ram_bytes = opts->ram_bytes ? opts->ram_bytes
					     : MACHINE_DEFAULT_RAM,
		.strict = opts->strict,
	};
	struct x86_machine *xm;
	int ret;

	if (cfg.mmu_mode != VM_MMU_TDP && cfg.mmu_mode != VM_MMU_SHADOW) {
		snprintf(err, errlen, "x86 supports --mmu tdp or shadow");
		return -EINVAL;
	}
	if (cfg.ram_bytes < 2 * MiB || cfg.ram_bytes > 64 * GiB) {
		snprintf(err, errlen, "--mem must be between 2M and 64G");
		return -EINVAL;
	}
	xm = calloc(1, sizeof(*xm));
	if (!xm)
		return -ENOMEM;
	xm->m.arch = VM_ARCH_X86;
	xm->m.ops = &x86_machine_ops;
	xm->m.arch_state = xm;
	ret = vm_init(&xm->m.vm, &cfg, 0);
	if (ret) {
		snprintf(err, errlen, "cannot create a VM with %llu MiB: %s",
			 (unsigned long long)(cfg.ram_bytes >> 20),
			 ret == -ENOMEM ? "out of memory" : "invalid size");
		free(xm);
		return ret;
	}
	ret = multiboot_load(&xm->m.vm, image, len, opts->cmdline, &xm->img,
			     err, errlen);
	if (ret)
		goto fail;
	uart16550_init(&xm->com1, &xm->m.vm.pio, 0x3f8, opts->console,
		       opts->console_opaque);
	debugexit_init(&xm->m.vm, 0xf4, 4);

	xm->cpu = x86_cpu_create(&xm->m.vm);
	if (!xm->cpu) {
		snprintf(err, errlen, "cannot create the vCPU");
		ret = -ENOMEM;
		goto fail;
	}
	xm->m.vm.vcpu = &xm->cpu->vcpu;
	x86_cpu_reset_multiboot(xm->cpu, xm->img.entry, xm->img.mbi_gpa);
	if (cfg.mmu_mode == VM_MMU_SHADOW) {
		/* The shadow MMU starts from the vCPU's paging registers. */
		struct x86_paging_ctx ctx = {
			.cr0 = xm->cpu->cr0, .cr3 = xm->cpu->cr3,
			.cr4 = xm->cpu->cr4, .efer = xm->cpu->efer,
			.cpl = xm->cpu->cpl,
		};

		xm->shadow = shadow_mmu_create(&xm->m.vm);
		if (!xm->shadow ||
		    shadow_mmu_attach(xm->shadow, &xm->cpu->mmu, &ctx)) {
			snprintf(err, errlen, "cannot create the shadow MMU");
			ret = -ENOMEM;
			goto fail;
		}
		xm->m.vm.mmu = xm->shadow;
		xm->m.vm.tool_wrote = shadow_tool_wrote;
		if (opts->no_prev_roots)
			shadow_mmu_set_prev_roots(xm->shadow, false);
	} else {
		xm->tdp = tdp_mmu_create(&xm->m.vm);
		if (!xm->tdp) {
			snprintf(err, errlen, "cannot create the TDP MMU");
			ret = -ENOMEM;
			goto fail;
		}
		xm->m.vm.mmu = xm->tdp;
		tdp_mmu_attach(xm->tdp, &xm->cpu->mmu);
	}
	*out = &xm->m;
	return 0;
fail:
	x86_destroy(&xm->m);
	return ret;
}
