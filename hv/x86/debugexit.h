/* SPDX-License-Identifier: MIT */
#ifndef HV_X86_DEBUGEXIT_H
#define HV_X86_DEBUGEXIT_H

#include <hv/vm.h>

/* Register isa-debug-exit at @port (0xF4), @len ports (4). */
int debugexit_init(struct vm *vm, uint16_t port, unsigned int len);

#endif
