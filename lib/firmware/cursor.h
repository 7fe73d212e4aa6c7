/* SPDX-License-Identifier: MIT */
/*
 * A bounded little-endian reader over untrusted bytes (libfdt, Lua
 * lundump): every read is checked against the cursor's own length, values
 * are assembled byte by byte (no alignment or host-endian assumptions), and
 * a short read fails with -EBADMSG without moving. A sub-cursor covers
 * exactly one entry, so nested records cannot escape their parent.
 */
#ifndef RESV_CURSOR_H
#define RESV_CURSOR_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

struct cursor {
	const uint8_t *base;
	size_t len;
	size_t off;
	size_t origin;		/* offset of base[0] in the whole table */
};

static inline struct cursor cursor_make(const void *buf, size_t len, size_t origin)
{
	return (struct cursor){ .base = buf, .len = len, .off = 0, .origin = origin };
}

static inline size_t cur_left(const struct cursor *c)
{
	return c->len - c->off;
}

/* Offset of the next byte in the whole table, for diagnostics. */
static inline size_t cur_pos(const struct cursor *c)
{
	return c->origin + c->off;
}

static inline int cur_skip(struct cursor *c, size_t n)
{
	if (n > cur_left(c))
		return -EBADMSG;
	c->off += n;
	return 0;
}

static inline int cur_bytes(struct cursor *c, size_t n, const uint8_t **p)
{
	if (n > cur_left(c))
		return -EBADMSG;
	*p = c->base + c->off;
	c->off += n;
	return 0;
}

/* Little-endian unsigned of @n bytes (1..8). */
static inline int cur_uint(struct cursor *c, size_t n, uint64_t *v)
{
	uint64_t x = 0;

	if (n > cur_left(c))
		return -EBADMSG;
	for (size_t i = n; i-- > 0;)
		x = x << 8 | c->base[c->off + i];
	c->off += n;
	*v = x;
	return 0;
}

/* Little-endian unsigned of @n bytes @at bytes ahead, without moving. */
static inline int cur_peek(const struct cursor *c, size_t at, size_t n, uint64_t *v)
{
	struct cursor p = *c;

	if (cur_skip(&p, at) < 0)
		return -EBADMSG;
	return cur_uint(&p, n, v);
}

static inline int cur_u8(struct cursor *c, uint8_t *v)
{
	uint64_t x;
	int rc = cur_uint(c, 1, &x);

	if (rc == 0)
		*v = (uint8_t)x;
	return rc;
}

static inline int cur_u16(struct cursor *c, uint16_t *v)
{
	uint64_t x;
	int rc = cur_uint(c, 2, &x);

	if (rc == 0)
		*v = (uint16_t)x;
	return rc;
}

static inline int cur_u32(struct cursor *c, uint32_t *v)
{
	uint64_t x;
	int rc = cur_uint(c, 4, &x);

	if (rc == 0)
		*v = (uint32_t)x;
	return rc;
}

static inline int cur_u64(struct cursor *c, uint64_t *v)
{
	return cur_uint(c, 8, v);
}

/* The next @n bytes as a cursor of their own; @c moves past them. */
static inline int cur_sub(struct cursor *c, size_t n, struct cursor *sub)
{
	if (n > cur_left(c))
		return -EBADMSG;
	*sub = cursor_make(c->base + c->off, n, cur_pos(c));
	c->off += n;
	return 0;
}

#endif
