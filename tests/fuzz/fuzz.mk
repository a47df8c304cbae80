# libFuzzer harnesses for the parsers and device models, included by the top-level Makefile.
#   make fuzz          every harness for FUZZ_SECONDS (60) each; fails on a crash, naming the reproducer
#   make fuzz-short    the same for FUZZ_SHORT_SECONDS (15) each: what make test runs
#   make fuzz-regress  every harness once over its corpus and its saved crashes
#
# Every tests/fuzz/fuzz_<name>.c is a harness; FUZZ_SRCS_<name> are the modules it links.
# Like the unit tests they are built for the host against tests/fake_arch, here with clang,
# libFuzzer, ASan and UBSan. Runs read tests/fuzz/corpus/<name>/ and write what they find to
# $(BUILD)/fuzz/new/<name>/, so the checked-in corpus changes only by hand (docs/testing.md).

# clang-14 is Debian 12's clang (scripts/deps.sh installs it with its libFuzzer runtime).
CLANG              ?= clang-14
FUZZ_SECONDS       ?= 60
FUZZ_SHORT_SECONDS ?= 15

FUZZ_DIR    := $(BUILD)/fuzz
FUZZ_OBJDIR := $(FUZZ_DIR)/obj

FUZZ_SANITIZE := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror -Wno-unused-parameter \
	-fsanitize=fuzzer-no-link $(FUZZ_SANITIZE) -fno-omit-frame-pointer \
	-include $(AUTOCONF_H) -Itests/fake_arch/include -Icore/include -Ilibs/include \
	-Iarch/arm64/include -Iemulators
FUZZ_LDFLAGS := -fsanitize=fuzzer $(FUZZ_SANITIZE)

FUZZ_NAMES := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))

# Linked by every harness: the fake locks' failure hook.
FUZZ_COMMON := tests/fuzz/stubs.c

FUZZ_SRCS_guest_dts      := core/guest_config.c
FUZZ_LIBS_guest_dts      := $(UNIT_HOST_LIBFDT)
FUZZ_SRCS_bundle         := libs/bundle.c
FUZZ_SRCS_esr_decode     := arch/arm64/esr_decode.c
FUZZ_SRCS_vgic_dist      := emulators/vgic/vgic_model.c emulators/vgic/vgic_regs.c
# The harness includes emulators/pl011.c itself, to reach its static ops table.
FUZZ_SRCS_pl011          :=
FUZZ_SRCS_virtio_mmio    := emulators/virtio/virtio_mmio.c emulators/virtio/virtqueue.c tests/fuzz/guest_ram.c
FUZZ_SRCS_virtqueue      := emulators/virtio/virtqueue.c tests/fuzz/guest_ram.c
FUZZ_SRCS_virtio_devices := emulators/virtio/virtio_blk_req.c emulators/virtio/virtio_net_frames.c \
	emulators/virtio/virtqueue.c core/blkdev.c core/blk_ramdisk.c
FUZZ_SRCS_shell_line     := core/shell/shell_parse.c core/shell/line_edit.c

# Extra libFuzzer options of one harness, for runs (not for fuzz-regress, which replays whole files).
FUZZ_FLAGS_virtqueue      := -max_len=16384
FUZZ_FLAGS_virtio_mmio    := -max_len=16384
FUZZ_FLAGS_virtio_devices := -max_len=8192

# A crash is any sanitizer report, a FUZZ_CHECK, a leak, or one input running over 10 s.
FUZZ_OPTIONS := -timeout=10 -rss_limit_mb=2048 -close_fd_mask=1 -print_final_stats=1
FUZZ_RUN_ENV := ASAN_OPTIONS=detect_leaks=1:detect_stack_use_after_return=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

FUZZ_OBJS_OF = $(patsubst %.c,$(FUZZ_OBJDIR)/%.o,tests/fuzz/fuzz_$(1).c $(FUZZ_COMMON) $(FUZZ_SRCS_$(1)))
FUZZ_BINS    := $(patsubst %,$(FUZZ_DIR)/fuzz_%,$(FUZZ_NAMES))
FUZZ_OBJS    := $(sort $(foreach n,$(FUZZ_NAMES),$(call FUZZ_OBJS_OF,$(n))))

.PHONY: fuzz fuzz-short fuzz-regress fuzz-build
fuzz-build: $(FUZZ_BINS)

# One harness for $(2) seconds: new inputs go to new/<name> (listed first, so libFuzzer writes
# there), a crash to artifacts/<name>/, the log to logs/<name>.log.
define FUZZ_RUN_ONE
	n=$(1); new=$(FUZZ_DIR)/new/$$n; art=$(FUZZ_DIR)/artifacts/$$n; log=$(FUZZ_DIR)/logs/$$n.log; \
	mkdir -p $$new $$art $(FUZZ_DIR)/logs tests/fuzz/corpus/$$n; rm -f $$art/*; \
	if $(FUZZ_RUN_ENV) $(FUZZ_DIR)/fuzz_$$n $(FUZZ_OPTIONS) $(FUZZ_FLAGS_$(1)) -max_total_time=$(2) \
		-artifact_prefix=$$art/ $$new tests/fuzz/corpus/$$n > $$log 2>&1; then \
		echo "  FUZZ    $$n: $$(grep -o 'Done [0-9]* runs in [0-9]* second(s)' $$log)"; \
	else \
		echo "  FUZZ    $$n: FAILED"; tail -n 40 $$log; \
		for f in $$art/*; do \
			[ -e "$$f" ] && echo "fuzz: $$n: reproducer $$f (run: $(FUZZ_DIR)/fuzz_$$n $$f)"; \
		done; \
		failed="$$failed $$n"; \
	fi;
endef

define FUZZ_RUN_ALL
	@failed=""; \
	$(foreach n,$(FUZZ_NAMES),$(call FUZZ_RUN_ONE,$(n),$(1))) \
	if [ -n "$$failed" ]; then \
		echo "fuzz: FAILED:$$failed (logs in $(FUZZ_DIR)/logs)"; exit 1; \
	fi; \
	echo "fuzz: all $(words $(FUZZ_NAMES)) harnesses ran $(1) s each without a crash"
endef

fuzz: $(FUZZ_BINS)
	$(call FUZZ_RUN_ALL,$(FUZZ_SECONDS))

fuzz-short: $(FUZZ_BINS)
	$(call FUZZ_RUN_ALL,$(FUZZ_SHORT_SECONDS))

# Each file is run once, whole (no -max_len cut), so a saved crash that comes back fails here.
fuzz-regress: $(FUZZ_BINS)
	@failed=""; \
	for n in $(FUZZ_NAMES); do \
		log=$(FUZZ_DIR)/logs/regress-$$n.log; mkdir -p $(FUZZ_DIR)/logs; \
		files=$$(find tests/fuzz/corpus/$$n tests/fuzz/crashes/$$n -type f 2>/dev/null | \
			LC_ALL=C sort); \
		[ -n "$$files" ] || continue; \
		if $(FUZZ_RUN_ENV) $(FUZZ_DIR)/fuzz_$$n -runs=0 $$files > $$log 2>&1; then \
			echo "  REGRESS $$n: $$(echo "$$files" | wc -l) inputs"; \
		else \
			echo "  REGRESS $$n: FAILED"; tail -n 40 $$log; failed="$$failed $$n"; \
		fi; \
	done; \
	if [ -n "$$failed" ]; then echo "fuzz-regress: FAILED:$$failed"; exit 1; fi; \
	echo "fuzz-regress: all $(words $(FUZZ_NAMES)) harnesses passed their corpus and saved crashes"

# Objects also depend on this file, so a change of flags rebuilds them.
$(FUZZ_OBJDIR)/%.o: %.c $(AUTOCONF_H) tests/fuzz/fuzz.mk | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CLANG   $<"
	@$(CLANG) $(FUZZ_CFLAGS) -MMD -MP -c $< -o $@

define FUZZ_LINK_RULE
$(FUZZ_DIR)/fuzz_$(1): $(call FUZZ_OBJS_OF,$(1))
	@echo "  CLANGLD $$@"
	@$$(CLANG) $$(FUZZ_LDFLAGS) $$^ $$(FUZZ_LIBS_$(1)) -o $$@
endef
$(foreach n,$(FUZZ_NAMES),$(eval $(call FUZZ_LINK_RULE,$(n))))

-include $(FUZZ_OBJS:.o=.d)
