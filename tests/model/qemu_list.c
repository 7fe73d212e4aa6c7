// SPDX-License-Identifier: MIT
/*
 * QEMU's reserved-region overlay, literally: util/reserved-region.c
 * resv_region_list_insert(), written from reference/peers.md §1.1. The list
 * is a plain array kept sorted and disjoint; each insertion walks it from
 * the start, and the new region wins over everything it overlaps: an older
 * region it contains is deleted, one that contains it is trimmed or split
 * in three, a partial overlap is trimmed. Nothing is merged; a region that
 * only touches the new one (util/range.c range_compare() returns 0 for it)
 * is left as it is. O(n) per insertion.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

struct qitem {
	uint64_t start, last;
	int type;
	uint32_t prot;
	uint32_t id;
};

struct qlist {
	size_t count, cap;
	struct qitem *v;
};

static int qlist_insert_at(struct qlist *l, size_t pos, const struct qitem *it)
{
	if (l->count == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 8;
		struct qitem *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	memmove(&l->v[pos + 1], &l->v[pos], (l->count - pos) * sizeof(*l->v));
	l->v[pos] = *it;
	l->count++;
	return 0;
}

static void qlist_delete(struct qlist *l, size_t pos)
{
	memmove(&l->v[pos], &l->v[pos + 1],
		(l->count - pos - 1) * sizeof(*l->v));
	l->count--;
}

/* a entirely below b, not touching (range_compare(a, b) < 0). */
static bool strictly_below(const struct qitem *a, const struct qitem *b)
{
	return a->last != UINT64_MAX && a->last + 1 < b->start;
}

static bool contains(const struct qitem *outer, const struct qitem *inner)
{
	return outer->start <= inner->start && inner->last <= outer->last;
}

/* r strictly inside v[i]: left part, r, right part. */
static int split_in_three(struct qlist *l, size_t i, const struct qitem *r)
{
	struct qitem left = l->v[i];
	int ret;

	left.last = r->start - 1;
	ret = qlist_insert_at(l, i, &left);
	if (ret)
		return ret;
	l->v[i + 1].start = r->last + 1;
	return qlist_insert_at(l, i + 1, r);
}

static int qemu_insert(struct qlist *l, const struct qitem *r)
{
	size_t i = 0;

	while (i < l->count) {
		struct qitem *it = &l->v[i];

		if (strictly_below(it, r)) {
			i++;
			continue;
		}
		if (strictly_below(r, it))
			return qlist_insert_at(l, i, r);
		/* Overlap, or just touching. */
		if (it->last < r->start) {
			/* touching from below: trimming to r->start - 1 is a no-op */
			i++;
			continue;
		}
		if (r->last < it->start)	/* touching from above */
			return qlist_insert_at(l, i, r);
		if (contains(r, it)) {
			qlist_delete(l, i);
			continue;
		}
		if (contains(it, r)) {
			if (it->start == r->start) {
				it->start = r->last + 1;
				return qlist_insert_at(l, i, r);
			}
			if (it->last == r->last) {
				it->last = r->start - 1;
				i++;
				continue;
			}
			return split_in_three(l, i, r);
		}
		if (r->start < it->start) {
			/* partial overlap from below */
			it->start = r->last + 1;
			return qlist_insert_at(l, i, r);
		}
		/* partial overlap from above */
		it->last = r->start - 1;
		i++;
	}
	return qlist_insert_at(l, l->count, r);
}

int qemu_list_overlay(struct model_list *out, const struct model_region *in,
		      size_t n)
{
	struct qlist l = { 0 };
	size_t i;
	int ret;

	out->count = 0;
	out->v = NULL;
	for (i = 0; i < n; i++) {
		struct qitem it = {
			.start = in[i].start, .last = in[i].last,
			.type = in[i].type, .prot = in[i].prot, .id = in[i].id,
		};

		if (in[i].zero_length)
			continue;
		ret = qemu_insert(&l, &it);
		if (ret) {
			free(l.v);
			return ret;
		}
	}
	out->v = calloc(l.count ? l.count : 1, sizeof(*out->v));
	if (!out->v) {
		free(l.v);
		return -ENOMEM;
	}
	for (i = 0; i < l.count; i++) {
		struct model_out *o = &out->v[i];

		o->ids = malloc(sizeof(*o->ids));
		if (!o->ids) {
			out->count = i;
			model_list_free(out);
			free(l.v);
			return -ENOMEM;
		}
		o->start = l.v[i].start;
		o->last = l.v[i].last;
		o->type = l.v[i].type;
		o->prot = l.v[i].prot;
		o->ids[0] = l.v[i].id;
		o->nids = 1;
	}
	out->count = l.count;
	free(l.v);
	return 0;
}
