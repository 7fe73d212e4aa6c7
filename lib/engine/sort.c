// SPDX-License-Identifier: MIT
/*
 * An introsort on (start, key) pairs. The comparison is inlined, which makes
 * it several times cheaper than qsort() with a callback on the same data;
 * the region engine spends most of its time here.
 */
#include "internal.h"

static inline bool item_less(const struct sort_item *a,
			     const struct sort_item *b)
{
	return a->start < b->start || (a->start == b->start && a->key < b->key);
}

static inline void item_swap(struct sort_item *a, struct sort_item *b)
{
	struct sort_item t = *a;

	*a = *b;
	*b = t;
}

static void insertion_sort(struct sort_item *v, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		struct sort_item x = v[i];
		size_t j = i;

		while (j > 0 && item_less(&x, &v[j - 1])) {
			v[j] = v[j - 1];
			j--;
		}
		v[j] = x;
	}
}

static void sift_down(struct sort_item *v, size_t root, size_t n)
{
	for (;;) {
		size_t child = 2 * root + 1;

		if (child >= n)
			return;
		if (child + 1 < n && item_less(&v[child], &v[child + 1]))
			child++;
		if (!item_less(&v[root], &v[child]))
			return;
		item_swap(&v[root], &v[child]);
		root = child;
	}
}

static void heap_sort(struct sort_item *v, size_t n)
{
	for (size_t i = n / 2; i-- > 0;)
		sift_down(v, i, n);
	for (size_t end = n; end-- > 1;) {
		item_swap(&v[0], &v[end]);
		sift_down(v, 0, end);
	}
}

static void intro_sort(struct sort_item *v, size_t n, unsigned int depth)
{
	while (n > 24) {
		if (depth-- == 0) {
			heap_sort(v, n);
			return;
		}
		/* Median of three into v[0], then Hoare partition. */
		size_t mid = n / 2;

		if (item_less(&v[mid], &v[0]))
			item_swap(&v[mid], &v[0]);
		if (item_less(&v[n - 1], &v[0]))
			item_swap(&v[n - 1], &v[0]);
		if (item_less(&v[n - 1], &v[mid]))
			item_swap(&v[n - 1], &v[mid]);
		item_swap(&v[0], &v[mid]);

		struct sort_item pivot = v[0];
		size_t i = 0, j = n;

		for (;;) {
			do
				i++;
			while (i < n && item_less(&v[i], &pivot));
			do
				j--;
			while (item_less(&pivot, &v[j]));
			if (i >= j)
				break;
			item_swap(&v[i], &v[j]);
		}
		item_swap(&v[0], &v[j]);
		/* Recurse into the smaller side; loop on the larger. */
		if (j < n - j - 1) {
			intro_sort(v, j, depth);
			v += j + 1;
			n -= j + 1;
		} else {
			intro_sort(v + j + 1, n - j - 1, depth);
			n = j;
		}
	}
	insertion_sort(v, n);
}

void sort_items(struct sort_item *v, size_t n)
{
	unsigned int depth = 0;

	for (size_t m = n; m > 1; m >>= 1)
		depth += 2;
	intro_sort(v, n, depth);
}
