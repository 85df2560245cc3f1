/* SPDX-License-Identifier: MIT */
/*
 * Which machine an image wants: an ELF's e_machine says it; a non-ELF
 * file with a multiboot header is an x86 kernel.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <hv/machine.h>

int x86_machine_create(struct machine **out, const uint8_t *image,
		       size_t len, const struct machine_opts *opts, char *err,
		       size_t errlen);
int arm64_machine_create(struct machine **out, const uint8_t *image,
			 size_t len, const struct machine_opts *opts,
			 char *err, size_t errlen);

#define EM_386 3
#define EM_X86_64 62
#define EM_AARCH64 183

int machine_create(struct machine **out, const uint8_t *image, size_t len,
		   const struct machine_opts *opts, char *err, size_t errlen)
{
	unsigned int em;

	*out = NULL;
	if (len >= 20 && !memcmp(image, "\177ELF", 4)) {
		em = image[18] | image[19] << 8;
		if (em == EM_AARCH64)
			return arm64_machine_create(out, image, len, opts, err,
						    errlen);
		if (em != EM_386 && em != EM_X86_64) {
			snprintf(err, errlen,
				 "ELF machine %u is neither x86 nor arm64", em);
			return -ENOEXEC;
		}
	}
	return x86_machine_create(out, image, len, opts, err, errlen);
}

void machine_destroy(struct machine *m)
{
	if (m && m->ops && m->ops->destroy)
		m->ops->destroy(m);
}

int machine_run(struct machine *m, uint64_t budget, struct vcpu_exit *exit)
{
	struct vcpu *vcpu = m->vm.vcpu;

	return vcpu->ops->run(vcpu, budget, exit);
}

int machine_format_stats(struct machine *m, char *buf, size_t size)
{
	int n = snprintf(buf, size, "instructions %llu\nevents %llu\n"
			 "tables_in_use %llu\ntables_peak %llu\n",
			 (unsigned long long)m->vm.icount,
			 (unsigned long long)m->vm.events.next_seq,
			 (unsigned long long)m->vm.arena.tables_in_use,
			 (unsigned long long)m->vm.arena.tables_peak);

	if (n >= 0 && (size_t)n < size && m->ops && m->ops->format_stats)
		n += m->ops->format_stats(m, buf + n, size - (size_t)n);
	return n;
}
