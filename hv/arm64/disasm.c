// SPDX-License-Identifier: MIT
/*
 * Disassembly text for the tools, from Capstone (the decoder that
 * executes is our own, decode.c). A word Capstone cannot decode prints
 * as ".inst 0x...", as objdump does.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <capstone/capstone.h>

#include <hv/arm64/interp.h>


int arm64_disasm_word(uint32_t word, uint64_t pc, char *buf, size_t size)
{
	csh handle;
	cs_insn *insn = NULL;
	uint8_t bytes[4];

	memcpy(bytes, &word, 4);
	if (cs_open(CS_ARCH_ARM64, CS_MODE_ARM, &handle) == CS_ERR_OK) {
		size_t n = cs_disasm(handle, bytes, 4, pc, 1, &insn);

		if (n == 1) {
			snprintf(buf, size, "%s%s%s", insn->mnemonic,
				 insn->op_str[0] ? " " : "", insn->op_str);
			cs_free(insn, n);
			cs_close(&handle);
			return 4;
		}
		cs_close(&handle);
	}
	snprintf(buf, size, ".inst 0x%08x", word);
	return 4;
}

int arm64_disasm(struct arm64_cpu *cpu, gva_t va, char *buf, size_t size)
{
	uint32_t word;

	if (vcpu_read_gva(&cpu->vcpu, va, &word, 4) != 4) {
		snprintf(buf, size, "(unmapped)");
		return -EFAULT;
	}
	return arm64_disasm_word(word, va, buf, size);
}
