// SPDX-License-Identifier: MIT
/*
 * Prediction end to end on the example snapshots: from the firmware table
 * (DMAR or IVRS) and the PCI config space alone, every IOMMU group's
 * reserved_regions must come out byte for byte as the snapshot has it.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "predict.h"

/*
 * resv_machine_predict() resolves each DMAR scope once per machine and
 * merges a device's scopes back into table order (lib/machine.c): region
 * for region and source for source what predict_intel() gives, resolving
 * every scope for every device.
 */
static void same_as_machine(const char *path, const struct resv_list *want,
			    char **devs, size_t ndevs)
{
	struct resv_machine *m;
	struct resv_list *got;

	assert_int_equal(resv_machine_new(&m), 0);
	assert_int_equal(resv_machine_load(m, path, RESV_LOAD_TABLES | RESV_LOAD_PCI), 0);
	assert_int_equal(resv_list_new(&got), 0);
	for (size_t i = 0; i < ndevs; i++)
		assert_true(resv_machine_predict(m, devs[i], 0, got) >= 0);
	assert_int_equal(resv_list_count(got), resv_list_count(want));
	for (size_t i = 0; i < resv_list_count(want); i++) {
		const struct resv_region *a = resv_list_region(want, i);
		const struct resv_region *b = resv_list_region(got, i);

		assert_true(a->start == b->start && a->last == b->last && a->type == b->type);
		assert_int_equal(a->nsources, b->nsources);
		assert_string_equal(resv_list_source(want, a->sources[0])->origin,
				    resv_list_source(got, b->sources[0])->origin);
	}
	resv_list_free(got);
	resv_machine_free(m);
}

static void check_example(const char *name, bool intel)
{
	char path[512], rel[256];
	struct sysroot sr;
	struct pci_topology topo;
	struct resv_diags *d;
	struct dmar *dmar = NULL;
	struct ivrs *ivrs = NULL;
	char *buf, **groups;
	size_t len, ngroups;

	snprintf(path, sizeof(path), "%s/examples/%s", SRCDIR, name);
	assert_int_equal(sysroot_open(&sr, path), 0);
	assert_int_equal(resv_diags_new(&d), 0);
	assert_int_equal(pci_topology_load(&topo, &sr, d), 0);
	assert_true(topo.n > 10);
	assert_int_equal(sysroot_read(&sr, intel ? "sys/firmware/acpi/tables/DMAR" :
						   "sys/firmware/acpi/tables/IVRS", &buf, &len), 0);
	if (intel)
		assert_int_equal(dmar_parse(&dmar, buf, len, d, "DMAR"), 0);
	else
		assert_int_equal(ivrs_parse(&ivrs, buf, len, d, "IVRS"), 0);
	free(buf);

	assert_int_equal(sysroot_list(&sr, "sys/kernel/iommu_groups", &groups, &ngroups), 0);
	assert_true(ngroups > 5);
	for (size_t g = 0; g < ngroups; g++) {
		struct resv_list *list, *k;
		char **devs, *want, *got;
		size_t ndevs, wlen, glen;

		snprintf(rel, sizeof(rel), "sys/kernel/iommu_groups/%s/devices", groups[g]);
		assert_int_equal(sysroot_list(&sr, rel, &devs, &ndevs), 0);
		assert_int_equal(resv_list_new(&list), 0);
		for (size_t i = 0; i < ndevs; i++) {
			const struct pci_dev *dev = NULL;

			for (size_t k2 = 0; k2 < topo.n && !dev; k2++)
				if (strcmp(topo.devs[k2].name, devs[i]) == 0)
					dev = &topo.devs[k2];
			assert_non_null(dev);
			assert_int_equal(intel ? predict_intel(list, dmar, &topo, dev, true) :
						 predict_amd(list, ivrs, dev, false, 0), 0);
		}
		if (intel)
			same_as_machine(path, list, devs, ndevs);
		assert_int_equal(resv_list_kernel_view(&k, list, NULL), 0);
		assert_int_equal(resv_format_sysfs(k, &got, &glen), 0);
		snprintf(rel, sizeof(rel), "sys/kernel/iommu_groups/%s/reserved_regions", groups[g]);
		assert_int_equal(sysroot_read(&sr, rel, &want, &wlen), 0);
		if (strcmp(got, want) != 0)
			fail_msg("%s group %s: predicted\n%sbut the snapshot has\n%s", name, groups[g],
				 got, want);
		/* Every predicted region says where it came from. */
		for (size_t i = 0; i < resv_list_count(list); i++)
			assert_non_null(resv_list_source(list, resv_list_region(list, i)->sources[0])->device);
		free(got);
		free(want);
		resv_list_free(k);
		resv_list_free(list);
		sysroot_free_names(devs, ndevs);
	}
	print_message("%s: %zu groups predicted byte for byte from %s and config space\n", name,
		      ngroups, intel ? "the DMAR" : "the IVRS");
	sysroot_free_names(groups, ngroups);
	dmar_free(dmar);
	ivrs_free(ivrs);
	resv_diags_free(d);
	pci_topology_free(&topo);
	sysroot_close(&sr);
}

static void test_intel_laptop(void **state)
{
	(void)state;
	check_example("intel-laptop", true);
}

static void test_intel_server(void **state)
{
	(void)state;
	check_example("intel-server", true);
}

static void test_amd_desktop(void **state)
{
	(void)state;
	check_example("amd-desktop", false);
}

/* Scope paths through bridges, and the ways they fail. */
static void test_scope_paths(void **state)
{
	char path[512], why[128];
	struct sysroot sr;
	struct pci_topology topo;
	struct dmar_path p4[] = { { 3, 0 }, { 0, 0 }, { 1, 0 }, { 0, 1 } };
	struct dmar_path absent[] = { { 2, 2 }, { 0, 0 } };
	struct dmar_path not_bridge[] = { { 0x1f, 0 }, { 0, 0 } };
	struct dmar_scope four = { .type = 1, .start_bus = 0, .npath = 4, .path = p4 };
	struct dmar_scope gone = { .type = 1, .start_bus = 0, .npath = 2, .path = absent };
	struct dmar_scope leaf = { .type = 1, .start_bus = 0, .npath = 2, .path = not_bridge };
	const struct pci_dev *d;

	(void)state;
	snprintf(path, sizeof(path), "%s/examples/intel-server", SRCDIR);
	assert_int_equal(sysroot_open(&sr, path), 0);
	assert_int_equal(pci_topology_load(&topo, &sr, NULL), 0);
	/* 00:03.0 -> bus 04, 04:00.0 (switch) -> 05, 05:01.0 -> 06, 06:00.1. */
	d = dmar_scope_target(&topo, 0, &four, NULL, why, sizeof(why));
	assert_non_null(d);
	assert_string_equal(d->name, "0000:06:00.1");
	assert_null(dmar_scope_target(&topo, 0, &gone, NULL, why, sizeof(why)));
	assert_non_null(strstr(why, "does not exist"));
	assert_null(dmar_scope_target(&topo, 0, &leaf, NULL, why, sizeof(why)));
	assert_non_null(strstr(why, "is not a bridge"));
	/* The switch's downstream port covers bus 06 only. */
	assert_true(pci_is_downstream(pci_find(&topo, 0, 5, 1, 0), pci_find(&topo, 0, 6, 0, 1)));
	assert_false(pci_is_downstream(pci_find(&topo, 0, 5, 1, 0), pci_find(&topo, 0, 7, 0, 0)));
	pci_topology_free(&topo);
	sysroot_close(&sr);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scope_paths),
		cmocka_unit_test(test_intel_laptop),
		cmocka_unit_test(test_intel_server),
		cmocka_unit_test(test_amd_desktop),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
