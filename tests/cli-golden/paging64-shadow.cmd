# image: guests/build/x86/paging64.elf
# args: --mmu shadow
# 4-level paging under the shadow MMU: one level-4 root, shadow pages
# with 8-byte guest PTEs (no quadrants), a demand-paging #PF injected
# into the guest, then the shadow path built when the store is retried.
echo == the guest's own CR3 gets a 4-level root
until new_pgd
registers cr3
events 2 shadow
echo == the first #PF: the guest walk faults, the #PF goes to the guest
until page_fault
events 6 shadow
walk $cr2 write
echo == the handler maps a frame; the retried store builds the shadow path
until pagetable_walk addr=$cr2
walk $cr2 write
sp
mmu audit
echo == to the end
continue
mmu audit
stats
