/*
 * The test DSL.
 *
 *   TEST(suite, name) { EXPECT_EQ(psci_version(), 0x10001); }
 *
 * registers a test in the fw_tests linker section;
 *
 *   TEST_ON_REQUEST(irq, sgi_self) { ... }
 *
 * one that only runs when its suite is asked for by name (dsl_run("irq")),
 * not in the run of every suite. EXPECT_* record a failure
 * (the first one is reported, with file:line and the values) and go on;
 * ASSERT_* also return from the test. Every test prints one result line,
 *   TEST suite.name PASS
 *   TEST suite.name FAIL: <file>:<line>: <what>
 * and a run ends with "fw: N passed, M failed".
 */
#ifndef FW_DSL_H
#define FW_DSL_H

#include <stdint.h>

struct fw_test {
	const char *suite;
	const char *name;
	void (*fn)(void);
	int on_request;		/* left out of dsl_run(NULL) */
};

#define DSL_TEST_(suite, name, on_request) \
	static void test_##suite##_##name(void); \
	static const struct fw_test fw_test_##suite##_##name \
		__attribute__((used, section("fw_tests"), aligned(8))) = \
		{ #suite, #name, test_##suite##_##name, on_request }; \
	static void test_##suite##_##name(void)

#define TEST(suite, name)            DSL_TEST_(suite, name, 0)
#define TEST_ON_REQUEST(suite, name) DSL_TEST_(suite, name, 1)

void dsl_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Whether the running test has failed so far. */
int dsl_failed(void);

#define DSL_CMP_(a, op, b, a_text, b_text, on_fail) do { \
	int64_t a_ = (int64_t)(a), b_ = (int64_t)(b); \
	if (!(a_ op b_)) { \
		dsl_fail(__FILE__, __LINE__, "%s %s %s: %lld (0x%llx) vs %lld (0x%llx)", \
			 a_text, #op, b_text, (long long)a_, (unsigned long long)a_, \
			 (long long)b_, (unsigned long long)b_); \
		on_fail; \
	} \
} while (0)

/* The operands are stringified here, before macros in them are expanded. */
#define EXPECT_EQ(a, b) DSL_CMP_(a, ==, b, #a, #b, (void)0)
#define EXPECT_NE(a, b) DSL_CMP_(a, !=, b, #a, #b, (void)0)
#define EXPECT_GE(a, b) DSL_CMP_(a, >=, b, #a, #b, (void)0)
#define EXPECT_LE(a, b) DSL_CMP_(a, <=, b, #a, #b, (void)0)
#define EXPECT_LT(a, b) DSL_CMP_(a, <, b, #a, #b, (void)0)
#define ASSERT_EQ(a, b) DSL_CMP_(a, ==, b, #a, #b, return)
#define ASSERT_NE(a, b) DSL_CMP_(a, !=, b, #a, #b, return)

#define DSL_TRUE_(cond, text, on_fail) do { \
	if (!(cond)) { \
		dsl_fail(__FILE__, __LINE__, "%s is false", text); \
		on_fail; \
	} \
} while (0)

#define EXPECT_TRUE(cond) DSL_TRUE_(cond, #cond, (void)0)
#define ASSERT_TRUE(cond) DSL_TRUE_(cond, #cond, return)

/* For an ESR from the fault catcher (fault.h): fails if an exception was taken. */
#define EXPECT_NO_FAULT(esr) do { \
	uint64_t esr_ = (esr); \
	if (esr_) \
		dsl_fail(__FILE__, __LINE__, "%s: took an exception, EC 0x%02x, ESR 0x%llx", \
			 #esr, (unsigned int)(esr_ >> 26) & 0x3f, (unsigned long long)esr_); \
} while (0)

/*
 * Runs every test of suite, or if suite is NULL every test that is not
 * TEST_ON_REQUEST; returns the number failed.
 */
int dsl_run(const char *suite);
/* Prints the suite names, one line: "suites: a b c; on request: d". */
void dsl_list_suites(void);

#endif
