// SPDX-License-Identifier: MIT
/*
 * The text table. Every cell is kept in one buffer; at the end the table is
 * printed by libsmartcols when it must fit a terminal (its width rules then
 * shrink and wrap columns) or print raw, and otherwise by the loop below,
 * which follows libsmartcols 2.38 (Debian 12) byte for byte for the case it
 * takes: human format, not a terminal, no tree, minout, no encoding, and
 * only ASCII cells, so that a width is a byte count. libsmartcols spends
 * most of a million-line table measuring cells a character at a time
 * (issue 13); here a width costs a strlen.
 *
 * The rules, from libsmartcols/src/calculate.c count_column_width() and
 * print.c print_data(), print_pending_data(), print_empty_cell():
 * - A column is as wide as its widest cell (a wrapped column: its widest
 *   line), at least as its header; if the cells are at least the header's
 *   width but narrower than an absolute width hint (>= 1), the hint. A
 *   relative hint (< 1) counts only on a terminal.
 * - A cell is followed by blanks to the column's width and one space,
 *   except in the last column, and except when no later cell of the line
 *   has data (minout). Right-aligned cells are padded in front.
 * - A wrapped cell (entries one a line) prints its first entry on the
 *   line and the others on extra lines, the other cells blank there.
 * - Lines are separated by '\n', and the table ends with one.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libsmartcols.h>

#include "cli.h"
#include "table-text.h"

void text_table_init(struct text_table *tt, const struct text_column *cols, size_t ncols,
		     bool raw, bool noheadings)
{
	*tt = (struct text_table){ .cols = cols, .ncols = ncols, .raw = raw,
				   .noheadings = noheadings, .ascii = true };
}

void text_table_free(struct text_table *tt)
{
	free(tt->text);
	free(tt->line);
	tt->text = NULL;
	tt->line = NULL;
}

static bool grow(void **p, size_t *cap, size_t need, size_t size)
{
	size_t n = *cap ? *cap : 64;
	void *q;

	if (need <= *cap)
		return true;
	while (n < need) {
		if (n > SIZE_MAX / 2 / size)
			return false;
		n *= 2;
	}
	q = realloc(*p, n * size);
	if (!q)
		return false;
	*p = q;
	*cap = n;
	return true;
}

void text_new_line(struct text_table *tt)
{
	if (tt->nomem || !grow((void **)&tt->line, &tt->line_cap, tt->nlines + 1,
			       sizeof(*tt->line))) {
		tt->nomem = true;
		return;
	}
	tt->line[tt->nlines++] = tt->len;
	tt->ncells = 0;
}

void text_append(struct text_table *tt, const char *s, size_t n)
{
	if (tt->nomem || n > SIZE_MAX - tt->len - 1 ||
	    !grow((void **)&tt->text, &tt->cap, tt->len + n + 1, 1)) {
		tt->nomem = true;
		return;
	}
	if (tt->ascii) {
		uint64_t high = 0, w;
		size_t i = 0;

		for (; i + 8 <= n; i += 8) {
			memcpy(&w, s + i, 8);
			high |= w;
		}
		for (; i < n; i++)
			high |= (unsigned char)s[i];
		tt->ascii = !(high & 0x8080808080808080ull);
	}
	memcpy(tt->text + tt->len, s, n);
	tt->len += n;
}

void text_end_cell(struct text_table *tt)
{
	if (tt->nomem || !grow((void **)&tt->text, &tt->cap, tt->len + 1, 1)) {
		tt->nomem = true;
		return;
	}
	tt->text[tt->len++] = '\0';
	tt->ncells++;
}

/* The cells of line @i, one after the other. */
static const char *line_cells(const struct text_table *tt, size_t i)
{
	return tt->text + tt->line[i];
}

/*
 * libsmartcols is loaded when a table goes to it (dlopen), not at every
 * start: with our own printer for the other tables, most runs never need
 * it, and loading it was a fifth of the start-up (issue 13).
 */
#define SCOLS_CALLS(X) \
	X(scols_new_table) X(scols_unref_table) X(scols_print_table) \
	X(scols_table_enable_raw) X(scols_table_enable_noencoding) \
	X(scols_table_enable_noheadings) X(scols_table_enable_minout) \
	X(scols_table_new_column) X(scols_table_new_line) X(scols_line_set_data) \
	X(scols_column_set_wrapfunc) X(scols_column_set_safechars) \
	X(scols_wrapnl_chunksize) X(scols_wrapnl_nextchunk)

static struct {
#define SCOLS_FIELD(f) __typeof__(&f) f;
	SCOLS_CALLS(SCOLS_FIELD)
#undef SCOLS_FIELD
} scols;

/*
 * libsmartcols.so.1 comes with util-linux (Essential on Debian): without
 * it, or without a call, the table cannot be printed as asked, and the run
 * ends saying so.
 */
static void load_scols(void)
{
	static bool loaded;
	void *h;

	if (loaded)
		return;
	h = dlopen("libsmartcols.so.1", RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		fprintf(stderr, PROG ": cannot print the table: %s\n", dlerror());
		exit(EXIT_FAIL);
	}
#define SCOLS_LOAD(f) \
	if (!(*(void **)&scols.f = dlsym(h, #f))) { \
		fprintf(stderr, PROG ": cannot print the table: libsmartcols.so.1 lacks " #f "\n"); \
		exit(EXIT_FAIL); \
	}
	SCOLS_CALLS(SCOLS_LOAD)
#undef SCOLS_LOAD
	loaded = true;
}

/* libsmartcols' own printing: a terminal's width, or raw output. */
static int print_scols(const struct text_table *tt)
{
	struct libscols_table *tb;
	int rc = -ENOMEM;

	load_scols();
	tb = scols.scols_new_table();
	if (!tb)
		return -ENOMEM;
	scols.scols_table_enable_raw(tb, tt->raw);
	/* Cells are escaped by the caller (a newline in a name too, which
	 * libsmartcols would keep), as every other line the tool prints. */
	scols.scols_table_enable_noencoding(tb, 1);
	scols.scols_table_enable_noheadings(tb, tt->noheadings);
	/* No blanks after a line's last cell (a group's line has no region cells). */
	scols.scols_table_enable_minout(tb, 1);
	for (size_t i = 0; i < tt->ncols; i++) {
		const struct text_column *c = &tt->cols[i];
		int flags = tt->raw ? c->flags & ~SCOLS_FL_WRAP : c->flags;
		struct libscols_column *cl;

		cl = scols.scols_table_new_column(tb, c->name, c->whint, flags);

		if (!cl)
			goto out;
		/* List cells hold one entry a line (util-linux lsblk MOUNTPOINTS). */
		if (flags & SCOLS_FL_WRAP) {
			scols.scols_column_set_wrapfunc(cl, scols.scols_wrapnl_chunksize,
							scols.scols_wrapnl_nextchunk, NULL);
			scols.scols_column_set_safechars(cl, "\n");
		}
	}
	for (size_t i = 0; i < tt->nlines; i++) {
		struct libscols_line *ln = scols.scols_table_new_line(tb, NULL);
		const char *cell = line_cells(tt, i);

		if (!ln)
			goto out;
		for (size_t k = 0; k < tt->ncols; k++, cell += strlen(cell) + 1)
			if (*cell && scols.scols_line_set_data(ln, k, cell) < 0)
				goto out;
	}
	rc = scols.scols_print_table(tb);
out:
	scols.scols_unref_table(tb);
	return rc;
}

/* Buffered output: one fwrite() per 64 KiB. */
struct out {
	char buf[65536];
	size_t n;
	bool err;
};

static void out_write(struct out *o, const char *s, size_t n)
{
	while (n) {
		size_t k = sizeof(o->buf) - o->n < n ? sizeof(o->buf) - o->n : n;

		memcpy(o->buf + o->n, s, k);
		o->n += k;
		s += k;
		n -= k;
		if (o->n == sizeof(o->buf)) {
			o->err |= fwrite(o->buf, 1, o->n, stdout) != o->n;
			o->n = 0;
		}
	}
}

static void out_blanks(struct out *o, size_t n)
{
	static const char blanks[64] = "                                                                ";

	for (; n > sizeof(blanks); n -= sizeof(blanks))
		out_write(o, blanks, sizeof(blanks));
	out_write(o, blanks, n);
}

/* Width of a cell: its longest entry when wrapped (scols_wrapnl_chunksize). */
static size_t cell_width(const char *s, bool wrapped)
{
	size_t w = 0;

	if (!wrapped)
		return strlen(s);
	while (*s) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);

		if (n > w)
			w = n;
		s += n + (nl ? 1 : 0);
	}
	return w;
}

/*
 * One cell or one entry of it: the text, then the blanks and separator the
 * rules ask for. @rest_empty: no later cell of the line has data.
 */
static void put_cell(struct out *o, const struct text_column *c, size_t width, bool last,
		     bool rest_empty, const char *s, size_t len, bool align)
{
	size_t n = len;

	if (last && len < width && !(align && (c->flags & SCOLS_FL_RIGHT)))
		width = len;
	if (len && align && (c->flags & SCOLS_FL_RIGHT) && len < width) {
		out_blanks(o, width - len);
		len = width;
	}
	out_write(o, s, n);
	if (rest_empty || last)
		return;
	out_blanks(o, width - len);
	out_write(o, " ", 1);
}

static int print_stream(const struct text_table *tt)
{
	size_t *width = calloc(tt->ncols, sizeof(*width));
	const char **pending = calloc(tt->ncols, sizeof(*pending));
	const char **cells = calloc(tt->ncols, sizeof(*cells));
	struct out *o = malloc(sizeof(*o));
	int rc = -ENOMEM;

	if (!width || !pending || !cells || !o)
		goto out;
	o->n = 0;
	o->err = false;
	for (size_t i = 0; i < tt->nlines; i++) {
		const char *cell = line_cells(tt, i);

		for (size_t k = 0; k < tt->ncols; k++) {
			bool wrapped = tt->cols[k].flags & SCOLS_FL_WRAP;
			size_t n = strlen(cell), w = wrapped ? cell_width(cell, true) : n;

			if (w > width[k])
				width[k] = w;
			cell += n + 1;
		}
	}
	for (size_t k = 0; k < tt->ncols; k++) {
		size_t min = strlen(tt->cols[k].name), hint = (size_t)tt->cols[k].whint;

		if (!min)
			min = 1;
		if (width[k] < min)
			width[k] = min;
		else if (tt->cols[k].whint >= 1 && width[k] < hint && min < hint)
			width[k] = hint;
	}
	if (!tt->noheadings) {
		for (size_t k = 0; k < tt->ncols; k++) {
			const char *name = tt->cols[k].name;

			put_cell(o, &tt->cols[k], width[k], k + 1 == tt->ncols, false, name,
				 strlen(name), true);
		}
		out_write(o, "\n", 1);
	}
	for (size_t i = 0; i < tt->nlines; i++) {
		const char *cell = line_cells(tt, i);
		size_t last = 0;	/* one past the last cell with data */
		bool more = false;

		for (size_t k = 0; k < tt->ncols; k++) {
			cells[k] = cell;
			if (*cell)
				last = k + 1;
			cell += strlen(cell) + 1;
		}
		for (size_t k = 0; k < tt->ncols; k++) {
			const char *s = cells[k];
			const char *nl = tt->cols[k].flags & SCOLS_FL_WRAP ? strchr(s, '\n') : NULL;
			size_t len = nl ? (size_t)(nl - s) : strlen(s);

			pending[k] = nl && nl[1] ? nl + 1 : NULL;
			more |= pending[k] != NULL;
			put_cell(o, &tt->cols[k], width[k], k + 1 == tt->ncols, k + 1 >= last, s,
				 len, true);
		}
		/* The other entries of wrapped cells, on lines of their own. */
		while (more) {
			more = false;
			out_write(o, "\n", 1);
			for (size_t k = 0; k < tt->ncols; k++) {
				const char *s = pending[k] ? pending[k] : "";
				const char *nl = pending[k] ? strchr(s, '\n') : NULL;
				size_t len = nl ? (size_t)(nl - s) : strlen(s);

				if (pending[k]) {
					pending[k] = nl && nl[1] ? nl + 1 : NULL;
					more |= pending[k] != NULL;
				}
				put_cell(o, &tt->cols[k], width[k], k + 1 == tt->ncols,
					 k + 1 >= last, s, len, false);
			}
		}
		out_write(o, "\n", 1);
	}
	if (o->n)
		o->err |= fwrite(o->buf, 1, o->n, stdout) != o->n;
	rc = o->err ? -EIO : 0;
out:
	free(width);
	free(pending);
	free(cells);
	free(o);
	return rc;
}

int text_table_print(struct text_table *tt)
{
	if (tt->nomem)
		return -ENOMEM;
	if (!tt->nlines)
		return 0;
	if (tt->raw || !tt->ascii || isatty(STDOUT_FILENO) || getenv("IOMMU_RESV_SCOLS"))
		return print_scols(tt);
	return print_stream(tt);
}
