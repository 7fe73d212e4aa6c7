// SPDX-License-Identifier: MIT
/*
 * The examples' IOMMU groups predicted from their tables and config space
 * alone must be the groups their kernels made (sys/kernel/iommu_groups).
 * The qemu-* snapshots were written by real kernels (4096 bytes of config
 * space as root); the modelled examples (examples/mk/mkexamples.py) have
 * config spaces shaped like their hardware's (PCI Express capability of
 * each function's type, ACS where the ports have it, the PCH LPC's RCBA),
 * and groups the kernel's algorithm gives for them. Both must be predicted
 * exactly and equal.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "iommu-resv.h"
#include "internal.h"

static long sys_group_of(const struct resv_system *sys, const char *device)
{
	for (size_t s = 0; s < resv_system_group_count(sys); s++) {
		const struct resv_group *g = resv_system_group(sys, s);

		for (size_t d = 0; d < g->ndevices; d++)
			if (strcmp(g->devices[d].name, device) == 0)
				return g->id;
	}
	return -1;
}

/* Is each predicted group of bound @b inside one sysfs group? */
static bool predicted_refines_sys(const struct resv_group_prediction *p, enum resv_bound b,
				  const struct resv_system *sys)
{
	for (size_t i = 0; i < resv_group_prediction_count(p, b); i++) {
		const struct resv_pgroup *pg = resv_group_prediction_group(p, b, i);
		long id = sys_group_of(sys, pg->devices[0]);

		for (size_t k = 1; k < pg->n; k++)
			if (sys_group_of(sys, pg->devices[k]) != id)
				return false;
	}
	return true;
}

/* Is each sysfs group inside one predicted group of bound @b? */
static bool sys_refines_predicted(const struct resv_group_prediction *p, enum resv_bound b,
				  const struct resv_system *sys)
{
	for (size_t i = 0; i < resv_system_group_count(sys); i++) {
		const struct resv_group *g = resv_system_group(sys, i);
		const struct resv_pgroup *pg = NULL;

		for (size_t k = 0; k < g->ndevices; k++) {
			const struct resv_pgroup *h = resv_group_prediction_find(p, b,
										 g->devices[k].name);

			if (pg && h != pg)
				return false;
			pg = h;
		}
	}
	return true;
}

static void print_prediction(const struct resv_group_prediction *p, enum resv_bound b)
{
	for (size_t i = 0; i < resv_group_prediction_count(p, b); i++) {
		const struct resv_pgroup *pg = resv_group_prediction_group(p, b, i);

		printf("  %s:", pg->name);
		for (size_t k = 0; k < pg->n; k++)
			printf(" %s", pg->devices[k]);
		printf("\n");
		for (size_t k = 0; k < pg->nlinks; k++)
			printf("    %s -> %s: %s\n", pg->links[k].device, pg->links[k].with,
			       pg->links[k].detail);
	}
}

static void check_example(const char *name, bool exact)
{
	char root[4096];
	struct resv_system *sys = NULL;
	struct resv_machine *m = NULL;
	struct resv_group_prediction *p = NULL;
	size_t npredicted = 0, nsys = 0;
	int rc;

	snprintf(root, sizeof(root), "%s/examples/%s", SRCDIR, name);
	assert_int_equal(resv_system_load(&sys, root), 0);
	assert_int_equal(resv_machine_new(&m), 0);
	assert_int_equal(resv_machine_load(m, root, RESV_LOAD_ALL), 0);
	{
		unsigned int v;

		if (resv_kernel_version(root, &v) == 0)
			resv_machine_set_kernel(m, v);
	}
	rc = resv_machine_predict_groups(m, &p);
	assert_int_equal(rc, 0);
	/* Same devices: every function in a sysfs group is in a predicted one and back. */
	for (size_t i = 0; i < resv_system_group_count(sys); i++) {
		const struct resv_group *g = resv_system_group(sys, i);

		for (size_t k = 0; k < g->ndevices; k++) {
			if (!g->devices[k].pci)
				continue;
			nsys++;
			if (!resv_group_prediction_find(p, RESV_BOUND_FINEST, g->devices[k].name)) {
				printf("%s: %s has a sysfs group, none predicted\n", name,
				       g->devices[k].name);
				fail();
			}
		}
	}
	for (size_t i = 0; i < resv_group_prediction_count(p, RESV_BOUND_FINEST); i++)
		npredicted += resv_group_prediction_group(p, RESV_BOUND_FINEST, i)->n;
	if (npredicted != nsys || !predicted_refines_sys(p, RESV_BOUND_FINEST, sys) ||
	    !sys_refines_predicted(p, RESV_BOUND_COARSEST, sys) ||
	    (exact && (!resv_group_prediction_exact(p) ||
		       !sys_refines_predicted(p, RESV_BOUND_FINEST, sys)))) {
		printf("%s: predicted (finest, exact %d):\n", name, resv_group_prediction_exact(p));
		print_prediction(p, RESV_BOUND_FINEST);
		printf("coarsest:\n");
		print_prediction(p, RESV_BOUND_COARSEST);
		fail_msg("%s: the kernel's groups are not within the predicted bounds", name);
	}
	resv_group_prediction_free(p);
	resv_machine_free(m);
	resv_system_free(sys);
}

/* Config space of 4096 bytes for PCIe functions: exact. */
static void check_exact(const char *name)
{
	check_example(name, true);
}

static void test_qemu_amd_ivmd(void **state)
{
	(void)state;
	check_exact("qemu-amd-ivmd");
}

static void test_qemu_arm_rmr(void **state)
{
	(void)state;
	check_exact("qemu-arm-rmr");
}

static void test_qemu_intel_rmrr(void **state)
{
	(void)state;
	check_exact("qemu-intel-rmrr");
}

static void test_qemu_virtio_x86(void **state)
{
	(void)state;
	check_exact("qemu-virtio-x86");
}

static void test_intel_laptop(void **state)
{
	(void)state;
	check_exact("intel-laptop");
}

static void test_intel_server(void **state)
{
	(void)state;
	check_exact("intel-server");
}

static void test_amd_desktop(void **state)
{
	(void)state;
	check_exact("amd-desktop");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_qemu_amd_ivmd),
		cmocka_unit_test(test_qemu_arm_rmr),
		cmocka_unit_test(test_qemu_intel_rmrr),
		cmocka_unit_test(test_qemu_virtio_x86),
		cmocka_unit_test(test_intel_laptop),
		cmocka_unit_test(test_intel_server),
		cmocka_unit_test(test_amd_desktop),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
