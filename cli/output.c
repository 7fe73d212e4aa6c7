// SPDX-License-Identifier: MIT
/*
 * Rows of regions and ranges, as a libsmartcols table or as JSON. One static
 * column table (util-linux lsblk infos[]) drives headers, JSON keys and
 * --list-columns.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <libsmartcols.h>

#include "cli.h"
#include "names.h"
#include "table-text.h"

enum json_kind { J_NUM, J_STR, J_HEX, J_SIZE, J_DEVICES, J_SOURCES };

static const struct colinfo {
	const char *name;
	double whint;
	int flags;
	enum json_kind json;
	const char *key;
	const char *help;
} infos[COL_COUNT] = {
	[COL_GROUP] = { "GROUP", 5, SCOLS_FL_RIGHT, J_NUM, "group", "IOMMU group number" },
	[COL_GTYPE] = { "GTYPE", 8, 0, J_STR, "group_type", "group type: DMA, DMA-FQ, identity, blocked, unmanaged" },
	[COL_DEVICES] = { "DEVICES", 0.3, SCOLS_FL_WRAP, J_DEVICES, "devices", "the group's devices: NAME [CLASS VENDOR:DEVICE]" },
	[COL_START] = { "START", 18, 0, J_HEX, "start", "first address" },
	[COL_LAST] = { "LAST", 18, 0, J_HEX, "last", "last address (inclusive)" },
	[COL_SIZE] = { "SIZE", 6, SCOLS_FL_RIGHT, J_SIZE, "size", "size (in bytes with --bytes)" },
	[COL_TYPE] = { "TYPE", 16, 0, J_STR, "type", "region type: direct, direct-relaxable, reserved, msi, sw-msi" },
	[COL_PROT] = { "PROT", 6, 0, J_NUM, "prot", "IOMMU_* prot: r(ead) w(rite) c(ache) x(noexec) m(mmio) p(riv)" },
	[COL_SOURCE] = { "SOURCE", 0.3, SCOLS_FL_WRAP, J_SOURCES, "sources", "where the region comes from (every contributor of a merged region)" },
	[COL_DEVICE] = { "DEVICE", 12, 0, J_STR, "device", "device a region applies to, when known" },
	[COL_DRIVER] = { "DRIVER", 8, SCOLS_FL_WRAP, J_DEVICES, "drivers", "the driver each device is bound to (- none, ? not recorded)" },
	[COL_NAME] = { "NAME", 0.3, SCOLS_FL_WRAP, J_DEVICES, "names", "each device's vendor and device name from pci.ids, as lspci shows them" },
};

struct table {
	const struct opts *o;
	enum column cols[COL_COUNT];
	size_t ncols;
	struct text_column tcols[COL_COUNT];
	struct text_table tt;		/* text mode */
	char *esc_raw, *esc_out;	/* the last string put_esc() escaped */
	size_t esc_len;
	struct json j;			/* JSON mode */
	long last_group;		/* to print group cells once */
	bool any_row;
	const char *inner;		/* JSON: rows nest in group objects */
};

void list_columns(FILE *f, unsigned int allowed)
{
	fprintf(f, "Available output columns:\n");
	for (int c = 0; c < COL_COUNT; c++)
		if (allowed & (1u << c))
			fprintf(f, " %8s  %s\n", infos[c].name, infos[c].help);
}

/* Append the columns of @list to t->cols. */
/* The column named by @p[0, @len), in any case, or -1. */
static int column_named(const char *p, size_t len)
{
	for (int c = 0; c < COL_COUNT; c++)
		if (strlen(infos[c].name) == len && strncasecmp(infos[c].name, p, len) == 0)
			return c;
	return -1;
}

bool columns_include(const char *list, enum column c)
{
	for (const char *p = list && *list == '+' ? list + 1 : list; p && *p;) {
		size_t len = strcspn(p, ",");

		if (column_named(p, len) == (int)c)
			return true;
		p += len + (p[len] == ',');
	}
	return false;
}

static int parse_columns(struct table *t, const char *list, unsigned int allowed)
{
	const char *p = list;

	while (*p) {
		size_t len = strcspn(p, ",");
		int found = column_named(p, len);

		if (found >= 0 && !(allowed & (1u << found)))
			found = -1;
		if (found < 0 || t->ncols == COL_COUNT) {
			warnx_("unknown column '%.*s' (see --list-columns)", (int)len, p);
			return -EINVAL;
		}
		t->cols[t->ncols++] = (enum column)found;
		p += len;
		if (*p == ',')
			p++;
	}
	return t->ncols ? 0 : -EINVAL;
}

int table_new(struct table **out, const struct opts *o, const char *name,
	      const enum column *defaults, size_t ndefaults, unsigned int allowed)
{
	struct table *t = calloc(1, sizeof(*t));

	if (!t)
		return -ENOMEM;
	t->o = o;
	t->last_group = -1;
	/* "+LIST" adds to the default columns (util-linux lsblk -o +COL). */
	if (!o->columns || *o->columns == '+') {
		memcpy(t->cols, defaults, ndefaults * sizeof(*defaults));
		t->ncols = ndefaults;
	}
	if (o->columns && parse_columns(t, o->columns + (*o->columns == '+'), allowed) < 0) {
		free(t);
		return -EINVAL;
	}
	if (o->json) {
		json_open(&t->j, stdout, '{');
		json_key(&t->j, name);
		json_open(&t->j, NULL, '[');
		*out = t;
		return 0;
	}
	for (size_t i = 0; i < t->ncols; i++) {
		const struct colinfo *ci = &infos[t->cols[i]];

		t->tcols[i] = (struct text_column){ ci->name, ci->whint, ci->flags };
	}
	text_table_init(&t->tt, t->tcols, t->ncols, o->raw, o->noheadings);
	*out = t;
	return 0;
}

void table_free(struct table *t)
{
	if (!t)
		return;
	text_table_free(&t->tt);
	free(t->esc_raw);
	free(t->esc_out);
	free(t);
}

static void prot_text(char *buf, uint32_t prot)
{
	static const char letters[] = "rwcxmp";

	if (prot == RESV_PROT_UNKNOWN) {	/* sysfs does not print it */
		snprintf(buf, 7, "?");
		return;
	}
	for (int i = 0; i < 6; i++)
		buf[i] = prot & (1u << i) ? letters[i] : '-';
	buf[6] = '\0';
}

static void put(struct table *t, const char *s)
{
	text_append(&t->tt, s, strlen(s));
}

/*
 * esc(@s) appended. The lines of one file share their origin: the last
 * string escaped is kept (its text, not its address, which a later list
 * may reuse) and its escape reused while the text is the same.
 */
static void put_esc(struct table *t, const char *s)
{
	if (!t->esc_raw || strcmp(t->esc_raw, s) != 0) {
		char *raw = strdup(s), *e = esc_dup(s);

		if (!raw || !e) {
			free(raw);
			free(e);
			put(t, esc(s));
			return;
		}
		free(t->esc_raw);
		free(t->esc_out);
		t->esc_raw = raw;
		t->esc_out = e;
		t->esc_len = strlen(e);
	}
	text_append(&t->tt, t->esc_out, t->esc_len);
}

/* ":%llu" by hand. */
static void put_line_number(struct table *t, uint64_t n)
{
	char buf[24];
	size_t i = sizeof(buf);

	do {
		buf[--i] = (char)('0' + n % 10);
		n /= 10;
	} while (n);
	buf[--i] = ':';
	text_append(&t->tt, buf + i, sizeof(buf) - i);
}

/* "0x%016llx" by hand: a million-line table writes two a line. */
static void put_hex16(struct table *t, uint64_t v)
{
	static const char digits[] = "0123456789abcdef";
	char buf[18] = { '0', 'x' };

	for (int i = 17; i >= 2; i--, v >>= 4)
		buf[i] = digits[v & 15];
	text_append(&t->tt, buf, sizeof(buf));
}

/* Append the text of one cell (nothing when it has none), and end it. */
static void cell_put(struct table *t, enum column c, const struct resv_group *g,
		     const struct resv_list *list, const struct resv_region *r,
		     const struct resv_range *range)
{
	/* The list-valued cells: one entry a line (wrapped) or "," (raw). */
	const char *sep = t->o->raw ? "," : "\n";
	char buf[64];
	bool any = false;

	switch (c) {
	case COL_GROUP:
		if (g && g->id < 0) {	/* a predicted group has no number */
			put(t, "-");
		} else if (g) {
			snprintf(buf, sizeof(buf), "%ld", g->id);
			put(t, buf);
		}
		break;
	case COL_GTYPE:
		if (g && g->type)
			put(t, esc(g->type));
		break;
	case COL_START:
	case COL_LAST:
		if (range)
			put_hex16(t, c == COL_START ? range->start : range->last);
		break;
	case COL_SIZE:
		if (!range)
			break;
		if (t->o->bytes && range->start == 0 && range->last == UINT64_MAX)
			snprintf(buf, sizeof(buf), "18446744073709551616");
		else if (t->o->bytes)
			snprintf(buf, sizeof(buf), "%" PRIu64, range->last - range->start + 1);
		else
			print_size(buf, sizeof(buf), range->start, range->last);
		put(t, buf);
		break;
	case COL_TYPE:
		if (r)
			put(t, resv_type_name(r->type));
		break;
	case COL_PROT:
		if (r) {
			prot_text(buf, r->prot);
			put(t, buf);
		}
		break;
	case COL_DEVICES:
		for (size_t i = 0; g && i < g->ndevices; i++) {
			const struct resv_device *d = &g->devices[i];

			if (i)
				put(t, sep);
			put(t, esc(d->name));
			if (d->pci) {
				snprintf(buf, sizeof(buf), " [%06x %04x:%04x]", d->class,
					 d->vendor, d->device);
				put(t, buf);
			}
		}
		break;
	case COL_DRIVER:
		/* One line a device, beside DEVICES. */
		for (size_t i = 0; g && i < g->ndevices; i++) {
			const struct resv_device *d = &g->devices[i];

			if (i)
				put(t, sep);
			put(t, !d->driver_known ? "?" : d->driver ? esc(d->driver) : "-");
		}
		break;
	case COL_NAME:
		for (size_t i = 0; g && i < g->ndevices; i++) {
			const struct resv_device *d = &g->devices[i];
			char line[520];
			const char *name = d->pci ? pci_name_line(d->vendor, d->device, line,
								  sizeof(line)) : NULL;

			if (i)
				put(t, sep);
			put(t, name ? esc(name) : "-");
		}
		break;
	case COL_SOURCE:
	case COL_DEVICE:
		for (size_t i = 0; r && i < r->nsources; i++) {
			const struct resv_source *s = resv_list_source(list, r->sources[i]);
			const char *text = c == COL_SOURCE ? s->origin : s->device;

			if (!text)
				continue;
			if (any)
				put(t, sep);
			any = true;
			put_esc(t, text);
			if (c == COL_SOURCE && s->line)
				put_line_number(t, s->line);
			if (c == COL_SOURCE && s->device) {
				put(t, " (");
				put(t, esc(s->device));
				put(t, ")");
			}
		}
		break;
	case COL_COUNT:
		break;
	}
	text_end_cell(&t->tt);
}

/* An array of device objects: name, pci, and class/vendor/device when read. */
void json_devices(struct json *j, const struct resv_device *v, size_t n)
{
	json_open(j, NULL, '[');
	for (size_t i = 0; i < n; i++) {
		const struct resv_device *d = &v[i];
		char buf[16];

		json_open(j, NULL, '{');
		json_key(j, "name");
		json_str(j, d->name);
		json_key(j, "pci");
		json_bool(j, d->pci);
		if (d->pci) {
			const char *vn, *dn;

			snprintf(buf, sizeof(buf), "0x%06x", d->class);
			json_key(j, "class");
			json_str(j, buf);
			snprintf(buf, sizeof(buf), "0x%04x", d->vendor);
			json_key(j, "vendor");
			json_str(j, buf);
			snprintf(buf, sizeof(buf), "0x%04x", d->device);
			json_key(j, "device");
			json_str(j, buf);
			pci_names(d->vendor, d->device, &vn, &dn);
			json_key(j, "vendor_name");
			json_str(j, vn);
			json_key(j, "device_name");
			json_str(j, dn);
		}
		json_key(j, "driver");
		json_str(j, d->driver);
		json_key(j, "driver_known");
		json_bool(j, d->driver_known);
		json_close(j, '}');
	}
	json_close(j, ']');
}

static void json_cell(struct table *t, enum column c, const struct resv_group *g,
		      const struct resv_list *list, const struct resv_region *r,
		      const struct resv_range *range)
{
	struct json *j = &t->j;
	const struct colinfo *ci = &infos[c];

	json_key(j, ci->key);
	switch (c) {
	case COL_GROUP:
		if (g && g->id >= 0)
			json_u64(j, (uint64_t)g->id);
		else
			json_raw(j, "null");
		return;
	case COL_GTYPE:
		json_str(j, g ? g->type : NULL);
		return;
	case COL_START:
	case COL_LAST:
		if (range)
			json_hex(j, c == COL_START ? range->start : range->last);
		else
			json_raw(j, "null");
		return;
	case COL_SIZE:
		if (!range)
			json_raw(j, "null");
		else if (range->start == 0 && range->last == UINT64_MAX)
			json_str(j, "0x10000000000000000");
		else
			json_hex(j, range->last - range->start + 1);
		return;
	case COL_TYPE:
		json_str(j, r ? resv_type_name(r->type) : NULL);
		return;
	case COL_PROT:
		if (r && r->prot != RESV_PROT_UNKNOWN)
			json_u64(j, r->prot);
		else
			json_raw(j, "null");
		return;
	case COL_DEVICES:
		json_devices(j, g ? g->devices : NULL, g ? g->ndevices : 0);
		return;
	case COL_DRIVER:
	case COL_NAME:
		/* Rows outside a group object: one entry a device, as DEVICES. */
		json_open(j, NULL, '[');
		for (size_t i = 0; g && i < g->ndevices; i++) {
			const struct resv_device *d = &g->devices[i];
			char line[520];

			if (c == COL_DRIVER)
				json_str(j, d->driver);
			else
				json_str(j, d->pci ? pci_name_line(d->vendor, d->device, line,
								   sizeof(line)) : NULL);
		}
		json_close(j, ']');
		return;
	case COL_SOURCE:
	case COL_DEVICE:
		json_open(j, NULL, '[');
		for (size_t i = 0; r && i < r->nsources; i++) {
			const struct resv_source *s = resv_list_source(list, r->sources[i]);

			if (c == COL_DEVICE) {
				if (s->device)
					json_str(j, s->device);
				continue;
			}
			json_source(j, s);
		}
		json_close(j, ']');
		return;
	case COL_COUNT:
		break;
	}
}

const char *esc(const char *s)
{
	static char ring[4][4 * PATH_MAX + 1];
	static unsigned int next;
	char *b = ring[next++ % ARRAY_LEN(ring)];

	resv_escape(b, sizeof(ring[0]), s);
	return b;
}

char *esc_dup(const char *s)
{
	size_t n = resv_escape(NULL, 0, s) + 1;
	char *d = malloc(n);

	if (d)
		resv_escape(d, n, s);
	return d;
}

static bool is_group_column(enum column c)
{
	return c == COL_GROUP || c == COL_GTYPE || c == COL_DEVICES || c == COL_DRIVER ||
	       c == COL_NAME;
}

enum line_cells { CELLS_ALL, CELLS_GROUP, CELLS_ROW };

/* One text line with the cells @which selects, the others left empty. */
static int add_line(struct table *t, enum line_cells which, const struct resv_group *g,
		    const struct resv_list *list, const struct resv_region *r,
		    const struct resv_range *range)
{
	text_new_line(&t->tt);
	for (size_t i = 0; i < t->ncols; i++) {
		enum column c = t->cols[i];

		if (which != CELLS_ALL && is_group_column(c) != (which == CELLS_GROUP))
			text_end_cell(&t->tt);
		else
			cell_put(t, c, g, list, r, range);
	}
	return t->tt.nomem ? -ENOMEM : 0;
}

static int add_row(struct table *t, const struct resv_group *g,
		   const struct resv_list *list, const struct resv_region *r,
		   const struct resv_range *range)
{
	bool first_of_group = !g || g->id != t->last_group;
	bool devices_col = false, row_cols = false;
	int rc;

	t->any_row = true;
	if (g)
		t->last_group = g->id;
	if (t->o->json) {
		json_open(&t->j, NULL, '{');
		for (size_t i = 0; i < t->ncols; i++) {
			enum column c = t->cols[i];

			if (t->inner && is_group_column(c))
				continue;
			json_cell(t, c, g, list, r, range);
		}
		json_close(&t->j, '}');
		return 0;
	}
	for (size_t i = 0; i < t->ncols; i++) {
		devices_col |= t->cols[i] == COL_DEVICES;
		row_cols |= !is_group_column(t->cols[i]);
	}
	/* Raw output is for scripts: every line whole. */
	if (t->o->raw)
		return add_line(t, CELLS_ALL, g, list, r, range);
	/*
	 * With the devices shown, a group's cells take a line of their own and
	 * its regions the lines below: regions belong to the group, not to the
	 * device that would share their line (issue 12 item 12). Else the
	 * group's cells show on its first row only.
	 */
	if (devices_col && row_cols) {
		if (first_of_group) {
			rc = add_line(t, CELLS_GROUP, g, list, r, range);
			if (rc < 0)
				return rc;
		}
		return range ? add_line(t, CELLS_ROW, g, list, r, range) : 0;
	}
	return add_line(t, first_of_group ? CELLS_ALL : CELLS_ROW, g, list, r, range);
}

int table_add_region(struct table *t, const struct resv_group *group,
		     const struct resv_list *list, const struct resv_region *r)
{
	struct resv_range range = { r->start, r->last };

	return add_row(t, group, list, r, &range);
}

int table_add_range(struct table *t, const struct resv_group *group,
		    const struct resv_range *r)
{
	return add_row(t, group, NULL, NULL, r);
}

int table_add_empty(struct table *t, const struct resv_group *group)
{
	/* Only a group has a row to show when it has nothing to list. */
	if (t->o->json || !group)
		return 0;
	return add_row(t, group, NULL, NULL, NULL);
}

void table_nest(struct table *t, const char *inner)
{
	t->inner = inner;
}

void table_begin_group(struct table *t, const struct resv_group *g,
		       void (*extra)(struct json *j, const void *arg),
		       const void *arg)
{
	struct json *j = &t->j;

	if (!t->o->json)
		return;
	json_open(j, NULL, '{');
	json_cell(t, COL_GROUP, g, NULL, NULL, NULL);
	json_cell(t, COL_GTYPE, g, NULL, NULL, NULL);
	json_key(j, "complete");
	json_bool(j, g->complete);
	/* The driver sysfs shows the group behind (its devices' iommu link). */
	json_key(j, "iommu");
	json_str(j, g->iommu ? resv_iommu_name(g->iommu) : NULL);
	json_key(j, "iommu_unit");
	json_str(j, g->iommu_unit);
	json_cell(t, COL_DEVICES, g, NULL, NULL, NULL);
	if (extra)
		extra(j, arg);
	json_key(j, t->inner);
	json_open(j, NULL, '[');
}

void table_end_group(struct table *t)
{
	if (!t->o->json)
		return;
	json_close(&t->j, ']');
	json_close(&t->j, '}');
}

int table_print(struct table *t)
{
	return table_print_with(t, NULL, NULL);
}

int table_print_with(struct table *t, int (*extra)(struct json *j, void *arg), void *arg)
{
	if (t->o->json) {
		int rc;

		json_close(&t->j, ']');
		rc = extra ? extra(&t->j, arg) : 0;
		json_close(&t->j, '}');
		if (rc < 0)
			return rc;
		return fflush(stdout) == 0 ? 0 : -EIO;
	}
	if (!t->any_row)
		return 0;
	return text_table_print(&t->tt);
}

/* A region's contributor: {"origin": ..., "device": ...}. */
void json_source(struct json *j, const struct resv_source *s)
{
	json_open(j, NULL, '{');
	json_key(j, "origin");
	json_str_line(j, s->origin, s->line);
	json_key(j, "device");
	json_str(j, s->device);
	json_close(j, '}');
}

/* Where a source came from: its origin, with ":LINE" when it is a file's line. */
const char *source_origin(const struct resv_source *s, char *buf, size_t size)
{
	if (!s->line)
		return s->origin;
	snprintf(buf, size, "%s:%" PRIu64, s->origin, s->line);
	return buf;
}

/* A region's first contributor; "?" and NULL when it has none. */
const char *region_origin(const struct resv_list *l, const struct resv_region *r,
			  const char **device, char *buf, size_t size)
{
	const struct resv_source *src = r->nsources ? resv_list_source(l, r->sources[0]) : NULL;

	*device = src ? src->device : NULL;
	return src ? source_origin(src, buf, size) : "?";
}

/* A region named in a verdict or conflict: range, type, first contributor. */
void json_region_brief(struct json *j, const struct resv_list *l, const struct resv_region *r)
{
	char buf[ORIGIN_MAX];
	const char *device, *origin = region_origin(l, r, &device, buf, sizeof(buf));

	json_open(j, NULL, '{');
	json_key(j, "start");
	json_hex(j, r->start);
	json_key(j, "last");
	json_hex(j, r->last);
	json_key(j, "type");
	json_str(j, resv_type_name(r->type));
	json_key(j, "origin");
	json_str(j, origin);
	json_key(j, "device");
	json_str(j, device);
	json_close(j, '}');
}
