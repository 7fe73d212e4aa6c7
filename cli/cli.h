/* SPDX-License-Identifier: MIT */
#ifndef RESV_CLI_H
#define RESV_CLI_H

#include <stdio.h>

#include <iommu-resv.h>

#define PROG "iommu-resv"
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Exit status (man page, EXIT STATUS). */
#define EXIT_OK 0
#define EXIT_FAIL 1
#define EXIT_NO_IOMMU 32

enum view { VIEW_KERNEL, VIEW_RESOLVED, VIEW_USABLE };
enum format { FORMAT_TABLE, FORMAT_SYSFS };

/* Options every command shares; each command accepts the ones it uses. */
struct opts {
	bool json, raw, noheadings, strict, bytes;
	bool view_set, aperture_set, list_columns;
	enum view view;
	enum format format;
	struct resv_range aperture;
	const char *columns;	/* -o */
	const char *sysroot;
	const char *tables[16];	/* --table, in order */
	int ntables;
	const char *lspci;	/* --lspci */
	bool compare;		/* --compare */
	bool no_floppy_wa;	/* --no-floppy-wa */
	unsigned int kernel;	/* --kernel-version, major << 16 | minor << 8; 0 newest */
	const char *assume[8];	/* --assume KEY=VALUE, in order */
	uint64_t page_size;	/* --page-size; 0: the library's 4 KiB */
	const char *map;	/* --map: a file, "-" (SVG) or "term" (map.h) */
	const char *kernel_cmdline;	/* --kernel-cmdline; NULL: the root's proc/cmdline */
	int nassume;
	char **args;		/* positional arguments */
	int nargs;
};

/* Column ids, one static table in output.c drives headers, JSON and help. */
enum column {
	COL_GROUP, COL_GTYPE, COL_DEVICES, COL_START, COL_LAST, COL_SIZE,
	COL_TYPE, COL_PROT, COL_SOURCE, COL_DEVICE, COL_DRIVER, COL_NAME, COL_COUNT
};

/* output.c */
struct table;
struct json;
int table_new(struct table **out, const struct opts *o, const char *name,
	      const enum column *defaults, size_t ndefaults,
	      unsigned int allowed);
void table_free(struct table *t);
/* A row of a region (or range when type < 0) of @list, within @group. */
int table_add_region(struct table *t, const struct resv_group *group,
		     const struct resv_list *list, const struct resv_region *r);
int table_add_range(struct table *t, const struct resv_group *group,
		    const struct resv_range *r);
/* A row for a group with nothing to list. */
int table_add_empty(struct table *t, const struct resv_group *group);
int table_print(struct table *t);
/* The same; in JSON, @extra adds members to the top object after the rows. */
int table_print_with(struct table *t, int (*extra)(struct json *j, void *arg), void *arg);
/* JSON: rows go into an array @inner of one object per group. */
void table_nest(struct table *t, const char *inner);
void table_begin_group(struct table *t, const struct resv_group *g,
		       void (*extra)(struct json *j, const void *arg),
		       const void *arg);
void table_end_group(struct table *t);
void list_columns(FILE *f, unsigned int allowed);
/* Whether an -o list ("+" or not) names column @c. */
bool columns_include(const char *list, enum column c);
void json_source(struct json *j, const struct resv_source *s);
void json_devices(struct json *j, const struct resv_device *v, size_t n);
/* Room for an origin and its ":LINE": a path (PATH_MAX) and 20 digits. */
#define ORIGIN_MAX (4096 + 22)
const char *source_origin(const struct resv_source *s, char *buf, size_t size);
const char *region_origin(const struct resv_list *l, const struct resv_region *r,
			  const char **device, char *buf, size_t size);
void json_region_brief(struct json *j, const struct resv_list *l, const struct resv_region *r);
/*
 * Names, paths and lines that come from files, made printable (resv_escape):
 * esc() for a printf argument (one of four rotating buffers, so up to four
 * in one call), esc_dup() to keep (free() it; NULL on -ENOMEM).
 */
const char *esc(const char *s);
char *esc_dup(const char *s);

/* json.c: a small streaming writer; strings escaped per RFC 8259. */
struct json {
	FILE *f;
	int depth;
	bool first;
};
void json_open(struct json *j, FILE *f, char bracket);
void json_close(struct json *j, char bracket);
void json_key(struct json *j, const char *key);
void json_str(struct json *j, const char *s);	/* NULL writes null */
void json_str_line(struct json *j, const char *s, uint64_t line);	/* "s:line"; s when 0 */
void json_hex(struct json *j, uint64_t v);
void json_u64(struct json *j, uint64_t v);
void json_bool(struct json *j, bool v);
void json_raw(struct json *j, const char *text);
/* Keep @g for the "diagnostics" member that ends every top-level object. */
void json_keep_diag(const struct resv_diag *g);

/*
 * What check and explain cannot know from sysfs alone (the tables are
 * readable by root only), said once.
 */
#define WITHOUT_TABLES \
	"without the firmware tables (readable by root only; --table, --sysroot), the " \
	"regions are the kernel's reserved_regions: no provenance (which firmware entry), " \
	"no per-device regions (the group's only), no relaxability rule; the IOMMU driver " \
	"is the one sysfs shows the group behind"

/*
 * Kernels before v5.3 are not modelled: the Intel driver matched an RMRR
 * only to its own scope device, not to the devices behind a bridge scope
 * (v5.3, "iommu/vt-d: Handle RMRR with PCI bridge device scopes"), and
 * there was no direct-relaxable type (v5.3, IOMMU_RESV_DIRECT_RELAXABLE), so
 * sysfs printed the RMRRs of USB and graphics devices as direct.
 */
#define KERNEL_OLDEST_MODELLED 0x050300
#define NOT_MODELLED \
	"kernels before v5.3 are not modelled (the Intel driver matched an RMRR only to " \
	"its own scope device, not to devices behind a bridge scope, and had no " \
	"direct-relaxable type: USB and graphics RMRRs were direct)"

/* common.c */
int parse_options(struct opts *o, int argc, char **argv, const char *cmd,
		  const char *shortopts, void (*usage)(FILE *));
int parse_range_arg(const char *s, struct resv_range *r);
void print_diags(const struct resv_diags *d);
void print_quirks(unsigned int quirks, const char *where);
int build_view(const struct opts *o, const struct resv_list *in,
	       struct resv_list **view, struct resv_range_list **usable,
	       const char *where);
const char *default_aperture_note(const struct opts *o);
int load_system(const struct opts *o, struct resv_system **sys);
/* The same reading only @what (RESV_SYSTEM_*) of each device. */
int load_system_what(const struct opts *o, struct resv_system **sys, unsigned int what);
int load_machine(const struct opts *o, struct resv_machine **m);
/* load_machine() reading @extra (RESV_LOAD_*) besides. */
int load_machine_with(const struct opts *o, struct resv_machine **m, unsigned int extra);
int read_file(const char *path, char **buf, size_t *len);
/* A whole input, mapped when it is a regular file (no copy), else read. */
struct input {
	char *buf;
	size_t len;
	bool mapped;
};
int input_open(const char *path, struct input *in);
void input_close(struct input *in);
/* o->kernel from the root's proc/sys/kernel/osrelease when not given. */
void default_kernel(struct opts *o);
void usage_input_options(FILE *f);
void usage_machine_options(FILE *f);
void warnx_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void errtryhelp(const char *cmd);
void usage_common_options(FILE *f);
void print_size(char *buf, size_t size, uint64_t start, uint64_t last);
bool parse_bdf(const char *arg, size_t len, char name[13], const char **why);

/* guest-file.c: the SIZE of guest specs; --guest @FILE */
int guest_size_parse(const char *s, size_t len, uint64_t *out);
/*
 * The JSON guest layout file @path ("-": standard input): a preset (*@preset,
 * @cfg, *@amd_set when the file says "amd") or explicit ranges (*@layout).
 * Return: 0; -EINVAL after saying why on standard error; -ENOMEM.
 */
int guest_file_read(const char *path, struct resv_guest_config *cfg, bool *preset,
		    bool *amd_set, struct resv_guest_layout **layout);
/* The same from @len bytes of @text, which need not be NUL-terminated; @name for messages. */
int guest_file_parse(const char *name, const char *text, size_t len,
		     struct resv_guest_config *cfg, bool *preset, bool *amd_set,
		     struct resv_guest_layout **layout);

/* assume.c: assumptions shown, and named as the cause of a difference */
struct agroup {
	long id;
	size_t ndevices;
	const struct resv_device *devices;
};
struct cause {
	const char *key, *value, *alternative;	/* static (library) strings */
};
int apply_assumptions(struct resv_machine *m, const struct opts *o);
/* The kernel's reserved_regions text for @g's devices; free(*text). Return: 0 or -ENOMEM. */
int predict_group_text(const struct resv_machine *m, const struct opts *o,
		       const struct agroup *g, char **text, size_t *len);
/*
 * Every assumption that matters for a device of the @n groups @v: its
 * value, why, and for every other value the lines each group would lose and
 * gain: notes on standard error, or the member "assumptions" of the open
 * JSON object @j. Nothing when none matters. @m's assumptions are restored.
 * Return: 0 or -ENOMEM.
 */
int report_assumptions(struct resv_machine *m, const struct opts *o, const struct agroup *v,
		       size_t n, struct json *j);
/*
 * Would another value of an assumption that matters for @g make its
 * prediction equal @want (@wlen bytes)? Return: 1 with *@out set; 0; -ENOMEM.
 */
int assumption_cause(struct resv_machine *m, const struct opts *o, const struct agroup *g,
		     const char *want, size_t wlen, struct cause *out);

/* viability.c: VFIO viability (the drivers bound), as check and explain print it */
bool bindings_known(const struct resv_group *g);
void json_viability(struct json *j, const struct resv_group *g, const struct resv_vfio_viability *via,
		    unsigned int kernel);
void text_viability(const struct resv_group *g, const struct resv_vfio_viability *via,
		    unsigned int kernel, const char *indent);

/* hints.c: what can be done about an answer, as check and explain print it */
const char *hpe_rmrr_hint(const struct resv_machine *m, enum resv_iommu iommu,
			  const struct resv_region *blocker, const struct resv_list *kview,
			  char *buf, size_t size);
void json_cmdline_facts(struct json *j, const char *cmdline);
void text_cmdline_facts(const char *cmdline);

/* commands */
int output_view(const struct opts *o, struct table *t, const struct resv_group *g,
		const struct resv_list *view, const struct resv_range_list *usable);
int cmd_regions(int argc, char **argv);
int cmd_groups(int argc, char **argv);
int cmd_iova(int argc, char **argv);
int cmd_tables(int argc, char **argv);
int cmd_predict(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_snapshot(int argc, char **argv);

#endif
