/*
 * Attack class "sysreg": every system register encoding of op0 = 3 and
 * op0 = 2 (debug), read with MRS and written with MSR. The instructions are
 * generated into a RAM page (one "mrs/msr x0, <enc>; ret" stub each) and
 * called under the fault catcher. A register that reads is written back
 * with what it read (so the guest survives its own sweep), one that does
 * not read is written with zero (write-only registers: zero is harmless).
 *
 * Escapes: any access that works to an EL2 or EL3 encoding (op1 4, 5, 6);
 * registers of the features Mantle hides (SVE, SME, pointer authentication
 * keys, MTE, LOR) that can be used; an MPIDR_EL1 that is not the vCPU's
 * own; and state that follows the host CPU instead of the vCPU: with two
 * vCPUs on one host CPU (attack.dts), vCPU 0 writes a marker into each
 * storage-like register, vCPU 1 then runs there and writes its own, and
 * vCPU 0 must find its marker again. Registers Mantle switches serve as
 * the control.
 */
#include <stdio.h>
#include <string.h>
#include "attack.h"
#include "console.h"
#include "cpu.h"
#include "dtb.h"
#include "fault.h"
#include "gic.h"
#include "mmio.h"
#include "psci.h"
#include "smp.h"

#define ENC(op0, op1, crn, crm, op2) \
	((uint32_t)(op0) << 14 | (uint32_t)(op1) << 11 | (uint32_t)(crn) << 7 | (uint32_t)(crm) << 3 | (op2))
#define ENC_OP0(e)  (((e) >> 14) & 3)
#define ENC_OP1(e)  (((e) >> 11) & 7)
#define ENC_CRN(e)  (((e) >> 7) & 15)
#define ENC_CRM(e)  (((e) >> 3) & 15)
#define ENC_OP2(e)  ((e) & 7)
#define ENCODINGS   (1u << 14)	/* op1, CRn, CRm, op2 for one op0 */

#define INSN_MRS    0xd5200000u	/* mrs x0, <enc> */
#define INSN_MSR    0xd5000000u	/* msr <enc>, x0 */
#define INSN_RET    0xd65f03c0u
#define UNREAD      0xdead5eedbadc0de5ULL

/* Special cases of the sweep. */
#define ICC_IAR0    ENC(3, 0, 12, 8, 0)
#define ICC_IAR1    ENC(3, 0, 12, 12, 0)
#define ICC_EOIR0   ENC(3, 0, 12, 8, 1)
#define ICC_EOIR1   ENC(3, 0, 12, 12, 1)
#define MPIDR       ENC(3, 0, 0, 0, 5)
#define ACTLR       ENC(3, 0, 1, 0, 1)

/* "mrs/msr x0, enc; ret" for every encoding of one op0: read stubs, then write stubs. */
static uint32_t stubs[2 * ENCODINGS * 2] __attribute__((aligned(4096)));
/* One read and one write stub per vCPU, for single accesses. */
static uint32_t single[FW_MAX_CPUS][16] __attribute__((aligned(64)));

static void sync_code(void *start, size_t len)
{
	uint64_t ctr = read_sysreg(ctr_el0);
	uintptr_t dline = 4u << ((ctr >> 16) & 0xf), iline = 4u << (ctr & 0xf);
	uintptr_t a, end = (uintptr_t)start + len;

	for (a = (uintptr_t)start & ~(dline - 1); a < end; a += dline)
		__asm__ volatile("dc cvau, %0" : : "r"(a) : "memory");
	__asm__ volatile("dsb ish" : : : "memory");
	for (a = (uintptr_t)start & ~(iline - 1); a < end; a += iline)
		__asm__ volatile("ic ivau, %0" : : "r"(a) : "memory");
	__asm__ volatile("dsb ish\n isb" : : : "memory");
}

static uint32_t insn(uint32_t base, uint32_t enc)
{
	return base | ENC_OP0(enc) << 19 | ENC_OP1(enc) << 16 | ENC_CRN(enc) << 12 | ENC_CRM(enc) << 8 |
	       ENC_OP2(enc) << 5;
}

struct stub_call {
	const uint32_t *stub;
	uint64_t x0;
};

static void call_stub(void *arg)
{
	struct stub_call *k = arg;
	uint64_t (*fn)(uint64_t) = (uint64_t (*)(uint64_t))(uintptr_t)k->stub;

	k->x0 = fn(k->x0);
}

/* Runs a stub under the fault catcher: the ESR it took (0: none), x0 after it in *val. */
static uint64_t run_stub(const uint32_t *stub, uint64_t x0, uint64_t *val)
{
	struct stub_call k = { stub, x0 };
	uint64_t esr = expect_fault(call_stub, &k);

	if (val)
		*val = k.x0;
	return fault_last().count ? (esr ? esr : 1) : 0;
}

static uint64_t sysreg_read(uint32_t enc, uint64_t *val)
{
	uint32_t *s = single[this_cpu()->id];

	s[0] = insn(INSN_MRS, enc);
	s[1] = INSN_RET;
	sync_code(s, 8);
	return run_stub(s, UNREAD, val);
}

static uint64_t sysreg_write(uint32_t enc, uint64_t val)
{
	uint32_t *s = single[this_cpu()->id];

	s[0] = insn(INSN_MSR, enc);
	s[1] = INSN_RET;
	sync_code(s, 8);
	return run_stub(s, val, NULL);
}

static void print_enc(char *buf, size_t size, uint32_t enc)
{
	snprintf(buf, size, "s%u_%u_c%u_c%u_%u", ENC_OP0(enc), ENC_OP1(enc), ENC_CRN(enc), ENC_CRM(enc),
		 ENC_OP2(enc));
}

/* Registers of features Mantle hides: none may be usable. */
static const struct { uint32_t enc; const char *name; } hidden[] = {
	{ ENC(3, 0, 1, 2, 0), "ZCR_EL1 (SVE)" },
	{ ENC(3, 0, 1, 2, 6), "SMCR_EL1 (SME)" },
	{ ENC(3, 0, 1, 2, 4), "SMPRI_EL1 (SME)" },
	{ ENC(3, 3, 4, 2, 2), "SVCR (SME)" },
	{ ENC(3, 3, 13, 0, 5), "TPIDR2_EL0 (SME)" },
	{ ENC(3, 0, 2, 1, 0), "APIAKeyLo_EL1" }, { ENC(3, 0, 2, 1, 1), "APIAKeyHi_EL1" },
	{ ENC(3, 0, 2, 1, 2), "APIBKeyLo_EL1" }, { ENC(3, 0, 2, 1, 3), "APIBKeyHi_EL1" },
	{ ENC(3, 0, 2, 2, 0), "APDAKeyLo_EL1" }, { ENC(3, 0, 2, 2, 1), "APDAKeyHi_EL1" },
	{ ENC(3, 0, 2, 2, 2), "APDBKeyLo_EL1" }, { ENC(3, 0, 2, 2, 3), "APDBKeyHi_EL1" },
	{ ENC(3, 0, 2, 3, 0), "APGAKeyLo_EL1" }, { ENC(3, 0, 2, 3, 1), "APGAKeyHi_EL1" },
	{ ENC(3, 0, 1, 0, 5), "RGSR_EL1 (MTE)" }, { ENC(3, 0, 1, 0, 6), "GCR_EL1 (MTE)" },
	{ ENC(3, 0, 5, 6, 0), "TFSR_EL1 (MTE)" }, { ENC(3, 0, 5, 6, 1), "TFSRE0_EL1 (MTE)" },
	{ ENC(3, 0, 10, 4, 0), "LORSA_EL1" }, { ENC(3, 0, 10, 4, 1), "LOREA_EL1" },
	{ ENC(3, 0, 10, 4, 2), "LORN_EL1" }, { ENC(3, 0, 10, 4, 3), "LORC_EL1" },
	{ ENC(3, 0, 10, 4, 7), "LORID_EL1" },
};

/*
 * A register of a hidden feature that can be accessed is an escape if it
 * keeps what is written (state Mantle does not know about, so does not
 * switch); RAZ/WI is only worth a note.
 */
static void check_hidden(struct attack_class *c)
{
	for (unsigned int i = 0; i < sizeof(hidden) / sizeof(hidden[0]); i++) {
		uint64_t orig, got = 0, esr = sysreg_read(hidden[i].enc, &orig);

		if (esr) {
			attack_count(c, attack_outcome_of(esr == 1 ? 0 : esr));
			continue;
		}
		/* Whether it leaks between vCPUs, the marker test below tells (TPIDR2_EL0 is one). */
		if (sysreg_write(hidden[i].enc, ~orig) == 0 && sysreg_read(hidden[i].enc, &got) == 0 &&
		    got != orig)
			attack_note(c, "%s (a feature Mantle hides) keeps what EL1 writes", hidden[i].name);
		else
			attack_note(c, "%s (a feature Mantle hides) can be accessed (reads 0x%llx)",
				    hidden[i].name, (unsigned long long)orig);
		attack_count(c, AO_HANDLED);
		sysreg_write(hidden[i].enc, orig);
	}
}

/* EL2 and EL3 registers, and the EL12/EL02 aliases: UNDEFINED at EL1, whatever Mantle does. */
static int above_el1(uint32_t enc)
{
	return ENC_OP1(enc) >= 4 && ENC_OP1(enc) <= 6;
}

struct sweep_counts {
	unsigned int reads_ok, writes_ok, undef;
	unsigned int other_ec[64];	/* exceptions other than UNDEFINED, by class */
};

/* A read that acknowledged an interrupt: end it, or it stays active for good. */
static void end_acknowledged(uint32_t enc, uint64_t iar)
{
	if ((iar & 0xffffff) >= 1020)
		return;
	sysreg_write(enc == ICC_IAR0 ? ICC_EOIR0 : ICC_EOIR1, iar);
	sysreg_write(ENC(3, 0, 12, 11, 1), iar);	/* ICC_DIR_EL1, in case EOImode is 1 */
}

static void sweep_op0(struct attack_class *c, unsigned int op0, struct sweep_counts *n)
{
	uint32_t *rd = stubs, *wr = stubs + 2 * ENCODINGS;
	char name[32];

	for (uint32_t i = 0; i < ENCODINGS; i++) {
		uint32_t enc = (uint32_t)op0 << 14 | i;

		rd[2 * i] = insn(INSN_MRS, enc);
		rd[2 * i + 1] = INSN_RET;
		wr[2 * i] = insn(INSN_MSR, enc);
		wr[2 * i + 1] = INSN_RET;
	}
	sync_code(stubs, sizeof(stubs));

	for (uint32_t i = 0; i < ENCODINGS; i++) {
		uint32_t enc = (uint32_t)op0 << 14 | i;
		uint64_t val = 0, esr = run_stub(&rd[2 * i], UNREAD, &val), wesr;
		int read_ok = esr == 0;

		print_enc(name, sizeof(name), enc);
		if (read_ok) {
			n->reads_ok++;
			if (above_el1(enc))
				attack_escape(c, "MRS %s (an EL2/EL3 register) read 0x%llx at EL1", name,
					      (unsigned long long)val);
			else
				attack_count(c, AO_HANDLED);	/* hidden ones: check_hidden */
			if (enc == ICC_IAR0 || enc == ICC_IAR1)
				end_acknowledged(enc, val);
		} else {
			attack_count(c, attack_outcome_of(esr == 1 ? 0 : esr));
			n->undef += ESR_EC(esr) == EC_UNKNOWN;
			if (ESR_EC(esr) != EC_UNKNOWN)
				n->other_ec[ESR_EC(esr)]++;
		}

		/* Back what it read, or zero; never into a read-acknowledge register. */
		if (enc == ICC_IAR0 || enc == ICC_IAR1)
			continue;
		wesr = run_stub(&wr[2 * i], read_ok ? val : 0, NULL);
		if (wesr == 0) {
			n->writes_ok++;
			if (above_el1(enc))
				attack_escape(c, "MSR %s (an EL2/EL3 register) was accepted at EL1", name);
			else
				attack_count(c, AO_HANDLED);
		} else {
			attack_count(c, attack_outcome_of(wesr == 1 ? 0 : wesr));
			if (ESR_EC(wesr) != EC_UNKNOWN)
				n->other_ec[ESR_EC(wesr)]++;
		}
	}
}

/* ID register fields Mantle clears (trap.c's list): a 4-bit field at each shift. */
static const struct { uint32_t enc; const char *name; uint8_t shifts[6]; } hidden_fields[] = {
	{ ENC(3, 0, 0, 4, 0), "ID_AA64PFR0_EL1", { 28, 32, 36, 40, 44 } },
	{ ENC(3, 0, 0, 4, 1), "ID_AA64PFR1_EL1", { 8, 12, 16, 24 } },
	{ ENC(3, 0, 0, 5, 0), "ID_AA64DFR0_EL1", { 4, 32, 40, 44, 52 } },
	{ ENC(3, 0, 0, 7, 1), "ID_AA64MMFR1_EL1", { 16 } },
	{ ENC(3, 0, 0, 6, 1), "ID_AA64ISAR1_EL1", { 4, 8, 24, 28 } },
	{ ENC(3, 0, 0, 6, 2), "ID_AA64ISAR2_EL1", { 8, 12 } },
};

static void check_values(struct attack_class *c)
{
	uint64_t val;

	/* MPIDR: the vCPU's own affinity (vCPU 0: 0.0.0.0), never the host CPU's. */
	if (sysreg_read(MPIDR, &val) == 0 && (val & MPIDR_AFF_MASK) != smp_mpidr(0))
		attack_escape(c, "MPIDR_EL1 reads 0x%llx, not this vCPU's 0x%llx (the host CPU's?)",
			      (unsigned long long)val, (unsigned long long)smp_mpidr(0));
	else
		attack_count(c, AO_HANDLED);
	/* ACTLR_EL1 is IMPLEMENTATION DEFINED host configuration: Mantle gives RAZ. */
	if (sysreg_read(ACTLR, &val) == 0 && val != 0)
		attack_note(c, "ACTLR_EL1 reads 0x%llx (the host's?)", (unsigned long long)val);
	attack_count(c, AO_HANDLED);
	for (unsigned int i = 0; i < sizeof(hidden_fields) / sizeof(hidden_fields[0]); i++) {
		if (sysreg_read(hidden_fields[i].enc, &val))
			continue;
		for (unsigned int k = 0; k < 6 && hidden_fields[i].shifts[k]; k++)
			if ((val >> hidden_fields[i].shifts[k]) & 0xf)
				attack_note(c, "%s bits %u..%u = %llu: a hidden feature shows",
					    hidden_fields[i].name, hidden_fields[i].shifts[k],
					    hidden_fields[i].shifts[k] + 3,
					    (unsigned long long)((val >> hidden_fields[i].shifts[k]) & 0xf));
		attack_count(c, AO_HANDLED);
	}
}

/* ---- state that follows the host CPU ---- */

enum marker_kind { MK_SYSREG, MK_GICC };	/* GICC: an offset in the GICv2 CPU interface */

struct marker {
	const char *name;
	enum marker_kind kind;
	uint32_t where;		/* encoding or GICC offset */
	uint64_t mask;		/* the bits the markers use */
	uint64_t cmp;		/* the bits compared (a counter's low bits move) */
	int switched;		/* Mantle is known to switch it: the control group */
};

#define SR(o0, o1, n, m, o2) MK_SYSREG, ENC(o0, o1, n, m, o2)
static const struct marker markers[] = {
	{ "TTBR1_EL1", SR(3, 0, 2, 0, 1), 0x0000fffffffff000ULL, ~0ULL, 1 },
	{ "CONTEXTIDR_EL1", SR(3, 0, 13, 0, 1), 0xffffffffULL, ~0ULL, 1 },
	{ "TPIDR_EL0", SR(3, 3, 13, 0, 2), ~0ULL, ~0ULL, 1 },
	{ "TPIDRRO_EL0", SR(3, 3, 13, 0, 3), ~0ULL, ~0ULL, 1 },
	{ "SP_EL0", SR(3, 0, 4, 1, 0), ~0xfULL, ~0ULL, 1 },
	{ "PAR_EL1", SR(3, 0, 7, 4, 0), 0x0000fffffffff000ULL, ~0ULL, 1 },
	{ "AFSR0_EL1", SR(3, 0, 5, 1, 0), 0xffffffffULL, ~0ULL, 1 },
	{ "AMAIR_EL1", SR(3, 0, 10, 3, 0), ~0ULL, ~0ULL, 1 },
	{ "FAR_EL1", SR(3, 0, 6, 0, 0), ~0ULL, ~0ULL, 1 },
	{ "ESR_EL1", SR(3, 0, 5, 2, 0), 0x01ffffffULL, ~0ULL, 1 },
	{ "ELR_EL1", SR(3, 0, 4, 0, 1), ~0x3ULL, ~0ULL, 1 },
	{ "CNTKCTL_EL1", SR(3, 0, 14, 1, 0), 0xf0ULL, ~0ULL, 1 },
	{ "CSSELR_EL1", SR(3, 2, 0, 0, 0), 0x1ULL, ~0ULL, 1 },
	{ "MDSCR_EL1", SR(2, 0, 0, 2, 2), 1ULL << 12, ~0ULL, 1 },
	{ "CNTP_CVAL_EL0", SR(3, 3, 14, 2, 2), 0x00ffffffffffffffULL, ~0ULL, 1 },
	{ "ICC_PMR_EL1", SR(3, 0, 4, 6, 0), 0xf8ULL, ~0ULL, 1 },
	{ "ICC_BPR1_EL1", SR(3, 0, 12, 12, 3), 0x7ULL, ~0ULL, 1 },
	{ "ICC_AP1R0_EL1", SR(3, 0, 12, 9, 0), 0xffffffffULL, ~0ULL, 1 },
	{ "ICC_AP0R0_EL1", SR(3, 0, 12, 8, 4), 0xffffffffULL, ~0ULL, 0 },
	{ "ICC_BPR0_EL1", SR(3, 0, 12, 8, 3), 0x7ULL, ~0ULL, 0 },
	{ "ICC_IGRPEN0_EL1", SR(3, 0, 12, 12, 6), 0x1ULL, ~0ULL, 0 },
	{ "DBGBVR0_EL1", SR(2, 0, 0, 0, 4), 0x0000fffffffffffcULL, ~0ULL, 0 },
	{ "DBGBCR0_EL1", SR(2, 0, 0, 0, 5), 0x1e0ULL, ~0ULL, 0 },
	{ "DBGWVR0_EL1", SR(2, 0, 0, 0, 6), 0x0000fffffffffff8ULL, ~0ULL, 0 },
	{ "DBGWCR0_EL1", SR(2, 0, 0, 0, 7), 0x1fe0ULL, ~0ULL, 0 },
	{ "OSECCR_EL1", SR(2, 0, 0, 6, 2), 0xffffffffULL, ~0ULL, 0 },
	{ "DBGPRCR_EL1", SR(2, 0, 1, 4, 4), 0x1ULL, ~0ULL, 0 },
	{ "PMCR_EL0", SR(3, 3, 9, 12, 0), 0x48ULL, ~0ULL, 0 },
	{ "PMSELR_EL0", SR(3, 3, 9, 12, 5), 0x1fULL, ~0ULL, 0 },
	{ "PMUSERENR_EL0", SR(3, 3, 9, 14, 0), 0xfULL, ~0ULL, 0 },
	{ "PMCCNTR_EL0", SR(3, 3, 9, 13, 0), ~0ULL, 0xffffffff00000000ULL, 0 },
	{ "PMCCFILTR_EL0", SR(3, 3, 14, 15, 7), 0xf8000000ULL, ~0ULL, 0 },
	{ "PMEVCNTR0_EL0", SR(3, 3, 14, 8, 0), 0xffffffffULL, 0xffff0000ULL, 0 },
	{ "PMEVTYPER0_EL0", SR(3, 3, 14, 12, 0), 0x3ffULL, ~0ULL, 0 },
	{ "DISR_EL1", SR(3, 0, 12, 1, 1), 0x80ffffffULL, ~0ULL, 0 },
	{ "ERRSELR_EL1", SR(3, 0, 5, 3, 1), 0xffffULL, ~0ULL, 0 },
	{ "SCXTNUM_EL0", SR(3, 3, 13, 0, 7), ~0ULL, ~0ULL, 0 },
	{ "SCXTNUM_EL1", SR(3, 0, 13, 0, 7), ~0ULL, ~0ULL, 0 },
	{ "TPIDR2_EL0", SR(3, 3, 13, 0, 5), ~0ULL, ~0ULL, 0 },
	{ "GICC_PMR", MK_GICC, 0x004, 0xf8ULL, ~0ULL, 1 },
	{ "GICC_BPR", MK_GICC, 0x008, 0x7ULL, ~0ULL, 1 },
	{ "GICC_APR0", MK_GICC, 0x0d0, 0xffffffffULL, ~0ULL, 1 },
	{ "GICC_ABPR", MK_GICC, 0x01c, 0x7ULL, ~0ULL, 0 },
};
#define NR_MARKERS (sizeof(markers) / sizeof(markers[0]))

/* What each vCPU found, wrote and read back; usable = both sides could set their marker. */
struct marker_side {
	uint64_t orig[NR_MARKERS], set[NR_MARKERS];
	int ok[NR_MARKERS];
};

static struct {
	struct marker_side side[2];
	uint64_t seen0[NR_MARKERS];	/* vCPU 0, after vCPU 1 ran on its host CPU */
	volatile int phase;		/* 1: vCPU 1 wrote its markers; 2: vCPU 0 has looked */
} leak;

static int marker_access(const struct marker *m, int write, uint64_t *val)
{
	if (m->kind == MK_GICC) {
		if (platform.gic != GIC_V2 || platform.gicc_size < m->where + 4)
			return -1;
		if (write)
			wr32(platform.gicc + m->where, (uint32_t)*val);
		else
			*val = rd32(platform.gicc + m->where);
		return 0;
	}
	return write ? (sysreg_write(m->where, *val) ? -1 : 0) : (sysreg_read(m->where, val) ? -1 : 0);
}

/*
 * Writes this side's markers (A for vCPU 0, B for vCPU 1). Registers that
 * fault are weeded out first, so that no exception (which writes ESR, FAR,
 * ELR and SPSR) comes after the first marker. No libc until restore_markers.
 */
static void set_markers(struct marker_side *s, uint64_t pattern)
{
	for (unsigned int i = 0; i < NR_MARKERS; i++)
		s->ok[i] = !marker_access(&markers[i], 0, &s->orig[i]) &&
			   !marker_access(&markers[i], 1, &s->orig[i]);
	for (unsigned int i = 0; i < NR_MARKERS; i++) {
		const struct marker *m = &markers[i];
		uint64_t want, got;

		if (!s->ok[i])
			continue;
		want = (s->orig[i] & ~m->mask) | (pattern & m->mask);
		if (marker_access(m, 1, &want) || marker_access(m, 0, &got)) {
			s->ok[i] = 0;
			continue;
		}
		s->set[i] = got;
	}
}

static void restore_markers(struct marker_side *s)
{
	for (unsigned int i = 0; i < NR_MARKERS; i++)
		if (s->ok[i])
			marker_access(&markers[i], 1, &s->orig[i]);
}

static void wait_phase(int want)
{
	uint64_t deadline = counter_deadline_ms(SMP_TIMEOUT_MS);

	/* WFE traps to Mantle, which lets the other vCPU of this host CPU run. */
	while (__atomic_load_n(&leak.phase, __ATOMIC_ACQUIRE) < want && counter_now() < deadline)
		__asm__ volatile("wfe");
}

/* vCPU 1: its markers over vCPU 0's, then (once vCPU 0 has looked) its own values back. */
static void leak_second(void *arg)
{
	(void)arg;
	set_markers(&leak.side[1], 0xaaaaaaaaaaaaaaaaULL);
	__atomic_store_n(&leak.phase, 1, __ATOMIC_RELEASE);
	__asm__ volatile("sev");
	wait_phase(2);
	restore_markers(&leak.side[1]);
}

static void cross_vcpu(struct attack_class *c)
{
	unsigned int tested = 0, controls = 0;

	if (smp_ncpus() < 2) {
		attack_note(c, "one vCPU: the state-leak test needs two on one host CPU");
		return;
	}
	memset(&leak, 0, sizeof(leak));
	console_flush();
	set_markers(&leak.side[0], 0x5555555555555555ULL);
	if (smp_start_fn(1, leak_second, NULL) != PSCI_SUCCESS) {
		restore_markers(&leak.side[0]);
		attack_note(c, "vCPU 1 could not be started for the state-leak test");
		return;
	}
	wait_phase(1);
	for (unsigned int i = 0; i < NR_MARKERS; i++)
		if (leak.side[0].ok[i] && marker_access(&markers[i], 0, &leak.seen0[i]))
			leak.seen0[i] = leak.side[0].set[i];
	__atomic_store_n(&leak.phase, 2, __ATOMIC_RELEASE);
	__asm__ volatile("sev");
	smp_release(1);
	if (smp_wait_affinity(1, PSCI_AFFINITY_OFF, SMP_TIMEOUT_MS) != PSCI_AFFINITY_OFF)
		attack_note(c, "vCPU 1 did not turn off after the state-leak test");
	restore_markers(&leak.side[0]);
	if (leak.phase < 1) {
		attack_note(c, "vCPU 1 never ran during the state-leak test");
		return;
	}

	for (unsigned int i = 0; i < NR_MARKERS; i++) {
		const struct marker *m = &markers[i];
		uint64_t mine = leak.side[0].set[i] & m->mask & m->cmp;
		uint64_t theirs = leak.side[1].set[i] & m->mask & m->cmp;
		uint64_t seen = leak.seen0[i] & m->mask & m->cmp;

		/* Only where both markers stuck and differ can one be told from the other. */
		if (!leak.side[0].ok[i] || !leak.side[1].ok[i] || mine == theirs)
			continue;
		tested++;
		controls += m->switched;
		if (seen == theirs)
			attack_escape(c, "%s follows the host CPU: vCPU 1's value 0x%llx reached vCPU 0 "
				      "(which had 0x%llx)", m->name, (unsigned long long)leak.seen0[i],
				      (unsigned long long)leak.side[0].set[i]);
		else if (seen != mine)
			attack_note(c, "%s: vCPU 0 wrote 0x%llx, later read 0x%llx", m->name,
				    (unsigned long long)leak.side[0].set[i], (unsigned long long)leak.seen0[i]);
		else
			attack_count(c, AO_HANDLED);
	}
	printf("fw: attack: sysreg: %u registers checked for state leaking between vCPUs (%u known to be "
	       "switched)\n", tested, controls);
	if (!controls)
		attack_note(c, "no switched register could be checked: the state-leak test proves nothing");
}

void attack_sysreg(struct attack_class *c)
{
	for (unsigned int op0 = 3; op0 >= 2; op0--) {
		struct sweep_counts n;

		memset(&n, 0, sizeof(n));
		sweep_op0(c, op0, &n);
		printf("fw: attack: sysreg: op0=%u: %u encodings read, %u written, %u UNDEFINED reads", op0,
		       n.reads_ok, n.writes_ok, n.undef);
		for (unsigned int ec = 0; ec < 64; ec++)
			if (n.other_ec[ec])
				printf(", %u exceptions EC 0x%02x", n.other_ec[ec], ec);
		printf("\n");
	}
	if (platform.gic != GIC_NONE && gic_init())
		attack_note(c, "the GIC cannot be set up again: %s", gic_error());
	check_hidden(c);
	check_values(c);
	cross_vcpu(c);
}
