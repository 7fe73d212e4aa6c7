// SPDX-License-Identifier: MIT
/*
 * The sysfs reader on fake roots built here: good groups, broken files,
 * links that leave the root, odd names. Every problem must become a
 * diagnostic of its own group and leave the others intact.
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include <iommu-resv.h>

static char root[PATH_MAX];

static void mkdirs(const char *rel)
{
	char path[PATH_MAX * 2];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (char *p = path + strlen(root) + 1; *p; p++) {
		if (*p == '/') {
			*p = '\0';
			mkdir(path, 0755);
			*p = '/';
		}
	}
	mkdir(path, 0755);
}

static void put(const char *rel, const char *text)
{
	char path[PATH_MAX * 2];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void link_to(const char *target, const char *rel)
{
	char path[PATH_MAX * 2];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	if (symlink(target, path) != 0)
		fail_msg("symlink %s: %s", path, strerror(errno));
}

static void pci_device(const char *name, const char *class, const char *vendor,
		       const char *device)
{
	char rel[256];

	snprintf(rel, sizeof(rel), "sys/devices/pci0000:00/%s", name);
	mkdirs(rel);
	snprintf(rel, sizeof(rel), "sys/devices/pci0000:00/%s/class", name);
	put(rel, class);
	snprintf(rel, sizeof(rel), "sys/devices/pci0000:00/%s/vendor", name);
	put(rel, vendor);
	snprintf(rel, sizeof(rel), "sys/devices/pci0000:00/%s/device", name);
	put(rel, device);
	snprintf(rel, sizeof(rel), "sys/bus/pci/devices/%s", name);
	char target[256];

	snprintf(target, sizeof(target), "../../../devices/pci0000:00/%s", name);
	link_to(target, rel);
}

static void group(int id, const char *type, const char *regions, const char *dev)
{
	char rel[256], target[256];

	snprintf(rel, sizeof(rel), "sys/kernel/iommu_groups/%d/devices", id);
	mkdirs(rel);
	if (type) {
		snprintf(rel, sizeof(rel), "sys/kernel/iommu_groups/%d/type", id);
		put(rel, type);
	}
	if (regions) {
		snprintf(rel, sizeof(rel), "sys/kernel/iommu_groups/%d/reserved_regions", id);
		put(rel, regions);
	}
	if (dev) {
		snprintf(rel, sizeof(rel), "sys/kernel/iommu_groups/%d/devices/%s", id, dev);
		snprintf(target, sizeof(target), "../../../../devices/pci0000:00/%s", dev);
		link_to(target, rel);
	}
}

static int setup(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "/tmp/resv-sysfs-XXXXXX");
	assert_non_null(mkdtemp(root));
	mkdirs("sys/bus/pci/devices");

	pci_device("0000:00:02.0", "0x030000\n", "0x8086\n", "0x9b41\n");
	pci_device("0000:00:14.0", "0x0c0330\n", "0x8086\n", "0x02ed\n");
	pci_device("0000:00:1f.6", "0x020000\n", "0x8086\n", "0x15be\n");
	pci_device("0000:00:16.0", "0x78000\n", "0x8086\n", "0x02e0\n");
	pci_device("0000:00:17.0", "0x1000000\n", "0x8086\n", "0x02d3\n");

	/* 0: good. */
	group(0, "DMA\n", "0x000000007b800000 0x000000007fffffff direct-relaxable\n"
			  "0x00000000fee00000 0x00000000feefffff msi\n", "0000:00:02.0");
	/* 1: a bad line between good ones. */
	group(1, "DMA-FQ\n", "0x000000006e6cf000 0x000000006e6eefff direct-relaxable\n"
			     "0x00000000FEE00000 0x00000000feefffff msi\n"
			     "0x00000000fee00000 0x00000000feefffff msi\n", "0000:00:14.0");
	/* 2: no reserved_regions, no type (kernels before v5.11). */
	group(2, NULL, NULL, "0000:00:1f.6");
	/* 3: reserved_regions is a link out of the root. */
	group(3, "identity\n", NULL, "0000:00:16.0");
	link_to("/proc/self/status", "sys/kernel/iommu_groups/3/reserved_regions");
	/* 10: sorts after 3; a class value too wide for 24 bits; a platform device. */
	group(10, "DMA\n", "", "0000:00:17.0");
	mkdirs("sys/devices/platform/arm-smmu-v3.0.auto");
	link_to("../../../../devices/platform/arm-smmu-v3.0.auto",
		"sys/kernel/iommu_groups/10/devices/arm-smmu-v3.0.auto");
	/* 11: its device's sysfs directory is a link out of the root. */
	group(11, "DMA\n", "0x00000000fee00000 0x00000000feefffff msi\n", NULL);
	link_to("/sys", "sys/bus/pci/devices/0000:05:00.0");
	link_to("../../../../bus/pci/devices/0000:05:00.0",
		"sys/kernel/iommu_groups/11/devices/0000:05:00.0");
	/* Not a group. */
	mkdirs("sys/kernel/iommu_groups/foo");
	return 0;
}

static int teardown(void **state)
{
	char cmd[PATH_MAX + 16];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd) == 0 ? 0 : -1;
}

static const struct resv_diag *find_diag(const struct resv_system *sys, const char *id,
					 long group)
{
	const struct resv_diags *d = resv_system_diags(sys);

	for (size_t i = 0; i < resv_diags_count(d); i++) {
		const struct resv_diag *g = resv_diags_get(d, i);

		if (strcmp(g->id, id) == 0 && g->group == group)
			return g;
	}
	return NULL;
}

static void test_load(void **state)
{
	struct resv_system *sys;
	const struct resv_group *g;
	const struct resv_diag *d;

	(void)state;
	assert_int_equal(resv_system_load(&sys, root), 0);
	assert_int_equal(resv_system_group_count(sys), 6);
	static const long ids[] = { 0, 1, 2, 3, 10, 11 };

	for (size_t i = 0; i < 6; i++)
		assert_int_equal(resv_system_group(sys, i)->id, ids[i]);
	assert_null(resv_system_group(sys, 6));

	g = resv_system_find_group(sys, 0);
	assert_true(g->complete);
	assert_string_equal(g->type, "DMA");
	assert_int_equal(g->ndevices, 1);
	assert_string_equal(g->devices[0].name, "0000:00:02.0");
	assert_true(g->devices[0].pci);
	assert_int_equal(g->devices[0].class, 0x030000);
	assert_int_equal(g->devices[0].vendor, 0x8086);
	assert_int_equal(g->devices[0].device, 0x9b41);
	assert_int_equal(resv_list_count(g->regions), 2);
	assert_int_equal(resv_list_region(g->regions, 0)->type, RESV_TYPE_DIRECT_RELAXABLE);

	/* The bad line is reported with its file, line and group; the rest kept. */
	g = resv_system_find_group(sys, 1);
	assert_false(g->complete);
	assert_int_equal(resv_list_count(g->regions), 2);
	d = find_diag(sys, "SYSFS_BAD_LINE", 1);
	assert_non_null(d);
	assert_int_equal(d->line, 2);
	assert_non_null(strstr(d->where, "/sys/kernel/iommu_groups/1/reserved_regions"));
	assert_int_equal(strncmp(d->where, root, strlen(root)), 0);

	g = resv_system_find_group(sys, 2);
	assert_false(g->complete);
	assert_null(g->regions);
	assert_null(g->type);
	assert_non_null(find_diag(sys, "SYSFS_RESERVED_REGIONS", 2));
	assert_null(find_diag(sys, "SYSFS_GROUP_TYPE", 2));

	/* A link out of the root is not followed. */
	g = resv_system_find_group(sys, 3);
	assert_false(g->complete);
	assert_null(g->regions);
	d = find_diag(sys, "SYSFS_RESERVED_REGIONS", 3);
	assert_non_null(d);
	assert_non_null(strstr(d->message, "outside the sysroot"));
	assert_true(g->devices[0].pci);
	assert_int_equal(g->devices[0].class, 0x078000);

	/* A class wider than 24 bits is refused; platform devices have no PCI id. */
	g = resv_system_find_group(sys, 10);
	assert_false(g->complete);
	assert_int_equal(g->ndevices, 2);
	assert_string_equal(g->devices[0].name, "0000:00:17.0");
	assert_false(g->devices[0].pci);
	assert_string_equal(g->devices[1].name, "arm-smmu-v3.0.auto");
	assert_false(g->devices[1].pci);
	assert_int_equal(resv_list_count(g->regions), 0);
	d = find_diag(sys, "SYSFS_DEVICE_ATTR", 10);
	assert_non_null(d);
	assert_int_equal(d->severity, RESV_SEV_WARNING);

	g = resv_system_find_group(sys, 11);
	assert_false(g->devices[0].pci);
	d = find_diag(sys, "SYSFS_DEVICE_ATTR", 11);
	assert_non_null(d);
	assert_non_null(strstr(d->message, "outside the sysroot"));

	assert_non_null(find_diag(sys, "SYSFS_GROUP_NAME", -1));
	assert_null(resv_system_find_group(sys, 4));
	resv_system_free(sys);

	/* Without RESV_SYSTEM_REGIONS no reserved_regions is read, bad or not. */
	assert_int_equal(resv_system_load_what(&sys, root, RESV_SYSTEM_IOMMU), 0);
	assert_int_equal(resv_system_group_count(sys), 6);
	for (long id = 0; id < 4; id++) {
		g = resv_system_find_group(sys, id);
		assert_null(g->regions);
		assert_true(g->complete);
	}
	assert_int_equal(resv_system_find_group(sys, 0)->devices[0].class, 0x030000);
	assert_null(find_diag(sys, "SYSFS_BAD_LINE", 1));
	assert_null(find_diag(sys, "SYSFS_RESERVED_REGIONS", 2));
	assert_non_null(find_diag(sys, "SYSFS_DEVICE_ATTR", 10));
	resv_system_free(sys);
	assert_int_equal(resv_system_load_what(&sys, root, RESV_SYSTEM_REGIONS), 0);
	assert_int_equal(resv_list_count(resv_system_find_group(sys, 0)->regions), 2);
	/* Without RESV_SYSTEM_TYPE no group type is read. */
	assert_null(resv_system_find_group(sys, 0)->type);
	resv_system_free(sys);
	assert_int_equal(resv_system_load_what(&sys, root, RESV_SYSTEM_TYPE), 0);
	assert_string_equal(resv_system_find_group(sys, 0)->type, "DMA");
	assert_null(resv_system_find_group(sys, 0)->regions);
	resv_system_free(sys);
}

static void test_no_groups(void **state)
{
	struct resv_system *sys;
	char empty[PATH_MAX * 2];

	(void)state;
	snprintf(empty, sizeof(empty), "%s/sys/devices", root);
	assert_int_equal(resv_system_load(&sys, empty), 0);
	assert_int_equal(resv_system_group_count(sys), 0);
	assert_non_null(find_diag(sys, "SYSFS_NO_GROUPS", -1));
	resv_system_free(sys);
	assert_int_equal(resv_system_load(&sys, "/nonexistent/sysroot"), -ENOENT);
	resv_system_free(NULL);
}

/* Release strings as uname -r and osrelease give them, and what is refused. */
static void test_parse_kernel_version(void **state)
{
	static const struct {
		const char *s;
		int rc;
		unsigned int version;
	} cases[] = {
		{ "6.1", 0, 0x060100 },
		{ "6.1.0-57-amd64", 0, 0x060100 },
		{ "6.6.0-rc1", 0, 0x060600 },
		{ "6.6-rc1", 0, 0x060600 },
		{ "7.2.13+deb14-amd64", 0, 0x070200 },
		{ "5.10.0-32-amd64\n", 0, 0x050a00 },
		{ "255.255", 0, 0xffff00 },
		{ "6", -EBADMSG, 0 },
		{ "6.", -EBADMSG, 0 },
		{ ".1", -EBADMSG, 0 },
		{ "6.1x", -EBADMSG, 0 },
		{ "256.1", -EBADMSG, 0 },
		{ "6.256", -EBADMSG, 0 },
		{ "v6.1", -EBADMSG, 0 },
		{ "", -EBADMSG, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned int v = 0xdead;

		assert_int_equal(resv_parse_kernel_version(cases[i].s, &v), cases[i].rc);
		assert_int_equal(v, cases[i].rc == 0 ? cases[i].version : 0xdead);
	}
}

static void put_config(const char *name, unsigned char header_type)
{
	char path[PATH_MAX * 2];
	unsigned char cfg[64] = { 0x86, 0x80 };
	FILE *f;

	cfg[0x0e] = header_type;
	snprintf(path, sizeof(path), "%s/sys/devices/pci0000:00/%s/config", root, name);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(cfg, 1, sizeof(cfg), f), sizeof(cfg));
	fclose(f);
}

static const struct resv_device *device_of(const struct resv_system *sys, long id)
{
	const struct resv_group *g = resv_system_find_group(sys, id);

	assert_non_null(g);
	assert_int_equal(g->ndevices, 1);
	return &g->devices[0];
}

/*
 * The driver link (drivers/base/bus.c driver_sysfs_add): its last component
 * names the driver, also when it dangles; no link is "unbound" only where
 * the root has sys/bus/pci/drivers, else "unknown". The header type comes
 * from the config space.
 */
static void test_drivers(void **state)
{
	struct resv_system *sys;
	const struct resv_device *d;

	(void)state;
	/* Without sys/bus/pci/drivers (snapshots before drivers were copied). */
	assert_int_equal(resv_system_load(&sys, root), 0);
	d = device_of(sys, 0);
	assert_false(d->driver_known);
	assert_null(d->driver);
	assert_int_equal(d->header_type, -1);	/* no config file */
	resv_system_free(sys);

	mkdirs("sys/bus/pci/drivers/i915");
	link_to("../../../bus/pci/drivers/i915", "sys/devices/pci0000:00/0000:00:02.0/driver");
	/* Dangling: the directory of vfio-pci is not there; the name still is. */
	link_to("../../../bus/pci/drivers/vfio-pci", "sys/devices/pci0000:00/0000:00:14.0/driver");
	/* A link out of the root: named by its text, never followed. */
	link_to("/sys/bus/pci/drivers/e1000e", "sys/devices/pci0000:00/0000:00:1f.6/driver");
	put_config("0000:00:1f.6", 0x81);	/* multifunction, bridge header */
	put_config("0000:00:02.0", 0x00);
	assert_int_equal(resv_system_load(&sys, root), 0);
	d = device_of(sys, 0);
	assert_true(d->driver_known);
	assert_string_equal(d->driver, "i915");
	assert_int_equal(d->header_type, 0);
	d = device_of(sys, 1);
	assert_true(d->driver_known);
	assert_string_equal(d->driver, "vfio-pci");
	d = device_of(sys, 2);
	assert_true(d->driver_known);
	assert_string_equal(d->driver, "e1000e");
	assert_int_equal(d->header_type, 1);
	d = device_of(sys, 3);	/* no link: unbound */
	assert_true(d->driver_known);
	assert_null(d->driver);
	/* A platform device: no PCI identity, no binding read. */
	const struct resv_group *g = resv_system_find_group(sys, 10);

	assert_int_equal(g->ndevices, 2);
	assert_false(g->devices[1].pci);
	assert_false(g->devices[1].driver_known);
	assert_int_equal(g->devices[1].header_type, -1);
	resv_system_free(sys);

	/* Without RESV_SYSTEM_HEADER_TYPE no config space is read; the rest is. */
	assert_int_equal(resv_system_load_what(&sys, root, 0), 0);
	d = device_of(sys, 0);
	assert_true(d->pci);
	assert_string_equal(d->driver, "i915");
	assert_int_equal(d->header_type, -1);
	d = device_of(sys, 2);
	assert_string_equal(d->driver, "e1000e");
	assert_int_equal(d->header_type, -1);
	resv_system_free(sys);
	assert_int_equal(resv_system_load_what(&sys, root, RESV_SYSTEM_ALL), 0);
	assert_int_equal(device_of(sys, 2)->header_type, 1);
	resv_system_free(sys);
}

/*
 * class, vendor and device come from the device's uevent when it has the
 * kernel's PCI_CLASS and PCI_ID lines (pci-driver.c pci_uevent), from the
 * three attributes otherwise: a uevent that lacks one, or is not written
 * the kernel's way (lower-case, too wide, not hex), is passed over.
 */
static void test_uevent(void **state)
{
	static const struct {
		const char *text;
		uint32_t class;
		uint16_t device;
	} cases[] = {
		{ "DRIVER=i915\nPCI_CLASS=30001\nPCI_ID=8086:9BC4\nPCI_SUBSYS_ID=17AA:2292\n",
		  0x030001, 0x9bc4 },
		{ "PCI_ID=8086:9BC4\nPCI_CLASS=30001", 0x030001, 0x9bc4 },	/* any order, no final newline */
		{ "PCI_CLASS=zz\nPCI_ID=8086:9BC4\n", 0x030000, 0x9b41 },
		{ "PCI_CLASS=30001\n", 0x030000, 0x9b41 },
		{ "PCI_CLASS=30001\nPCI_ID=8086:9bc4\n", 0x030000, 0x9b41 },
		{ "PCI_CLASS=1000000\nPCI_ID=8086:9BC4\n", 0x030000, 0x9b41 },
		{ "PCI_CLASS=30001\nPCI_ID=8086-9BC4\n", 0x030000, 0x9b41 },
		{ "", 0x030000, 0x9b41 },
	};
	const char *rel = "sys/devices/pci0000:00/0000:00:02.0/uevent";
	char path[PATH_MAX * 2];

	(void)state;
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct resv_system *sys;
		const struct resv_device *d;

		put(rel, cases[i].text);
		assert_int_equal(resv_system_load(&sys, root), 0);
		d = device_of(sys, 0);
		assert_true(d->pci);
		if (d->class != cases[i].class || d->device != cases[i].device)
			fail_msg("uevent \"%s\": class %06x device %04x, want %06x %04x",
				 cases[i].text, d->class, d->device, cases[i].class,
				 cases[i].device);
		assert_int_equal(d->vendor, 0x8086);
		resv_system_free(sys);
	}
	assert_int_equal(unlink(path), 0);
}

/*
 * resv_system_load_known(): a device's identity comes from the machine
 * loaded from the same root with RESV_LOAD_PCI_IDENTITY, without reading
 * the device again; without the flag, or without a machine, it is read.
 */
static void test_known(void **state)
{
	const char *rel = "sys/devices/pci0000:00/0000:00:02.0/uevent";
	struct resv_machine *m, *plain;
	struct resv_system *sys;
	char path[PATH_MAX * 2];

	(void)state;
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	put_config("0000:00:02.0", 0x00);
	put(rel, "PCI_CLASS=30001\nPCI_ID=8086:9BC4\n");
	assert_int_equal(resv_machine_new(&m), 0);
	assert_int_equal(resv_machine_load(m, root, RESV_LOAD_PCI | RESV_LOAD_PCI_IDENTITY), 0);
	assert_int_equal(resv_machine_new(&plain), 0);
	assert_int_equal(resv_machine_load(plain, root, RESV_LOAD_PCI), 0);
	/* What the device says now differs from what the machine read. */
	put(rel, "PCI_CLASS=30002\nPCI_ID=8086:9BC5\n");

	assert_int_equal(resv_system_load_known(&sys, root, 0, m), 0);
	assert_int_equal(device_of(sys, 0)->class, 0x030001);
	assert_int_equal(device_of(sys, 0)->device, 0x9bc4);
	/* A device the machine did not read (no config: left out) is read. */
	assert_int_equal(device_of(sys, 1)->device, 0x02ed);
	resv_system_free(sys);

	assert_int_equal(resv_system_load_known(&sys, root, 0, plain), 0);
	assert_int_equal(device_of(sys, 0)->class, 0x030002);
	resv_system_free(sys);
	assert_int_equal(resv_system_load_known(&sys, root, 0, NULL), 0);
	assert_int_equal(device_of(sys, 0)->device, 0x9bc5);
	resv_system_free(sys);
	resv_machine_free(m);
	resv_machine_free(plain);
	assert_int_equal(unlink(path), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_no_groups),
		cmocka_unit_test(test_parse_kernel_version),
		cmocka_unit_test(test_drivers),
		cmocka_unit_test(test_uevent),
		cmocka_unit_test(test_known),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
