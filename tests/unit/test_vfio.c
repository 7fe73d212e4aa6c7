// SPDX-License-Identifier: MIT
/*
 * VFIO viability by kernel version: which bound drivers let VFIO take a
 * group (vfio.c vfio_dev_viable before v5.19; DMA ownership from v5.19).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <iommu-resv.h>

#define K(a, b) ((a) << 16 | (b) << 8)

static void test_device_rule(void **state)
{
	static const struct {
		const char *driver;	/* NULL: unbound */
		bool known;
		int header_type;
		uint32_t class;
		unsigned int kernel;
		int viable;
	} cases[] = {
		/* Unknown binding: unknown, whatever the kernel. */
		{ NULL, false, 0, 0x020000, 0, -1 },
		{ "e1000e", false, 0, 0x020000, K(5, 10), -1 },
		/* No driver, vfio-pci, a variant driver: always. */
		{ NULL, true, 0, 0x020000, K(5, 10), 1 },
		{ NULL, true, 0, 0x020000, 0, 1 },
		{ "vfio-pci", true, 0, 0x030000, K(5, 10), 1 },
		{ "vfio-pci", true, 0, 0x030000, K(6, 12), 1 },
		{ "mlx5_vfio_pci", true, 0, 0x020000, K(6, 1), 1 },
		{ "xe-vfio-pci", true, 0, 0x030000, 0, 1 },
		/* pci-stub: in vfio_driver_allowed[], then driver_managed_dma. */
		{ "pci-stub", true, 0, 0x020000, K(5, 10), 1 },
		{ "pci-stub", true, 0, 0x020000, K(5, 19), 1 },
		/* A host driver blocks. */
		{ "e1000e", true, 0, 0x020000, K(5, 10), 0 },
		{ "e1000e", true, 0, 0x020000, K(5, 18), 0 },
		{ "e1000e", true, 0, 0x020000, K(5, 19), 0 },
		{ "nvidia", true, 0, 0x030000, 0, 0 },
		/* Bridges: any driver before v5.19 (vfio_dev_driver_allowed)... */
		{ "pcieport", true, 1, 0x060400, K(5, 10), 1 },
		{ "shpchp", true, 1, 0x060400, K(5, 18), 1 },
		{ "shpchp", true, -1, 0x060400, K(5, 10), 1 },	/* class when the header is unread */
		{ "yenta_cardbus", true, 2, 0x060700, K(5, 10), 1 },
		/* ... only driver_managed_dma ones from v5.19 (pcieport). */
		{ "pcieport", true, 1, 0x060400, K(5, 19), 1 },
		{ "pcieport", true, 1, 0x060400, 0, 1 },
		{ "shpchp", true, 1, 0x060400, K(5, 19), 0 },
		{ "yenta_cardbus", true, 2, 0x060700, K(6, 12), 0 },
		/* A normal header is no bridge, whatever the class says. */
		{ "foo", true, 0, 0x060400, K(5, 10), 0 },
		/* pcieport on a Root Complex Event Collector (type 0 header), v5.11-v5.18. */
		{ "pcieport", true, 0, 0x080700, K(5, 15), 0 },
		{ "pcieport", true, 0, 0x080700, K(6, 1), 1 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct resv_device d = { .name = "0000:01:00.0", .pci = true,
					 .class = cases[i].class, .driver = cases[i].driver,
					 .driver_known = cases[i].known,
					 .header_type = cases[i].header_type };
		const char *why = NULL;

		if (resv_vfio_device_viable(&d, cases[i].kernel, &why) != cases[i].viable)
			fail_msg("case %zu: %s on %x: expected %d", i,
				 cases[i].driver ? cases[i].driver : "(none)", cases[i].kernel,
				 cases[i].viable);
		assert_non_null(why);
	}
}

/* A group: one blocker decides, even beside an unknown; else unknown; else viable. */
static void test_group(void **state)
{
	struct resv_device v[3] = {
		{ .name = "0000:00:1c.0", .pci = true, .class = 0x060400, .driver = "pcieport",
		  .driver_known = true, .header_type = 1 },
		{ .name = "0000:01:00.0", .pci = true, .class = 0x030000, .driver = "vfio-pci",
		  .driver_known = true },
		{ .name = "0000:01:00.1", .pci = true, .class = 0x040300,
		  .driver = "snd_hda_intel", .driver_known = true },
	};
	struct resv_vfio_viability r;

	(void)state;
	assert_int_equal(resv_vfio_group_viable(v, 3, 0, &r), 0);
	assert_int_equal(r.nblockers, 1);
	assert_ptr_equal(r.blocker, &v[2]);
	assert_non_null(r.reason);
	assert_non_null(r.remedy);

	v[0].driver_known = false;
	v[0].driver = NULL;
	assert_int_equal(resv_vfio_group_viable(v, 3, 0, &r), 0);
	assert_int_equal(r.nunknown, 1);
	assert_ptr_equal(r.blocker, &v[2]);

	v[2].driver = "vfio-pci";
	assert_int_equal(resv_vfio_group_viable(v, 3, 0, &r), -1);
	assert_ptr_equal(r.blocker, &v[0]);

	v[0].driver_known = true;
	assert_int_equal(resv_vfio_group_viable(v, 3, K(5, 10), &r), 1);
	assert_null(r.blocker);
	assert_null(r.remedy);
	assert_int_equal(resv_vfio_group_viable(v, 0, 0, &r), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_device_rule),
		cmocka_unit_test(test_group),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
