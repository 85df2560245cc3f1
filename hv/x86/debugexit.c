/* SPDX-License-Identifier: MIT */
/*
 * isa-debug-exit, as QEMU's `-device isa-debug-exit,iobase=0xf4,iosize=4`:
 * a write of v ends the VM with process exit status (v << 1) | 1, so a
 * guest can never make QEMU (or us) exit 0 by this route.
 */
#include <stdio.h>

#include <hv/x86/debugexit.h>

static void debugexit_write(void *opaque, uint64_t off, unsigned int size,
			    uint64_t val)
{
	struct vm *vm = opaque;
	char msg[64];
	int status = (int)(((val << 1) | 1) & 0xff);

	snprintf(msg, sizeof(msg), "isa-debug-exit: guest wrote %#llx",
		 (unsigned long long)val);
	vm_request_stop(vm, VCPU_EXIT_POWEROFF, status, msg);
}

static const struct io_ops debugexit_ops = {
	.write = debugexit_write,
};

int debugexit_init(struct vm *vm, uint16_t port, unsigned int len)
{
	return io_bus_register(&vm->pio, port, len, &debugexit_ops, vm,
			       "isa-debug-exit");
}
