# image: guests/build/x86/paging32.elf
# args: --mmu shadow
# 32-bit non-PAE paging under the shadow MMU: four PAE page directories,
# quadrants 0-3, shadow one guest page directory; page tables get
# quadrant 0 or 1 from the parity of the PDE index that links them.
echo == paging on: the guest's CR3 is shadowed by a PAE root
until cr cr=0
until new_pgd
registers cr3
echo == the first shadow page of a 1 GiB quarter other than the first
until get_page level=2 quadrant=1
events 3 get_page
echo == a page table reached through an odd PDE: quadrant 1
until get_page level=1 quadrant=1
sp
walk $pc
walk 0x8c007008 write
echo == one shadow page with its parents and SPTEs
sp 25
sp gfn 0xc07
mmu audit
echo == errors
sp 999
sp x
sp gfn
mmu check
echo == to the end; the audit still holds
continue
mmu audit
stats
