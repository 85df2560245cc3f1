# Quadrant: a teaching hypervisor for x86 and arm64.
#
#   make run     install what is missing, build everything, run the demo
#   make check   every test tier (unit, sanitizers, guests vs QEMU, ...)
#   make bench   speed against QEMU TCG on the same guest images
#
# Sources are found by directory: a new .c file in hv/ or debugger/ joins
# the build with no edit here; a new tests/unit/test_*.c is a new suite.

CC      ?= cc
CFLAGS  ?= -O2 -g
WARN    := -Wall -Wextra -Werror -Wno-unused-parameter -Wshadow -Wvla
CPPFLAGS += -Ihv/include -I. -D_GNU_SOURCE
LDLIBS  := -lZydis -lZycore -lcapstone -lreadline -lncursesw -lm
STD     := -std=gnu11

B       := build
NPROC   := $(shell nproc 2>/dev/null || echo 2)
ASAN_B  := build/asan

HV_SRCS  := $(sort $(wildcard hv/core/*.c hv/pt/*.c hv/x86/*.c hv/mmu/*.c hv/arm64/*.c))
DBG_SRCS := $(sort $(wildcard debugger/*.c debugger/cli/*.c debugger/tui/*.c debugger/gdbstub/*.c))
MAIN_SRC := debugger/main.c
LIB_SRCS := $(HV_SRCS) $(filter-out $(MAIN_SRC),$(DBG_SRCS))
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_HELPERS := $(sort $(filter-out tests/unit/test_%,$(wildcard tests/unit/*.c)))

# $(call objs,BUILD_DIR,SOURCES)
objs = $(patsubst %.c,$(1)/%.o,$(2))

.PHONY: all run check bench deps guests unit unit-asan guest-tests clean help
.PHONY: gdb fuzz
all: quadrant guests

help:
	@sed -n '3,6p' Makefile

deps:
	@scripts/install-deps.sh

# --- the quadrant binary -------------------------------------------------
$(B)/libquadrant.a: $(call objs,$(B),$(LIB_SRCS))
	@rm -f $@
	ar rcs $@ $^

quadrant: $(call objs,$(B),$(MAIN_SRC)) $(B)/libquadrant.a
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(STD) $(CPPFLAGS) $(CFLAGS) $(WARN) -MMD -MP -c -o $@ $<

# --- sanitizer build: same sources, ASan + UBSan -------------------------
SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
$(ASAN_B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(STD) $(CPPFLAGS) -O1 -g $(SAN) $(WARN) -MMD -MP -c -o $@ $<

$(ASAN_B)/libquadrant.a: $(call objs,$(ASAN_B),$(LIB_SRCS))
	@rm -f $@
	ar rcs $@ $^

$(ASAN_B)/quadrant: $(call objs,$(ASAN_B),$(MAIN_SRC)) $(ASAN_B)/libquadrant.a
	$(CC) $(SAN) -o $@ $^ $(LDLIBS)

# --- the quadrant bug the KVM list caught (for the labs) -----------------
# build/bug/quadrant: role.c built with -DSHADOW_BUG_COPY_PARENT_QUADRANT
# (a child copies its parent's quadrant), everything else as usual.
BUG_B   := build/bug
$(BUG_B)/hv/mmu/role.o: hv/mmu/role.c
	@mkdir -p $(dir $@)
	$(CC) $(STD) $(CPPFLAGS) $(CFLAGS) $(WARN) -DSHADOW_BUG_COPY_PARENT_QUADRANT -MMD -MP -c -o $@ $<

$(BUG_B)/quadrant: $(call objs,$(B),$(MAIN_SRC)) $(BUG_B)/hv/mmu/role.o $(filter-out $(B)/hv/mmu/role.o,$(call objs,$(B),$(LIB_SRCS)))
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

# --- unit tests (Criterion) ----------------------------------------------
UNIT_BINS      := $(patsubst tests/unit/%.c,$(B)/tests/%,$(UNIT_SRCS))
UNIT_ASAN_BINS := $(patsubst tests/unit/%.c,$(ASAN_B)/tests/%,$(UNIT_SRCS))

$(B)/tests/%: tests/unit/%.c $(call objs,$(B),$(UNIT_HELPERS)) $(B)/libquadrant.a
	@mkdir -p $(dir $@)
	$(CC) $(STD) $(CPPFLAGS) $(CFLAGS) $(WARN) -Itests/unit -o $@ $^ -lcriterion $(LDLIBS)

$(ASAN_B)/tests/%: tests/unit/%.c $(call objs,$(ASAN_B),$(UNIT_HELPERS)) $(ASAN_B)/libquadrant.a
	@mkdir -p $(dir $@)
	$(CC) $(STD) $(CPPFLAGS) -O1 -g $(SAN) $(WARN) -Itests/unit -o $@ $^ -lcriterion $(LDLIBS)

unit: $(UNIT_BINS)
	@tests/run-unit.sh $(UNIT_BINS)

unit-asan: $(UNIT_ASAN_BINS) $(ASAN_B)/quadrant
	@ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 tests/run-unit.sh $(UNIT_ASAN_BINS)

# --- script tiers ----------------------------------------------------------
SCRIPT_TIERS := tests/cli/run.sh tests/guests/run-all.sh tests/cli-golden/run.sh
SCRIPT_TIERS += tests/tui/run.sh
SCRIPT_TIERS += tests/guests/run-arm64.sh
SCRIPT_TIERS += tests/gdb/run.sh tests/fuzz/run.sh
SCRIPT_TIERS += tests/shadow/run.sh

# --- GDB: a .gdbinit for the default guest, and the stub's fuzzer ------------
# make gdb: xv6's `make qemu-gdb`, one port per user so that students on
# one machine do not collide.
GDBPORT := $(shell expr 26000 + `id -u` % 5000)
GDB_IMAGE ?= $(DEMO)
gdb: quadrant
	@printf '%s\n' '# written by make gdb' 'set confirm off' \
	  $(if $(findstring /x86/,$(GDB_IMAGE)),'set architecture i386:x86-64') \
	  'file $(GDB_IMAGE)' \
	  'target remote 127.0.0.1:$(GDBPORT)' > .gdbinit
	@echo "*** .gdbinit written for $(GDB_IMAGE), port $(GDBPORT). Now run"
	@echo "***   ./quadrant run --gdb $(GDBPORT) -S $(GDB_IMAGE)"
	@echo "*** in one terminal and, in another,"
	@echo "***   gdb-multiarch -x .gdbinit"

FUZZ_CC ?= clang
FUZZ_SECONDS ?= 600
FUZZ_SRCS := tests/fuzz/gdb_fuzz.c debugger/gdbstub/packet.c debugger/gdbstub/stub.c
build/fuzz/gdb_fuzz: $(FUZZ_SRCS) $(wildcard debugger/gdbstub/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(STD) $(CPPFLAGS) -g -O1 -fsanitize=fuzzer,address,undefined \
	  -fno-sanitize-recover=undefined -o $@ $(FUZZ_SRCS)

fuzz: build/fuzz/gdb_fuzz
	@FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run.sh

# --- guests (clang + ld.lld, their own Makefile) -------------------------
guests:
	@$(MAKE) --no-print-directory -C guests
	@$(MAKE) --no-print-directory -C guests/arm64

# Script tiers: each runs even if one before it failed.
guest-tests: quadrant $(ASAN_B)/quadrant $(BUG_B)/quadrant guests
	@st=0; for t in $(SCRIPT_TIERS); do $$t || st=1; done; exit $$st

# --- the two commands ----------------------------------------------------
DEMO ?= guests/build/x86/paging32.elf
# The x86 guests report success through isa-debug-exit as QEMU does:
# they write 0, and the status is (0 << 1) | 1 = 1. So 1 is a pass here.
run: deps
	@$(MAKE) --no-print-directory -j$(NPROC) all
	@echo "./quadrant run $(DEMO)"
	@./quadrant run $(DEMO) || { st=$$?; [ $$st -eq 1 ] || \
	  { echo "make run: the guest failed (status $$st)" >&2; exit $$st; }; }

# Every tier runs even when an earlier one fails; the summary line counts
# them all and decides the status.
check: deps
	@rm -rf build/results build/tests/*.log build/asan/tests/*.log
	@$(MAKE) --no-print-directory -j$(NPROC) all $(ASAN_B)/quadrant
	@st=0; \
	$(MAKE) --no-print-directory -j$(NPROC) unit || st=1; \
	$(MAKE) --no-print-directory -j$(NPROC) unit-asan || st=1; \
	$(MAKE) --no-print-directory guest-tests || st=1; \
	tests/summary.sh || st=1; \
	exit $$st

bench: deps
	@$(MAKE) --no-print-directory all
	@bench/run.sh

clean:
	rm -rf $(B) quadrant
	@$(MAKE) --no-print-directory -C guests clean
	@$(MAKE) --no-print-directory -C guests/arm64 clean

-include $(shell find $(B) -name '*.d' 2>/dev/null)
