/* SPDX-License-Identifier: MIT */
/*
 * The text table: cells kept in one buffer until every width is known, then
 * printed as libsmartcols prints them (util-linux 2.38), by libsmartcols
 * itself on a terminal, by us otherwise.
 */
#ifndef IOMMU_RESV_TABLE_TEXT_H
#define IOMMU_RESV_TABLE_TEXT_H

#include <stdbool.h>
#include <stddef.h>

struct text_column {
	const char *name;
	double whint;		/* >= 1: a width; < 1: a share of the terminal */
	int flags;		/* SCOLS_FL_RIGHT, SCOLS_FL_WRAP (one entry a line) */
};

struct text_table {
	const struct text_column *cols;
	size_t ncols;
	bool raw, noheadings;
	/* Each line's cells, NUL-terminated one after the other ("" when empty). */
	char *text;
	size_t len, cap;
	size_t *line;		/* offset of each line's first cell */
	size_t nlines, line_cap;
	size_t ncells;		/* cells of the current line so far */
	bool ascii;		/* no byte >= 0x80 (widths are byte counts) */
	bool nomem;
};

void text_table_init(struct text_table *tt, const struct text_column *cols, size_t ncols,
		     bool raw, bool noheadings);
void text_table_free(struct text_table *tt);
/* A new line; then exactly ncols cells, each as appends and text_end_cell(). */
void text_new_line(struct text_table *tt);
void text_append(struct text_table *tt, const char *s, size_t n);
void text_end_cell(struct text_table *tt);
/* Print every line (nothing without lines). Return: 0, -ENOMEM or -EIO. */
int text_table_print(struct text_table *tt);

#endif
