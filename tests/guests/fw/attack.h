/*
 * The attack suite ("run attack"): a hostile guest tries every way out of
 * its sandbox and records what each attempt got. An attempt is *blocked*
 * when it failed inside the guest (an abort, an UNDEFINED instruction,
 * another exception, an error code) or was handled by a device model
 * within its rules; anything else is an *escape*, printed with details:
 *
 *   ESCAPE <class>: <what happened>
 *   ATTACK <class>: N attempts, B blocked, E escaped (aborts .., ...) in T ms
 *   ATTACK SUMMARY: N attempts, E escaped
 *
 * Each class lives in its own attack_<class>.c; attack.c runs them in
 * order. Pseudo-random values come from a fixed-seed xorshift, so a run
 * repeats exactly.
 */
#ifndef FW_ATTACK_H
#define FW_ATTACK_H

#include <stdint.h>

enum attack_outcome {
	AO_ABORT,	/* data/instruction abort (or SError) taken in the guest */
	AO_UNDEF,	/* UNDEFINED instruction */
	AO_FAULT,	/* any other exception */
	AO_ERROR,	/* an error code from a call or a device */
	AO_HANDLED,	/* done by a device model as its rules say */
	AO_ESCAPE,
	AO_KINDS
};

struct attack_class {
	const char *name;
	void (*run)(struct attack_class *c);
	uint64_t count[AO_KINDS];
	unsigned int anomalies;	/* blocked, but not the way expected: printed as NOTE */
	uint64_t rng;		/* xorshift state, seeded per class */
};

/* Counts one attempt with this outcome. */
void attack_count(struct attack_class *c, enum attack_outcome o);
/* Counts an escape and prints "ESCAPE <class>: <what>" (the first few of each class). */
void attack_escape(struct attack_class *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints "NOTE <class>: <what>" for a blocked attempt that behaved unexpectedly. */
void attack_note(struct attack_class *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/*
 * The outcome of an exception caught by the fault catcher (fault.h): ESR
 * 0 means none was taken. Aborts, UNDEFINED and other exceptions.
 */
enum attack_outcome attack_outcome_of(uint64_t esr);
/* Counts an access caught by the fault catcher: blocked if it faulted, else as given. */
void attack_count_access(struct attack_class *c, uint64_t esr, enum attack_outcome if_none);

/* The physical counter in ms: the same in every guest, so what they saw can be lined up. */
uint64_t attack_host_ms(void);

/* The class's next pseudo-random number (xorshift64*). */
uint64_t attack_rand(struct attack_class *c);

/* Whether [addr, addr + size) overlaps anything the DTB gives this guest (RAM, devices, channels). */
int attack_owned(uint64_t addr, uint64_t size);

/*
 * A 1 GiB window of the firmware's page tables (mmu.h) that can be pointed
 * at any 1 GiB of guest-physical space below 2^48, with the attributes
 * chosen: the way to reach addresses above the identity map's reach, to
 * execute from places the identity map keeps non-executable, or to map a
 * device window Normal (where unaligned accesses reach the hypervisor).
 */
enum window_kind { WINDOW_DEVICE, WINDOW_NORMAL, WINDOW_EXEC };
/* Maps the window over the GiB holding addr; returns the VA that reaches addr. */
uintptr_t attack_window(uint64_t addr, enum window_kind kind);
/* Puts the identity mapping back. */
void attack_window_close(void);

/* The classes (attack_<name>.c), in the order they run. */
void attack_memory(struct attack_class *c);
void attack_mmio(struct attack_class *c);
void attack_sysreg(struct attack_class *c);
void attack_calls(struct attack_class *c);
void attack_psci(struct attack_class *c);
void attack_irq(struct attack_class *c);
void attack_virtio(struct attack_class *c);

/* Runs every class (or the one named), prints the per-class lines and the summary; returns the escapes. */
uint64_t attack_run(const char *only);

#endif
