# image: guests/build/x86/hello32.elf
# The CLI itself on the smallest guest: help, errors, breakpoints,
# stepping, memory, and running to the guest's exit.
echo == help
help
help until
help x
echo == the machine at its entry
info machine
registers
disassemble $pc 4
echo == stepping
stepi
s 4
info machine
echo == memory: the image's multiboot header, then the first EPT table
x/4xw gpa 0x100000
x/8xb
x/2xg hpa 0x1000
echo == breakpoints
break icount 20
break event cpu.inj_exception vector=3
info breakpoints
continue
continue
delete 1
info breakpoints
echo == bad input gets one line each
frob
e
stepi 0
break event nosuch
break event shadow.get_page quadrant=1
break event s2.guest_fault ipa=0x40000000-0x40200000
until page_fault nosuch=1
until cr cr=5-5
x/4q 0
x/4xw 0xfffffff0
walk
tdp 0x2000 0x1000
sp
s2
mmu audit
delete 99
echo == to the end
continue
stepi
info machine
