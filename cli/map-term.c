// SPDX-License-Identifier: MIT
/*
 * The map as text (--map=term), for a terminal or a mail: the same layout as
 * the SVG, one line per band, one column per lane. Glyphs, not colours, tell
 * the types apart (ASCII, so any terminal and any font shows them).
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "cli.h"
#include "map.h"

/* On a terminal (map.c decides), the glyphs in colour too: ANSI SGR. */
static const char *const colours[MAP_KIND_COUNT] = {
	[MAP_DIRECT] = "31", [MAP_RELAXABLE] = "33", [MAP_RESERVED] = "1", [MAP_MSI] = "34",
	[MAP_TRUNCATED] = "2;33", [MAP_RAM] = "32", [MAP_MMIO] = "36",
};

static const char *const glyphs[MAP_KIND_COUNT] = {
	[MAP_DIRECT] = "##", [MAP_RELAXABLE] = "//", [MAP_RESERVED] = "xx", [MAP_MSI] = "mm",
	[MAP_TRUNCATED] = "::", [MAP_RAM] = "==", [MAP_MMIO] = "--",
};

#define CELL_MAX 22
#define LEFT 27		/* "0x0000000000000000 1008.0G " */

/* @s in exactly @w columns (cut with '~', or padded); UTF-8 counts as one column a character. */
static void put(FILE *f, const char *s, unsigned int w)
{
	unsigned int cols = 0;
	size_t n = strlen(s), i;

	for (i = 0; i < n; i++)
		cols += ((unsigned char)s[i] & 0xc0) != 0x80;
	if (cols <= w) {
		fputs(s, f);
		fprintf(f, "%*s", (int)(w - cols), "");
		return;
	}
	for (i = 0, cols = 0; i < n; i++) {
		if (((unsigned char)s[i] & 0xc0) != 0x80 && ++cols == w)
			break;
		fputc(s[i], f);
	}
	fputc('~', f);
}

static bool inside(uint64_t a0, uint64_t a1, uint64_t b0, uint64_t b1)
{
	return b0 <= a0 && a1 <= b1;
}

/* The worst conflict of lane @lane that meets band @s: 0, or severity + 1. */
static int band_conflict(const struct map *m, size_t lane, const struct map_segment *s)
{
	int worst = 0;

	for (size_t c = 0; c < m->nconflicts; c++) {
		const struct map_conflict *x = &m->conflicts[c];

		if ((x->guest == lane || x->lane == lane) && x->overlap.start <= s->last &&
		    s->start <= x->overlap.last && (int)x->severity + 1 > worst)
			worst = (int)x->severity + 1;
	}
	return worst;
}

/* Lane @lane's cell of band @s: mark, a glyph pair per item, the label where an item starts. */
static void cell(FILE *f, const struct map *m, size_t lane, const struct map_segment *s,
		 unsigned int cw, bool colour)
{
	const struct map_lane *ln = &m->lanes[lane];
	char buf[256];
	const char *label = NULL;
	int conflict = band_conflict(m, lane, s);
	bool blocker = false;
	size_t len = 2, nk = 0;
	enum map_kind kinds[sizeof(buf) / 2];

	memcpy(buf, "  ", 3);
	for (unsigned int slot = 0; slot < ln->nslots; slot++)
		for (size_t k = 0; k < ln->nitems; k++) {
			const struct map_item *it = &ln->items[k];

			if (it->slot != slot || !inside(s->start, s->last, it->start, it->last))
				continue;
			if (len + 2 < sizeof(buf)) {
				memcpy(buf + len, glyphs[it->kind], 2);
				len += 2;
				buf[len] = '\0';
				kinds[nk++] = it->kind;
			}
			blocker |= it->blocker;
			if (!label && it->start == s->start)
				label = it->label;
		}
	if (len == 2 && ln->has_aperture && s->start > ln->aperture.last)
		snprintf(buf + len, sizeof(buf) - len, "~~ above aperture");
	else if (label)
		snprintf(buf + len, sizeof(buf) - len, " %s", label);
	if (blocker)
		memcpy(buf, "XX", 2);
	else if (conflict == RESV_SEV_ERROR + 1)
		memcpy(buf, "!!", 2);
	else if (conflict)
		buf[0] = '!';
	bool above = !nk && buf[2] == '~';

	if (!colour || cw < (above ? strlen(buf) : len)) {
		put(f, buf, cw);
	} else {
		/* The same columns: the mark, each glyph pair in its colour, the rest. */
		if (buf[0] != ' ')
			fprintf(f, "\033[1;%sm%.2s\033[0m", blocker || conflict == RESV_SEV_ERROR + 1 ?
				"31" : "33", buf);
		else
			fputs("  ", f);
		for (size_t k = 0; k < nk; k++)
			fprintf(f, "\033[%sm%.2s\033[0m", colours[kinds[k]], buf + 2 + 2 * k);
		if (above)	/* "~~ above aperture", dim, then padding */
			fprintf(f, "\033[2m%s\033[0m", buf + 2);
		put(f, above ? "" : buf + len,
		    cw - (unsigned int)(above ? strlen(buf) : len));
	}
	if (ln->has_aperture) {
		bool usable = false;

		for (size_t k = 0; k < ln->nusable && !usable; k++)
			usable = inside(s->start, s->last, ln->usable[k].start, ln->usable[k].last);
		fputs(usable ? (colour ? "\033[32m+\033[0m" : "+") : " ", f);
	}
}

static void head(FILE *f, const struct map *m, unsigned int cw, int line)
{
	if (line == 0)
		fprintf(f, "%-18s %7s ", "START", "SIZE");
	else
		fprintf(f, "%*s", LEFT, "");
	for (size_t i = 0; i < m->nlanes; i++) {
		const struct map_lane *ln = &m->lanes[i];
		const char *s = line == 0 ? ln->name : line == 1 ? ln->sub : ln->status;

		fputs("|", f);
		put(f, s ? s : "", cw + ln->has_aperture);
	}
	fputs("|\n", f);
}

int map_write_term(FILE *f, const struct map *m, const struct map_layout *l, unsigned int width,
		   bool colour)
{
	unsigned int cw = CELL_MAX, extra = 0;
	bool guest = false, aperture = false, marks = false;
	char sz[32];

	for (size_t i = 0; i < m->nlanes; i++) {
		extra += 1 + m->lanes[i].has_aperture;
		guest |= m->lanes[i].kind == MAP_LANE_GUEST;
		aperture |= m->lanes[i].has_aperture;
	}
	if (width && m->nlanes && LEFT + extra + 1 + m->nlanes * cw > width) {
		unsigned int room = width > LEFT + extra + 1 ? width - LEFT - extra - 1 : 0;

		cw = room / (unsigned int)m->nlanes;
		if (cw < 6)
			cw = 6;
	}
	fprintf(f, "%s\n", m->title);
	for (size_t i = 0; i < m->nnotes; i++)
		fprintf(f, "%s\n", m->notes[i]);
	fputs("Not to scale: a line for each band between two boundaries, whatever its size;\n"
	      "START is where the band begins.\n\n", f);
	for (int line = 0; line < 3; line++)
		head(f, m, cw, line);
	for (size_t b = 0; b < l->nseg; b++) {
		const struct map_segment *s = &l->seg[b];

		print_size(sz, sizeof(sz), s->start, s->last);
		fprintf(f, "0x%016" PRIx64 " %7s ", s->start, sz);
		for (size_t i = 0; i < m->nlanes; i++) {
			fputc('|', f);
			cell(f, m, i, s, cw, colour);
		}
		fputs("|\n", f);
	}
	fprintf(f, "0x%016" PRIx64 " (last address)\n\n", l->seg[l->nseg - 1].last);
	fputs("## direct  // direct-relaxable  :: relaxable, cut (kernel view only)  xx reserved"
	      "  mm msi\n", f);
	if (guest)
		fputs("== guest RAM  -- guest MMIO  !! a conflict (error)  ! a conflict (warning)\n", f);
	fputs("XX the region that makes the group unassignable\n", f);
	if (aperture)
		fputs("+  usable IOVA (VFIO IOVA_RANGE)  ~~ above the IOVA aperture\n", f);
	for (size_t c = 0; c < m->nconflicts; c++) {
		const struct map_conflict *x = &m->conflicts[c];

		if (!marks)
			fputs("\nConflicts:\n", f);
		marks = true;
		fprintf(f, "  %-8s %s\n", resv_severity_name(x->severity), x->title);
	}
	for (size_t i = 0; i < m->nlanes; i++)
		for (size_t k = 0; k < m->lanes[i].nitems; k++)
			if (m->lanes[i].items[k].blocker) {
				const char *t = m->lanes[i].items[k].title;

				fprintf(f, "\n%s: blocks VFIO: %.*s\n", m->lanes[i].name,
					(int)strcspn(t, "\n"), t);
			}
	return ferror(f) ? -EIO : 0;
}
