// SPDX-License-Identifier: MIT
/*
 * A set of integers in [0, n) with insert, erase, next and prev in
 * O(log64 n): a tree of bit words, each bit of level l + 1 saying whether
 * word of level l is non-zero. The kernel view uses it to replay the
 * kernel's insertions over precomputed sort ranks.
 */
#include <errno.h>
#include <stdlib.h>

#include "internal.h"

int rankset_init(struct rankset *s, size_t n)
{
	size_t words = n / 64 + 1;

	*s = (struct rankset){ 0 };
	do {
		if (s->nlevels == RANKSET_MAX_LEVELS) {
			rankset_free(s);
			return -ENOMEM;
		}
		s->bits[s->nlevels] = calloc(words, sizeof(uint64_t));
		if (!s->bits[s->nlevels]) {
			rankset_free(s);
			return -ENOMEM;
		}
		s->nwords[s->nlevels++] = words;
		words = words / 64 + 1;
	} while (s->nwords[s->nlevels - 1] > 1);
	return 0;
}

void rankset_free(struct rankset *s)
{
	for (unsigned int l = 0; l < RANKSET_MAX_LEVELS; l++)
		free(s->bits[l]);
	*s = (struct rankset){ 0 };
}

void rankset_insert(struct rankset *s, size_t i)
{
	for (unsigned int l = 0; l < s->nlevels; l++, i >>= 6) {
		uint64_t *w = &s->bits[l][i >> 6];
		bool was_empty = *w == 0;

		*w |= 1ull << (i & 63);
		if (!was_empty)
			return;
	}
}

void rankset_erase(struct rankset *s, size_t i)
{
	for (unsigned int l = 0; l < s->nlevels; l++, i >>= 6) {
		uint64_t *w = &s->bits[l][i >> 6];

		*w &= ~(1ull << (i & 63));
		if (*w)
			return;
	}
}

/* From bit @p of level @l, which is set, down to its smallest/largest element. */
static size_t descend(const struct rankset *s, unsigned int l, size_t p, bool first)
{
	while (l-- > 0) {
		uint64_t w = s->bits[l][p];

		p = p << 6 | (size_t)(first ? __builtin_ctzll(w) : 63 - __builtin_clzll(w));
	}
	return p;
}

size_t rankset_next(const struct rankset *s, size_t i)
{
	for (unsigned int l = 0; l < s->nlevels; l++) {
		if ((i >> 6) >= s->nwords[l])
			return RANKSET_NONE;
		uint64_t w = s->bits[l][i >> 6] & (~0ull << (i & 63));

		if (w)
			return descend(s, l, (i & ~(size_t)63) | (size_t)__builtin_ctzll(w), true);
		i = (i >> 6) + 1;
	}
	return RANKSET_NONE;
}

size_t rankset_prev(const struct rankset *s, size_t i)
{
	for (unsigned int l = 0; l < s->nlevels; l++) {
		uint64_t mask = (i & 63) == 63 ? ~0ull : (1ull << ((i & 63) + 1)) - 1;
		uint64_t w = s->bits[l][i >> 6] & mask;

		if (w)
			return descend(s, l, (i & ~(size_t)63) | (size_t)(63 - __builtin_clzll(w)),
				       false);
		if ((i >> 6) == 0)
			return RANKSET_NONE;
		i = (i >> 6) - 1;
	}
	return RANKSET_NONE;
}
