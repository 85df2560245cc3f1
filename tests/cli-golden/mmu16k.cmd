# image: guests/build/arm64/mmu16k.elf
# args: --granule 16k
# arm64 with 16 KiB granules at both stages: a level-2 block maps
# 32 MiB, which the walk must say (not the 2 MiB of a 4 KiB granule).
until arm64_exception
registers esr_el1 far_el1
walk $far_el1
walk $pc
