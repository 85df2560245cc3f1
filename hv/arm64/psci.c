// SPDX-License-Identifier: MIT
/*
 * PSCI over HVC: the hypervisor's answer to the guest's power calls,
 * as KVM's kvm_psci_call() and QEMU's virt machine give it.
 *
 * SMCCC (Arm DEN0028): function id in w0, arguments in x1..x3, result
 * in x0. Bit 31 says fast call, bit 30 SMC64, bits 29:24 the owning
 * entity (4: standard secure service, where PSCI lives).
 *
 *   0x84000000  PSCI_VERSION        -> 0x10001 (PSCI 1.1)
 *   0x84000006  MIGRATE_INFO_TYPE   -> 2 (no trusted OS to migrate)
 *   0x84000008  SYSTEM_OFF          -> power off, exit status 0
 *   0x84000009  SYSTEM_RESET        -> shutdown exit (the tool decides)
 *   0x8400000A  PSCI_FEATURES(fid)  -> 0 for the calls above, else -1
 *   0xC4000003  CPU_ON (and 32-bit) -> NOT_SUPPORTED: one vCPU
 *   anything else                   -> NOT_SUPPORTED (-1)
 */
#include <hv/arm64/interp.h>

#define PSCI_VERSION		0x84000000u
#define PSCI_CPU_ON_32		0x84000003u
#define PSCI_MIGRATE_INFO_TYPE	0x84000006u
#define PSCI_SYSTEM_OFF		0x84000008u
#define PSCI_SYSTEM_RESET	0x84000009u
#define PSCI_FEATURES		0x8400000Au
#define PSCI_CPU_ON_64		0xC4000003u

#define PSCI_RET_SUCCESS	0
#define PSCI_RET_NOT_SUPPORTED	(-1)

static bool psci_implemented(uint32_t fid)
{
	switch (fid) {
	case PSCI_VERSION: case PSCI_MIGRATE_INFO_TYPE: case PSCI_SYSTEM_OFF:
	case PSCI_SYSTEM_RESET: case PSCI_FEATURES:
		return true;
	}
	return false;
}

void arm64_psci_call(struct arm64_cpu *cpu, uint16_t imm)
{
	uint32_t fid = (uint32_t)cpu->x[0];
	int64_t ret = PSCI_RET_NOT_SUPPORTED;

	switch (fid) {
	case PSCI_VERSION:
		ret = 0x10001;
		break;
	case PSCI_MIGRATE_INFO_TYPE:
		ret = 2;
		break;
	case PSCI_SYSTEM_OFF:
		vm_request_stop(cpu->vm, VCPU_EXIT_POWEROFF, 0,
				"PSCI SYSTEM_OFF");
		ret = PSCI_RET_SUCCESS;
		break;
	case PSCI_SYSTEM_RESET:
		vm_request_stop(cpu->vm, VCPU_EXIT_SHUTDOWN, 0,
				"PSCI SYSTEM_RESET");
		ret = PSCI_RET_SUCCESS;
		break;
	case PSCI_FEATURES:
		ret = psci_implemented((uint32_t)cpu->x[1])
			? PSCI_RET_SUCCESS : PSCI_RET_NOT_SUPPORTED;
		break;
	case PSCI_CPU_ON_32:
	case PSCI_CPU_ON_64:
	default:
		break;
	}
	vm_emit(cpu->vm, EV_hvc_arm64, -1, cpu->insn_pc, fid, imm,
		(uint64_t)ret);
	cpu->x[0] = (uint64_t)ret;
}
