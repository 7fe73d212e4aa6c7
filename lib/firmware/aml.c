// SPDX-License-Identifier: MIT
/*
 * A _DSM's constant decision tree (ACPI 6.5 §20.2: MethodOp 0x14, IfOp
 * 0xA0, ElseOp 0xA1, ReturnOp 0xA4, LEqualOp 0x93, Arg0-6 0x68-0x6E,
 * ZeroOp 0x00, OneOp 0x01, OnesOp 0xFF, Byte/Word/DWord/QWordPrefix 0x0A,
 * 0x0B, 0x0C, 0x0E, BufferOp 0x11, PkgLength §20.2.4). QEMU's host
 * bridge _DSM (hw/pci-host/gpex-acpi.c, hw/i386/acpi-build.c) has this
 * shape; a firmware method that computes its answer does not, and stays
 * unknown: the AML is never run.
 */
#include <string.h>

#include "aml.h"

#define MAX_DEPTH 16

struct arg {
	enum aml_result kind;
	uint64_t integer;
	const uint8_t *bytes;	/* buffer */
	size_t length;
};

/* PkgLength at @p: its value (which counts its own bytes) and its size. */
static int pkglen(const uint8_t *p, size_t left, size_t *value, size_t *size)
{
	size_t n, v;

	if (!left)
		return -1;
	n = (size_t)(p[0] >> 6) + 1;
	if (n > left)
		return -1;
	if (n == 1) {
		*value = p[0] & 0x3f;
	} else {
		if (p[0] & 0x30)
			return -1;	/* bits 4-5 must be zero when bytes follow */
		v = p[0] & 0x0f;
		for (size_t i = 1; i < n; i++)
			v |= (size_t)p[i] << (4 + 8 * (i - 1));
		*value = v;
	}
	*size = n;
	return *value >= n ? 0 : -1;
}

/* A constant data object at @p: an integer or a buffer of constant bytes. */
static size_t constant(const uint8_t *p, size_t left, struct arg *out)
{
	static const uint8_t prefix_size[] = { [0x0a] = 1, [0x0b] = 2, [0x0c] = 4, [0x0e] = 8 };
	size_t len, size, at, bytes;
	struct arg count;

	if (!left)
		return 0;
	switch (p[0]) {
	case 0x00: case 0x01: case 0xff:
		*out = (struct arg){ AML_INTEGER, p[0] == 0xff ? UINT64_MAX : p[0], NULL, 0 };
		return 1;
	case 0x0a: case 0x0b: case 0x0c: case 0x0e:
		bytes = prefix_size[p[0]];
		if (left < 1 + bytes)
			return 0;
		*out = (struct arg){ AML_INTEGER, 0, NULL, 0 };
		for (size_t i = 0; i < bytes; i++)
			out->integer |= (uint64_t)p[1 + i] << (8 * i);
		return 1 + bytes;
	case 0x11:
		if (pkglen(p + 1, left - 1, &len, &size) < 0 || len > left - 1)
			return 0;
		at = constant(p + 1 + size, len - size, &count);
		if (!at || count.kind != AML_INTEGER || count.integer < len - size - at)
			return 0;	/* a size below the initializer's bytes */
		*out = (struct arg){ AML_BUFFER, 0, p + 1 + size + at, len - size - at };
		return 1 + len;
	}
	return 0;
}

/* LEqual(ArgN, constant), either way round: 1 true, 0 false, -1 unknown. */
static int predicate(const uint8_t *p, size_t left, const struct arg args[4], size_t *used)
{
	const struct arg *a;
	struct arg c;
	size_t n;

	if (left < 2 || p[0] != 0x93 || p[1] < 0x68 || p[1] > 0x6b)
		return -1;
	a = &args[p[1] - 0x68];
	n = constant(p + 2, left - 2, &c);
	if (!n || a->kind == AML_UNKNOWN || a->kind != c.kind)
		return -1;
	*used = 2 + n;
	if (c.kind == AML_INTEGER)
		return a->integer == c.integer;
	return a->length == c.length && memcmp(a->bytes, c.bytes, c.length) == 0;
}

static struct aml_value term_list(const uint8_t *p, size_t len, const struct arg args[4],
				  int depth)
{
	const struct aml_value unknown = { AML_UNKNOWN, 0, 0 };
	size_t at = 0;

	if (depth > MAX_DEPTH)
		return unknown;
	while (at < len) {
		const uint8_t *q = p + at;
		size_t left = len - at, plen, psize, used = 0;

		if (q[0] == 0xa4) {		/* Return (constant) */
			struct arg c;

			if (!constant(q + 1, left - 1, &c))
				return unknown;
			struct aml_value v = { c.kind, c.integer, c.length };

			if (c.kind == AML_BUFFER) {
				v.integer = 0;
				for (size_t i = 0; i < c.length && i < 8; i++)
					v.integer |= (uint64_t)c.bytes[i] << (8 * i);
			}
			return v;
		}
		if (q[0] != 0xa0 || pkglen(q + 1, left - 1, &plen, &psize) < 0 ||
		    plen > left - 1)
			return unknown;
		int t = predicate(q + 1 + psize, plen - psize, args, &used);

		if (t < 0)
			return unknown;
		size_t next = at + 1 + plen;
		const uint8_t *then = q + 1 + psize + used;
		size_t then_len = plen - psize - used;
		const uint8_t *els = NULL;
		size_t els_len = 0;

		if (next < len && p[next] == 0xa1) {	/* Else */
			if (pkglen(p + next + 1, len - next - 1, &plen, &psize) < 0 ||
			    plen > len - next - 1)
				return unknown;
			els = p + next + 1 + psize;
			els_len = plen - psize;
			next += 1 + plen;
		}
		if (t || els) {
			struct aml_value v = t ? term_list(then, then_len, args, depth + 1) :
						 term_list(els, els_len, args, depth + 1);

			if (v.kind != AML_NOTHING)
				return v;
		}
		at = next;
	}
	return (struct aml_value){ AML_NOTHING, 0, 0 };
}

struct aml_value aml_dsm_eval(const uint8_t *body, size_t len, const uint8_t uuid[16],
			      uint64_t revision, uint64_t function)
{
	const struct arg args[4] = {
		{ AML_BUFFER, 0, uuid, 16 },
		{ AML_INTEGER, revision, NULL, 0 },
		{ AML_INTEGER, function, NULL, 0 },
		{ AML_UNKNOWN, 0, NULL, 0 },
	};

	return term_list(body, len, args, 0);
}

size_t aml_find_dsm(const uint8_t *buf, size_t buflen, size_t from, const uint8_t **body,
		    size_t *len)
{
	for (size_t i = from; buflen >= 5 && i + 5 <= buflen; i++) {
		if (memcmp(buf + i, "_DSM", 4) != 0)
			continue;
		/* MethodOp, PkgLength of 1-4 bytes, then the name. */
		for (size_t n = 1; n <= 4 && n + 1 <= i; n++) {
			size_t v, size, start = i - n;

			if (buf[start - 1] != 0x14 || pkglen(buf + start, n + 4, &v, &size) < 0 ||
			    size != n || v > buflen - start || v < n + 5)
				continue;
			*body = buf + i + 5;	/* after the name and the flags byte */
			*len = v - n - 5;
			return i;
		}
	}
	return (size_t)-1;
}
