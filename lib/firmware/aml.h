/* SPDX-License-Identifier: MIT */
/*
 * Reading, without running it, a _DSM method that is only a decision tree
 * of constants (ACPI 6.5 §20 AML encoding): If/Else on LEqual(ArgN,
 * constant) and Return of a constant. Anything else makes the answer
 * unknown. Internal.
 */
#ifndef RESV_AML_H
#define RESV_AML_H

#include <stddef.h>
#include <stdint.h>

enum aml_result {
	AML_UNKNOWN = 0,	/* outside the subset read */
	AML_INTEGER,
	AML_BUFFER,
	AML_NOTHING,		/* the method ends without Return */
};

struct aml_value {
	enum aml_result kind;
	uint64_t integer;	/* AML_INTEGER; AML_BUFFER: its first 8 bytes, little-endian */
	size_t length;		/* AML_BUFFER */
};

/*
 * The value the _DSM method whose body (after the flags byte) is @body,
 * @len bytes, returns for Arg0 = the 16-byte @uuid, Arg1 = @revision, Arg2 =
 * @function (Arg3 unknown): every walk is bounded by @len and a depth of 16.
 */
struct aml_value aml_dsm_eval(const uint8_t *body, size_t len, const uint8_t uuid[16],
			      uint64_t revision, uint64_t function);

/*
 * The next "Method (_DSM, ...)" whose name is at or after @from in @buf: its
 * body in *@body and *@len; returns the offset of its name, (size_t)-1 when
 * none. The body ends within @buf.
 */
size_t aml_find_dsm(const uint8_t *buf, size_t buflen, size_t from, const uint8_t **body,
		    size_t *len);

#endif
