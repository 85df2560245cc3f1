/* SPDX-License-Identifier: MIT */
/*
 * The shadow MMU's commands: `sp` lists the shadow pages with their
 * roles, `sp ID` dumps one with its SPTEs, `sp gfn GFN` lists those that
 * shadow one guest table, and `mmu audit` checks every SPTE against the
 * guest's own tables (the same check the tests run after every step).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hv/mmu/shadow.h>

#include "debugger/inspect.h"

static struct shadow_mmu *shadow_of(struct session *s, const char *cmd)
{
	const struct vm *vm = &s->m->vm;

	if (vm->cfg.mmu_mode != VM_MMU_SHADOW || !vm->mmu) {
		session_error(s, "%s: this machine has no shadow MMU (its MMU "
			      "is %s; run with --mmu shadow)", cmd,
			      vm_mmu_mode_name(vm->cfg.mmu_mode));
		return NULL;
	}
	return vm->mmu;
}

enum { SP_ALL, SP_GFN, SP_ONE };

static int sp_fn(struct machine *m, uint64_t arg, uint64_t what, char *buf,
		 size_t size)
{
	struct shadow_mmu *mmu = m->vm.mmu;

	if (what == SP_ONE)
		return shadow_mmu_format_page(mmu, (uint32_t)arg, buf, size);
	return shadow_mmu_format_pages(mmu, what == SP_GFN ? arg : UINT64_MAX,
				       buf, size);
}

int inspect_sp(struct session *s, struct cmd_args *a)
{
	struct shadow_mmu *mmu = shadow_of(s, "sp");
	uint64_t v;
	char *end;

	if (!mmu)
		return -EINVAL;
	if (a->argc == 1) {
		if (!mmu->active_head) {
			session_printf(s, "no shadow pages yet\n");
			return 0;
		}
		session_printf(s, "%llu shadow pages, newest first "
			       "(sp ID dumps one):\n",
			       (unsigned long long)mmu->n_used_pages);
		return inspect_print_grown(s, sp_fn, 0, SP_ALL);
	}
	if (a->argc == 3 && !strcmp(a->argv[1], "gfn")) {
		if (commands_eval(s, a->argv[2], &v))
			return -EINVAL;
		return inspect_print_grown(s, sp_fn, v, SP_GFN);
	}
	if (a->argc == 2) {
		const char *id = a->argv[1] + (a->argv[1][0] == '#');

		errno = 0;
		v = strtoull(id, &end, 0);
		if (*id && !*end && !errno && v && v <= UINT32_MAX) {
			if (shadow_mmu_format_page(mmu, (uint32_t)v, NULL, 0) < 0)
				return session_error(s, "sp: no live shadow page "
						     "#%llu (see 'sp' for the "
						     "list)",
						     (unsigned long long)v);
			return inspect_print_grown(s, sp_fn, v, SP_ONE);
		}
	}
	return session_error(s, "usage: sp [ID | gfn GFN]");
}

static int audit_fn(struct machine *m, uint64_t lo, uint64_t hi, char *buf,
		    size_t size)
{
	struct shadow_mmu *mmu = m->vm.mmu;
	int bad = shadow_mmu_audit(mmu, buf, size);
	size_t len = strnlen(buf, size);
	int n;

	if (bad < 0)
		return -ENOMEM;
	n = snprintf(buf + len, size - len, "mmu audit: %llu shadow pages, %d "
		     "violation%s\n", (unsigned long long)mmu->n_used_pages,
		     bad, bad == 1 ? "" : "s");
	return (int)len + n;
}

int inspect_mmu(struct session *s, struct cmd_args *a)
{
	if (a->argc != 2 || strcmp(a->argv[1], "audit"))
		return session_error(s, "usage: mmu audit");
	if (!shadow_of(s, "mmu audit"))
		return -EINVAL;
	return inspect_print_grown(s, audit_fn, 0, 0);
}
