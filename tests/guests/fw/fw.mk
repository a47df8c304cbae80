# Mantle's bare-metal EL1 test firmware: an arm64 Linux Image that tests the
# hypervisor from inside a guest.
#
# Included by the top-level Makefile (which defines BUILD and CROSS), or run
# on its own from the repository root:
#   make -f tests/guests/fw/fw.mk BUILD=build CROSS=aarch64-linux-gnu- build/guests/fw.bin
#
# Everything it builds lives under $(BUILD)/guests/fw/, the image itself is
# $(BUILD)/guests/fw.bin. Variables are prefixed FW_ so that including this
# file changes nothing of its includer.

BUILD ?= build
CROSS ?= aarch64-linux-gnu-

FW_MK      := $(lastword $(MAKEFILE_LIST))
FW_DIR     := $(patsubst %/,%,$(dir $(FW_MK)))
FW_OUT     := $(BUILD)/guests/fw
FW_BIN     := $(BUILD)/guests/fw.bin
FW_ELF     := $(FW_OUT)/fw.elf
FW_CC      := $(CROSS)gcc
FW_OBJCOPY := $(CROSS)objcopy
FW_LIBFDT  := /usr/lib/aarch64-linux-gnu/libfdt.a

# Link order is test order: the suites run in the order of their files here.
FW_SRCS := start.S vectors.S mmu.c cpu.c fault.c uart.c console.c dtb.c psci.c libc.c \
	smp.c gic.c dsl.c main.c shell.c rtcirq.c virtio.c chan.c crash.c wdt.c \
	tests_psci.c tests_hvc.c tests_sysreg.c tests_wfx.c tests_mmio.c tests_isolation.c \
	tests_irq.c tests_virtio.c \
	bench.c bench_exits.c bench_irqs.c bench_smp.c bench_io.c \
	attack.c attack_window.c attack_memory.c attack_mmio.c attack_sysreg.c attack_calls.c \
	attack_psci.c attack_irq.c attack_virtio.c checksum.c
FW_OBJS := $(patsubst %,$(FW_OUT)/%.o,$(FW_SRCS))

# -fno-toplevel-reorder keeps TEST() registrations in source order.
FW_CFLAGS := --specs=picolibc.specs -DPICOLIBC_INTEGER_PRINTF_SCANF \
	-std=gnu11 -O2 -g -march=armv8-a -mno-outline-atomics \
	-fno-pic -fno-pie -fno-common -fno-stack-protector -fno-toplevel-reorder \
	-fno-asynchronous-unwind-tables -fno-unwind-tables \
	-ffunction-sections -fdata-sections \
	-Wall -Wextra -Werror -I$(FW_DIR) -MMD -MP
FW_LDFLAGS := --specs=picolibc.specs -DPICOLIBC_INTEGER_PRINTF_SCANF \
	-nostartfiles -static -no-pie -T $(FW_DIR)/fw.lds -Wl,-Map,$(FW_OUT)/fw.map

# mmu.c runs with the MMU off, where every access is Device memory and must
# be aligned; fault.c interrupts code whose FP/SIMD registers are live.
$(FW_OUT)/mmu.c.o:   FW_CFLAGS += -mstrict-align
$(FW_OUT)/fault.c.o: FW_CFLAGS += -mgeneral-regs-only

$(FW_BIN): $(FW_ELF)
	@echo "  OBJCOPY $@"
	@$(FW_OBJCOPY) -O binary $< $@

$(FW_ELF): $(FW_OBJS) $(FW_DIR)/fw.lds
	@echo "  LD      $@"
	@$(FW_CC) $(FW_LDFLAGS) $(FW_OBJS) $(FW_LIBFDT) -o $@

$(filter %.c.o,$(FW_OBJS)): $(FW_OUT)/%.c.o: $(FW_DIR)/%.c $(FW_MK)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(FW_CC) $(FW_CFLAGS) -c $< -o $@

$(filter %.S.o,$(FW_OBJS)): $(FW_OUT)/%.S.o: $(FW_DIR)/%.S $(FW_MK)
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	@$(FW_CC) $(FW_CFLAGS) -D__ASSEMBLY__ -c $< -o $@

-include $(FW_OBJS:.o=.d)
