/*
 * Unit tests for core/guest_config.c. Descriptions are DTS text compiled
 * with dtc at test time, so each case reads as "this DTS -> this result".
 * Most error cases are a valid base guest plus a dtc overlay block that
 * breaks one thing: dtc merges a second "/ { ... };" into the first, and
 * /delete-node/ and /delete-property/ take things away.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <libfdt.h>

#include <mantle/guest_config.h>

#define HOST_CPUS 4
#define FILE_NAME "t.dtb"

/* A valid guest with as little as possible in it. */
#define BASE \
	"/dts-v1/;\n" \
	"/ {\n" \
	"	compatible = \"mantle,guest\";\n" \
	"	guest-name = \"g\";\n" \
	"	#address-cells = <2>;\n" \
	"	#size-cells = <2>;\n" \
	"	cpus {\n" \
	"		#address-cells = <1>;\n" \
	"		#size-cells = <0>;\n" \
	"		cpu@0 { reg = <0>; pcpu = <0>; };\n" \
	"	};\n" \
	"	memory@40000000 { device_type = \"memory\"; reg = <0 0x40000000 0 0x100000>; };\n" \
	"	boot { kernel = \"Image\"; };\n" \
	"};\n"

/* Open device nodes for a case to finish: the PL011 of docs/guest-abi.md, a passthrough. */
#define UART_AT "uart0@9000000 { compatible = \"arm,pl011\"; "
#define UART UART_AT "reg = <0 0x9000000 0 0x1000>; "
#define PASSTHROUGH \
	"dev@a000000 { compatible = \"mantle,passthrough\"; reg = <0 0xa000000 0 0x1000>; "

/* Open nodes of the newer kinds, each at its own address, before the kind's own properties. */
#define VBLK \
	"vda@a100000 { compatible = \"mantle,virtio-blk\"; reg = <0 0xa100000 0 0x1000>; "
#define VBLK_IRQ VBLK "interrupts = <0 20 1>; "
#define VNET \
	"net0@a101000 { compatible = \"mantle,virtio-net\"; reg = <0 0xa101000 0 0x1000>; "
#define VNET_IRQ VNET "interrupts = <0 21 1>; "
#define CHAN \
	"chan@50000000 { compatible = \"mantle,channel\"; reg = <0 0x50000000 0 0x1000>; "
#define CHAN_IRQ CHAN "interrupts = <0 22 1>; "

#define KNOWN "(known: arm,pl011, arm,sp805, mantle,virtio-blk, mantle,virtio-net, " \
	"mantle,virtio-console, mantle,virtio-rng, mantle,passthrough, mantle,channel, mantle,rom, mantle,vgic)"

/* Strings of exactly 15, 16, 31, 32, 47, 48, 63, 64 and 255, 256 characters. */
#define S15  "abcdefghijklmno"
#define S16  S15 "p"
#define S31  "abcdefghijklmnopqrstuvwxyz01234"
#define S32  S31 "5"
#define S47  S32 S15
#define S48  S32 S16
#define S63  S32 S31
#define S64  S32 S32
#define S255 S64 S64 S64 S63
#define S256 S64 S64 S64 S64

static struct guest_config cfg;
static char err[512];

/* ------------------------------------------------------------ helpers */

/* Runs a shell command and returns everything it wrote to stdout. */
static uint8_t *run(const char *cmd, size_t *size, int *status)
{
	FILE *f = popen(cmd, "r");
	uint8_t *buf = NULL;
	size_t cap = 0, n = 0;

	assert_non_null(f);
	for (;;) {
		if (n == cap) {
			cap = cap ? 2 * cap : 4096;
			buf = realloc(buf, cap + 1);
			assert_non_null(buf);
		}
		size_t got = fread(buf + n, 1, cap - n, f);
		if (got == 0)
			break;
		n += got;
	}
	buf[n] = '\0';
	*status = pclose(f);
	*size = n;
	return buf;
}

/*
 * Compiles a DTS file, NULL if dtc refuses it; quiet leaves dtc's warnings
 * out of the test output.
 */
static uint8_t *try_compile_file(const char *path, bool quiet, size_t *size, const char *shown)
{
	char cmd[512];
	int status;
	uint8_t *blob;

	snprintf(cmd, sizeof(cmd), "dtc %s -I dts -O dtb '%s'", quiet ? "-q" : "", path);
	blob = run(cmd, size, &status);
	if (status != 0) {
		print_error("dtc could not compile:\n%s\n", shown ? shown : path);
		free(blob);
		return NULL;
	}
	return blob;
}

static uint8_t *compile_file(const char *path, bool quiet, size_t *size)
{
	uint8_t *blob = try_compile_file(path, quiet, size, NULL);

	assert_non_null(blob);
	return blob;
}

static uint8_t *compile_dts(const char *dts, size_t *size)
{
	char path[] = "/tmp/test_guest_config_XXXXXX";
	int fd = mkstemp(path);
	size_t len = strlen(dts);
	uint8_t *blob;

	assert_true(fd >= 0);
	assert_true(write(fd, dts, len) == (ssize_t)len);
	close(fd);
	blob = try_compile_file(path, true, size, dts);
	unlink(path);
	assert_non_null(blob);
	return blob;
}

static int parse_dts_on(const char *dts, unsigned host_cpus)
{
	size_t size;
	uint8_t *blob = compile_dts(dts, &size);
	int rc = guest_config_parse(blob, size, FILE_NAME, host_cpus, &cfg, err, sizeof(err));

	free(blob);
	return rc;
}

#define expect_ok(dts) expect_ok_at(dts, HOST_CPUS, __FILE__, __LINE__)
static void expect_ok_at(const char *dts, unsigned host_cpus, const char *file, int line)
{
	if (parse_dts_on(dts, host_cpus) != 0) {
		print_error("unexpected error: %s\n", err);
		_fail(file, line);
	}
}

#define expect_error(dts, msg) expect_error_at(dts, msg, __FILE__, __LINE__)
static void expect_error_at(const char *dts, const char *msg, const char *file, int line)
{
	_assert_int_equal(parse_dts_on(dts, HOST_CPUS), -1, file, line);
	_assert_string_equal(err, msg, file, line);
}

/* Appends printf output to a growing DTS text. */
__attribute__((format(printf, 3, 4)))
static void append(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strlen(buf);
	va_list ap;

	va_start(ap, fmt);
	assert_true((size_t)vsnprintf(buf + used, len - used, fmt, ap) < len - used);
	va_end(ap);
}

/* ------------------------------------------------------------ valid descriptions */

static const char full_dts[] =
	"/dts-v1/;\n"
	"/ {\n"
	"	compatible = \"acme,board\", \"mantle,guest\";\n"
	"	guest-name = \"linux_1-a\";\n"
	"	#address-cells = <2>;\n"
	"	#size-cells = <2>;\n"
	"	interrupt-parent = <&gic>;\n"
	"	autostart;\n"
	"	on-stop = \"restart\";\n"
	"	on-crash = \"restart\";\n"
	"	on-abort = \"stop\";\n"
	"	gic: interrupt-controller {\n"
	"		compatible = \"mantle,vgic\";\n"
	"		interrupt-controller;\n"
	"		#interrupt-cells = <3>;\n"
	"		#address-cells = <0>;\n"
	"	};\n"
	"	cpus {\n"
	"		#address-cells = <1>;\n"
	"		#size-cells = <0>;\n"
	/* Listed out of order: vcpus[] is indexed by id. */
	"		cpu@1 { reg = <1>; pcpu = <2>; priority = <1>; };\n"
	"		cpu@0 { reg = <0>; pcpu = <3>; priority = <7>; time-slice-us = <500>; };\n"
	"	};\n"
	"	rom@0 { compatible = \"mantle,rom\"; reg = <0 0 0 0x10000>; image = \"boot.rom\"; };\n"
	"	memory@40000000 { device_type = \"memory\"; reg = <0 0x40000000 0 0x10000000>; };\n"
	"	memory@100000000 { device_type = \"memory\"; reg = <0x1 0x0 0x0 0x40000000>; };\n"
	"	uart0@9000000 {\n"
	"		compatible = \"arm,pl011\", \"arm,primecell\";\n"
	"		reg = <0x0 0x09000000 0x0 0x1000>;\n"
	"		interrupts = <0 1 4>;\n"
	"	};\n"
	"	eth0@a000000 {\n"
	"		compatible = \"mantle,passthrough\";\n"
	"		reg = <0x0 0x0a000000 0x0 0x2000>;\n"
	"		interrupts = <0 16 4>;\n"
	"		host-reg = <0x0 0x1c000000 0x0 0x2000>;\n"
	"		host-interrupts = <0 47 1>;\n"
	"	};\n"
	"	gpio@a010000 {\n"
	"		compatible = \"mantle,passthrough\";\n"
	"		reg = <0x0 0x0a010000 0x0 0x1000>;\n"
	"		host-reg = <0x10 0x0 0x0 0x1000>;\n"
	"	};\n"
	"	boot {\n"
	"		kernel = \"linux/Image\";\n"
	"		initrd = \"linux/initrd.cpio\";\n"
	"		dtb = \"linux/guest.dtb\";\n"
	"		bootargs = \"console=ttyAMA0 earlycon\";\n"
	"		entry = <0x0 0x40080000>;\n"
	"	};\n"
	"};\n";

static void test_full_description_fills_every_field(void **state)
{
	expect_ok(full_dts);
	assert_string_equal(err, "");
	assert_string_equal(cfg.name, "linux_1-a");

	assert_int_equal(cfg.nr_vcpus, 2);
	assert_int_equal(cfg.vcpus[0].pcpu, 3);
	assert_int_equal(cfg.vcpus[0].prio, 7);
	assert_int_equal(cfg.vcpus[0].slice_ns, 500000);
	assert_int_equal(cfg.vcpus[1].pcpu, 2);
	assert_int_equal(cfg.vcpus[1].prio, 1);
	assert_int_equal(cfg.vcpus[1].slice_ns, 10000000);

	assert_int_equal(cfg.nr_mem, 3);
	assert_string_equal(cfg.mem[0].name, "rom");
	assert_int_equal(cfg.mem[0].type, GUEST_MEM_ROM);
	assert_int_equal(cfg.mem[0].ipa, 0);
	assert_int_equal(cfg.mem[0].size, 0x10000);
	assert_string_equal(cfg.mem[0].image, "boot.rom");
	assert_string_equal(cfg.mem[1].name, "memory");
	assert_int_equal(cfg.mem[1].type, GUEST_MEM_RAM);
	assert_int_equal(cfg.mem[1].ipa, 0x40000000);
	assert_int_equal(cfg.mem[1].size, 0x10000000);
	assert_string_equal(cfg.mem[1].image, "");
	assert_int_equal(cfg.mem[2].type, GUEST_MEM_RAM);
	assert_int_equal(cfg.mem[2].ipa, 0x100000000ULL);
	assert_int_equal(cfg.mem[2].size, 0x40000000);

	assert_int_equal(cfg.nr_devs, 3);
	assert_string_equal(cfg.devs[0].name, "uart0");
	assert_string_equal(cfg.devs[0].compatible, "arm,pl011");
	assert_int_equal(cfg.devs[0].ipa, 0x09000000);
	assert_int_equal(cfg.devs[0].size, 0x1000);
	assert_int_equal(cfg.devs[0].irq, 33);
	assert_false(cfg.devs[0].irq_edge);
	assert_int_equal(cfg.devs[0].kind, GUEST_DEV_EMULATED);
	assert_false(cfg.devs[0].passthrough);
	assert_int_equal(cfg.devs[0].host_pa, 0);
	assert_int_equal(cfg.devs[0].host_irq, 0);

	assert_string_equal(cfg.devs[1].name, "eth0");
	assert_string_equal(cfg.devs[1].compatible, "mantle,passthrough");
	assert_true(cfg.devs[1].passthrough);
	assert_int_equal(cfg.devs[1].kind, GUEST_DEV_PASSTHROUGH);
	assert_string_equal(cfg.devs[1].guest_compatible, "");
	assert_false(cfg.devs[1].dma);
	assert_int_equal(cfg.devs[1].ipa, 0x0a000000);
	assert_int_equal(cfg.devs[1].size, 0x2000);
	assert_int_equal(cfg.devs[1].irq, 48);
	assert_int_equal(cfg.devs[1].host_pa, 0x1c000000);
	assert_int_equal(cfg.devs[1].host_irq, 79);
	/* The guest side's trigger, not the host side's (<0 47 1>). */
	assert_false(cfg.devs[1].irq_edge);

	assert_string_equal(cfg.devs[2].name, "gpio");
	assert_true(cfg.devs[2].passthrough);
	assert_int_equal(cfg.devs[2].host_pa, 0x1000000000ULL);
	assert_int_equal(cfg.devs[2].irq, 0);
	assert_int_equal(cfg.devs[2].host_irq, 0);

	assert_string_equal(cfg.kernel, "linux/Image");
	assert_string_equal(cfg.initrd, "linux/initrd.cpio");
	assert_string_equal(cfg.dtb, "linux/guest.dtb");
	assert_string_equal(cfg.bootargs, "console=ttyAMA0 earlycon");
	assert_true(cfg.has_entry);
	assert_int_equal(cfg.entry, 0x40080000);

	assert_int_equal(cfg.on_stop, GUEST_POLICY_RESTART);
	assert_int_equal(cfg.on_crash, GUEST_POLICY_RESTART);
	assert_int_equal(cfg.on_abort, GUEST_ABORT_STOP);
	assert_true(cfg.autostart);
}

static void test_minimal_description_gets_the_defaults(void **state)
{
	expect_ok(BASE);
	assert_string_equal(cfg.name, "g");
	assert_int_equal(cfg.nr_vcpus, 1);
	assert_int_equal(cfg.vcpus[0].pcpu, 0);
	assert_int_equal(cfg.vcpus[0].prio, CONFIG_SCHED_PRIORITIES / 2);
	assert_int_equal(cfg.vcpus[0].slice_ns, CONFIG_SCHED_DEFAULT_SLICE_US * 1000ULL);
	assert_int_equal(cfg.nr_mem, 1);
	assert_int_equal(cfg.nr_devs, 0);
	assert_string_equal(cfg.kernel, "Image");
	assert_string_equal(cfg.initrd, "");
	assert_string_equal(cfg.dtb, "");
	assert_string_equal(cfg.bootargs, "");
	assert_false(cfg.has_entry);
	assert_int_equal(cfg.on_stop, GUEST_POLICY_HALT);
	assert_int_equal(cfg.on_crash, GUEST_POLICY_HALT);
	assert_int_equal(cfg.on_abort, GUEST_ABORT_INJECT);
	assert_false(cfg.autostart);
}

static void test_boot_order_and_delay(void **state)
{
	expect_ok(BASE);
	assert_false(cfg.has_boot_order);
	assert_int_equal(cfg.boot_order, 0);
	assert_int_equal(cfg.boot_delay_ms, 0);

	expect_ok(BASE "/ { autostart; boot-order = <2>; boot-delay-ms = <1500>; };");
	assert_true(cfg.has_boot_order);
	assert_int_equal(cfg.boot_order, 2);
	assert_int_equal(cfg.boot_delay_ms, 1500);

	/* 0 is an order like any other; a delay alone leaves the guest unordered. */
	expect_ok(BASE "/ { autostart; boot-order = <0>; };");
	assert_true(cfg.has_boot_order);
	assert_int_equal(cfg.boot_order, 0);
	assert_int_equal(cfg.boot_delay_ms, 0);
	expect_ok(BASE "/ { autostart; boot-delay-ms = <700>; };");
	assert_false(cfg.has_boot_order);
	assert_int_equal(cfg.boot_delay_ms, 700);

	/* The limits. */
	expect_ok(BASE "/ { autostart; boot-order = <0xffffffff>; boot-delay-ms = <3600000>; };");
	assert_true(cfg.has_boot_order);
	assert_int_equal(cfg.boot_order, 0xffffffffU);
	assert_int_equal(cfg.boot_delay_ms, GUEST_BOOT_DELAY_MS_MAX);
	assert_int_equal(GUEST_BOOT_DELAY_MS_MAX, 3600000);
}

static void test_one_cell_addresses_and_sizes_are_honoured(void **state)
{
	expect_ok("/dts-v1/;\n"
		  "/ {\n"
		  "	compatible = \"mantle,guest\";\n"
		  "	guest-name = \"small\";\n"
		  "	#address-cells = <1>;\n"
		  "	#size-cells = <1>;\n"
		  "	cpus { #address-cells = <1>; #size-cells = <0>; cpu@0 { reg = <0>; pcpu = <0>; }; };\n"
		  "	memory@80000000 { device_type = \"memory\"; reg = <0x80000000 0x200000>; };\n"
		  "	uart0@9000000 { compatible = \"arm,pl011\"; reg = <0x9000000 0x1000>; };\n"
		  "	boot { kernel = \"k\"; entry = <0x80000000>; };\n"
		  "};\n");
	assert_int_equal(cfg.mem[0].ipa, 0x80000000);
	assert_int_equal(cfg.mem[0].size, 0x200000);
	assert_int_equal(cfg.devs[0].ipa, 0x9000000);
	assert_int_equal(cfg.devs[0].irq, 0);
	assert_int_equal(cfg.entry, 0x80000000);
}

static void test_limits_are_accepted(void **state)
{
	/* Longest strings, extreme priorities, the last SPI, an edge trigger. */
	expect_ok(BASE "/ { guest-name = \"" S31 "\"; cpus { cpu@0 { priority = <7>; }; };"
		  "boot { kernel = \"" S63 "\"; initrd = \"" S63 "\"; dtb = \"" S63 "\";"
		  " bootargs = \"" S255 "\"; };"
		  UART "interrupts = <0 987 1>; }; };");
	assert_string_equal(cfg.name, S31);
	assert_int_equal(cfg.vcpus[0].prio, 7);
	assert_string_equal(cfg.bootargs, S255);
	assert_int_equal(cfg.devs[0].irq, 1019);

	expect_ok(BASE "/ { cpus { cpu@0 { priority = <1>; time-slice-us = <1>; }; };"
		  S31 "@1000 { compatible = \"arm,pl011\"; reg = <0 0x1000 0 0x1000>; }; };");
	assert_int_equal(cfg.vcpus[0].prio, 1);
	assert_int_equal(cfg.vcpus[0].slice_ns, 1000);
	assert_string_equal(cfg.devs[0].name, S31);

	/* A region may end at the very top of the address space. */
	expect_ok(BASE "/ { rom@fffffffffffff000 { compatible = \"mantle,rom\";"
		  " reg = <0xffffffff 0xfffff000 0 0x1000>; }; };");
	assert_int_equal(cfg.mem[1].ipa, 0xfffffffffffff000ULL);
}

static void test_all_vcpus_and_host_cpus(void **state)
{
	char dts[4096] = BASE "/ { cpus {";

	for (int i = 1; i < GUEST_MAX_VCPUS; i++)
		append(dts, sizeof(dts), " cpu@%d { reg = <%d>; pcpu = <%d>; };", i, i, i);
	append(dts, sizeof(dts), " }; };");
	expect_ok_at(dts, 8, __FILE__, __LINE__);
	assert_int_equal(cfg.nr_vcpus, GUEST_MAX_VCPUS);
	assert_int_equal(cfg.vcpus[7].pcpu, 7);
	/* The same with one host CPU fewer. */
	assert_int_equal(parse_dts_on(dts, 7), -1);
	assert_string_equal(err, FILE_NAME ": /cpus/cpu@7: pinned to CPU 7 but the host has 7");
}

static void test_most_regions_and_devices_are_accepted(void **state)
{
	char dts[8192] = BASE "/ {";

	for (int i = 1; i < GUEST_MAX_MEM; i++)
		append(dts, sizeof(dts), " memory@%x { device_type = \"memory\"; reg = <0 0x%x 0 0x1000>; };",
		       0x50000000 + i * 0x1000, 0x50000000 + i * 0x1000);
	for (int i = 0; i < GUEST_MAX_DEVICES; i++)
		append(dts, sizeof(dts), " uart%d@%x { compatible = \"arm,pl011\"; reg = <0 0x%x 0 0x1000>; };",
		       i, 0x9000000 + i * 0x1000, 0x9000000 + i * 0x1000);
	append(dts, sizeof(dts), " };");
	expect_ok(dts);
	assert_int_equal(cfg.nr_mem, GUEST_MAX_MEM);
	assert_int_equal(cfg.nr_devs, GUEST_MAX_DEVICES);
	assert_string_equal(cfg.devs[15].name, "uart15");
}

/* ------------------------------------------------------------ virtio devices, channels */

static const char virtio_dts[] =
	BASE
	"/ {\n"
	"	guest-name = \"linux0\";\n"
	"	vda@a000000 {\n"
	"		compatible = \"mantle,virtio-blk\";\n"
	"		reg = <0 0x0a000000 0 0x1000>;\n"
	"		interrupts = <0 16 1>;\n"
	"		backend = \"disk0\";\n"
	"		sector-range = <0x1 0x2 0x0 0x800>;\n"
	"		read-only;\n"
	"	};\n"
	"	vdb@a001000 {\n"
	"		compatible = \"mantle,virtio-blk\";\n"
	"		reg = <0 0x0a001000 0 0x1000>;\n"
	"		interrupts = <0 17 4>;\n"
	"		ramdisk = \"linux0/rootfs.img\";\n"
	"	};\n"
	"	net0@a002000 {\n"
	"		compatible = \"mantle,virtio-net\";\n"
	"		reg = <0 0x0a002000 0 0x1000>;\n"
	"		interrupts = <0 18 1>;\n"
	"		switch = \"lan0\";\n"
	"		mac-address = [02 00 5e 10 20 ff];\n"
	"	};\n"
	"	net1@a003000 {\n"
	"		compatible = \"mantle,virtio-net\";\n"
	"		reg = <0 0x0a003000 0 0x1000>;\n"
	"		interrupts = <0 19 1>;\n"
	"		switch = \"lan0\";\n"
	"	};\n"
	"	hvc0@a004000 {\n"
	"		compatible = \"mantle,virtio-console\";\n"
	"		reg = <0 0x0a004000 0 0x1000>;\n"
	"		interrupts = <0 20 1>;\n"
	"	};\n"
	"	rng@a005000 {\n"
	"		compatible = \"mantle,virtio-rng\";\n"
	"		reg = <0 0x0a005000 0 0x2000>;\n"
	"		interrupts = <0 21 4>;\n"
	"	};\n"
	"	shm0@50000000 {\n"
	"		compatible = \"mantle,channel\";\n"
	"		reg = <0 0x50000000 0 0x10000>;\n"
	"		interrupts = <0 40 1>;\n"
	"		channel = \"ipc-0_a\";\n"
	"		peer = \"linux1\";\n"
	"	};\n"
	"	shm1@50010000 {\n"
	"		compatible = \"mantle,channel\";\n"
	"		reg = <0 0x50010000 0 0x1000>;\n"
	"		interrupts = <0 41 4>;\n"
	"		channel = \"ipc1\";\n"
	"		peer = \"linux1\";\n"
	"	};\n"
	"	gpu@a010000 {\n"
	"		compatible = \"mantle,passthrough\";\n"
	"		reg = <0 0x0a010000 0 0x1000>;\n"
	"		interrupts = <0 42 1>;\n"
	"		host-reg = <0 0x1c000000 0 0x1000>;\n"
	"		host-interrupts = <0 60 4>;\n"
	"		guest-compatible = \"vendor,gpu-v2\";\n"
	"		dma-capable;\n"
	"	};\n"
	"};\n";

static void test_virtio_devices_fill_their_fields(void **state)
{
	const struct guest_dev_config *d = cfg.devs;

	expect_ok(virtio_dts);
	assert_int_equal(cfg.nr_devs, 9);

	assert_string_equal(d[0].name, "vda");
	assert_string_equal(d[0].compatible, "mantle,virtio-blk");
	assert_int_equal(d[0].kind, GUEST_DEV_EMULATED);
	assert_false(d[0].passthrough);
	assert_int_equal(d[0].irq, 48);
	assert_true(d[0].irq_edge);
	assert_string_equal(d[0].blk_backend, "disk0");
	assert_string_equal(d[0].blk_ramdisk, "");
	assert_true(d[0].blk_has_range);
	assert_int_equal(d[0].blk_start, 0x100000002ULL);
	assert_int_equal(d[0].blk_count, 0x800);
	assert_true(d[0].read_only);

	assert_string_equal(d[1].compatible, "mantle,virtio-blk");
	assert_int_equal(d[1].irq, 49);
	assert_false(d[1].irq_edge);
	assert_string_equal(d[1].blk_backend, "");
	assert_string_equal(d[1].blk_ramdisk, "linux0/rootfs.img");
	assert_false(d[1].blk_has_range);
	assert_int_equal(d[1].blk_start, 0);
	assert_int_equal(d[1].blk_count, 0);
	assert_false(d[1].read_only);

	assert_string_equal(d[2].compatible, "mantle,virtio-net");
	assert_int_equal(d[2].kind, GUEST_DEV_EMULATED);
	assert_string_equal(d[2].net_switch, "lan0");
	assert_true(d[2].has_mac);
	assert_memory_equal(d[2].mac, ((const uint8_t[]){ 0x02, 0x00, 0x5e, 0x10, 0x20, 0xff }), 6);
	assert_string_equal(d[3].net_switch, "lan0");
	assert_false(d[3].has_mac);
	assert_memory_equal(d[3].mac, ((const uint8_t[6]){ 0 }), 6);

	assert_string_equal(d[4].name, "hvc0");
	assert_string_equal(d[4].compatible, "mantle,virtio-console");
	assert_int_equal(d[4].kind, GUEST_DEV_EMULATED);
	assert_int_equal(d[4].irq, 52);
	assert_string_equal(d[5].compatible, "mantle,virtio-rng");
	assert_int_equal(d[5].size, 0x2000);
	assert_false(d[5].irq_edge);

	assert_string_equal(d[6].name, "shm0");
	assert_string_equal(d[6].compatible, "mantle,channel");
	assert_int_equal(d[6].kind, GUEST_DEV_CHANNEL);
	assert_false(d[6].passthrough);
	assert_int_equal(d[6].ipa, 0x50000000);
	assert_int_equal(d[6].size, 0x10000);
	assert_int_equal(d[6].irq, 72);
	assert_true(d[6].irq_edge);
	assert_string_equal(d[6].chan_name, "ipc-0_a");
	assert_string_equal(d[6].chan_peer, "linux1");
	/* Two channels to one peer, by different names. */
	assert_string_equal(d[7].chan_name, "ipc1");
	assert_string_equal(d[7].chan_peer, "linux1");
	assert_false(d[7].irq_edge);

	assert_string_equal(d[8].compatible, "mantle,passthrough");
	assert_int_equal(d[8].kind, GUEST_DEV_PASSTHROUGH);
	assert_true(d[8].passthrough);
	assert_string_equal(d[8].guest_compatible, "vendor,gpu-v2");
	assert_true(d[8].dma);
	assert_int_equal(d[8].irq, 74);
	assert_true(d[8].irq_edge);
	assert_int_equal(d[8].host_irq, 92);

	/* Fields of other kinds stay empty. */
	assert_string_equal(d[0].net_switch, "");
	assert_string_equal(d[0].chan_name, "");
	assert_string_equal(d[2].blk_backend, "");
	assert_string_equal(d[6].guest_compatible, "");
	assert_false(d[6].dma);
}

static void test_every_known_device_is_emulated(void **state)
{
	/* What each compatible needs besides reg and interrupts. */
	static const struct { const char *compatible, *extra; } needs[] = {
		{ "arm,pl011", "" },
		{ "arm,sp805", "" },
		{ "mantle,virtio-blk", "ramdisk = \"r.img\";" },
		{ "mantle,virtio-net", "switch = \"s\";" },
		{ "mantle,virtio-console", "" },
		{ "mantle,virtio-rng", "" },
	};
	size_t n = 0;

	for (; guest_known_devices[n]; n++) {
		const char *extra = NULL;
		char dts[2048];

		for (size_t i = 0; i < sizeof(needs) / sizeof(needs[0]); i++)
			if (strcmp(needs[i].compatible, guest_known_devices[n]) == 0)
				extra = needs[i].extra;
		if (!extra)
			print_error("no test for known device \"%s\"\n", guest_known_devices[n]);
		assert_non_null(extra);
		snprintf(dts, sizeof(dts), BASE "/ { d@1000 { compatible = \"x,y\", \"%s\";"
			 " reg = <0 0x1000 0 0x1000>; interrupts = <0 3 4>; %s }; };",
			 guest_known_devices[n], extra);
		expect_ok(dts);
		assert_string_equal(cfg.devs[0].compatible, guest_known_devices[n]);
		assert_int_equal(cfg.devs[0].kind, GUEST_DEV_EMULATED);
		assert_false(cfg.devs[0].passthrough);
	}
	assert_int_equal(n, sizeof(needs) / sizeof(needs[0]));
}

static void test_virtio_limits_are_accepted(void **state)
{
	/* Longest names, a '/' in a backend, a range that ends at 2^64 - 1. */
	expect_ok(BASE "/ { " VBLK_IRQ "backend = \"" S47 "\"; };"
		  VNET_IRQ "switch = \"" S15 "\"; mac-address = [fe ff ff ff ff ff]; };"
		  CHAN_IRQ "channel = \"" S31 "\"; peer = \"" S31 "\"; };"
		  PASSTHROUGH "host-reg = <0 0x1c000000 0 0x1000>; guest-compatible = \"" S31 "\"; }; };");
	assert_string_equal(cfg.devs[0].blk_backend, S47);
	assert_string_equal(cfg.devs[1].net_switch, S15);
	assert_int_equal(cfg.devs[1].mac[0], 0xfe);
	assert_string_equal(cfg.devs[2].chan_name, S31);
	assert_string_equal(cfg.devs[2].chan_peer, S31);
	assert_string_equal(cfg.devs[3].guest_compatible, S31);

	expect_ok(BASE "/ { " VBLK_IRQ "backend = \"host/disk-0_p1\";"
		  " sector-range = <0xffffffff 0xfffffffe 0 1>; }; };");
	assert_string_equal(cfg.devs[0].blk_backend, "host/disk-0_p1");
	assert_int_equal(cfg.devs[0].blk_start, 0xfffffffffffffffeULL);
	assert_int_equal(cfg.devs[0].blk_count, 1);

	expect_ok(BASE "/ { " VBLK_IRQ "backend = \"d\"; read-only;"
		  " sector-range = <0 0 0xffffffff 0xffffffff>; }; };");
	assert_int_equal(cfg.devs[0].blk_start, 0);
	assert_int_equal(cfg.devs[0].blk_count, UINT64_MAX);
	assert_true(cfg.devs[0].read_only);

	/* A RAM disk may be read-only; a ramdisk path is as long as any bundle path. */
	expect_ok(BASE "/ { " VBLK_IRQ "ramdisk = \"" S63 "\"; read-only; }; };");
	assert_string_equal(cfg.devs[0].blk_ramdisk, S63);
	assert_true(cfg.devs[0].read_only);
}

static void test_channels_count_as_devices(void **state)
{
	char dts[8192] = BASE "/ {";

	for (int i = 0; i < GUEST_MAX_DEVICES; i++)
		append(dts, sizeof(dts), " c%d@%x { compatible = \"mantle,channel\"; reg = <0 0x%x 0 0x1000>;"
		       " interrupts = <0 %d 1>; channel = \"c%d\"; peer = \"other\"; };",
		       i, 0x9000000 + i * 0x1000, 0x9000000 + i * 0x1000, i, i);
	append(dts, sizeof(dts), " };");
	expect_ok(dts);
	assert_int_equal(cfg.nr_devs, GUEST_MAX_DEVICES);
	assert_int_equal(cfg.devs[15].kind, GUEST_DEV_CHANNEL);
	assert_string_equal(cfg.devs[15].chan_name, "c15");

	/* One more device of any kind is one too many. */
	append(dts, sizeof(dts), " / { " VBLK_IRQ "ramdisk = \"r\"; }; };");
	expect_error(dts, FILE_NAME ": /vda@a100000: more than 16 devices");
}

static void test_every_device_gets_its_own_interrupt(void **state)
{
	char dts[8192] = BASE "/ {";

	/* Sixteen devices of every kind, sixteen SPIs, the last one and 0 among them. */
	for (int i = 0; i < GUEST_MAX_DEVICES; i++) {
		int spi = i == 0 ? 0 : i == 1 ? 987 : i;

		switch (i % 4) {
		case 0:
			append(dts, sizeof(dts), " d%d@%x { compatible = \"mantle,virtio-rng\";", i,
			       0x9000000 + i * 0x1000);
			break;
		case 1:
			append(dts, sizeof(dts), " d%d@%x { compatible = \"arm,pl011\";", i,
			       0x9000000 + i * 0x1000);
			break;
		case 2:
			append(dts, sizeof(dts), " d%d@%x { compatible = \"mantle,channel\";"
			       " channel = \"c%d\"; peer = \"p\";", i, 0x9000000 + i * 0x1000, i);
			break;
		default:
			append(dts, sizeof(dts), " d%d@%x { compatible = \"mantle,passthrough\";"
			       " host-reg = <0 0x%x 0 0x1000>; host-interrupts = <0 %d 4>;", i,
			       0x9000000 + i * 0x1000, 0x1c000000 + i * 0x1000, 100 + i);
			break;
		}
		append(dts, sizeof(dts), " reg = <0 0x%x 0 0x1000>; interrupts = <0 %d 4>; };",
		       0x9000000 + i * 0x1000, spi);
	}
	append(dts, sizeof(dts), " };");
	expect_ok(dts);
	assert_int_equal(cfg.nr_devs, GUEST_MAX_DEVICES);
	for (unsigned i = 0; i < cfg.nr_devs; i++)
		for (unsigned j = 0; j < i; j++)
			assert_int_not_equal(cfg.devs[i].irq, cfg.devs[j].irq);
	assert_int_equal(cfg.devs[0].irq, 32);
	assert_int_equal(cfg.devs[1].irq, 1019);
}

static void test_messages_stay_one_printable_line(void **state)
{
	/* dtc passes control characters through; the message shows them as '?'. */
	expect_error(BASE "/ { guest-name = \"a\\tb\\nc\"; };",
		     FILE_NAME ": /: guest-name \"a?b?c\" may only contain letters, digits, '-' and '_'");
	expect_error(BASE "/ { " PASSTHROUGH "host-reg = <0 0x1c000000 0 0x1000>;"
		     " guest-compatible = \"x\\x1b[2J\"; }; };",
		     FILE_NAME ": /dev@a000000: guest-compatible \"x?[2J\" may only contain printing "
		     "characters, no spaces");
	expect_error(BASE "/ { on-stop = \"\\xff\\x7f\"; };",
		     FILE_NAME ": /: on-stop \"??\" is not \"halt\" or \"restart\"");
}

/* The example in docs/guest-dts.md is a valid description. */
static void test_documented_example(void **state)
{
	static const char *const shown[] = {
		"arm,pl011", "mantle,passthrough", "mantle,virtio-blk", "mantle,virtio-net",
		"mantle,virtio-console", "mantle,channel",
	};
	const char *path = "docs/guest-dts.md";
	char cmd[512];
	size_t size;
	int status;
	uint8_t *dts;

	/* The dts block that follows "## Example". */
	snprintf(cmd, sizeof(cmd),
		 "sed -n '/^## Example/,/^## /p' '%s' | sed -n '/^```dts/,/^```$/p' | sed '1d;$d'", path);
	dts = run(cmd, &size, &status);
	assert_int_equal(status, 0);
	assert_true(size > 100);
	expect_ok((const char *)dts);
	free(dts);
	assert_string_equal(cfg.name, "linux0");
	/* It shows every kind of device. */
	for (size_t k = 0; k < sizeof(shown) / sizeof(shown[0]); k++) {
		bool found = false;

		for (unsigned i = 0; i < cfg.nr_devs; i++)
			found |= strcmp(cfg.devs[i].compatible, shown[k]) == 0;
		if (!found)
			fail_msg("the example has no %s", shown[k]);
	}
}

/* ------------------------------------------------------------ the shipped guests */

static void parse_guest_file(const char *path, unsigned host_cpus)
{
	char cmd[512];
	size_t size;
	int status;
	uint8_t *out, *blob;

	/* They ship, so dtc must have nothing to say about them either. */
	snprintf(cmd, sizeof(cmd), "dtc -I dts -O dtb -o /dev/null '%s' 2>&1", path);
	out = run(cmd, &size, &status);
	if (status != 0 || size != 0)
		print_error("dtc on %s:\n%s\n", path, (char *)out);
	assert_int_equal(status, 0);
	assert_int_equal(size, 0);
	free(out);

	blob = compile_file(path, false, &size);
	status = guest_config_parse(blob, size, path, host_cpus, &cfg, err, sizeof(err));
	free(blob);
	if (status != 0)
		print_error("%s\n", err);
	assert_int_equal(status, 0);
}

/* The channel both firmware guests declare, as the last device. */
static void check_fwlink(const char *peer)
{
	const struct guest_dev_config *d = &cfg.devs[cfg.nr_devs - 1];

	assert_int_equal(d->kind, GUEST_DEV_CHANNEL);
	assert_string_equal(d->chan_name, "fwlink");
	assert_string_equal(d->chan_peer, peer);
	assert_int_equal(d->ipa, 0x50000000);
	assert_int_equal(d->size, 0x10000);
	assert_int_equal(d->irq, 52);
	assert_true(d->irq_edge);
}

static void check_fw_common(unsigned nr_devs)
{
	assert_true(cfg.autostart);
	assert_int_equal(cfg.on_crash, GUEST_POLICY_HALT);
	assert_int_equal(cfg.on_stop, GUEST_POLICY_HALT);
	assert_int_equal(cfg.on_abort, GUEST_ABORT_INJECT);
	assert_string_equal(cfg.kernel, "fw.bin");
	assert_string_equal(cfg.initrd, "");
	assert_string_equal(cfg.dtb, "");
	assert_false(cfg.has_entry);
	for (unsigned i = 0; i < cfg.nr_vcpus; i++) {
		assert_int_equal(cfg.vcpus[i].prio, CONFIG_SCHED_PRIORITIES / 2);
		assert_int_equal(cfg.vcpus[i].slice_ns, CONFIG_SCHED_DEFAULT_SLICE_US * 1000ULL);
	}
	assert_int_equal(cfg.nr_devs, nr_devs);
	assert_string_equal(cfg.devs[0].name, "uart0");
	assert_string_equal(cfg.devs[0].compatible, "arm,pl011");
	assert_int_equal(cfg.devs[0].ipa, 0x09000000);
	assert_int_equal(cfg.devs[0].size, 0x1000);
	assert_int_equal(cfg.devs[0].irq, 33);
	assert_false(cfg.devs[0].passthrough);
}

static void test_fw0_dts(void **state)
{
	parse_guest_file("configs/guests/fw0.dts", HOST_CPUS);
	assert_string_equal(cfg.name, "fw0");
	assert_int_equal(cfg.nr_vcpus, 1);
	assert_int_equal(cfg.vcpus[0].pcpu, 1);
	assert_int_equal(cfg.nr_mem, 1);
	assert_int_equal(cfg.mem[0].type, GUEST_MEM_RAM);
	assert_int_equal(cfg.mem[0].ipa, 0x40000000);
	assert_int_equal(cfg.mem[0].size, 64 << 20);
	check_fw_common(4);
	assert_string_equal(cfg.devs[1].compatible, "mantle,virtio-rng");
	assert_int_equal(cfg.devs[1].irq, 48);
	assert_string_equal(cfg.devs[2].compatible, "mantle,virtio-blk");
	assert_string_equal(cfg.devs[2].blk_ramdisk, "fw/disk.img");
	assert_int_equal(cfg.devs[2].irq, 49);
	check_fwlink("fw1");
}

/* The default Linux guests: their halves of disk0, one switch, distinct MACs. */
static void check_linux(const char *file, const char *name, uint64_t start, uint8_t mac_last)
{
	parse_guest_file(file, HOST_CPUS);
	assert_string_equal(cfg.name, name);
	assert_int_equal(cfg.nr_vcpus, 2);
	assert_string_equal(cfg.devs[1].compatible, "mantle,virtio-blk");
	assert_string_equal(cfg.devs[1].blk_backend, "disk0");
	assert_true(cfg.devs[1].blk_has_range);
	assert_int_equal(cfg.devs[1].blk_start, start);
	assert_int_equal(cfg.devs[1].blk_count, 0x20000);
	assert_string_equal(cfg.devs[2].compatible, "mantle,virtio-net");
	assert_string_equal(cfg.devs[2].net_switch, "sw0");
	assert_true(cfg.devs[2].has_mac);
	assert_int_equal(cfg.devs[2].mac[5], mac_last);
	assert_string_equal(cfg.devs[3].compatible, "mantle,virtio-rng");
	assert_string_equal(cfg.devs[4].compatible, "mantle,virtio-console");
}

static void test_linux_dts(void **state)
{
	check_linux("configs/guests/linux0.dts", "linux0", 0, 0x0a);
	assert_int_equal(cfg.nr_devs, 5);
	check_linux("configs/guests/linux1.dts", "linux1", 0x20000, 0x0b);
	assert_int_equal(cfg.nr_devs, 6);
	assert_int_equal(cfg.devs[5].kind, GUEST_DEV_PASSTHROUGH);
	assert_string_equal(cfg.devs[5].guest_compatible, "virtio,mmio");
	assert_true(cfg.devs[5].dma);
	assert_int_equal(cfg.devs[5].host_pa, 0x0a000000);
	assert_int_equal(cfg.devs[5].host_irq, 48);
}

static void test_fw1_dts(void **state)
{
	parse_guest_file("configs/guests/fw1.dts", HOST_CPUS);
	assert_string_equal(cfg.name, "fw1");
	assert_int_equal(cfg.nr_vcpus, 2);
	assert_int_equal(cfg.vcpus[0].pcpu, 2);
	assert_int_equal(cfg.vcpus[1].pcpu, 3);
	assert_int_equal(cfg.nr_mem, 2);
	assert_int_equal(cfg.mem[0].type, GUEST_MEM_ROM);
	assert_int_equal(cfg.mem[0].ipa, 0);
	assert_int_equal(cfg.mem[0].size, 64 << 10);
	assert_string_equal(cfg.mem[0].image, "");
	assert_int_equal(cfg.mem[1].type, GUEST_MEM_RAM);
	assert_int_equal(cfg.mem[1].ipa, 0x40000000);
	assert_int_equal(cfg.mem[1].size, 64 << 20);
	check_fw_common(2);
	check_fwlink("fw0");
}

static void test_fw1_needs_four_host_cpus(void **state)
{
	size_t size;
	uint8_t *blob = compile_file("configs/guests/fw1.dts", false, &size);

	assert_int_equal(guest_config_parse(blob, size, "fw1.dtb", 3, &cfg, err, sizeof(err)), -1);
	free(blob);
	assert_string_equal(err, "fw1.dtb: /cpus/cpu@1: pinned to CPU 3 but the host has 3");
}

/* ------------------------------------------------------------ broken blobs */

static uint8_t *base_blob(size_t *size)
{
	return compile_dts(BASE, size);
}

static int parse_blob(const void *blob, size_t size)
{
	return guest_config_parse(blob, size, FILE_NAME, HOST_CPUS, &cfg, err, sizeof(err));
}

static void test_blob_smaller_than_a_header(void **state)
{
	size_t size;
	uint8_t *blob = base_blob(&size);

	assert_int_equal(parse_blob(blob, 10), -1);
	assert_string_equal(err, FILE_NAME ": /: truncated: 10 bytes, less than a DTB header");
	assert_int_equal(parse_blob(NULL, 0), -1);
	assert_string_equal(err, FILE_NAME ": /: truncated: 0 bytes, less than a DTB header");
	free(blob);
}

static void test_blob_shorter_than_its_header_says(void **state)
{
	size_t size;
	uint8_t *blob = base_blob(&size);
	char msg[128];

	snprintf(msg, sizeof(msg),
		 FILE_NAME ": /: truncated: the header says %zu bytes, only %zu are there", size, size - 1);
	assert_int_equal(parse_blob(blob, size - 1), -1);
	assert_string_equal(err, msg);
	free(blob);
}

static void test_blob_with_bad_magic(void **state)
{
	size_t size;
	uint8_t *blob = base_blob(&size);

	blob[0] ^= 0xff;
	assert_int_equal(parse_blob(blob, size), -1);
	assert_string_equal(err, FILE_NAME ": /: not a valid DTB (FDT_ERR_BADMAGIC)");
	free(blob);
}

static void test_blob_with_bad_version(void **state)
{
	size_t size;
	uint8_t *blob = base_blob(&size);
	struct fdt_header *h = (struct fdt_header *)blob;

	h->version = cpu_to_fdt32(99);
	h->last_comp_version = cpu_to_fdt32(99);
	assert_int_equal(parse_blob(blob, size), -1);
	assert_string_equal(err, FILE_NAME ": /: not a valid DTB (FDT_ERR_BADVERSION)");
	free(blob);
}

/*
 * Found by tests/fuzz/fuzz_guest_dts.c: before version 16 node names were
 * full paths, and libfdt 1.6's fdt_check_full() crashed on such a blob
 * whose root name has no '/'. Only dtc's version 17 is taken.
 */
static void test_blob_with_old_version(void **state)
{
	static const uint32_t old[][2] = { { 3, 2 }, { 16, 16 } };   /* version, last_comp_version */
	size_t size;
	uint8_t *blob = base_blob(&size);
	struct fdt_header *h = (struct fdt_header *)blob;

	for (size_t i = 0; i < sizeof(old) / sizeof(old[0]); i++) {
		h->version = cpu_to_fdt32(old[i][0]);
		h->last_comp_version = cpu_to_fdt32(old[i][1]);
		assert_int_equal(parse_blob(blob, size), -1);
		assert_string_equal(err, FILE_NAME ": /: not a valid DTB (FDT_ERR_BADVERSION)");
	}
	free(blob);
}

static void test_blob_with_corrupt_structure(void **state)
{
	size_t size;
	uint8_t *blob = base_blob(&size);
	struct fdt_header *h = (struct fdt_header *)blob;
	fdt32_t *tag;

	/* The root's FDT_BEGIN_NODE tag becomes garbage. */
	tag = (fdt32_t *)(blob + fdt32_to_cpu(h->off_dt_struct));
	assert_int_equal(fdt32_to_cpu(*tag), FDT_BEGIN_NODE);
	*tag = cpu_to_fdt32(0xdeadbeef);
	assert_int_equal(parse_blob(blob, size), -1);
	assert_string_equal(err, FILE_NAME ": /: corrupt DTB (FDT_ERR_BADSTRUCTURE)");
	free(blob);
}

static void test_blob_with_string_offset_outside_the_strings(void **state)
{
	size_t size;
	uint8_t *blob = base_blob(&size);
	struct fdt_header *h = (struct fdt_header *)blob;
	fdt32_t *p = (fdt32_t *)(blob + fdt32_to_cpu(h->off_dt_struct));

	/* FDT_BEGIN_NODE, the root's empty name padded to a cell, then its first FDT_PROP. */
	assert_int_equal(fdt32_to_cpu(p[2]), FDT_PROP);
	p[4] = cpu_to_fdt32(0x7fffff00);       /* nameoff */
	assert_int_equal(parse_blob(blob, size), -1);
	assert_string_equal(err, FILE_NAME ": /: corrupt DTB (FDT_ERR_BADOFFSET)");
	free(blob);
}

/*
 * What dtc refuses to write, libfdt's sequential writer writes: a root with
 * two nodes of one name, a node with one property many times over.
 */
enum raw_twist { RAW_TWO_CPUS_NODES, RAW_TWO_BOOT_NODES, RAW_MANY_PROPERTIES };

#define SW(call) assert_int_equal((call), 0)

static void build_raw(void *buf, int len, enum raw_twist twist)
{
	const fdt32_t ram_reg[] = { 0, cpu_to_fdt32(0x40000000), 0, cpu_to_fdt32(0x100000) };

	SW(fdt_create(buf, len));
	SW(fdt_finish_reservemap(buf));
	SW(fdt_begin_node(buf, ""));
	SW(fdt_property_string(buf, "compatible", "mantle,guest"));
	SW(fdt_property_string(buf, "guest-name", "g"));
	SW(fdt_property_u32(buf, "#address-cells", 2));
	SW(fdt_property_u32(buf, "#size-cells", 2));
	for (int i = 0; i < (twist == RAW_TWO_CPUS_NODES ? 2 : 1); i++) {
		SW(fdt_begin_node(buf, "cpus"));
		SW(fdt_begin_node(buf, "cpu@0"));
		SW(fdt_property_u32(buf, "reg", 0));
		SW(fdt_property_u32(buf, "pcpu", 0));
		SW(fdt_end_node(buf));
		SW(fdt_end_node(buf));
	}
	SW(fdt_begin_node(buf, "memory@40000000"));
	SW(fdt_property_string(buf, "device_type", "memory"));
	SW(fdt_property(buf, "reg", ram_reg, sizeof(ram_reg)));
	SW(fdt_end_node(buf));
	for (int i = 0; i < (twist == RAW_TWO_BOOT_NODES ? 2 : 1); i++) {
		SW(fdt_begin_node(buf, "boot"));
		SW(fdt_property_string(buf, "kernel", "Image"));
		for (int j = 0; j < (twist == RAW_MANY_PROPERTIES ? 40 : 0); j++)
			SW(fdt_property_string(buf, "bootargs", "quiet"));
		SW(fdt_end_node(buf));
	}
	SW(fdt_end_node(buf));
	SW(fdt_finish(buf));
}

static void test_raw_blob_with_two_cpus_nodes(void **state)
{
	static uint8_t blob[4096];

	build_raw(blob, sizeof(blob), RAW_TWO_CPUS_NODES);
	assert_int_equal(parse_blob(blob, sizeof(blob)), -1);
	assert_string_equal(err, FILE_NAME ": /cpus: a second cpus node");
}

static void test_raw_blob_with_two_boot_nodes(void **state)
{
	static uint8_t blob[4096];

	build_raw(blob, sizeof(blob), RAW_TWO_BOOT_NODES);
	assert_int_equal(parse_blob(blob, sizeof(blob)), -1);
	assert_string_equal(err, FILE_NAME ": /boot: a second boot node");
}

static void test_raw_blob_with_too_many_properties(void **state)
{
	static uint8_t blob[4096];

	build_raw(blob, sizeof(blob), RAW_MANY_PROPERTIES);
	assert_int_equal(parse_blob(blob, sizeof(blob)), -1);
	assert_string_equal(err, FILE_NAME ": /boot: more than 32 properties");
}

/* ------------------------------------------------------------ the error buffer */

static void test_error_is_truncated_to_the_buffer(void **state)
{
	size_t size;
	uint8_t *blob = compile_dts(BASE "/ { /delete-property/ guest-name; };", &size);
	char small[12];

	memset(small, 'x', sizeof(small));
	assert_int_equal(guest_config_parse(blob, size, FILE_NAME, HOST_CPUS, &cfg,
					    small, sizeof(small)), -1);
	assert_string_equal(small, "t.dtb: /: n");
	/* Room for the file name only. */
	assert_int_equal(guest_config_parse(blob, size, FILE_NAME, HOST_CPUS, &cfg, small, 4), -1);
	assert_string_equal(small, "t.d");
	/* No buffer at all is no reason to crash. */
	assert_int_equal(guest_config_parse(blob, size, FILE_NAME, HOST_CPUS, &cfg, NULL, 0), -1);
	assert_int_equal(guest_config_parse(blob, size, NULL, HOST_CPUS, &cfg, err, sizeof(err)), -1);
	assert_string_equal(err, "(guest): /: no guest-name");
	free(blob);
}

static void test_success_clears_the_error(void **state)
{
	strcpy(err, "stale");
	expect_ok(BASE);
	assert_string_equal(err, "");
}

/* ------------------------------------------------------------ counted limits */

static void test_too_many_vcpus(void **state)
{
	char dts[4096] = BASE "/ { cpus {";

	for (int i = 1; i <= GUEST_MAX_VCPUS; i++)
		append(dts, sizeof(dts), " cpu@%d { reg = <%d>; pcpu = <0>; };", i, i);
	append(dts, sizeof(dts), " }; };");
	expect_error(dts, FILE_NAME ": /cpus: more than 8 vCPUs");
}

static void test_too_many_memory_regions(void **state)
{
	char dts[4096] = BASE "/ {";

	for (int i = 1; i <= GUEST_MAX_MEM; i++)
		append(dts, sizeof(dts), " rom@%x { compatible = \"mantle,rom\"; reg = <0 0x%x 0 0x1000>; };",
		       i * 0x1000, i * 0x1000);
	append(dts, sizeof(dts), " };");
	expect_error(dts, FILE_NAME ": /rom@8000: more than 8 memory regions");
}

static void test_too_many_devices(void **state)
{
	char dts[8192] = BASE "/ {";

	for (int i = 0; i <= GUEST_MAX_DEVICES; i++)
		append(dts, sizeof(dts), " uart%d@%x { compatible = \"arm,pl011\"; reg = <0 0x%x 0 0x1000>; };",
		       i, 0x9000000 + i * 0x1000, 0x9000000 + i * 0x1000);
	append(dts, sizeof(dts), " };");
	expect_error(dts, FILE_NAME ": /uart16@9010000: more than 16 devices");
}

static void test_too_many_nodes(void **state)
{
	char dts[8192] = BASE "/ {";

	/* vGIC nodes carry nothing, so only the node bound stops them. */
	for (int i = 0; i < 40; i++)
		append(dts, sizeof(dts), " gic%d { compatible = \"mantle,vgic\"; };", i);
	append(dts, sizeof(dts), " };");
	expect_error(dts, FILE_NAME ": /: more than 32 nodes");
}

/* ------------------------------------------------------------ one broken thing each */

struct error_case {
	const char *name;
	const char *dts;        /* appended to BASE unless it starts with "/dts-v1/" */
	const char *msg;        /* after "t.dtb: " */
};

static const struct error_case error_cases[] = {
	/* the root */
	{ "root_without_compatible",
	  "/ { /delete-property/ compatible; };",
	  "/: not a guest description (no compatible \"mantle,guest\")" },
	{ "root_with_other_compatible",
	  "/ { compatible = \"acme,board\"; };",
	  "/: not a guest description (no compatible \"mantle,guest\")" },
	{ "unknown_root_property",
	  "/ { colour = \"red\"; };",
	  "/: unknown property \"colour\"" },
	{ "address_cells_3",
	  "/ { #address-cells = <3>; };",
	  "/: #address-cells is 3, must be 1 or 2" },
	{ "size_cells_0",
	  "/ { #size-cells = <0>; };",
	  "/: #size-cells is 0, must be 1 or 2" },
	{ "address_cells_two_values",
	  "/ { #address-cells = <2 2>; };",
	  "/: #address-cells must be one cell" },
	{ "missing_name",
	  "/ { /delete-property/ guest-name; };",
	  "/: no guest-name" },
	{ "empty_name",
	  "/ { guest-name = \"\"; };",
	  "/: guest-name is empty" },
	{ "name_too_long",
	  "/ { guest-name = \"" S32 "\"; };",
	  "/: guest-name is longer than 31 characters" },
	{ "name_with_space",
	  "/ { guest-name = \"my guest\"; };",
	  "/: guest-name \"my guest\" may only contain letters, digits, '-' and '_'" },
	{ "name_is_a_number",
	  "/ { guest-name = <1>; };",
	  "/: guest-name is not a string" },
	{ "name_is_a_string_list",
	  "/ { guest-name = \"a\", \"b\"; };",
	  "/: guest-name is not a string" },
	{ "bad_on_stop",
	  "/ { on-stop = \"reboot\"; };",
	  "/: on-stop \"reboot\" is not \"halt\" or \"restart\"" },
	{ "bad_on_crash",
	  "/ { on-crash = \"Halt\"; };",
	  "/: on-crash \"Halt\" is not \"halt\" or \"restart\"" },
	{ "bad_on_abort",
	  "/ { on-abort = \"ignore\"; };",
	  "/: on-abort \"ignore\" is not \"inject\" or \"stop\"" },
	{ "on_abort_not_a_string",
	  "/ { on-abort = <1>; };",
	  "/: on-abort is not a string" },
	{ "autostart_with_value",
	  "/ { autostart = <1>; };",
	  "/: autostart takes no value" },
	{ "boot_delay_over_an_hour",
	  "/ { autostart; boot-delay-ms = <3600001>; };",
	  "/: boot-delay-ms 3600001 is out of range 0..3600000 (one hour)" },
	{ "boot_delay_largest_cell",
	  "/ { autostart; boot-delay-ms = <0xffffffff>; };",
	  "/: boot-delay-ms 4294967295 is out of range 0..3600000 (one hour)" },
	{ "boot_delay_without_value",
	  "/ { autostart; boot-delay-ms; };",
	  "/: boot-delay-ms must be one cell" },
	{ "boot_order_two_cells",
	  "/ { autostart; boot-order = <1 2>; };",
	  "/: boot-order must be one cell" },
	{ "boot_order_is_a_string",
	  "/ { autostart; boot-order = \"1\"; };",
	  "/: boot-order must be one cell" },
	{ "boot_order_without_autostart",
	  "/ { boot-order = <1>; };",
	  "/: boot-order without autostart (only guests started at boot have one)" },
	{ "boot_delay_without_autostart",
	  "/ { boot-delay-ms = <10>; };",
	  "/: boot-delay-ms without autostart (only guests started at boot have one)" },
	{ "node_without_compatible",
	  "/ { chosen { bootargs = \"x\"; }; };",
	  "/chosen: no compatible " KNOWN },
	{ "unknown_compatible",
	  "/ { foo@1000 { compatible = \"acme,foo\", \"acme,bar\";"
	  " reg = <0 0x1000 0 0x1000>; }; };",
	  "/foo@1000: unknown compatible \"acme,foo\" " KNOWN },
	{ "compatible_not_strings",
	  "/ { foo { compatible = <1>; }; };",
	  "/foo: compatible is not a list of strings" },
	{ "device_type_not_memory",
	  "/ { foo { device_type = \"cpu\"; }; };",
	  "/foo: device_type \"cpu\" is not \"memory\"" },

	/* vCPUs */
	{ "no_cpus_node",
	  "/ { /delete-node/ cpus; };",
	  "/cpus: missing: a guest needs at least one vCPU" },
	{ "no_vcpus",
	  "/ { cpus { /delete-node/ cpu@0; }; };",
	  "/cpus: no vCPUs" },
	{ "unknown_cpus_property",
	  "/ { cpus { enable-method = \"psci\"; }; };",
	  "/cpus: unknown property \"enable-method\"" },
	{ "duplicate_vcpu_id",
	  "/ { cpus { cpu@1 { reg = <0>; pcpu = <1>; }; }; };",
	  "/cpus/cpu@1: vCPU id 0 is also /cpus/cpu@0" },
	{ "vcpu_id_gap",
	  "/ { cpus { cpu@2 { reg = <2>; pcpu = <1>; }; }; };",
	  "/cpus/cpu@2: vCPU id 2 leaves a gap (ids must be 0..1, one per vCPU)" },
	{ "vcpu_id_huge",
	  "/ { cpus { cpu@0 { reg = <0xffffffff>; }; }; };",
	  "/cpus/cpu@0: vCPU id 4294967295 leaves a gap (ids must be 0..0, one per vCPU)" },
	{ "vcpu_without_reg",
	  "/ { cpus { cpu@0 { /delete-property/ reg; }; }; };",
	  "/cpus/cpu@0: no reg (the vCPU id)" },
	{ "vcpu_reg_two_cells",
	  "/ { cpus { cpu@0 { reg = <0 0>; }; }; };",
	  "/cpus/cpu@0: reg must be one cell" },
	{ "vcpu_without_pcpu",
	  "/ { cpus { cpu@0 { /delete-property/ pcpu; }; }; };",
	  "/cpus/cpu@0: no pcpu (the host CPU it is pinned to)" },
	{ "vcpu_pinned_beyond_host",
	  "/ { cpus { cpu@0 { pcpu = <7>; }; }; };",
	  "/cpus/cpu@0: pinned to CPU 7 but the host has 4" },
	{ "vcpu_pinned_to_host_count",
	  "/ { cpus { cpu@0 { pcpu = <4>; }; }; };",
	  "/cpus/cpu@0: pinned to CPU 4 but the host has 4" },
	{ "priority_0",
	  "/ { cpus { cpu@0 { priority = <0>; }; }; };",
	  "/cpus/cpu@0: priority 0 is out of range 1..7" },
	{ "priority_8",
	  "/ { cpus { cpu@0 { priority = <8>; }; }; };",
	  "/cpus/cpu@0: priority 8 is out of range 1..7" },
	{ "priority_as_string",
	  "/ { cpus { cpu@0 { priority = \"high\"; }; }; };",
	  "/cpus/cpu@0: priority must be one cell" },
	{ "zero_slice",
	  "/ { cpus { cpu@0 { time-slice-us = <0>; }; }; };",
	  "/cpus/cpu@0: time-slice-us is 0" },
	{ "misspelt_vcpu_property",
	  "/ { cpus { cpu@0 { priorty = <2>; }; }; };",
	  "/cpus/cpu@0: unknown property \"priorty\"" },
	{ "node_inside_vcpu",
	  "/ { cpus { cpu@0 { l2-cache { }; }; }; };",
	  "/cpus/cpu@0/l2-cache: unexpected node" },

	/* memory */
	{ "no_ram",
	  "/ { /delete-node/ memory@40000000; };",
	  "/: no RAM: a guest needs a memory node" },
	{ "only_rom",
	  "/ { /delete-node/ memory@40000000;"
	  " rom@0 { compatible = \"mantle,rom\"; reg = <0 0 0 0x1000>; }; };",
	  "/: no RAM: a guest needs a memory node" },
	{ "ram_without_reg",
	  "/ { memory@40000000 { /delete-property/ reg; }; };",
	  "/memory@40000000: no reg" },
	{ "ram_reg_three_cells",
	  "/ { memory@40000000 { reg = <0x40000000 0 0x1000>; }; };",
	  "/memory@40000000: reg must be one <address size> pair of 4 cells" },
	{ "ram_two_ranges",
	  "/ { memory@40000000 { reg = <0 0x40000000 0 0x1000>, <0 0x50000000 0 0x1000>; }; };",
	  "/memory@40000000: reg must be one <address size> pair of 4 cells" },
	{ "ram_size_0",
	  "/ { memory@40000000 { reg = <0 0x40000000 0 0>; }; };",
	  "/memory@40000000: reg size is 0" },
	{ "ram_base_unaligned",
	  "/ { memory@40000000 { reg = <0 0x40000800 0 0x1000>; }; };",
	  "/memory@40000000: reg address 0x40000800 is not 4 KiB aligned" },
	{ "ram_size_unaligned",
	  "/ { memory@40000000 { reg = <0 0x40000000 0 0x1800>; }; };",
	  "/memory@40000000: reg size 0x1800 is not a multiple of 4 KiB" },
	{ "ram_overflows",
	  "/ { memory@40000000 { reg = <0xffffffff 0xfffff000 0 0x2000>; }; };",
	  "/memory@40000000: reg 0xfffffffffffff000 + 0x2000 overflows the 64-bit address space" },
	{ "ram_unknown_property",
	  "/ { memory@40000000 { image = \"x\"; }; };",
	  "/memory@40000000: unknown property \"image\"" },
	{ "ram_overlaps_ram",
	  "/ { memory@400ff000 { device_type = \"memory\"; reg = <0 0x400ff000 0 0x2000>; }; };",
	  "/memory@400ff000: overlaps /memory@40000000" },
	{ "rom_overlaps_ram",
	  "/ { rom@3ffff000 { compatible = \"mantle,rom\"; reg = <0 0x3ffff000 0 0x2000>; }; };",
	  "/rom@3ffff000: overlaps /memory@40000000" },
	{ "rom_inside_ram",
	  "/ { rom@40010000 { compatible = \"mantle,rom\"; reg = <0 0x40010000 0 0x1000>; }; };",
	  "/rom@40010000: overlaps /memory@40000000" },
	{ "rom_image_too_long",
	  "/ { rom@0 { compatible = \"mantle,rom\"; reg = <0 0 0 0x1000>;"
	  " image = \"" S64 "\"; }; };",
	  "/rom@0: image is longer than 63 characters" },
	{ "rom_unknown_property",
	  "/ { rom@0 { compatible = \"mantle,rom\"; reg = <0 0 0 0x1000>;"
	  " interrupts = <0 1 4>; }; };",
	  "/rom@0: unknown property \"interrupts\"" },
	{ "memory_name_too_long",
	  "/ { " S32 "@0 { device_type = \"memory\"; reg = <0 0 0 0x1000>; }; };",
	  "/" S32 "@0: name \"" S32 "\" is longer than 31 characters" },

	/* emulated devices */
	{ "device_without_reg",
	  "/ { uart0 { compatible = \"arm,pl011\"; }; };",
	  "/uart0: no reg" },
	{ "device_size_0",
	  "/ { " UART_AT "reg = <0 0x9000000 0 0>; }; };",
	  "/uart0@9000000: reg size is 0" },
	{ "device_unaligned",
	  "/ { " UART_AT "reg = <0 0x9000100 0 0x1000>; }; };",
	  "/uart0@9000000: reg address 0x9000100 is not 4 KiB aligned" },
	{ "device_overlaps_ram",
	  "/ { " UART_AT "reg = <0 0x40000000 0 0x1000>; }; };",
	  "/uart0@9000000: overlaps /memory@40000000" },
	{ "device_overlaps_device",
	  "/ { " UART "};"
	  " uart1@9000000 { compatible = \"arm,pl011\"; reg = <0 0x9000000 0 0x1000>; }; };",
	  "/uart1@9000000: overlaps /uart0@9000000" },
	{ "ram_overlaps_device",
	  "/ { " UART "};"
	  " memory@9000000 { device_type = \"memory\"; reg = <0 0x8000000 0 0x2000000>; }; };",
	  "/memory@9000000: overlaps /uart0@9000000" },
	{ "device_name_taken",
	  "/ { " UART "};"
	  " uart0@9001000 { compatible = \"arm,pl011\"; reg = <0 0x9001000 0 0x1000>; }; };",
	  "/uart0@9001000: another device is named \"uart0\": /uart0@9000000" },
	{ "device_name_too_long",
	  "/ { " S32 "@1000 { compatible = \"arm,pl011\"; reg = <0 0x1000 0 0x1000>; }; };",
	  "/" S32 "@1000: name \"" S32 "\" is longer than 31 characters" },
	{ "interrupts_two_cells",
	  "/ { " UART "interrupts = <0 1>; }; };",
	  "/uart0@9000000: interrupts must be one <type number flags> triple of 3 cells" },
	{ "interrupts_two_triples",
	  "/ { " UART "interrupts = <0 1 4>, <0 2 4>; }; };",
	  "/uart0@9000000: interrupts must be one <type number flags> triple of 3 cells" },
	{ "interrupts_ppi",
	  "/ { " UART "interrupts = <1 14 4>; }; };",
	  "/uart0@9000000: interrupts type 1 is not 0 (SPI)" },
	{ "interrupts_spi_988",
	  "/ { " UART "interrupts = <0 988 4>; }; };",
	  "/uart0@9000000: interrupts SPI 988 is out of range 0..987" },
	{ "interrupts_falling_edge",
	  "/ { " UART "interrupts = <0 1 2>; }; };",
	  "/uart0@9000000: interrupts flags 2 are not 1 (edge) or 4 (level)" },
	{ "emulated_with_host_reg",
	  "/ { " UART "host-reg = <0 0x1c000000 0 0x1000>; }; };",
	  "/uart0@9000000: unknown property \"host-reg\"" },
	{ "device_without_name",
	  "/ { @1000 { compatible = \"arm,pl011\"; reg = <0 0x1000 0 0x1000>; }; };",
	  "/@1000: the node has no name before its unit address" },
	{ "node_inside_device",
	  "/ { " UART "port { }; }; };",
	  "/uart0@9000000/port: unexpected node" },

	/* passthrough devices */
	{ "passthrough_without_host_reg",
	  "/ { " PASSTHROUGH "}; };",
	  "/dev@a000000: no host-reg" },
	{ "passthrough_host_reg_size_differs",
	  "/ { " PASSTHROUGH "host-reg = <0 0x1c000000 0 0x2000>; }; };",
	  "/dev@a000000: host-reg size 0x2000 differs from reg size 0x1000" },
	{ "passthrough_host_reg_unaligned",
	  "/ { " PASSTHROUGH "host-reg = <0 0x1c000010 0 0x1000>; }; };",
	  "/dev@a000000: host-reg address 0x1c000010 is not 4 KiB aligned" },
	{ "passthrough_host_reg_wraps",
	  "/ { dev@a000000 { compatible = \"mantle,passthrough\"; reg = <0 0xa000000 0 0x2000>;"
	  " host-reg = <0xffffffff 0xfffff000 0 0x2000>; }; };",
	  "/dev@a000000: host-reg 0xfffffffffffff000 + 0x2000 overflows the 64-bit address space" },
	{ "passthrough_host_ranges_overlap",
	  "/ { " PASSTHROUGH "host-reg = <0 0x1c000000 0 0x1000>; };"
	  " dev2@a001000 { compatible = \"mantle,passthrough\"; reg = <0 0xa001000 0 0x1000>;"
	  " host-reg = <0 0x1c000000 0 0x1000>; }; };",
	  "/dev2@a001000: host-reg overlaps the host-reg of /dev@a000000" },
	{ "passthrough_host_irq_only",
	  "/ { " PASSTHROUGH "host-reg = <0 0x1c000000 0 0x1000>;"
	  " host-interrupts = <0 47 4>; }; };",
	  "/dev@a000000: host-interrupts without interrupts (the guest SPI it becomes)" },
	{ "passthrough_guest_irq_only",
	  "/ { " PASSTHROUGH "host-reg = <0 0x1c000000 0 0x1000>; interrupts = <0 5 4>; }; };",
	  "/dev@a000000: interrupts without host-interrupts (nothing would raise it)" },
	{ "passthrough_host_irq_ppi",
	  "/ { " PASSTHROUGH "host-reg = <0 0x1c000000 0 0x1000>; interrupts = <0 5 4>;"
	  " host-interrupts = <1 10 4>; }; };",
	  "/dev@a000000: host-interrupts type 1 is not 0 (SPI)" },
	{ "passthrough_unknown_property",
	  "/ { " PASSTHROUGH "host-reg = <0 0x1c000000 0 0x1000>; clocks = <1>; }; };",
	  "/dev@a000000: unknown property \"clocks\"" },

	/* virtio devices */
	{ "virtio_blk_without_interrupts",
	  "/ { " VBLK "backend = \"disk0\"; }; };",
	  "/vda@a100000: virtio devices need interrupts" },
	{ "virtio_net_without_interrupts",
	  "/ { " VNET "switch = \"lan0\"; }; };",
	  "/net0@a101000: virtio devices need interrupts" },
	{ "virtio_console_without_interrupts",
	  "/ { hvc0@1000 { compatible = \"mantle,virtio-console\"; reg = <0 0x1000 0 0x1000>; }; };",
	  "/hvc0@1000: virtio devices need interrupts" },
	{ "virtio_rng_without_interrupts",
	  "/ { rng@1000 { compatible = \"mantle,virtio-rng\"; reg = <0 0x1000 0 0x1000>; }; };",
	  "/rng@1000: virtio devices need interrupts" },
	{ "virtio_interrupts_bad_flags",
	  "/ { rng@1000 { compatible = \"mantle,virtio-rng\"; reg = <0 0x1000 0 0x1000>;"
	  " interrupts = <0 3 8>; }; };",
	  "/rng@1000: interrupts flags 8 are not 1 (edge) or 4 (level)" },
	{ "virtio_reg_below_a_page",
	  "/ { rng@1000 { compatible = \"mantle,virtio-rng\"; reg = <0 0x1000 0 0x200>;"
	  " interrupts = <0 3 1>; }; };",
	  "/rng@1000: reg size 0x200 is not a multiple of 4 KiB" },
	{ "virtio_blk_without_disk",
	  "/ { " VBLK_IRQ "read-only; }; };",
	  "/vda@a100000: no backend or ramdisk (what the disk holds)" },
	{ "virtio_blk_backend_and_ramdisk",
	  "/ { " VBLK_IRQ "backend = \"disk0\"; ramdisk = \"r.img\"; }; };",
	  "/vda@a100000: both backend and ramdisk (a disk is one or the other)" },
	{ "virtio_blk_backend_empty",
	  "/ { " VBLK_IRQ "backend = \"\"; }; };",
	  "/vda@a100000: backend is empty" },
	{ "virtio_blk_backend_too_long",
	  "/ { " VBLK_IRQ "backend = \"" S48 "\"; }; };",
	  "/vda@a100000: backend is longer than 47 characters" },
	{ "virtio_blk_backend_with_space",
	  "/ { " VBLK_IRQ "backend = \"disk 0\"; }; };",
	  "/vda@a100000: backend \"disk 0\" may only contain letters, digits, '-', '_' and '/'" },
	{ "virtio_blk_backend_with_dot",
	  "/ { " VBLK_IRQ "backend = \"../disk0\"; }; };",
	  "/vda@a100000: backend \"../disk0\" may only contain letters, digits, '-', '_' and '/'" },
	{ "virtio_blk_backend_not_a_string",
	  "/ { " VBLK_IRQ "backend = <0>; }; };",
	  "/vda@a100000: backend is not a string" },
	{ "virtio_blk_ramdisk_empty",
	  "/ { " VBLK_IRQ "ramdisk = \"\"; }; };",
	  "/vda@a100000: ramdisk is empty" },
	{ "virtio_blk_ramdisk_too_long",
	  "/ { " VBLK_IRQ "ramdisk = \"" S64 "\"; }; };",
	  "/vda@a100000: ramdisk is longer than 63 characters" },
	{ "virtio_blk_ramdisk_list",
	  "/ { " VBLK_IRQ "ramdisk = \"a\", \"b\"; }; };",
	  "/vda@a100000: ramdisk is not a string" },
	{ "virtio_blk_range_with_ramdisk",
	  "/ { " VBLK_IRQ "ramdisk = \"r.img\"; sector-range = <0 0 0 8>; }; };",
	  "/vda@a100000: sector-range needs backend (a RAM disk is used whole)" },
	{ "virtio_blk_range_two_cells",
	  "/ { " VBLK_IRQ "backend = \"d\"; sector-range = <0 8>; }; };",
	  "/vda@a100000: sector-range must be <start-hi start-lo count-hi count-lo>, 4 cells" },
	{ "virtio_blk_range_five_cells",
	  "/ { " VBLK_IRQ "backend = \"d\"; sector-range = <0 0 0 8 0>; }; };",
	  "/vda@a100000: sector-range must be <start-hi start-lo count-hi count-lo>, 4 cells" },
	{ "virtio_blk_range_count_0",
	  "/ { " VBLK_IRQ "backend = \"d\"; sector-range = <0 8 0 0>; }; };",
	  "/vda@a100000: sector-range count is 0" },
	{ "virtio_blk_range_overflows",
	  "/ { " VBLK_IRQ "backend = \"d\"; sector-range = <0xffffffff 0xfffffff0 0 0x10>; }; };",
	  "/vda@a100000: sector-range 0xfffffffffffffff0 + 0x10 overflows 64 bits" },
	{ "virtio_blk_range_overflows_by_count",
	  "/ { " VBLK_IRQ "backend = \"d\"; sector-range = <0 1 0xffffffff 0xffffffff>; }; };",
	  "/vda@a100000: sector-range 0x1 + 0xffffffffffffffff overflows 64 bits" },
	{ "virtio_blk_read_only_with_value",
	  "/ { " VBLK_IRQ "backend = \"d\"; read-only = <1>; }; };",
	  "/vda@a100000: read-only takes no value" },
	{ "virtio_blk_with_switch",
	  "/ { " VBLK_IRQ "backend = \"d\"; switch = \"lan0\"; }; };",
	  "/vda@a100000: unknown property \"switch\"" },
	{ "virtio_net_without_switch",
	  "/ { " VNET_IRQ "mac-address = [02 00 00 00 00 01]; }; };",
	  "/net0@a101000: no switch (the virtual switch it plugs into)" },
	{ "virtio_net_switch_empty",
	  "/ { " VNET_IRQ "switch = \"\"; }; };",
	  "/net0@a101000: switch is empty" },
	{ "virtio_net_switch_too_long",
	  "/ { " VNET_IRQ "switch = \"" S16 "\"; }; };",
	  "/net0@a101000: switch is longer than 15 characters" },
	{ "virtio_net_switch_with_slash",
	  "/ { " VNET_IRQ "switch = \"lan/0\"; }; };",
	  "/net0@a101000: switch \"lan/0\" may only contain letters, digits, '-' and '_'" },
	{ "virtio_net_switch_not_a_string",
	  "/ { " VNET_IRQ "switch = <1>; }; };",
	  "/net0@a101000: switch is not a string" },
	{ "virtio_net_mac_five_bytes",
	  "/ { " VNET_IRQ "switch = \"lan0\"; mac-address = [02 00 00 00 01]; }; };",
	  "/net0@a101000: mac-address must be 6 bytes, [xx xx xx xx xx xx]" },
	{ "virtio_net_mac_seven_bytes",
	  "/ { " VNET_IRQ "switch = \"lan0\"; mac-address = [02 00 00 00 00 01 00]; }; };",
	  "/net0@a101000: mac-address must be 6 bytes, [xx xx xx xx xx xx]" },
	{ "virtio_net_mac_as_a_string",
	  "/ { " VNET_IRQ "switch = \"lan0\"; mac-address = \"02:00:00:00:00:01\"; }; };",
	  "/net0@a101000: mac-address must be 6 bytes, [xx xx xx xx xx xx]" },
	{ "virtio_net_mac_multicast",
	  "/ { " VNET_IRQ "switch = \"lan0\"; mac-address = [01 00 5e 00 00 fb]; }; };",
	  "/net0@a101000: mac-address 01:00:5e:00:00:fb is multicast (the first byte is odd)" },
	{ "virtio_net_mac_broadcast",
	  "/ { " VNET_IRQ "switch = \"lan0\"; mac-address = [ff ff ff ff ff ff]; }; };",
	  "/net0@a101000: mac-address ff:ff:ff:ff:ff:ff is multicast (the first byte is odd)" },
	{ "virtio_net_mac_zero",
	  "/ { " VNET_IRQ "switch = \"lan0\"; mac-address = [00 00 00 00 00 00]; }; };",
	  "/net0@a101000: mac-address is all zeroes" },
	{ "virtio_net_with_backend",
	  "/ { " VNET_IRQ "switch = \"lan0\"; backend = \"d\"; }; };",
	  "/net0@a101000: unknown property \"backend\"" },
	{ "virtio_console_with_switch",
	  "/ { hvc0@1000 { compatible = \"mantle,virtio-console\"; reg = <0 0x1000 0 0x1000>;"
	  " interrupts = <0 3 1>; switch = \"lan0\"; }; };",
	  "/hvc0@1000: unknown property \"switch\"" },
	{ "virtio_rng_read_only",
	  "/ { rng@1000 { compatible = \"mantle,virtio-rng\"; reg = <0 0x1000 0 0x1000>;"
	  " interrupts = <0 3 1>; read-only; }; };",
	  "/rng@1000: unknown property \"read-only\"" },
	{ "pl011_with_backend",
	  "/ { " UART "backend = \"disk0\"; }; };",
	  "/uart0@9000000: unknown property \"backend\"" },
	{ "pl011_with_mac_address",
	  "/ { " UART "mac-address = [02 00 00 00 00 01]; }; };",
	  "/uart0@9000000: unknown property \"mac-address\"" },
	{ "pl011_with_channel",
	  "/ { " UART "channel = \"c\"; }; };",
	  "/uart0@9000000: unknown property \"channel\"" },

	/* channels */
	{ "channel_without_interrupts",
	  "/ { " CHAN "channel = \"c\"; peer = \"p\"; }; };",
	  "/chan@50000000: no interrupts (the doorbell the peer rings)" },
	{ "channel_without_reg",
	  "/ { chan { compatible = \"mantle,channel\"; interrupts = <0 1 1>; channel = \"c\";"
	  " peer = \"p\"; }; };",
	  "/chan: no reg" },
	{ "channel_reg_unaligned",
	  "/ { chan@50000000 { compatible = \"mantle,channel\"; reg = <0 0x50000800 0 0x1000>;"
	  " interrupts = <0 1 1>; channel = \"c\"; peer = \"p\"; }; };",
	  "/chan@50000000: reg address 0x50000800 is not 4 KiB aligned" },
	{ "channel_reg_size_unaligned",
	  "/ { chan@50000000 { compatible = \"mantle,channel\"; reg = <0 0x50000000 0 0x1800>;"
	  " interrupts = <0 1 1>; channel = \"c\"; peer = \"p\"; }; };",
	  "/chan@50000000: reg size 0x1800 is not a multiple of 4 KiB" },
	{ "channel_reg_size_0",
	  "/ { chan@50000000 { compatible = \"mantle,channel\"; reg = <0 0x50000000 0 0>;"
	  " interrupts = <0 1 1>; channel = \"c\"; peer = \"p\"; }; };",
	  "/chan@50000000: reg size is 0" },
	{ "channel_overlaps_ram",
	  "/ { chan@400ff000 { compatible = \"mantle,channel\"; reg = <0 0x400ff000 0 0x2000>;"
	  " interrupts = <0 1 1>; channel = \"c\"; peer = \"p\"; }; };",
	  "/chan@400ff000: overlaps /memory@40000000" },
	{ "device_overlaps_channel",
	  "/ { " CHAN_IRQ "channel = \"c\"; peer = \"p\"; };"
	  " uart0@50000000 { compatible = \"arm,pl011\"; reg = <0 0x50000000 0 0x1000>; }; };",
	  "/uart0@50000000: overlaps /chan@50000000" },
	{ "channel_without_name",
	  "/ { " CHAN_IRQ "peer = \"p\"; }; };",
	  "/chan@50000000: no channel (the name both ends give it)" },
	{ "channel_name_empty",
	  "/ { " CHAN_IRQ "channel = \"\"; peer = \"p\"; }; };",
	  "/chan@50000000: channel is empty" },
	{ "channel_name_too_long",
	  "/ { " CHAN_IRQ "channel = \"" S32 "\"; peer = \"p\"; }; };",
	  "/chan@50000000: channel is longer than 31 characters" },
	{ "channel_name_with_colon",
	  "/ { " CHAN_IRQ "channel = \"a:b\"; peer = \"p\"; }; };",
	  "/chan@50000000: channel \"a:b\" may only contain letters, digits, '-' and '_'" },
	{ "channel_without_peer",
	  "/ { " CHAN_IRQ "channel = \"c\"; }; };",
	  "/chan@50000000: no peer (the guest at the other end)" },
	{ "channel_peer_empty",
	  "/ { " CHAN_IRQ "channel = \"c\"; peer = \"\"; }; };",
	  "/chan@50000000: peer is empty" },
	{ "channel_peer_too_long",
	  "/ { " CHAN_IRQ "channel = \"c\"; peer = \"" S32 "\"; }; };",
	  "/chan@50000000: peer is longer than 31 characters" },
	{ "channel_peer_with_space",
	  "/ { " CHAN_IRQ "channel = \"c\"; peer = \"linux 1\"; }; };",
	  "/chan@50000000: peer \"linux 1\" may only contain letters, digits, '-' and '_'" },
	{ "channel_peer_not_a_string",
	  "/ { " CHAN_IRQ "channel = \"c\"; peer = <1>; }; };",
	  "/chan@50000000: peer is not a string" },
	{ "channel_peer_is_itself",
	  "/ { " CHAN_IRQ "channel = \"c\"; peer = \"g\"; }; };",
	  "/chan@50000000: peer \"g\" is this guest" },
	{ "channel_name_taken",
	  "/ { " CHAN_IRQ "channel = \"c\"; peer = \"p\"; };"
	  " chan2@50001000 { compatible = \"mantle,channel\"; reg = <0 0x50001000 0 0x1000>;"
	  " interrupts = <0 23 1>; channel = \"c\"; peer = \"q\"; }; };",
	  "/chan2@50001000: another channel is named \"c\": /chan@50000000" },
	{ "channel_node_name_taken",
	  "/ { " UART "};"
	  " uart0@50000000 { compatible = \"mantle,channel\"; reg = <0 0x50000000 0 0x1000>;"
	  " interrupts = <0 23 1>; channel = \"c\"; peer = \"p\"; }; };",
	  "/uart0@50000000: another device is named \"uart0\": /uart0@9000000" },
	{ "channel_with_host_reg",
	  "/ { " CHAN_IRQ "channel = \"c\"; peer = \"p\"; host-reg = <0 0x1c000000 0 0x1000>; }; };",
	  "/chan@50000000: unknown property \"host-reg\"" },
	{ "channel_with_read_only",
	  "/ { " CHAN_IRQ "channel = \"c\"; peer = \"p\"; read-only; }; };",
	  "/chan@50000000: unknown property \"read-only\"" },

	/* passthrough additions */
	{ "passthrough_guest_compatible_empty",
	  "/ { " PASSTHROUGH "host-reg = <0 0x1c000000 0 0x1000>; guest-compatible = \"\"; }; };",
	  "/dev@a000000: guest-compatible is empty" },
	{ "passthrough_guest_compatible_too_long",
	  "/ { " PASSTHROUGH "host-reg = <0 0x1c000000 0 0x1000>; guest-compatible = \"" S32 "\"; }; };",
	  "/dev@a000000: guest-compatible is longer than 31 characters" },
	{ "passthrough_guest_compatible_with_space",
	  "/ { " PASSTHROUGH "host-reg = <0 0x1c000000 0 0x1000>; guest-compatible = \"acme,a b\"; }; };",
	  "/dev@a000000: guest-compatible \"acme,a b\" may only contain printing characters, no spaces" },
	{ "passthrough_guest_compatible_list",
	  "/ { " PASSTHROUGH "host-reg = <0 0x1c000000 0 0x1000>;"
	  " guest-compatible = \"acme,a\", \"acme,b\"; }; };",
	  "/dev@a000000: guest-compatible is not a string" },
	{ "passthrough_dma_with_value",
	  "/ { " PASSTHROUGH "host-reg = <0 0x1c000000 0 0x1000>; dma-capable = \"yes\"; }; };",
	  "/dev@a000000: dma-capable takes no value" },
	{ "pl011_with_guest_compatible",
	  "/ { " UART "guest-compatible = \"arm,pl011\"; }; };",
	  "/uart0@9000000: unknown property \"guest-compatible\"" },
	{ "virtio_blk_dma_capable",
	  "/ { " VBLK_IRQ "backend = \"d\"; dma-capable; }; };",
	  "/vda@a100000: unknown property \"dma-capable\"" },

	/* one interrupt, one device */
	{ "two_devices_one_spi",
	  "/ { " UART "interrupts = <0 5 4>; };"
	  " uart1@9001000 { compatible = \"arm,pl011\"; reg = <0 0x9001000 0 0x1000>;"
	  " interrupts = <0 5 4>; }; };",
	  "/uart1@9001000: interrupts SPI 5 is also used by /uart0@9000000" },
	{ "one_spi_edge_and_level",
	  "/ { " UART "interrupts = <0 20 4>; }; " VBLK_IRQ "backend = \"d\"; }; };",
	  "/vda@a100000: interrupts SPI 20 is also used by /uart0@9000000" },
	{ "channel_doorbell_taken",
	  "/ { " VNET_IRQ "switch = \"lan0\"; };"
	  " chan@50000000 { compatible = \"mantle,channel\"; reg = <0 0x50000000 0 0x1000>;"
	  " interrupts = <0 21 1>; channel = \"c\"; peer = \"p\"; }; };",
	  "/chan@50000000: interrupts SPI 21 is also used by /net0@a101000" },
	{ "passthrough_spi_taken_by_channel",
	  "/ { " CHAN_IRQ "channel = \"c\"; peer = \"p\"; };"
	  " " PASSTHROUGH "host-reg = <0 0x1c000000 0 0x1000>; interrupts = <0 22 4>;"
	  " host-interrupts = <0 40 4>; }; };",
	  "/dev@a000000: interrupts SPI 22 is also used by /chan@50000000" },
	{ "spi_0_twice",
	  "/ { " UART "interrupts = <0 0 4>; };"
	  " rng@1000 { compatible = \"mantle,virtio-rng\"; reg = <0 0x1000 0 0x1000>;"
	  " interrupts = <0 0 1>; }; };",
	  "/rng@1000: interrupts SPI 0 is also used by /uart0@9000000" },
	{ "two_passthroughs_one_host_spi",
	  "/ { " PASSTHROUGH "host-reg = <0 0x1c000000 0 0x1000>; interrupts = <0 5 4>;"
	  " host-interrupts = <0 40 4>; };"
	  " dev2@a001000 { compatible = \"mantle,passthrough\"; reg = <0 0xa001000 0 0x1000>;"
	  " host-reg = <0 0x1c001000 0 0x1000>; interrupts = <0 6 4>;"
	  " host-interrupts = <0 40 4>; }; };",
	  "/dev2@a001000: host-interrupts SPI 40 is also used by /dev@a000000" },

	/* the vGIC */
	{ "vgic_two_cells",
	  "/ { gic { compatible = \"mantle,vgic\"; interrupt-controller;"
	  " #interrupt-cells = <2>; }; };",
	  "/gic: #interrupt-cells is 2, must be 3" },
	{ "vgic_with_reg",
	  "/ { gic@8000000 { compatible = \"mantle,vgic\"; reg = <0 0x8000000 0 0x10000>; }; };",
	  "/gic@8000000: unknown property \"reg\"" },

	/* boot */
	{ "no_boot_node",
	  "/ { /delete-node/ boot; };",
	  "/boot: missing: it names the kernel" },
	{ "no_kernel",
	  "/ { boot { /delete-property/ kernel; bootargs = \"quiet\"; }; };",
	  "/boot: no kernel" },
	{ "empty_kernel",
	  "/ { boot { kernel = \"\"; }; };",
	  "/boot: kernel is empty" },
	{ "kernel_too_long",
	  "/ { boot { kernel = \"" S64 "\"; }; };",
	  "/boot: kernel is longer than 63 characters" },
	{ "initrd_too_long",
	  "/ { boot { initrd = \"" S64 "\"; }; };",
	  "/boot: initrd is longer than 63 characters" },
	{ "dtb_too_long",
	  "/ { boot { dtb = \"" S64 "\"; }; };",
	  "/boot: dtb is longer than 63 characters" },
	{ "bootargs_too_long",
	  "/ { boot { bootargs = \"" S256 "\"; }; };",
	  "/boot: bootargs is longer than 255 characters" },
	{ "bootargs_list",
	  "/ { boot { bootargs = \"a\", \"b\"; }; };",
	  "/boot: bootargs is not a string" },
	{ "entry_one_cell",
	  "/ { boot { entry = <0x40000000>; }; };",
	  "/boot: entry must be 2 cells (the root's #address-cells)" },
	{ "entry_unaligned",
	  "/ { boot { entry = <0 0x40000002>; }; };",
	  "/boot: entry 0x40000002 is not 4-byte aligned" },
	{ "entry_outside_memory",
	  "/ { boot { entry = <0 0x40100000>; }; };",
	  "/boot: entry 0x40100000 is outside every RAM and ROM region" },
	{ "boot_unknown_property",
	  "/ { boot { cmdline = \"x\"; }; };",
	  "/boot: unknown property \"cmdline\"" },

	/* whole descriptions */
	{ "empty_root",
	  "/dts-v1/;\n/ { };\n",
	  "/: not a guest description (no compatible \"mantle,guest\")" },
	{ "only_the_root",
	  "/dts-v1/;\n/ { compatible = \"mantle,guest\"; guest-name = \"x\"; };\n",
	  "/cpus: missing: a guest needs at least one vCPU" },
};

static void run_error_case(void **state)
{
	const struct error_case *c = *state;
	char dts[2048], msg[640];
	bool whole = strncmp(c->dts, "/dts-v1/", 8) == 0;

	assert_true((size_t)snprintf(dts, sizeof(dts), "%s%s", whole ? "" : BASE, c->dts) < sizeof(dts));
	snprintf(msg, sizeof(msg), FILE_NAME ": %s", c->msg);
	expect_error(dts, msg);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_description_fills_every_field),
		cmocka_unit_test(test_minimal_description_gets_the_defaults),
		cmocka_unit_test(test_boot_order_and_delay),
		cmocka_unit_test(test_one_cell_addresses_and_sizes_are_honoured),
		cmocka_unit_test(test_limits_are_accepted),
		cmocka_unit_test(test_all_vcpus_and_host_cpus),
		cmocka_unit_test(test_most_regions_and_devices_are_accepted),
		cmocka_unit_test(test_virtio_devices_fill_their_fields),
		cmocka_unit_test(test_every_known_device_is_emulated),
		cmocka_unit_test(test_virtio_limits_are_accepted),
		cmocka_unit_test(test_channels_count_as_devices),
		cmocka_unit_test(test_every_device_gets_its_own_interrupt),
		cmocka_unit_test(test_messages_stay_one_printable_line),
		cmocka_unit_test(test_documented_example),
		cmocka_unit_test(test_fw0_dts),
		cmocka_unit_test(test_fw1_dts),
		cmocka_unit_test(test_linux_dts),
		cmocka_unit_test(test_fw1_needs_four_host_cpus),
		cmocka_unit_test(test_blob_smaller_than_a_header),
		cmocka_unit_test(test_blob_shorter_than_its_header_says),
		cmocka_unit_test(test_blob_with_bad_magic),
		cmocka_unit_test(test_blob_with_bad_version),
		cmocka_unit_test(test_blob_with_old_version),
		cmocka_unit_test(test_blob_with_corrupt_structure),
		cmocka_unit_test(test_blob_with_string_offset_outside_the_strings),
		cmocka_unit_test(test_raw_blob_with_two_cpus_nodes),
		cmocka_unit_test(test_raw_blob_with_two_boot_nodes),
		cmocka_unit_test(test_raw_blob_with_too_many_properties),
		cmocka_unit_test(test_error_is_truncated_to_the_buffer),
		cmocka_unit_test(test_success_clears_the_error),
		cmocka_unit_test(test_too_many_vcpus),
		cmocka_unit_test(test_too_many_memory_regions),
		cmocka_unit_test(test_too_many_devices),
		cmocka_unit_test(test_too_many_nodes),
	};
	enum { NR_ERRORS = sizeof(error_cases) / sizeof(error_cases[0]) };
	struct CMUnitTest errors[NR_ERRORS];
	int failed;

	for (size_t i = 0; i < NR_ERRORS; i++)
		errors[i] = (struct CMUnitTest){
			.name = error_cases[i].name,
			.test_func = run_error_case,
			.initial_state = (void *)&error_cases[i],
		};
	failed = cmocka_run_group_tests_name("guest_config", tests, NULL, NULL);
	failed += _cmocka_run_group_tests("guest_config errors", errors, NR_ERRORS, NULL, NULL);
	return failed ? 1 : 0;
}
