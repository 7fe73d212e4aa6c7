// SPDX-License-Identifier: MIT
/* iommu-resv tables: the decoded DMAR, IVRS, IORT and VIOT, and every finding. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void usage(FILE *f)
{
	fputs("Usage:\n"
	      " " PROG " tables [options]\n"
	      "\n"
	      "Decode the firmware's DMAR, IVRS, IORT and VIOT tables, field by field, and lint\n"
	      "them: every finding has a stable id, a severity, the table and byte offset.\n"
	      "\n"
	      "Options:\n", f);
	usage_input_options(f);
	fputs(" -J, --json               JSON output (iommu-resv(8), JSON)\n"
	      " -h, --help               display this help\n"
	      " -V, --version            display version\n"
	      "\nSee iommu-resv(8).\n", f);
}

/* Numbers that read better in hex, as iasl prints them. */
static bool hex_key(const char *key)
{
	static const char *const keys[] = {
		"flags", "device_id", "aux", "alias", "source_device_id", "iommu_info",
		"attributes", "feature_reporting", "ivinfo", "data", "ext_data", "identifier",
		"output_reference", "capability_offset", "offset", "access_attributes",
		"ivhd_type", "ivmd_type",
	};

	for (size_t i = 0; key && i < ARRAY_LEN(keys); i++)
		if (strcmp(key, keys[i]) == 0)
			return true;
	return false;
}

/*
 * Firmware bytes, quoted, anything unprintable as \xNN, and so are a quote
 * and a backslash that would read as an escape; other backslashes stay, so
 * ACPI paths print as iasl prints them ("\_SB.PCI0").
 */
static void print_escaped(const char *s)
{
	putchar('"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p >= 0x7f || *p == '"' || (*p == '\\' && p[1] == 'x'))
			printf("\\x%02x", *p);
		else
			putchar(*p);
	}
	putchar('"');
}

static void print_scalar(const struct resv_value *v)
{
	switch (v->kind) {
	case RESV_VALUE_UINT:
		printf(hex_key(v->key) ? "0x%" PRIx64 : "%" PRIu64, v->u);
		break;
	case RESV_VALUE_ADDR:
		printf("0x%" PRIx64, v->u);
		break;
	case RESV_VALUE_BOOL:
		fputs(v->u ? "yes" : "no", stdout);
		break;
	case RESV_VALUE_STRING:
		print_escaped(v->s);
		break;
	default:
		break;
	}
}

static bool is_scalar(const struct resv_value *v)
{
	return v->kind != RESV_VALUE_OBJECT && v->kind != RESV_VALUE_ARRAY;
}

/* A DMAR scope path as the kernel prints one: "1c.0/00.0". */
static void print_path(const struct resv_value *path)
{
	for (size_t i = 0; i < path->n; i++) {
		const struct resv_value *d = resv_value_get(&path->items[i], "device");
		const struct resv_value *f = resv_value_get(&path->items[i], "function");

		printf("%s%02" PRIx64 ".%" PRIx64, i ? "/" : "", d ? d->u : 0, f ? f->u : 0);
	}
	if (!path->n)
		fputs("(none)", stdout);
}

/*
 * One entry a line: its offset, its type, its scalar fields; then each
 * array of objects below it, one element a line, labelled with the array's
 * name in the singular ("scopes" -> "scope").
 */
/*
 * The function a DMAR device scope names, after its path: "-> BDF (how)",
 * with the reason when there is one (the fallback), or "-> none: why"
 * (resv_machine_dmar_scope()). Without PCI functions "-> unresolved", said
 * once for the table, not on every line (print_table_text).
 */
static size_t unresolved_scopes;	/* in the table being printed */

static void print_scope_target(const struct resv_machine *m, const struct resv_value *off)
{
	struct resv_scope_target t;

	if (!off || resv_machine_dmar_scope(m, off->u, &t) < 0)
		return;
	if (*t.bdf)
		printf("  -> %s (%s)", t.bdf, resv_scope_match_name(t.match));
	else
		printf("  -> %s", resv_scope_match_name(t.match));
	if (t.match == RESV_SCOPE_UNRESOLVED)
		unresolved_scopes++;
	if (*t.reason && (t.match != RESV_SCOPE_UNRESOLVED || resv_machine_device_count(m)))
		printf(": %s", t.reason);
}

static void print_object(const struct resv_machine *m, const struct resv_value *obj,
			 const char *label, int depth)
{
	const struct resv_value *off = resv_value_get(obj, "offset");
	const struct resv_value *type = resv_value_get(obj, "type");

	printf("%*s", 2 + 6 * depth, "");
	if (off)
		printf("0x%03" PRIx64 " ", off->u);
	if (label)
		printf("%s ", label);
	if (type && type->kind == RESV_VALUE_STRING)
		fputs(type->s, stdout);
	for (size_t i = 0; i < obj->n; i++) {
		const struct resv_value *v = &obj->items[i];

		/* The number behind a known type name says nothing more. */
		if (v == off || v == type ||
		    ((strcmp(v->key, "scope_type") == 0 || strcmp(v->key, "entry_type") == 0 ||
		      strcmp(v->key, "node_type") == 0) && type && strcmp(type->s, "unknown")))
			continue;
		if (strcmp(v->key, "path") == 0) {
			fputs("  path ", stdout);
			print_path(v);
			if (resv_value_get(obj, "scope_type"))
				print_scope_target(m, off);
		} else if (v->kind == RESV_VALUE_ARRAY && (v->n == 0 || is_scalar(&v->items[0]))) {
			printf("  %s ", v->key);
			for (size_t k = 0; k < v->n; k++) {
				fputs(k ? "," : "", stdout);
				printf("0x%02" PRIx64, v->items[k].u);
			}
			if (!v->n)
				fputs("(none)", stdout);
		} else if (is_scalar(v)) {
			printf("  %s ", v->key);
			print_scalar(v);
		}
	}
	putchar('\n');
	for (size_t i = 0; i < obj->n; i++) {
		const struct resv_value *v = &obj->items[i];
		char singular[64];
		size_t len;

		if (v->kind != RESV_VALUE_ARRAY || v->n == 0 || v->items[0].kind != RESV_VALUE_OBJECT ||
		    strcmp(v->key, "path") == 0)
			continue;
		len = strlen(v->key);
		snprintf(singular, sizeof(singular), "%.*s", (int)(len > 1 && v->key[len - 1] == 's' ?
								    len - 1 : len), v->key);
		for (size_t k = 0; k < v->n; k++)
			print_object(m, &v->items[k], singular, depth + 1);
	}
}

static void print_table_text(const struct resv_machine *m, const struct resv_table *t)
{
	const struct resv_value *entries = resv_value_get(t->body, "entries");

	printf("%s  %s\n", t->signature, esc(t->where));
	printf("  revision %u  length %" PRIu32 "  checksum %s  oem ", t->revision, t->length,
	       t->checksum_valid ? "ok" : "BAD");
	print_escaped(t->oem_id);
	putchar(' ');
	print_escaped(t->oem_table_id);
	printf(" 0x%" PRIx32 "  creator ", t->oem_revision);
	print_escaped(t->creator_id);
	printf(" 0x%" PRIx32 "\n", t->creator_revision);
	/* The body's own scalars (host address width, IVinfo), then the entries. */
	bool any = false;

	for (size_t i = 0; i < t->body->n; i++) {
		const struct resv_value *v = &t->body->items[i];

		if (!is_scalar(v))
			continue;
		printf("  %s ", v->key);
		print_scalar(v);
		any = true;
	}
	if (any)
		putchar('\n');
	unresolved_scopes = 0;
	for (size_t i = 0; entries && i < entries->n; i++)
		print_object(m, &entries->items[i], NULL, 0);
	if (unresolved_scopes && !resv_machine_device_count(m))
		fputs("  unresolved: no PCI functions were loaded (--lspci FILE, or a --sysroot with\n"
		      "  sys/bus/pci/devices). A longer path goes through bridges whose secondary buses\n"
		      "  are in their config space; a one-element path names start_bus:device.function\n"
		      "  if that function exists, by its path from a root bus, else by the kernel's\n"
		      "  one-element workaround (dmar.c dmar_match_pci_path).\n", stdout);
}

static void print_diags_text(const struct resv_diags *d)
{
	if (!resv_diags_count(d))
		return;
	printf("\nFindings:\n");
	for (size_t i = 0; i < resv_diags_count(d); i++) {
		const struct resv_diag *g = resv_diags_get(d, i);

		printf("  %-7s %-28s ", resv_severity_name(g->severity), g->id);
		if (g->table)
			printf("%s@0x%" PRIx64 ": ", g->table, (uint64_t)g->offset);
		else if (g->line)
			printf("%s:%" PRIu64 ": ", g->where, g->line);
		printf("%s\n", g->message);
	}
}

static void json_value(struct json *j, const struct resv_machine *m, const struct resv_value *v);

/* "target": what a DMAR device scope names (docs/json.md). */
static void json_scope_target(struct json *j, const struct resv_machine *m,
			      const struct resv_value *scope)
{
	const struct resv_value *off = resv_value_get(scope, "offset");
	struct resv_scope_target t;

	if (!off || resv_machine_dmar_scope(m, off->u, &t) < 0)
		return;
	json_key(j, "target");
	json_open(j, NULL, '{');
	json_key(j, "match");
	json_str(j, resv_scope_match_name(t.match));
	json_key(j, "bdf");
	json_str(j, *t.bdf ? t.bdf : NULL);
	json_key(j, "reason");
	json_str(j, *t.reason ? t.reason : NULL);
	json_close(j, '}');
}

/* @m: the machine whose DMAR scopes are resolved; NULL outside the DMAR. */
static void json_value(struct json *j, const struct resv_machine *m, const struct resv_value *v)
{
	switch (v->kind) {
	case RESV_VALUE_UINT:
		json_u64(j, v->u);
		break;
	case RESV_VALUE_ADDR:
		json_hex(j, v->u);
		break;
	case RESV_VALUE_BOOL:
		json_bool(j, v->u);
		break;
	case RESV_VALUE_STRING:
		json_str(j, v->s);
		break;
	case RESV_VALUE_OBJECT:
	case RESV_VALUE_ARRAY:
		json_open(j, NULL, v->kind == RESV_VALUE_OBJECT ? '{' : '[');
		for (size_t i = 0; i < v->n; i++) {
			if (v->kind == RESV_VALUE_OBJECT)
				json_key(j, v->items[i].key);
			json_value(j, m, &v->items[i]);
		}
		if (m && v->kind == RESV_VALUE_OBJECT && resv_value_get(v, "scope_type"))
			json_scope_target(j, m, v);
		json_close(j, v->kind == RESV_VALUE_OBJECT ? '}' : ']');
		break;
	}
}

static void print_json(const struct resv_machine *m)
{
	const struct resv_diags *d = resv_machine_diags(m);
	struct json j;

	json_open(&j, stdout, '{');
	json_key(&j, "tables");
	json_open(&j, NULL, '[');
	for (size_t i = 0; i < resv_machine_table_count(m); i++) {
		const struct resv_table *t = resv_machine_table(m, i);

		json_open(&j, NULL, '{');
		json_key(&j, "signature");
		json_str(&j, t->signature);
		json_key(&j, "revision");
		json_u64(&j, t->revision);
		json_key(&j, "length");
		json_u64(&j, t->length);
		json_key(&j, "checksum_valid");
		json_bool(&j, t->checksum_valid);
		json_key(&j, "oem_id");
		json_str(&j, t->oem_id);
		json_key(&j, "oem_table_id");
		json_str(&j, t->oem_table_id);
		json_key(&j, "oem_revision");
		json_u64(&j, t->oem_revision);
		json_key(&j, "creator_id");
		json_str(&j, t->creator_id);
		json_key(&j, "creator_revision");
		json_u64(&j, t->creator_revision);
		json_key(&j, "file");
		json_str(&j, t->where);
		for (size_t k = 0; k < t->body->n; k++) {
			json_key(&j, t->body->items[k].key);
			json_value(&j, strcmp(t->signature, "DMAR") == 0 ? m : NULL,
				   &t->body->items[k]);
		}
		json_close(&j, '}');
	}
	json_close(&j, ']');
	/* The shared writer ends the document with them (json.c). */
	for (size_t i = 0; i < resv_diags_count(d); i++)
		json_keep_diag(resv_diags_get(d, i));
	json_close(&j, '}');
}

int cmd_tables(int argc, char **argv)
{
	struct resv_machine *m;
	struct opts o;
	int rc;

	rc = parse_options(&o, argc, argv, "tables", "J,sysroot,table,lspci", usage);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	if (o.nargs) {
		warnx_("tables: unexpected argument '%s'", o.args[0]);
		errtryhelp("tables");
		return EXIT_FAIL;
	}
	rc = load_machine(&o, &m);
	if (rc)
		return rc;
	if (o.json) {
		print_json(m);
	} else {
		for (size_t i = 0; i < resv_machine_table_count(m); i++) {
			if (i)
				putchar('\n');
			print_table_text(m, resv_machine_table(m, i));
		}
		print_diags_text(resv_machine_diags(m));
	}
	resv_machine_free(m);
	return fflush(stdout) == 0 ? EXIT_OK : EXIT_FAIL;
}
