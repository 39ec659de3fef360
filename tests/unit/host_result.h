/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The host unit tests' output, one way for all of them: "PASS SUITE/NAME"
 * or "FAIL SUITE/NAME: reason" per test, then "N passed, N failed".
 * Define HOST_SUITE (a string) before including this file.
 */
#ifndef E1K_HOST_RESULT_H
#define E1K_HOST_RESULT_H

#include <stdio.h>

static int passed, failed;

static void result(const char *name, int ok, const char *why)
{
	if (ok) {
		printf("PASS " HOST_SUITE "/%s\n", name);
		passed++;
	} else {
		printf("FAIL " HOST_SUITE "/%s: %s\n", name, why);
		failed++;
	}
}

/* The summary line; the exit status of the test program. */
static int summary(void)
{
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}

#endif
