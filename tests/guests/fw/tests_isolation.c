/*
 * Stage-2 isolation: what is not the guest's RAM or one of its devices
 * aborts in the guest (data abort / instruction abort taken at EL1).
 */
#include "dsl.h"
#include "dtb.h"
#include "fault.h"

/* Below RAM, where no device of Mantle's default guests (nor QEMU virt) is. */
#define HOLE_ADDR 0x20000000UL

static void check_abort(uint64_t esr, unsigned int ec, uint64_t addr)
{
	struct fault_info info = fault_last();

	EXPECT_EQ(info.count, 1);
	EXPECT_EQ(ESR_EC(esr), ec);
	if (!(esr & ESR_ABT_FNV))
		EXPECT_EQ(info.far, addr);
}

TEST(isolation, load_hole)
{
	uint32_t val;

	check_abort(fault_read32(HOLE_ADDR, &val), EC_DABT_SAME_EL, HOLE_ADDR);
}

TEST(isolation, store_hole)
{
	check_abort(fault_write32(HOLE_ADDR, 0x5a5a5a5a), EC_DABT_SAME_EL, HOLE_ADDR);
}

TEST(isolation, load_above_ram)
{
	uint32_t val;

	ASSERT_NE(platform.ram_end, 0);
	check_abort(fault_read32(platform.ram_end, &val), EC_DABT_SAME_EL, platform.ram_end);
}

TEST(isolation, store_above_ram)
{
	ASSERT_NE(platform.ram_end, 0);
	check_abort(fault_write32(platform.ram_end, 0x5a5a5a5a), EC_DABT_SAME_EL,
		    platform.ram_end);
}

TEST(isolation, exec_above_ram)
{
	ASSERT_NE(platform.ram_end, 0);
	check_abort(fault_exec(platform.ram_end), EC_IABT_SAME_EL, platform.ram_end);
}

/* The other side of the edges: all of RAM is there. */
TEST(isolation, ram_edges)
{
	uint32_t val;

	ASSERT_NE(platform.ram_end, 0);
	EXPECT_NO_FAULT(fault_read32(platform.ram_base, &val));
	EXPECT_NO_FAULT(fault_read32(platform.ram_end - 4, &val));
}
