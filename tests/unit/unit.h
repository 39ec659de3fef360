/* SPDX-License-Identifier: GPL-2.0 */
/* The unit tests' reporting: one line per test, "PASS name" or
 * "FAIL name: reason", and a count for the summary line. */
#ifndef E1K_TEST_UNIT_H
#define E1K_TEST_UNIT_H

#include <stdarg.h>
#include <stdio.h>

struct tcase {
	char reason[512]; /* first failure; empty = passing so far */
};

/* Record a failure (keeps the first reason); returns 0 for chaining. */
int tfail(struct tcase *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Print the result line for t and count it. */
void tdone(const char *name, struct tcase *t);

#define TCHECK(t, cond, ...)                          \
	do {                                          \
		if (!(cond))                          \
			tfail((t), __VA_ARGS__);      \
	} while (0)

extern int n_passed, n_failed;

/* t_helpers.c */
void run_helper_tests(void);

#endif
