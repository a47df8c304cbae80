/* The PL011 as the guest sees it (Mantle emulates it; its IDs are the real ones). */
#include <stdio.h>
#include "console.h"
#include "dsl.h"
#include "fault.h"
#include "uart.h"

#define UARTIFLS       0x034
#define UART_PERIPHID0 0xfe0
#define UART_PCELLID0  0xff0

static uint32_t reg32(unsigned int off)
{
	uint32_t val = 0;

	EXPECT_NO_FAULT(fault_read32(uart_base() + off, &val));
	return val;
}

TEST(mmio, uartfr_txff_clear)
{
	EXPECT_EQ(reg32(UARTFR) & UARTFR_TXFF, 0);
}

TEST(mmio, uartcr_readback)
{
	uint32_t orig = reg32(UARTCR);
	uint32_t on = UARTCR_UARTEN | UARTCR_TXE | UARTCR_RXE;

	EXPECT_NO_FAULT(fault_write32(uart_base() + UARTCR, on));
	EXPECT_EQ(reg32(UARTCR), on);
	EXPECT_NO_FAULT(fault_write32(uart_base() + UARTCR, on | UARTCR_RTS));
	EXPECT_EQ(reg32(UARTCR), on | UARTCR_RTS);
	fault_write32(uart_base() + UARTCR, orig | on);
}

/* ARM's PL011: part number 0x011, designer 0x41 ('A'), revision r1p3 or r1p5. */
TEST(mmio, periph_id)
{
	uint32_t id2 = reg32(UART_PERIPHID0 + 8);

	EXPECT_EQ(reg32(UART_PERIPHID0 + 0), 0x11);
	EXPECT_EQ(reg32(UART_PERIPHID0 + 4), 0x10);
	EXPECT_TRUE(id2 == 0x14 || id2 == 0x34);
	EXPECT_EQ(reg32(UART_PERIPHID0 + 12), 0x00);
}

TEST(mmio, primecell_id)
{
	EXPECT_EQ(reg32(UART_PCELLID0 + 0), 0x0d);
	EXPECT_EQ(reg32(UART_PCELLID0 + 4), 0xf0);
	EXPECT_EQ(reg32(UART_PCELLID0 + 8), 0x05);
	EXPECT_EQ(reg32(UART_PCELLID0 + 12), 0xb1);
}

/* STRB to UARTDR: the harness sees the line; here, no fault. */
TEST(mmio, byte_store_prints)
{
	static const char msg[] = "fw: byte stores to UARTDR\r\n";

	console_flush();
	for (const char *p = msg; *p; p++) {
		while (reg32(UARTFR) & UARTFR_TXFF)
			;
		EXPECT_NO_FAULT(fault_write8(uart_base() + UARTDR, (uint8_t)*p));
	}
}

/* Linux's amba-pl011 driver uses 16-bit accesses (readw/writew) on an ARM PL011. */
TEST(mmio, halfword_access)
{
	uint16_t cr16 = 0, fr16 = 0;

	EXPECT_NO_FAULT(fault_read16(uart_base() + UARTCR, &cr16));
	EXPECT_EQ(cr16, reg32(UARTCR) & 0xffff);
	EXPECT_NO_FAULT(fault_read16(uart_base() + UARTFR, &fr16));
	EXPECT_EQ(fr16 & UARTFR_TXFF, 0);
}

/*
 * LDR X across UARTCR and UARTIFLS: an emulator may split it or refuse it.
 * Either is fine, as long as it is one of the two and says which.
 */
TEST(mmio, wide_access)
{
	uint32_t cr = reg32(UARTCR), ifls = reg32(UARTIFLS);
	uint64_t val = 0, esr = fault_read64(uart_base() + UARTCR, &val);
	char what[80];

	if (fault_last().count) {
		printf("fw: mmio: LDR X of UARTCR faulted: %s\n",
		       fault_describe(esr, what, sizeof(what)));
		EXPECT_EQ(ESR_EC(esr), EC_DABT_SAME_EL);
	} else {
		printf("fw: mmio: LDR X of UARTCR read 0x%016llx\n", (unsigned long long)val);
		EXPECT_EQ(val & 0xffffffff, cr);
		EXPECT_TRUE((val >> 32) == ifls || (val >> 32) == 0);
	}
}
