# Mantle: a Type-1 AArch64 hypervisor.
#   make            build build/mantle.bin (installs missing Debian packages when root)
#   make run        boot it on QEMU virt (GIC=3 CPU=max SMP=4 MEM=2G by default)
#   make test       host unit tests, then QEMU integration tests
#   make fuzz       libFuzzer harnesses, 60 s each (make fuzz-short: 15 s, fuzz-regress: corpus once)
#   make defconfig / menuconfig

VERSION    := 0.1.0
GIC        ?= 3
CPU        ?= max
SMP        ?= 4
MEM        ?= 2G
QEMU       ?= qemu-system-aarch64
QEMU_EXTRA ?=

BUILD      := build
KCONFIG_DIR := $(BUILD)/kconfig
AUTOCONF_H := $(KCONFIG_DIR)/generated/autoconf.h
AUTOCONF   := $(KCONFIG_DIR)/config/auto.conf
DOTCONFIG  := .config

CROSS      ?= aarch64-linux-gnu-
CC         := $(CROSS)gcc
OBJCOPY    := $(CROSS)objcopy
HOSTCC     ?= gcc
PYTHON     ?= /usr/bin/python3

LIBFDT_A   := /usr/lib/aarch64-linux-gnu/libfdt.a

BUNDLE      := $(BUILD)/mantle-bundle.cpio
BUNDLE_DIR  := $(BUILD)/bundle
TEST_BUNDLE := $(BUILD)/test-bundle.cpio
TEST_BUNDLE_DIR := $(BUILD)/test-bundle

# Packages are checked once per tree; deleting build/ checks again.
DEPS_STAMP := $(BUILD)/.deps-ok

.DEFAULT_GOAL := all
.PHONY: all run test unit integration fuzz bench soak defconfig menuconfig savedefconfig clean deps FORCE

NO_CONFIG_GOALS := clean defconfig menuconfig savedefconfig deps
ifeq ($(filter-out $(NO_CONFIG_GOALS),$(or $(MAKECMDGOALS),all)),)
else
-include $(AUTOCONF)
endif

# ---------------------------------------------------------------- set-up
deps: $(DEPS_STAMP)
$(DEPS_STAMP): scripts/deps.sh
	@scripts/deps.sh
	@mkdir -p $(BUILD) && touch $@

$(DOTCONFIG): | $(DEPS_STAMP)
	kconfig-conf --defconfig=configs/defconfig Kconfig >/dev/null

defconfig: | $(DEPS_STAMP)
	kconfig-conf --defconfig=configs/defconfig Kconfig

menuconfig: | $(DEPS_STAMP)
	kconfig-mconf Kconfig

savedefconfig: $(DOTCONFIG)
	kconfig-conf --savedefconfig=configs/defconfig Kconfig

# kconfig-conf writes its dependency files relative to the working
# directory, so it runs inside build/kconfig to keep the source tree clean.
$(AUTOCONF) $(AUTOCONF_H): $(DOTCONFIG) Kconfig
	@mkdir -p $(KCONFIG_DIR)/generated $(KCONFIG_DIR)/config $(KCONFIG_DIR)/include/config
	@# New symbols take their defaults instead of prompting (CI has no terminal).
	cd $(KCONFIG_DIR) && KCONFIG_CONFIG=$(CURDIR)/$(DOTCONFIG) \
		kconfig-conf --olddefconfig $(CURDIR)/Kconfig >/dev/null
	cd $(KCONFIG_DIR) && KCONFIG_CONFIG=$(CURDIR)/$(DOTCONFIG) \
		KCONFIG_AUTOHEADER=generated/autoconf.h KCONFIG_AUTOCONFIG=config/auto.conf \
		kconfig-conf --silentoldconfig $(CURDIR)/Kconfig
	@touch $(AUTOCONF) $(AUTOCONF_H)

# ---------------------------------------------------------------- hypervisor
HV_SRCS := \
	arch/arm64/boot/head.S \
	arch/arm64/vectors.S \
	arch/arm64/switch.S \
	arch/arm64/early_mmu.c \
	arch/arm64/el2_pagetable.c \
	arch/arm64/mmu.c \
	arch/arm64/cpu.c \
	arch/arm64/exception.c \
	arch/arm64/psci.c \
	arch/arm64/smp.c \
	arch/arm64/arch_thread.c \
	arch/arm64/stage2.c \
	arch/arm64/guest_entry.S \
	arch/arm64/fpsimd.S \
	arch/arm64/fpsimd_owner.c \
	arch/arm64/vcpu_arch.c \
	arch/arm64/trap.c \
	arch/arm64/esr_decode.c \
	arch/arm64/vgic_hw.c \
	arch/arm64/vtimer.c \
	arch/arm64/ptimer.c \
	arch/arm64/vcpu_inspect.c \
	core/main.c \
	core/log.c \
	core/console.c \
	core/devtree.c \
	core/driver.c \
	core/irq.c \
	core/page_alloc.c \
	core/heap.c \
	core/mem.c \
	core/timer_queue.c \
	core/timer_event.c \
	core/sched_queue.c \
	core/sched.c \
	core/vcpu.c \
	core/version.c \
	core/guest.c \
	core/guest_config.c \
	core/boot_order.c \
	core/guest_loader.c \
	core/guest_fdt.c \
	core/guest_smccc.c \
	core/guest_crash.c \
	core/crash_watch.c \
	core/emulator.c \
	core/host_claims.c \
	core/vserial.c \
	emulators/pl011.c \
	emulators/sp805_model.c \
	emulators/sp805_wdt.c \
	emulators/vgic/vgic_model.c \
	emulators/vgic/vgic_regs.c \
	emulators/vgic/vgic_emu.c \
	libs/bundle.c \
	core/ssp.c \
	core/shell/line_edit.c \
	core/shell/shell_parse.c \
	core/shell/shell.c \
	core/shell/cmd_basic.c \
	core/shell/cmd_host.c \
	core/shell/cmd_guest.c \
	core/shell/cmd_vcpu.c \
	core/shell/cmd_io.c \
	libs/ring.c \
	libs/fmt.c \
	libs/chacha20.c \
	core/entropy.c \
	core/blkdev.c \
	core/blk_ramdisk.c \
	core/vswitch.c \
	core/channel.c \
	emulators/virtio/virtqueue.c \
	emulators/virtio/virtio_mmio.c \
	emulators/virtio/virtio_emu.c \
	emulators/virtio/virtio_blk_req.c \
	emulators/virtio/virtio_blk.c \
	emulators/virtio/virtio_net_frames.c \
	emulators/virtio/virtio_net.c \
	emulators/virtio/virtio_console.c \
	emulators/virtio/virtio_rng.c

HV_SRCS-$(CONFIG_SHELL_DEBUG_CMDS)   += core/shell/cmd_debug.c
HV_SRCS-$(CONFIG_DRV_PL011)          += drivers/serial/pl011.c
HV_SRCS-$(CONFIG_DRV_GICV2)          += drivers/irqchip/gicv2.c drivers/irqchip/gic_dist.c
HV_SRCS-$(CONFIG_DRV_GICV3)          += drivers/irqchip/gicv3.c drivers/irqchip/gic_dist.c
HV_SRCS-$(CONFIG_DRV_GENERIC_TIMER)  += drivers/timer/generic_timer.c
HV_SRCS-$(CONFIG_DRV_VIRTIO_BLK)     += drivers/block/virtio_blk.c
HV_SRCS += $(sort $(HV_SRCS-y))

HV_OBJS := $(patsubst %,$(BUILD)/hv/%.o,$(HV_SRCS))

INCLUDES := -Iarch/arm64/include -Icore/include -Ilibs/include -Idrivers/include -Iemulators \
	-I$(KCONFIG_DIR)/generated -I$(BUILD)/generated

# -fbuiltin: freestanding, but memset/memcpy of a known small size still
# become a few stores inline (general registers only) instead of a call.
# snprintf truncating a name to its buffer is intended: no warning for it.
# No frame pointers: nothing walks them (gdb unwinds from the DWARF frame info).
# Link-time optimization: exit paths cross core/, arch/ and emulators/, and
# inlining across them shortens every one (make bench: 10-25%).
HV_LTO ?= -flto
# Tracing with gdb, where LDXR/STXR pairs never complete when single-stepped, uses HV_MARCH=armv8.1-a.
HV_MARCH ?= armv8-a
HV_CFLAGS := --specs=picolibc.specs -DPICOLIBC_INTEGER_PRINTF_SCANF \
	-std=gnu11 -O2 -g -march=$(HV_MARCH) -ffreestanding -fbuiltin -mgeneral-regs-only \
	-mno-outline-atomics -fno-pic -fno-pie -fno-common -fomit-frame-pointer \
	-fstack-protector-strong -ffunction-sections -fdata-sections \
	-Wall -Wextra -Werror -Wno-unused-parameter -Wno-format-truncation -include autoconf.h $(INCLUDES) -MMD -MP

HV_LDFLAGS := --specs=picolibc.specs -DPICOLIBC_INTEGER_PRINTF_SCANF -nostartfiles -static \
	-T $(BUILD)/mantle.lds -Wl,-Map,$(BUILD)/mantle.map -Wl,--no-warn-rwx-segments

# picolibc's size build copies a byte at a time. memcpy and memmove come
# from its speed build instead, linked ahead of the library: a word at a
# time, general registers only. (That build's memset, memchr, strchr and
# qsort use SIMD registers, which Mantle's interrupt handlers and thread
# switches do not preserve: those stay the size build's.)
PICOLIBC_RELEASE := /usr/lib/picolibc/aarch64-linux-gnu/lib/release/libc.a
PICOLIBC_FAST := $(BUILD)/picolibc/memcpy.S.o $(BUILD)/picolibc/memmove.S.o

$(PICOLIBC_FAST): | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@cd $(dir $@) && $(CROSS)ar x $(PICOLIBC_RELEASE) $(notdir $@)

# The early MMU code runs with the MMU off, where every data access is
# Device memory and must be naturally aligned.
# Kept out of link-time optimization, so that these flags stay theirs.
$(BUILD)/hv/arch/arm64/early_mmu.c.o $(BUILD)/hv/arch/arm64/el2_pagetable.c.o: HV_CFLAGS += -mstrict-align -fno-stack-protector
$(BUILD)/hv/arch/arm64/early_mmu.c.o $(BUILD)/hv/arch/arm64/el2_pagetable.c.o: HV_LTO :=

all: $(BUILD)/mantle.bin $(BUNDLE) $(TEST_BUNDLE)

$(BUILD)/hv/%.c.o: %.c $(AUTOCONF_H) | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(HV_CFLAGS) $(HV_LTO) -c $< -o $@

$(BUILD)/hv/%.S.o: %.S $(AUTOCONF_H) | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	@$(CC) $(HV_CFLAGS) -D__ASSEMBLY__ -c $< -o $@

$(BUILD)/mantle.lds: arch/arm64/mantle.lds.S $(AUTOCONF_H)
	@mkdir -p $(dir $@)
	@$(CC) -E -P -x assembler-with-cpp -D__ASSEMBLY__ -include autoconf.h $(INCLUDES) $< -o $@

# Version facts are regenerated every build but only rewritten when they change.
GIT_REV := $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)$(shell git diff --quiet HEAD 2>/dev/null || echo -dirty)
$(BUILD)/generated/version.h: FORCE
	@mkdir -p $(dir $@)
	@printf '#define MANTLE_VERSION "%s"\n#define MANTLE_GIT_REV "%s"\n#define MANTLE_BUILD_DATE "%s"\n' \
		"$(VERSION)" "$(GIT_REV)" "$$(date -u '+%Y-%m-%d %H:%M UTC')" > $@.tmp
	@if cmp -s $@.tmp $@; then rm $@.tmp; else mv $@.tmp $@; fi
$(BUILD)/hv/core/version.c.o: $(BUILD)/generated/version.h

$(BUILD)/mantle.elf: $(HV_OBJS) $(PICOLIBC_FAST) $(BUILD)/mantle.lds
	@echo "  LD      $@"
	@$(CC) $(HV_LDFLAGS) $(if $(HV_LTO),$(HV_LTO)=2 -O2 -mgeneral-regs-only -fno-common) $(HV_OBJS) $(PICOLIBC_FAST) $(LIBFDT_A) -o $@

$(BUILD)/mantle.bin: $(BUILD)/mantle.elf
	@echo "  OBJCOPY $@"
	@$(OBJCOPY) -O binary $< $@

-include $(HV_OBJS:.o=.d)

# ---------------------------------------------------------------- guest bundles
# Everything guests boot from, as one newc cpio that the loader passes as initrd:
#   mantle-bundle.cpio  make run's: Linux (linux0) and the test firmware (fw0) at boot
#   test-bundle.cpio    the integration tests' default: the two firmware guests, no Linux
GUEST_DTS   := $(wildcard configs/guests/*.dts)
# Extra descriptions the integration tests create at run time (not in boot.list).
TEST_GUEST_DTS := $(wildcard tests/guests/dts/*.dts)
GUEST_DTBS  := $(patsubst configs/guests/%.dts,%.dtb,$(GUEST_DTS)) \
	$(patsubst tests/guests/dts/%.dts,%.dtb,$(TEST_GUEST_DTS))
GUESTKIT    := $(BUILD)/guestkit/cloud

include tests/guests/fw/fw.mk

.PHONY: guestkit
# The Linux guest kit from Debian's packages (downloads once, cached in build/guestkit).
guestkit: | $(DEPS_STAMP)
	tests/guestkit/mkkit.sh $(GUESTKIT) cloud
$(GUESTKIT)/kit-info: tests/guestkit/mkkit.sh | $(DEPS_STAMP)
	tests/guestkit/mkkit.sh $(GUESTKIT) cloud
$(GUESTKIT)/Image $(GUESTKIT)/initramfs.cpio.gz: $(GUESTKIT)/kit-info

# Both bundle folders get every description and the firmware; only their boot.list differs.
define BUNDLE_DIR_RULES
$(1)/%.dtb: configs/guests/%.dts | $$(DEPS_STAMP)
	@mkdir -p $$(dir $$@)
	@echo "  DTC     $$<"
	@dtc -q -I dts -O dtb -o $$@ $$<
$(1)/%.dtb: tests/guests/dts/%.dts | $$(DEPS_STAMP)
	@mkdir -p $$(dir $$@)
	@echo "  DTC     $$<"
	@dtc -q -I dts -O dtb -o $$@ $$<
$(1)/fw.bin: $$(BUILD)/guests/fw.bin
	@mkdir -p $$(dir $$@)
	@cp $$< $$@
$(1)/fw/disk.img: Makefile
	@mkdir -p $$(dir $$@)
	@printf 'MANTLE-RAMDISK' > $$@ && truncate -s 64K $$@
endef
$(eval $(call BUNDLE_DIR_RULES,$(BUNDLE_DIR)))
$(eval $(call BUNDLE_DIR_RULES,$(TEST_BUNDLE_DIR)))

$(BUNDLE_DIR)/boot.list: configs/guests/boot.list
	@mkdir -p $(dir $@)
	@cp $< $@
$(TEST_BUNDLE_DIR)/boot.list: tests/guests/boot-fw.list
	@mkdir -p $(dir $@)
	@cp $< $@
$(BUNDLE_DIR)/linux/%: $(GUESTKIT)/%
	@mkdir -p $(dir $@)
	@cp $< $@

BUNDLE_FILES := $(addprefix $(BUNDLE_DIR)/,$(GUEST_DTBS) fw.bin fw/disk.img boot.list linux/Image \
	linux/initramfs.cpio.gz)
TEST_BUNDLE_FILES := $(addprefix $(TEST_BUNDLE_DIR)/,$(GUEST_DTBS) fw.bin fw/disk.img boot.list)

$(BUNDLE): $(BUNDLE_FILES)
	@echo "  CPIO    $@"
	@cd $(BUNDLE_DIR) && find . -type f | LC_ALL=C sort | cpio -o -H newc --quiet > $(CURDIR)/$@
# make bench's: the benchmark guest and its partner only (tests/bench/microbench.py).
BENCH_BUNDLE     := $(BUILD)/bench-bundle.cpio
BENCH_BUNDLE_DIR := $(BUILD)/bench-bundle
$(eval $(call BUNDLE_DIR_RULES,$(BENCH_BUNDLE_DIR)))
$(BENCH_BUNDLE_DIR)/boot.list: tests/guests/boot-bench.list
	@mkdir -p $(dir $@)
	@cp $< $@
$(BENCH_BUNDLE): $(addprefix $(BENCH_BUNDLE_DIR)/,bench0.dtb bench1.dtb fw.bin boot.list)
	@echo "  CPIO    $@"
	@cd $(BENCH_BUNDLE_DIR) && find . -type f | LC_ALL=C sort | cpio -o -H newc --quiet > $(CURDIR)/$@

$(TEST_BUNDLE): $(TEST_BUNDLE_FILES)
	@echo "  CPIO    $@"
	@cd $(TEST_BUNDLE_DIR) && find . -type f | LC_ALL=C sort | cpio -o -H newc --quiet > $(CURDIR)/$@

# ---------------------------------------------------------------- run
# The host disk the Linux guests share (made once, then kept: what guests write stays), and
# a virtio-rng in virtio-mmio slot 0 that linux1 gets by passthrough. Modern virtio-mmio
# (version 2) is what Mantle's drivers speak.
DISK        := $(BUILD)/disk/disk0.img
QEMU_DEVICES = -global virtio-mmio.force-legacy=false \
	-drive if=none,file=$(DISK),format=raw,id=disk0 -device virtio-blk-device,drive=disk0 \
	-device virtio-rng-device,bus=virtio-mmio-bus.0,iommu_platform=on
QEMU_CMD = $(QEMU) -M virt,virtualization=on,gic-version=$(GIC) -cpu $(CPU) -smp $(SMP) -m $(MEM) \
	-nographic -kernel $(BUILD)/mantle.bin -initrd $(BUNDLE) $(QEMU_DEVICES) $(QEMU_EXTRA)

$(DISK): | $(DEPS_STAMP)
	scripts/mkdisk.sh $@

run: $(BUILD)/mantle.bin $(BUNDLE) | $(DISK)
	@echo "$(QEMU_CMD)"
	@$(QEMU_CMD)

# ---------------------------------------------------------------- tests
include tests/unit/unit.mk
include tests/fuzz/fuzz.mk

# Unit tests first: they are quick and pinpoint logic bugs before QEMU runs.
test:
	@$(MAKE) --no-print-directory unit
	@$(MAKE) --no-print-directory fuzz-short
	@$(MAKE) --no-print-directory integration

integration: $(BUILD)/mantle.bin $(BUNDLE) $(TEST_BUNDLE)
	cd tests/integration && MANTLE_BIN=$(CURDIR)/$(BUILD)/mantle.bin \
		MANTLE_BUNDLE=$(CURDIR)/$(TEST_BUNDLE) MANTLE_LINUX_BUNDLE=$(CURDIR)/$(BUNDLE) QEMU=$(QEMU) \
		$(PYTHON) -m pytest -v -p no:cacheprovider $(PYTEST_ARGS)

# Benchmarks: deterministic (-icount shift=0), never part of make test.
# Each script adds its rows to build/bench/results.json; the chart is drawn from all of them.
bench: $(BUILD)/mantle.bin $(BUNDLE) $(BENCH_BUNDLE) $(BUILD)/guests/fw.bin
	@scripts/deps.sh gnuplot-nox
	@rm -f $(BUILD)/bench/results.json
	MANTLE_BUILD=$(CURDIR)/$(BUILD) $(PYTHON) tests/bench/microbench.py
	$(PYTHON) tests/bench/linux_boot.py
	$(PYTHON) tests/bench/linux_io.py
	$(PYTHON) tests/bench/chart.py $(BUILD)/bench/results.json $(BUILD)/bench/results.png

# Soak: make run's guests plus the attack and checksum guests under load for SOAK_SECONDS, with
# random pauses and resets (SOAK_SEED=N repeats a run's actions); never part of make test.
SOAK_SECONDS ?= 600
soak: $(BUILD)/mantle.bin $(BUNDLE) $(TEST_BUNDLE)
	MANTLE_BIN=$(CURDIR)/$(BUILD)/mantle.bin MANTLE_BUNDLE=$(CURDIR)/$(TEST_BUNDLE) \
		MANTLE_LINUX_BUNDLE=$(CURDIR)/$(BUNDLE) QEMU=$(QEMU) SOAK_SECONDS=$(SOAK_SECONDS) \
		SOAK_LOG=$(CURDIR)/$(BUILD)/soak/console.log $(PYTHON) tests/soak/soak.py

clean:
	rm -rf $(BUILD)

FORCE:
