# image: guests/build/arm64/mmu39.elf
# arm64, 39-bit VAs, stage 2 at 40-bit IPA with 4 KiB granule: the
# first stage-2 fault, the guest turning its MMU on, the first stage-1
# fault and its two-dimensional walk, the stage-2 tables, the TLB.
echo == the first fetch misses in stage 2
info machine
until s2.guest_fault
events 3 s2
echo == the guest loads TTBR0_EL1, then turns its MMU on
until sysreg_write reg=3
registers ttbr0_el1
until sysreg_write reg=1
registers sctlr_el1 tcr_el1
echo == the first stage-1 fault taken to the guest's handler
until arm64_exception
registers esr_el1 far_el1
walk $far_el1
echo == stage 2 for the first 4 MiB of RAM
s2 0x40000000 0x40400000
info tlb
stats
