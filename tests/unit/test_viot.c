// SPDX-License-Identifier: MIT
/*
 * VIOT (virtio-iommu): QEMU's table parsed into its model, every defect of
 * tests/data/viot-bad.hex found with its id, cuts at every byte survived;
 * then a q35 guest's devices predicted behind the virtio-iommu, with the
 * PROBE replies an assumption (viommu-resv).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../common/corpus.h"
#include "../common/hexfile.h"

#include "viot.h"

static uint8_t *load(const char *name, size_t *len)
{
	char path[512];
	struct fixture_field *fields;
	size_t nfields;
	uint8_t *buf;

	snprintf(path, sizeof(path), SRCDIR "/tests/data/%s", name);
	buf = hexfile_load(path, len, &fields, &nfields);
	assert_non_null(buf);
	free(fields);
	return buf;
}

static bool has_diag(const struct resv_diags *d, const char *id, int64_t offset)
{
	for (size_t i = 0; i < resv_diags_count(d); i++) {
		const struct resv_diag *g = resv_diags_get(d, i);

		if (strcmp(g->id, id) == 0 && (int64_t)g->line == offset)
			return true;
	}
	return false;
}

static void test_qemu_table(void **state)
{
	struct resv_diags *d;
	struct viot *v;
	uint32_t epid = 0;
	size_t len;
	uint8_t *buf = load("viot-qemu.hex", &len);

	(void)state;
	assert_int_equal(resv_diags_new(&d), 0);
	assert_int_equal(viot_parse(&v, buf, len, d, "viot-qemu"), 0);
	assert_int_equal(resv_diags_count(d), 0);
	assert_int_equal(v->nnodes, 2);
	assert_int_equal(v->nodes[0].type, VIOT_VIRTIO_IOMMU_PCI);
	assert_int_equal(v->nodes[0].offset, 0x30);
	assert_int_equal(v->nodes[0].bdf, 0x18);
	assert_true(v->nodes[1].valid);
	assert_int_equal(v->nodes[1].bdf_end, 0xffff);
	assert_int_equal(v->nodes[1].output_node, 0x30);
	assert_ptr_equal(viot_pci_range(v, 0, 0x0010, &epid), &v->nodes[1]);
	assert_int_equal(epid, 0x10);
	assert_null(viot_pci_range(v, 1, 0x0010, &epid));
	viot_free(v);
	/* tests/data/viot/VIOT, which the golden tests read, is this table. */
	size_t blen;
	char *bin = slurp(SRCDIR "/tests/data/viot/VIOT", &blen);

	assert_non_null(bin);
	assert_int_equal(blen, len);
	assert_memory_equal(bin, buf, len);
	free(bin);
	/* Every cut parses or is refused, never crashes, and is diagnosed. */
	for (size_t cut = 0; cut < len; cut++) {
		resv_diags_free(d);
		assert_int_equal(resv_diags_new(&d), 0);
		int rc = viot_parse(&v, buf, cut, d, "cut");

		assert_true(rc == 0 || rc == -EBADMSG);
		assert_true(resv_diags_count(d) > 0);
		if (rc == 0)
			viot_free(v);
	}
	resv_diags_free(d);
	free(buf);
}

static void test_defects(void **state)
{
	static const struct { const char *id; int64_t offset; } want[] = {
		{ "VIOT_RANGE_REVERSED", 0x48 }, { "VIOT_NO_IOMMU", 0x68 },
		{ "VIOT_NODE_UNKNOWN", 0x70 }, { "VIOT_NODE_SHORT", 0x7a },
		{ "VIOT_NODE_BAD_LENGTH", 0x86 },
	};
	struct resv_diags *d;
	struct viot *v;
	uint32_t epid;
	size_t len;
	uint8_t *buf = load("viot-bad.hex", &len);

	(void)state;
	assert_int_equal(resv_diags_new(&d), 0);
	assert_int_equal(viot_parse(&v, buf, len, d, "viot-bad"), 0);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (!has_diag(d, want[i].id, want[i].offset)) {
			for (size_t k = 0; k < resv_diags_count(d); k++)
				print_message("%s @0x%llx: %s\n", resv_diags_get(d, k)->id,
					      (long long)resv_diags_get(d, k)->offset,
					      resv_diags_get(d, k)->message);
			fail_msg("no %s at 0x%llx", want[i].id, (long long)want[i].offset);
		}
	assert_int_equal(v->nnodes, 5);	/* the walk stopped at the empty node */
	/* tests/data/viot/VIOT-bad, which the golden tests read, is this table. */
	size_t blen;
	char *bin = slurp(SRCDIR "/tests/data/viot/VIOT-bad", &blen);

	assert_non_null(bin);
	assert_int_equal(blen, len);
	assert_memory_equal(bin, buf, len);
	free(bin);
	assert_false(v->nodes[2].valid);	/* output to itself */
	assert_null(viot_pci_range(v, 0, 0x0100, &epid));	/* reversed: matches nothing */
	viot_free(v);
	resv_diags_free(d);
	free(buf);
}

/* q35: host bridge 8086:29c0, e1000e 00:02.0, virtio-iommu-pci 00:03.0. */
static struct resv_machine *q35(void)
{
	static const struct { uint8_t dev; uint16_t vendor, device; uint32_t class; } fns[] = {
		{ 0, 0x8086, 0x29c0, 0x060000 }, { 2, 0x8086, 0x10d3, 0x020000 },
		{ 3, 0x1af4, 0x1057, 0x088000 },
	};
	struct resv_machine *m;
	uint8_t c[256];
	size_t len;
	uint8_t *buf = load("viot-qemu.hex", &len);

	assert_int_equal(resv_machine_new(&m), 0);
	assert_int_equal(resv_machine_add_tables(m, buf, len, "VIOT"), 1);
	free(buf);
	for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
		memset(c, 0, sizeof(c));
		put16(c, fns[i].vendor);
		put16(c + 2, fns[i].device);
		c[9] = 0, c[10] = (uint8_t)(fns[i].class >> 8), c[11] = (uint8_t)(fns[i].class >> 16);
		assert_int_equal(resv_machine_add_pci(m, 0, 0, fns[i].dev, 0, c, sizeof(c)), 0);
	}
	return m;
}

static void predicts(const struct resv_machine *m, const char *dev, int rc, uint64_t start,
		     uint64_t last, enum resv_type type)
{
	struct resv_list *l;

	assert_int_equal(resv_list_new(&l), 0);
	assert_int_equal(resv_machine_predict(m, dev, 0, l), rc);
	assert_int_equal(resv_list_count(l), rc == 0);
	if (rc == 0) {
		const struct resv_region *r = resv_list_region(l, 0);

		if (r->start != start || r->last != last || r->type != type)
			fail_msg("%s: [0x%llx, 0x%llx] type %d", dev, (unsigned long long)r->start,
				 (unsigned long long)r->last, r->type);
		assert_int_equal(r->prot, RESV_PROT_WRITE | RESV_PROT_NOEXEC | RESV_PROT_MMIO);
	}
	resv_list_free(l);
}

static void test_predict(void **state)
{
	struct resv_machine *m = q35();
	const char *why;

	(void)state;
	assert_int_equal(resv_machine_iommu(m), RESV_IOMMU_VIRTIO);
	assert_string_equal(resv_iommu_name(RESV_IOMMU_VIRTIO), "virtio-iommu");
	assert_string_equal(resv_machine_assumption(m, "viommu-resv", &why), "qemu-x86");
	assert_non_null(strstr(why, "Q35"));
	predicts(m, "0000:00:02.0", 0, 0xfee00000, 0xfeefffff, RESV_TYPE_MSI);
	predicts(m, "0000:00:00.0", 0, 0xfee00000, 0xfeefffff, RESV_TYPE_MSI);
	/* viot_dev_iommu_init: "We're not translating ourself". */
	predicts(m, "0000:00:03.0", 1, 0, 0, 0);
	assert_int_equal(resv_machine_assumption_matters(m, "0000:00:02.0", "viommu-resv"), 1);
	assert_int_equal(resv_machine_assumption_matters(m, "0000:00:03.0", "viommu-resv"), 0);
	assert_int_equal(resv_machine_assumption_matters(m, "0000:00:02.0", "preserve-config"), 0);

	assert_int_equal(resv_machine_assume(m, "viommu-resv", "none"), 0);
	predicts(m, "0000:00:02.0", 0, 0x8000000, 0x80fffff, RESV_TYPE_SW_MSI);
	assert_int_equal(resv_machine_assume(m, "viommu-resv", "qemu-virt-its"), 0);
	predicts(m, "0000:00:02.0", 0, 0x8090000, 0x809ffff, RESV_TYPE_MSI);
	assert_int_equal(resv_machine_assume(m, "viommu-resv", "qemu-virt-gicv2m"), 0);
	predicts(m, "0000:00:02.0", 0, 0x8020000, 0x8020fff, RESV_TYPE_MSI);

	/* A lint with the virtio-iommu present finds nothing. */
	assert_int_equal(resv_machine_lint(m), 0);
	assert_int_equal(resv_diags_count(resv_machine_diags(m)), 0);

	/* No VIOT driver before v5.14. */
	resv_machine_set_kernel(m, 5 << 16 | 10 << 8);
	predicts(m, "0000:00:02.0", 1, 0, 0, 0);
	resv_machine_free(m);
}

/* viot_get_pci_iommu_fwnode: "Could not find PCI IOMMU", so no endpoint has one. */
static void test_iommu_absent(void **state)
{
	struct resv_machine *m;
	uint8_t c[256] = { 0x86, 0x80, 0xd3, 0x10, [0x0a] = 0x00, [0x0b] = 0x02 };
	const struct resv_diag *d;
	size_t len;
	uint8_t *buf = load("viot-qemu.hex", &len);

	(void)state;
	assert_int_equal(resv_machine_new(&m), 0);
	assert_int_equal(resv_machine_add_tables(m, buf, len, "VIOT"), 1);
	free(buf);
	assert_int_equal(resv_machine_add_pci(m, 0, 0, 2, 0, c, sizeof(c)), 0);
	predicts(m, "0000:00:02.0", 1, 0, 0, 0);
	assert_int_equal(resv_machine_lint(m), 0);
	assert_int_equal(resv_diags_count(resv_machine_diags(m)), 1);
	d = resv_diags_get(resv_machine_diags(m), 0);
	assert_string_equal(d->id, "VIOT_IOMMU_ABSENT");
	assert_int_equal(d->offset, 0x30);
	assert_non_null(strstr(d->message, "0000:00:03.0"));
	resv_machine_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_qemu_table),
		cmocka_unit_test(test_defects),
		cmocka_unit_test(test_predict),
		cmocka_unit_test(test_iommu_absent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
