# image: guests/build/x86/paging32.elf
# 32-bit paging under TDP: the first fetch's EPT violation, paging on,
# the first demand-paging #PF, its walk, the handler, the EPT tables.
echo == at the entry: paging off, the first fetch misses in the EPT
info machine
registers cr0 cr3 cr4
stepi
echo == run until the guest loads CR3
until cr cr=3
registers cr3
echo == and turns paging on
until cr cr=0
registers cr0 cr4
echo == the first #PF: a store to the demand-paged range
until page_fault
registers cr2
walk $cr2 write
events 4 fault
echo == the TLB caches what the CPU has walked so far
info tlb
echo == the handler maps a frame; the store is retried and succeeds
until pagetable_walk addr=$cr2
walk $cr2
echo == the hypervisor's EPT tables for the first 32 MiB
tdp 0 0x2000000
echo == an instruction-count breakpoint, then to the end
break icount +1000
continue
x/4i $pc
continue
stats
