// SPDX-License-Identifier: MIT
/*
 * The public machine API: tables in (binary, acpidump text, junk), the
 * decoded tree against iasl's reading of every corpus table, the checks
 * across tables and memory map, prediction errors, and the verdicts.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "../common/corpus.h"

#define EXAMPLES SRCDIR "/examples"

static struct resv_machine *new_machine(void)
{
	struct resv_machine *m;

	assert_int_equal(resv_machine_new(&m), 0);
	return m;
}

static size_t count_id(const struct resv_machine *m, const char *id)
{
	const struct resv_diags *d = resv_machine_diags(m);
	size_t n = 0;

	for (size_t i = 0; i < resv_diags_count(d); i++)
		n += strcmp(resv_diags_get(d, i)->id, id) == 0;
	return n;
}

static const struct resv_diag *find_id(const struct resv_machine *m, const char *id)
{
	const struct resv_diags *d = resv_machine_diags(m);

	for (size_t i = 0; i < resv_diags_count(d); i++)
		if (strcmp(resv_diags_get(d, i)->id, id) == 0)
			return resv_diags_get(d, i);
	return NULL;
}

static void add_file(struct resv_machine *m, const char *path, int want)
{
	size_t len;
	char *buf = slurp(path, &len);

	assert_non_null(buf);
	assert_int_equal(resv_machine_add_tables(m, buf, len, path), want);
	free(buf);
}

static void test_tables_in(void **state)
{
	static const uint8_t junk[] = { 0x01, 0x02, 0x03, 0x04, 0x05 };
	uint8_t facp[36] = "FACP";
	struct resv_machine *m = new_machine();
	const struct resv_table *t;

	(void)state;
	add_file(m, EXAMPLES "/intel-laptop/sys/firmware/acpi/tables/DMAR", 1);
	add_file(m, EXAMPLES "/intel-laptop/sys/firmware/acpi/tables/DMAR", 0);
	assert_int_equal(count_id(m, "ACPI_DUPLICATE_TABLE"), 1);
	/* acpidump text with a DMAR (a duplicate again) and an IVRS. */
	add_file(m, SRCDIR "/tests/golden/inputs/two-tables.acpidump", 1);
	assert_int_equal(count_id(m, "ACPI_DUPLICATE_TABLE"), 2);
	assert_int_equal(resv_machine_add_tables(m, junk, sizeof(junk), "junk"), -EBADMSG);
	assert_int_equal(resv_machine_add_tables(m, facp, sizeof(facp), "facp"), 0);
	assert_int_equal(count_id(m, "ACPI_TABLE_SKIPPED"), 1);

	assert_int_equal(resv_machine_table_count(m), 2);
	assert_int_equal(resv_machine_iommu(m), RESV_IOMMU_INTEL);	/* the first one loaded */
	t = resv_machine_table(m, 0);
	assert_string_equal(t->signature, "DMAR");
	assert_string_equal(t->oem_id, "LENOVO");
	assert_true(t->checksum_valid);
	assert_int_equal(resv_value_get(t->body, "host_address_width")->u, 38);
	t = resv_machine_table(m, 1);
	assert_string_equal(t->signature, "IVRS");
	assert_string_equal(t->where, SRCDIR "/tests/golden/inputs/two-tables.acpidump:IVRS");
	assert_null(resv_machine_table(m, 2));
	resv_machine_free(m);
}

/* (offset, first value, second value) of the fields iasl prints after each
 * subtable line of @subtable type: RMRR base/end, IVMD start/length. */
struct triple {
	unsigned long offset;
	unsigned long long a, b;
};

static size_t dsl_pairs(const char *dsl, const char *subtable, const char *fa, const char *fb,
			struct triple *v, size_t max)
{
	size_t n = 0;
	bool in = false;
	char line[512];

	for (const char *p = dsl; *p;) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		const char *x;

		snprintf(line, sizeof(line), "%.*s", (int)(len < sizeof(line) ? len : sizeof(line) - 1), p);
		p = eol ? eol + 1 : p + len;
		if (strncmp(line, "Raw Table Data", 14) == 0)
			break;
		if ((x = iasl_value(line, "Subtable Type"))) {
			in = strncmp(x, subtable, strlen(subtable)) == 0;
			if (in) {
				assert_true(n < max);
				v[n++] = (struct triple){ .offset = strtoul(line + 6, NULL, 10) };
			}
		} else if (in && (x = iasl_value(line, fa))) {
			v[n - 1].a = strtoull(x, NULL, 16);
		} else if (in && (x = iasl_value(line, fb))) {
			v[n - 1].b = strtoull(x, NULL, 16);
		}
	}
	return n;
}

struct corpus_totals {
	size_t tables, entries;
};

/* The decoded tree says what iasl says: JSON users can check us against it. */
static void check_dir(const char *dir, void *ctx)
{
	static const struct {
		const char *sig, *subtable, *fa, *fb, *type, *ka, *kb;
	} kinds[] = {
		{ "DMAR", "0001", "Base Address", "End Address (limit)", "rmrr", "base", "end" },
		{ "IVRS", "2", "Start Address", "Memory Length", "ivmd", "start", "length" },
	};
	struct corpus_totals *tot = ctx;

	for (size_t k = 0; k < 2; k++) {
		char path[1100];
		struct triple want[64];
		struct resv_machine *m;
		const struct resv_value *entries;
		char *buf, *dsl;
		size_t len, n, got = 0;

		if (!corpus_table(dir, kinds[k].sig, path, sizeof(path), &buf, &len, &dsl))
			continue;
		n = dsl_pairs(dsl, kinds[k].subtable, kinds[k].fa, kinds[k].fb, want, 64);
		m = new_machine();
		assert_int_equal(resv_machine_add_tables(m, buf, len, path), 1);
		entries = resv_value_get(resv_machine_table(m, 0)->body, "entries");
		assert_non_null(entries);
		for (size_t i = 0; i < entries->n; i++) {
			const struct resv_value *e = &entries->items[i];

			if (strcmp(resv_value_get(e, "type")->s, kinds[k].type) != 0)
				continue;
			assert_true(got < n);
			if (resv_value_get(e, "offset")->u != want[got].offset ||
			    resv_value_get(e, kinds[k].ka)->u != want[got].a ||
			    resv_value_get(e, kinds[k].kb)->u != want[got].b)
				fail_msg("%s: %s at %lu: tree and iasl differ", path, kinds[k].type,
					 want[got].offset);
			assert_int_equal(resv_value_get(e, kinds[k].ka)->kind, RESV_VALUE_ADDR);
			got++;
		}
		assert_int_equal(got, n);
		tot->tables++;
		tot->entries += n;
		resv_machine_free(m);
		free(buf);
		free(dsl);
	}
}

static void test_tree_matches_iasl(void **state)
{
	struct corpus_totals tot = { 0 };

	(void)state;
	if (!corpus_foreach(check_dir, &tot))
		skip();
	print_message("corpus: %zu tables, %zu RMRR and IVMD entries as iasl reads them\n",
		      tot.tables, tot.entries);
	assert_true(tot.tables >= 140);
	assert_true(tot.entries >= 150);
}

/* A file under @root, its directories made on the way. */
static void put(const char *root, const char *rel, const void *data, size_t len)
{
	char path[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (char *p = path + strlen(root) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		mkdir(path, 0755);
		*p = '/';
	}
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

static void put_str(const char *root, const char *rel, const char *s)
{
	put(root, rel, s, strlen(s));
}

static void rm_tree(const char *root)
{
	char cmd[1100];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
}

/*
 * The laptop's RMRRs: #0 [0x6e6cf000, 0x6e6eefff] @0x68, #1 [0x79000000,
 * 0x7d7fffff] @0x88, #2 [0x6e700000, 0x6e77ffff] @0xa8. #0 lies across two
 * adjacent reserved entries (they join), #1 in one, #2 in System RAM.
 */
static void test_rmrr_against_e820(void **state)
{
	static const struct {
		const char *start, *end, *type;
	} memmap[] = {
		{ "0x6e600000\n", "0x6e6dffff\n", "Reserved\n" },
		{ "0x6e6e0000\n", "0x6e6fffff\n", "Reserved\n" },
		{ "0x79000000\n", "0x7d7fffff\n", "Reserved\n" },
		{ "0x6e700000\n", "0x6e7fffff\n", "System RAM\n" },
		{ "0xzz\n", "0x1\n", "Reserved\n" },	/* malformed: diagnosed, ignored */
	};
	char root[] = "/tmp/resv-machine-XXXXXX";
	struct resv_machine *m = new_machine();
	const struct resv_diag *d;
	size_t len;
	char *dmar = slurp(EXAMPLES "/intel-laptop/sys/firmware/acpi/tables/DMAR", &len);

	(void)state;
	assert_non_null(mkdtemp(root));
	put(root, "sys/firmware/acpi/tables/DMAR", dmar, len);
	for (size_t i = 0; i < sizeof(memmap) / sizeof(memmap[0]); i++) {
		char rel[64];

		snprintf(rel, sizeof(rel), "sys/firmware/memmap/%zu/start", i);
		put_str(root, rel, memmap[i].start);
		snprintf(rel, sizeof(rel), "sys/firmware/memmap/%zu/end", i);
		put_str(root, rel, memmap[i].end);
		snprintf(rel, sizeof(rel), "sys/firmware/memmap/%zu/type", i);
		put_str(root, rel, memmap[i].type);
	}
	assert_int_equal(resv_machine_load(m, root, RESV_LOAD_ALL), 0);
	assert_int_equal(resv_machine_lint(m), 0);
	assert_int_equal(count_id(m, "MEMMAP_BAD_ENTRY"), 1);
	assert_int_equal(count_id(m, "DMAR_RMRR_NOT_RESERVED"), 1);
	d = find_id(m, "DMAR_RMRR_NOT_RESERVED");
	assert_string_equal(d->table, "DMAR");
	assert_int_equal(d->offset, 0xa8);
	assert_int_equal(d->severity, RESV_SEV_WARNING);
	/* No PCI functions in this root: no scope can be judged absent. */
	assert_int_equal(count_id(m, "DMAR_SCOPE_ABSENT"), 0);
	resv_machine_free(m);
	rm_tree(root);
	free(dmar);
}

/* The desktop's IVMD 0x21 names 01:00.0, which an IVHD range lists; 00:00.1 is in none. */
static void test_ivmd_unknown_device(void **state)
{
	struct resv_machine *m = new_machine();
	size_t len;
	uint8_t *ivrs = (uint8_t *)slurp(EXAMPLES "/amd-desktop/sys/firmware/acpi/tables/IVRS", &len);

	(void)state;
	assert_int_equal(resv_machine_add_tables(m, ivrs, len, "IVRS"), 1);
	assert_int_equal(resv_machine_lint(m), 0);
	assert_int_equal(count_id(m, "IVRS_IVMD_UNKNOWN_DEVICE"), 0);
	resv_machine_free(m);

	assert_int_equal(ivrs[0xd0], 0x21);	/* IVMD at 0xd0; its device ID at +4 */
	ivrs[0xd4] = 0x01;
	ivrs[0xd5] = 0x00;
	m = new_machine();
	assert_int_equal(resv_machine_add_tables(m, ivrs, len, "IVRS"), 1);
	assert_int_equal(resv_machine_lint(m), 0);
	assert_int_equal(count_id(m, "IVRS_IVMD_UNKNOWN_DEVICE"), 1);
	assert_int_equal(find_id(m, "IVRS_IVMD_UNKNOWN_DEVICE")->offset, 0xd0);
	resv_machine_free(m);
	free(ivrs);
}

static void test_pci_and_predict_errors(void **state)
{
	uint8_t cfg[64] = { 0x86, 0x80, 0x34, 0x12 };
	struct resv_machine *m = new_machine();
	struct resv_list *l;

	(void)state;
	assert_int_equal(resv_list_new(&l), 0);
	assert_int_equal(resv_machine_add_pci(m, 0, 0, 0x14, 0, cfg, 63), -EINVAL);
	assert_int_equal(resv_machine_add_pci(m, 0, 0, 32, 0, cfg, 64), -EINVAL);
	assert_int_equal(resv_machine_add_pci(m, 0, 0, 0, 8, cfg, 64), -EINVAL);
	cfg[9] = 0x30, cfg[10] = 0x03, cfg[11] = 0x0c;	/* USB xHCI */
	assert_int_equal(resv_machine_add_pci(m, 0, 0, 0x14, 0, cfg, 64), 0);
	assert_int_equal(resv_machine_add_pci(m, 0, 0, 0x14, 0, cfg, 64), -EEXIST);
	assert_int_equal(resv_machine_add_pci(m, 1, 0, 0x00, 0, cfg, 64), 0);
	assert_int_equal(resv_machine_add_pci(m, 0, 0, 0x02, 0, cfg, 64), 0);
	assert_int_equal(resv_machine_device_count(m), 3);
	assert_string_equal(resv_machine_device(m, 0)->name, "0000:00:02.0");
	assert_string_equal(resv_machine_device(m, 1)->name, "0000:00:14.0");
	assert_int_equal(resv_machine_device(m, 1)->class, 0x0c0330);
	assert_string_equal(resv_machine_device(m, 2)->name, "0001:00:00.0");

	assert_int_equal(resv_machine_predict(m, "0000:00:14.0", 0, l), -ENODATA);
	add_file(m, EXAMPLES "/intel-laptop/sys/firmware/acpi/tables/DMAR", 1);
	assert_int_equal(resv_machine_predict(m, "0000:00:15.0", 0, l), -ENOENT);
	assert_int_equal(resv_machine_predict(m, "00:14.0", 0, l), -ENOENT);
	/* a name is "ssss:bb:dd.f" exactly, device up to 1f, function up to 7 */
	static const char *const not_names[] = {
		"0000:00:14.8", "0000:00:34.0", "0000:00:14.0 ", "0000:00:14.", "000g:00:14.0",
		"0000-00:14.0", "0000:00-14.0", "0000:00:14,0", "+000:00:14.0", " 000:00:14.0",
		"0x00:00:14.0", "",
	};
	for (size_t i = 0; i < sizeof(not_names) / sizeof(not_names[0]); i++)
		assert_int_equal(resv_machine_predict(m, not_names[i], 0, l), -ENOENT);
	/* Segment 1 has no DRHD: behind no IOMMU, nothing appended. */
	assert_int_equal(resv_machine_predict(m, "0001:00:00.0", 0, l), 1);
	assert_int_equal(resv_list_count(l), 0);
	/* 00:14.0 is RMRR #0's scope; a USB controller, so relaxable. */
	assert_int_equal(resv_machine_predict(m, "0000:00:14.0", 0, l), 0);
	assert_int_equal(resv_list_count(l), 2);
	assert_int_equal(resv_list_region(l, 0)->start, 0x6e6cf000);
	assert_int_equal(resv_list_region(l, 0)->type, RESV_TYPE_DIRECT_RELAXABLE);
	assert_non_null(strstr(resv_machine_relax_rule(m, "0000:00:14.0"), "USB"));
	assert_null(resv_machine_relax_rule(m, "0000:00:15.0"));
	resv_list_free(l);
	resv_machine_free(m);
}

static void test_verdicts(void **state)
{
	static const struct {
		const char *name;
		enum resv_type type;
		enum resv_iommu iommu;
		unsigned int kernel;
		bool assignable;
	} cases[] = {
		{ "direct, newest kernel", RESV_TYPE_DIRECT, RESV_IOMMU_AMD, 0, false },
		{ "direct, v6.6 exactly", RESV_TYPE_DIRECT, RESV_IOMMU_ARM, 0x060600, false },
		{ "direct on AMD before v6.6", RESV_TYPE_DIRECT, RESV_IOMMU_AMD, 0x060500, true },
		{ "RMRR on Intel v6.5", RESV_TYPE_DIRECT, RESV_IOMMU_INTEL, 0x060500, false },
		{ "RMRR on Intel v3.17", RESV_TYPE_DIRECT, RESV_IOMMU_INTEL, 0x031100, false },
		{ "RMRR on Intel v3.16", RESV_TYPE_DIRECT, RESV_IOMMU_INTEL, 0x031000, true },
		{ "relaxable never blocks", RESV_TYPE_DIRECT_RELAXABLE, RESV_IOMMU_INTEL, 0, true },
		{ "relaxable on v5.4", RESV_TYPE_DIRECT_RELAXABLE, RESV_IOMMU_INTEL, 0x050400, true },
		{ "reserved never blocks", RESV_TYPE_RESERVED, RESV_IOMMU_AMD, 0, true },
		{ "msi never blocks", RESV_TYPE_MSI, RESV_IOMMU_INTEL, 0, true },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct resv_list *l;
		struct resv_verdict v;

		assert_int_equal(resv_list_new(&l), 0);
		assert_int_equal(resv_list_add(l, 0xfee00000, 0xfeefffff, RESV_TYPE_MSI, 0, "msi",
					       NULL), 0);
		assert_int_equal(resv_list_add(l, 0x1000, 0x1fff, cases[i].type, 3, "fw", "dev"), 0);
		assert_int_equal(resv_assign_verdict(l, cases[i].iommu, cases[i].kernel, &v), 0);
		if (v.assignable != cases[i].assignable)
			fail_msg("%s: assignable %d", cases[i].name, v.assignable);
		if (!v.assignable) {
			assert_ptr_equal(v.blocker, resv_list_region(l, 1));
			assert_non_null(v.reason);
		}
		assert_int_equal(resv_assign_verdict(l, RESV_IOMMU_NONE, 0, &v), -EINVAL);
		resv_list_free(l);
	}
}

/*
 * The command-line parameters that change the answer, applied in order as
 * the kernel's parsers apply them; each shown once, as it took effect.
 */
static void test_cmdline_facts(void **state)
{
	static const struct {
		const char *cmdline, *want;	/* want: the params, space-separated */
	} cases[] = {
		{ NULL, "" },
		{ "", "" },
		{ "BOOT_IMAGE=/vmlinuz root=/dev/sda1 quiet", "" },
		{ "intel_iommu=on iommu=pt", "iommu=pt" },
		{ "intel_iommu=on,igfx_off", "intel_iommu=igfx_off" },
		{ "intel_iommu=off intel_iommu=on", "" },
		{ "intel_iommu=on intel_iommu=off", "intel_iommu=off" },
		{ "amd_iommu=off iommu=off", "iommu=off amd_iommu=off" },
		{ "iommu.passthrough=1", "iommu.passthrough=1" },
		{ "iommu.passthrough=1 iommu.passthrough=0", "" },
		{ "iommu=pt iommu=nopt", "" },
		{ "intel_iommu=on,relax_rmrr", "intel_iommu=relax_rmrr" },
		{ "amd_iommu=pgtbl_v2", "amd_iommu=pgtbl_v2" },
		{ "intremap=off vfio_iommu_type1.allow_unsafe_interrupts=Y",
		  "intremap=off vfio_iommu_type1.allow_unsafe_interrupts=Y" },
		{ "vfio_iommu_type1.allow_unsafe_interrupts=0", "" },
		{ "intremap=nosid,off intremap=on", "" },
		/* Prefixes and look-alikes are other parameters. */
		{ "xintel_iommu=off intel_iommu=offx iommu=ptx myiommu=pt", "" },
		{ "intel_iommu= iommu==pt =off", "" },
	};
	struct resv_cmdline_fact f[16];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char got[2048] = "";
		size_t n = resv_cmdline_facts(cases[i].cmdline, f, 16);

		for (size_t k = 0; k < n; k++) {
			assert_non_null(f[k].effect);
			snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s", k ? " " : "",
				 f[k].param);
		}
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("\"%s\": got \"%s\", want \"%s\"", cases[i].cmdline ? cases[i].cmdline :
				 "(null)", got, cases[i].want);
	}
	/* The count is every fact, even when @max is smaller. */
	assert_int_equal(resv_cmdline_facts("iommu=off intel_iommu=igfx_off iommu=pt", f, 1), 3);
	assert_string_equal(f[0].param, "iommu=off");
}

/* The bridges above a function, nearest first (a real 6.12 snapshot: root port, switch). */
static void test_upstream(void **state)
{
	struct resv_machine *m;
	const char *v[4];

	(void)state;
	assert_int_equal(resv_machine_new(&m), 0);
	assert_int_equal(resv_machine_load(m, SRCDIR "/examples/qemu-intel-rmrr", RESV_LOAD_ALL), 0);
	assert_int_equal(resv_machine_pci_upstream(m, "0000:05:00.0", v, 4), 3);
	assert_string_equal(v[0], "0000:04:00.0");	/* switch downstream port */
	assert_string_equal(v[1], "0000:03:00.0");	/* switch upstream port */
	assert_string_equal(v[2], "0000:00:05.0");	/* root port */
	assert_int_equal(resv_machine_pci_upstream(m, "0000:05:00.0", v, 1), 3);
	assert_string_equal(v[0], "0000:04:00.0");
	assert_int_equal(resv_machine_pci_upstream(m, "0000:06:02.0", v, 4), 1);
	assert_string_equal(v[0], "0000:00:06.0");	/* the pcie-pci-bridge */
	assert_int_equal(resv_machine_pci_upstream(m, "0000:00:02.0", v, 4), 0);
	assert_int_equal(resv_machine_pci_upstream(m, "0000:09:00.0", v, 4), -ENOENT);
	/* The command line read from proc/cmdline, and set. */
	assert_non_null(strstr(resv_machine_cmdline(m), "intel_iommu=on"));
	resv_machine_set_cmdline(m, "pcie_acs_override=downstream");
	assert_string_equal(resv_machine_cmdline(m), "pcie_acs_override=downstream");
	resv_machine_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tables_in),
		cmocka_unit_test(test_tree_matches_iasl),
		cmocka_unit_test(test_rmrr_against_e820),
		cmocka_unit_test(test_ivmd_unknown_device),
		cmocka_unit_test(test_pci_and_predict_errors),
		cmocka_unit_test(test_verdicts),
		cmocka_unit_test(test_cmdline_facts),
		cmocka_unit_test(test_upstream),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
