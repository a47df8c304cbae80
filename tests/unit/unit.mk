# Host unit tests (cmocka), included by the top-level Makefile.
#   make unit    build every tests/unit/test_*.c with the modules it tests,
#                run them all, fail if any fails.
#
# The modules are built for the host against tests/fake_arch, whose locks
# report misuse, and with ASan/UBSan so that memory and UB bugs fail a test.

UNIT_DIR     := $(BUILD)/unit
UNIT_OBJDIR  := $(UNIT_DIR)/obj

UNIT_CFLAGS  := -std=gnu11 -g -O1 -Wall -Wextra -Werror -Wno-unused-parameter \
	-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
	-include $(AUTOCONF_H) -Itests/fake_arch/include -Icore/include -Ilibs/include \
	-Iarch/arm64/include -Iemulators
UNIT_LDFLAGS := -fsanitize=address,undefined
UNIT_LDLIBS  := -lcmocka

# Every tests/unit/test_<name>.c is a test; UNIT_SRCS_<name> are the modules it links.
UNIT_TESTS := $(patsubst tests/unit/test_%.c,%,$(wildcard tests/unit/test_*.c))

UNIT_SRCS_page_alloc   := core/page_alloc.c
UNIT_SRCS_heap         := core/heap.c
UNIT_SRCS_timer_queue  := core/timer_queue.c
UNIT_SRCS_sched_queue  := core/sched_queue.c
UNIT_SRCS_line_edit    := core/shell/line_edit.c
UNIT_SRCS_shell_parse  := core/shell/shell_parse.c
UNIT_SRCS_libs         := libs/ring.c libs/fmt.c
UNIT_SRCS_bundle       := libs/bundle.c
UNIT_SRCS_esr_decode   := arch/arm64/esr_decode.c
UNIT_SRCS_guest_config := core/guest_config.c libs/fmt.c
UNIT_SRCS_boot_order   := core/boot_order.c
UNIT_SRCS_stage2       := arch/arm64/stage2.c
UNIT_SRCS_vgic         := emulators/vgic/vgic_model.c emulators/vgic/vgic_regs.c
UNIT_SRCS_virtqueue    := emulators/virtio/virtqueue.c
UNIT_SRCS_virtio_mmio  := emulators/virtio/virtio_mmio.c emulators/virtio/virtqueue.c
UNIT_SRCS_virtio_devices := emulators/virtio/virtio_blk_req.c emulators/virtio/virtio_net_frames.c \
	emulators/virtio/virtqueue.c core/blkdev.c core/blk_ramdisk.c
UNIT_SRCS_vswitch      := core/vswitch.c
UNIT_SRCS_chacha20     := libs/chacha20.c
UNIT_SRCS_sp805        := emulators/sp805_model.c
UNIT_SRCS_crash_watch  := core/crash_watch.c emulators/vgic/vgic_model.c

# libfdt for the host: Debian's libfdt-dev cannot be installed for two
# architectures at once, so link the native runtime library by path (the
# headers are architecture-independent).
UNIT_HOST_LIBFDT := /usr/lib/$(shell $(HOSTCC) -print-multiarch)/libfdt.so.1
UNIT_LIBS_guest_config := $(UNIT_HOST_LIBFDT)

UNIT_OBJS_OF = $(patsubst %.c,$(UNIT_OBJDIR)/%.o,tests/unit/test_$(1).c $(UNIT_SRCS_$(1)))
UNIT_BINS    := $(patsubst %,$(UNIT_DIR)/test_%,$(UNIT_TESTS))
UNIT_OBJS    := $(sort $(foreach t,$(UNIT_TESTS),$(call UNIT_OBJS_OF,$(t))))

# A sanitizer report already ends the binary with an error; these make it
# catch more (use after return, leaks) and say where UB happened.
UNIT_RUN_ENV ?= ASAN_OPTIONS=detect_stack_use_after_return=1:detect_leaks=1 \
	UBSAN_OPTIONS=print_stacktrace=1

.PHONY: unit
unit: $(UNIT_BINS)
	@failed=""; \
	for t in $(UNIT_BINS); do \
		echo "  RUN     $$t"; \
		if ! $(UNIT_RUN_ENV) $$t; then failed="$$failed $${t##*/}"; fi; \
	done; \
	if [ -n "$$failed" ]; then \
		echo "unit: FAILED:$$failed"; exit 1; \
	fi; \
	echo "unit: all $(words $(UNIT_BINS)) test binaries passed"

# Objects also depend on this file, so a change of flags rebuilds them.
$(UNIT_OBJDIR)/%.o: %.c $(AUTOCONF_H) tests/unit/unit.mk | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $<"
	@$(HOSTCC) $(UNIT_CFLAGS) -MMD -MP -c $< -o $@

define UNIT_LINK_RULE
$(UNIT_DIR)/test_$(1): $(call UNIT_OBJS_OF,$(1))
	@echo "  HOSTLD  $$@"
	@$$(HOSTCC) $$(UNIT_LDFLAGS) $$^ $$(UNIT_LIBS_$(1)) $$(UNIT_LDLIBS) -o $$@
endef
$(foreach t,$(UNIT_TESTS),$(eval $(call UNIT_LINK_RULE,$(t))))

-include $(UNIT_OBJS:.o=.d)
