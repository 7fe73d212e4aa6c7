/* SPDX-License-Identifier: MIT */
/*
 * Every fuzz target defines LLVMFuzzerTestOneInput. Built with clang's
 * -fsanitize=fuzzer for `make fuzz`, and with replay.c's main() for
 * `make check`, which runs every file of fuzz/corpus/TARGET/ through it.
 */
#ifndef RESV_FUZZ_H
#define RESV_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A target's finding that is not a crash: abort() so both drivers see it. */
#define FUZZ_CHECK(cond)							\
	do {									\
		if (!(cond)) {							\
			fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #cond); \
			abort();						\
		}								\
	} while (0)

#endif
