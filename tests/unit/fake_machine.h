/* SPDX-License-Identifier: MIT */
/*
 * A tiny fake machine for the debugger's unit tests: a real struct vm
 * (arena, memslot, event ring) with a scripted CPU behind vcpu_ops, so
 * the engine and the command table run without an interpreter.
 *
 * The fake CPU executes 4-byte "nop"s at pc, pc+4, ... Guest virtual
 * addresses below FAKE_MAPPED map 1:1 to guest physical ones, except
 * for the page at FAKE_ALIAS_GVA, which maps to FAKE_ALIAS_GPA; above
 * FAKE_MAPPED nothing is mapped. Scripted behaviour, by pc:
 *   - emit[]:   the instruction at pc emits an event;
 *   - fault_pc: the instruction faults: page_fault and inj_exception
 *               are emitted and delivery (one budget unit, no retired
 *               instruction, as the x86 CPU does) moves pc to
 *               FAKE_HANDLER, and a stop request made meanwhile
 *               ends the run there, before the handler's first
 *               instruction (what the engine asks of every CPU);
 *   - write_pc: the instruction writes 4 bytes at write_gva
 *               (watchpoints see it);
 *   - exit_pc:  the instruction powers off with exit_status.
 * It honours struct vcpu_debug breakpoints and watchpoints as the
 * contract in vm.h says, and vm_request_stop after each instruction.
 */
#ifndef TESTS_FAKE_MACHINE_H
#define TESTS_FAKE_MACHINE_H

#include <hv/machine.h>

#define FAKE_ENTRY	0x1000
#define FAKE_HANDLER	0x8000
#define FAKE_MAPPED	0x100000
#define FAKE_ALIAS_GVA	0x40000
#define FAKE_ALIAS_GPA	0x90000
#define FAKE_MAX_EMIT	8

enum fake_reg { FAKE_PC, FAKE_R0, FAKE_R1, FAKE_CR0, FAKE_CR3, FAKE_NREGS };

struct fake_emit {
	uint64_t pc;
	enum ev_kind kind;
	int level;
	uint64_t a[4];
};

struct fake_machine {
	struct machine m;
	struct vcpu vcpu;
	uint64_t reg[FAKE_NREGS];
	unsigned int nemit;
	struct fake_emit emit[FAKE_MAX_EMIT];
	uint64_t fault_pc, write_pc, write_gva, exit_pc;
	int exit_status;
	uint64_t runs;		/* calls of run() */
};

/* A fresh fake machine (2 MiB RAM at gpa 0), pc at FAKE_ENTRY. */
struct fake_machine *fake_machine_create(void);
/* Script: the instruction at @pc emits @kind. */
void fake_machine_emit(struct fake_machine *fm, uint64_t pc,
		       enum ev_kind kind, int level, uint64_t a0, uint64_t a1,
		       uint64_t a2, uint64_t a3);

#endif
