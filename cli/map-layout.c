// SPDX-License-Identifier: MIT
/*
 * The map's layout, computed once for both writers: a piecewise axis (a band
 * between every two consecutive boundaries, its height growing with the
 * logarithm of its size, so a 4 KiB RMRR and 1 TiB of RAM are both readable),
 * side-by-side slots for items of a lane that overlap, and which items a
 * guest conflict touches. No output, no state: a test checks it directly.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "map.h"

/*
 * 16 units up to 4 KiB, then 3 more for every doubling: 1 MiB 40, 1 GiB 70,
 * 1 TiB 100, 2^64 172. The band's size is last - start + 1, which is 2^64
 * for [0, UINT64_MAX]: work on last - start.
 */
unsigned int map_band_height(uint64_t start, uint64_t last)
{
	uint64_t n = last - start;
	unsigned int bits = n ? 64u - (unsigned int)__builtin_clzll(n) : 0;

	return MAP_MIN_H + (bits > 12 ? (bits - 12) * 3 : 0);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* A band starts at @x when 0 < x <= top; last + 1 of UINT64_MAX starts nothing. */
static void cut(uint64_t *v, size_t *n, uint64_t x, uint64_t top)
{
	if (x > 0 && x <= top)
		v[(*n)++] = x;
}

static void cut_range(uint64_t *v, size_t *n, uint64_t start, uint64_t last, uint64_t top)
{
	cut(v, n, start, top);
	if (last != UINT64_MAX)
		cut(v, n, last + 1, top);
}

static bool meets(uint64_t a0, uint64_t a1, uint64_t b0, uint64_t b1)
{
	return a0 <= b1 && b0 <= a1;
}

/* The highest address shown: apertures, items, usable ranges, conflicts. */
static uint64_t top_of(const struct map *m, bool *any)
{
	uint64_t top = 0;

	*any = false;
	for (size_t i = 0; i < m->nlanes; i++) {
		const struct map_lane *ln = &m->lanes[i];

		if (ln->has_aperture && (!*any || ln->aperture.last > top))
			top = ln->aperture.last, *any = true;
		for (size_t k = 0; k < ln->nitems; k++)
			if (!*any || ln->items[k].last > top)
				top = ln->items[k].last, *any = true;
		for (size_t k = 0; k < ln->nusable; k++)
			if (!*any || ln->usable[k].last > top)
				top = ln->usable[k].last, *any = true;
	}
	for (size_t i = 0; i < m->nconflicts; i++)
		if (!*any || m->conflicts[i].overlap.last > top)
			top = m->conflicts[i].overlap.last, *any = true;
	return top;
}

/* Greedy interval colouring in (start, longest first) order: each item one slot. */
static int assign_slots(struct map_lane *ln)
{
	size_t n = ln->nitems;
	size_t *order = calloc(n ? n : 1, sizeof(*order));
	uint64_t *end = calloc(n ? n : 1, sizeof(*end));

	if (!order || !end) {
		free(order);
		free(end);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	/* Insertion sort: lanes hold tens of items, and it is stable. */
	for (size_t i = 1; i < n; i++) {
		size_t v = order[i], j = i;

		while (j > 0) {
			const struct map_item *a = &ln->items[order[j - 1]], *b = &ln->items[v];

			if (a->start < b->start || (a->start == b->start && a->last >= b->last))
				break;
			order[j] = order[j - 1];
			j--;
		}
		order[j] = v;
	}
	ln->nslots = 0;
	for (size_t i = 0; i < n; i++) {
		struct map_item *it = &ln->items[order[i]];
		unsigned int s;

		for (s = 0; s < ln->nslots; s++)
			if (end[s] < it->start)
				break;
		if (s == ln->nslots)
			ln->nslots++;
		end[s] = it->last;
		it->slot = s;
	}
	for (size_t i = 0; i < n; i++) {
		struct map_item *it = &ln->items[i];

		it->alone = true;
		for (size_t k = 0; k < n && it->alone; k++)
			if (k != i && meets(it->start, it->last, ln->items[k].start, ln->items[k].last))
				it->alone = false;
	}
	if (!ln->nslots)
		ln->nslots = 1;
	free(order);
	free(end);
	return 0;
}

static void mark_conflicts(struct map *m)
{
	for (size_t i = 0; i < m->nlanes; i++)
		for (size_t k = 0; k < m->lanes[i].nitems; k++)
			m->lanes[i].items[k].conflict = 0;
	for (size_t c = 0; c < m->nconflicts; c++) {
		const struct map_conflict *x = &m->conflicts[c];
		size_t lanes[2] = { x->guest, x->lane };

		for (int w = 0; w < 2; w++) {
			if (lanes[w] >= m->nlanes)
				continue;
			struct map_lane *ln = &m->lanes[lanes[w]];

			for (size_t k = 0; k < ln->nitems; k++) {
				struct map_item *it = &ln->items[k];

				/* A cut relaxable part is not in the view the check judged. */
				if (it->kind == MAP_TRUNCATED ||
				    !meets(it->start, it->last, x->overlap.start, x->overlap.last))
					continue;
				if (it->conflict < (int)x->severity + 1)
					it->conflict = (int)x->severity + 1;
			}
		}
	}
}

int map_layout(struct map *m, struct map_layout *out)
{
	size_t cap = 2 * m->nconflicts + 1, n = 0;
	bool any;
	uint64_t top = top_of(m, &any);

	if (!any)
		top = UINT64_MAX;
	for (size_t i = 0; i < m->nlanes; i++)
		cap += 2 * (m->lanes[i].nitems + m->lanes[i].nusable + 1);
	uint64_t *cuts = calloc(cap, sizeof(*cuts));

	if (!cuts)
		return -ENOMEM;
	for (size_t i = 0; i < m->nlanes; i++) {
		const struct map_lane *ln = &m->lanes[i];

		if (ln->has_aperture)
			cut_range(cuts, &n, ln->aperture.start, ln->aperture.last, top);
		for (size_t k = 0; k < ln->nitems; k++)
			cut_range(cuts, &n, ln->items[k].start, ln->items[k].last, top);
		for (size_t k = 0; k < ln->nusable; k++)
			cut_range(cuts, &n, ln->usable[k].start, ln->usable[k].last, top);
	}
	for (size_t i = 0; i < m->nconflicts; i++)
		cut_range(cuts, &n, m->conflicts[i].overlap.start, m->conflicts[i].overlap.last,
			  top);
	qsort(cuts, n, sizeof(*cuts), cmp_u64);
	size_t u = 0;

	for (size_t i = 0; i < n; i++)
		if (!u || cuts[u - 1] != cuts[i])
			cuts[u++] = cuts[i];
	struct map_segment *seg = calloc(u + 1, sizeof(*seg));

	if (!seg) {
		free(cuts);
		return -ENOMEM;
	}
	unsigned int y = 0;

	for (size_t i = 0; i <= u; i++) {
		struct map_segment *s = &seg[i];

		s->start = i ? cuts[i - 1] : 0;
		s->last = i < u ? cuts[i] - 1 : top;
		s->y = y;
		s->h = map_band_height(s->start, s->last);
		y += s->h;
		s->gap = true;
		for (size_t l = 0; l < m->nlanes && s->gap; l++)
			for (size_t k = 0; k < m->lanes[l].nitems && s->gap; k++)
				if (meets(s->start, s->last, m->lanes[l].items[k].start,
					  m->lanes[l].items[k].last))
					s->gap = false;
	}
	free(cuts);
	for (size_t i = 0; i < m->nlanes; i++)
		if (assign_slots(&m->lanes[i]) < 0) {
			free(seg);
			return -ENOMEM;
		}
	mark_conflicts(m);
	out->seg = seg;
	out->nseg = u + 1;
	out->height = y;
	return 0;
}

void map_layout_free(struct map_layout *l)
{
	free(l->seg);
	l->seg = NULL;
	l->nseg = 0;
}

/* The band with the highest start <= @addr. */
size_t map_segment_of(const struct map_layout *l, uint64_t addr)
{
	size_t lo = 0, hi = l->nseg;

	if (!l->nseg || addr > l->seg[l->nseg - 1].last)
		return l->nseg;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (l->seg[mid].start <= addr)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

void map_span(const struct map_layout *l, uint64_t start, uint64_t last, unsigned int *y,
	      unsigned int *h)
{
	size_t a = map_segment_of(l, start), b = map_segment_of(l, last);

	if (a == l->nseg) {	/* above the axis: nothing to draw */
		*y = l->height;
		*h = 0;
		return;
	}
	if (b == l->nseg)
		b = l->nseg - 1;
	*y = l->seg[a].y;
	*h = l->seg[b].y + l->seg[b].h - *y;
}
