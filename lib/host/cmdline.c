// SPDX-License-Identifier: MIT
/*
 * The kernel command line: single parameters as the MSI rules read them,
 * and the parameters that change what the tool predicts or concludes
 * (resv_cmdline_facts), each with the kernel parser that reads it.
 */
#include <stdio.h>
#include <string.h>

#include "cmdline.h"
#include "internal.h"

/*
 * A kernel parameter's value on the command line, or NULL: the last
 * occurrence wins, as parse_args() applies them in order.
 */
const char *cmdline_value(const char *cmdline, const char *name, size_t *len)
{
	const char *found = NULL;
	size_t nlen = strlen(name);

	for (const char *p = cmdline; *p;) {
		size_t w;

		p += strspn(p, " \t\n");
		w = strcspn(p, " \t\n");
		if (w > nlen && strncmp(p, name, nlen) == 0 && p[nlen] == '=') {
			found = p + nlen + 1;
			*len = w - nlen - 1;
		}
		p += w;
	}
	return found;
}

/* kstrtobool (lib/kstrtox.c) on @len bytes: 1 true (y, t, 1, on), 0 false, -1 neither. */
static int value_bool(const char *v, size_t len)
{
	if (!len)
		return -1;
	if (strchr("yYtT1", v[0]))
		return 1;
	if (strchr("nNfF0", v[0]))
		return 0;
	if (len >= 2 && (v[0] == 'o' || v[0] == 'O'))
		return v[1] == 'n' || v[1] == 'N' ? 1 : v[1] == 'f' || v[1] == 'F' ? 0 : -1;
	return -1;
}

bool cmdline_true(const char *cmdline, const char *name)
{
	size_t len = 0;
	const char *v = cmdline_value(cmdline, name, &len);

	return v && value_bool(v, len) == 1;
}

/* "intremap=off" (arch/x86 irq_remapping.c setup_irqremap): a comma list. */
bool intremap_off(const char *cmdline)
{
	size_t len = 0;
	const char *v = cmdline_value(cmdline, "intremap", &len);

	for (size_t i = 0; v && i < len;) {
		size_t w = strcspn(v + i, ",");

		if (w > len - i)
			w = len - i;
		if (w == 3 && strncmp(v + i, "off", 3) == 0)
			return true;
		i += w + 1;
	}
	return false;
}

/*
 * What the parameters that change the answer say, once the whole line is
 * read: each is applied in order, so a later "on" undoes an "off".
 */
enum fact {
	F_IOMMU_OFF, F_INTEL_OFF, F_AMD_OFF, F_PASSTHROUGH, F_IGFX_OFF, F_RELAX_RMRR,
	F_AMD_PGTBL_V2, F_INTREMAP_OFF, F_UNSAFE_INTERRUPTS, F_COUNT
};

static const char *const effects[F_COUNT] = {
	[F_IOMMU_OFF] = "x86: no IOMMU driver starts (arch/x86/kernel/pci-dma.c iommu_setup sets "
		"no_iommu): there are no IOMMU groups and VFIO can take nothing",
	[F_INTEL_OFF] = "VT-d does not translate (intel/iommu.c intel_iommu_setup, dmar_disabled): "
		"an Intel host has no IOMMU groups and VFIO can take nothing",
	[F_AMD_OFF] = "AMD-Vi does not start (amd/init.c parse_amd_iommu_options): an AMD host has "
		"no IOMMU groups and VFIO can take nothing",
	[F_PASSTHROUGH] = "identity default domains (iommu_set_default_passthrough): the groups' "
		"type is identity; their reserved regions and VFIO's verdict do not change, VFIO puts "
		"its own domain in place when it takes a group",
	[F_IGFX_OFF] = "the integrated graphics device is not translated (intel/iommu.c "
		"intel_iommu_setup, disable_igfx_iommu; init_no_remapping_devices): it gets no IOMMU "
		"group, its RMRR maps nothing, and VFIO cannot take it",
	[F_RELAX_RMRR] = "not a mainline option (mainline's intel_iommu_setup ignores it as "
		"unknown); a kernel with the out-of-tree relax-intel-rmrr patch treats every RMRR as "
		"relaxable (no RMRR lock, direct regions become direct-relaxable), which this tool, "
		"following mainline, does not predict",
	[F_AMD_PGTBL_V2] = "AMD-Vi uses its v2 page table, the x86 format (amd/init.c "
		"parse_amd_iommu_options): the aperture is 48 or 57 bits by the paging mode, not "
		"the v1 aperture iova and check take",
	[F_INTREMAP_OFF] = "interrupt remapping is off (irq_remapping.c setup_irqremap): MSIs are "
		"not isolated, so VFIO refuses every group unless allow_unsafe_interrupts is set",
	[F_UNSAFE_INTERRUPTS] = "VFIO type1 takes groups whose MSIs are not isolated "
		"(vfio_iommu_type1.c allow_unsafe_interrupts)",
};

struct item_rule {
	const char *name, *item;	/* "name=item" in a comma list */
	enum fact fact;
	bool set;			/* false: the item clears the fact */
};

/*
 * The comma-list items read by arch/x86/kernel/pci-dma.c iommu_setup,
 * intel/iommu.c intel_iommu_setup, amd/init.c parse_amd_iommu_options and
 * irq_remapping.c setup_irqremap.
 */
static const struct item_rule items[] = {
	{ "iommu", "off", F_IOMMU_OFF, true },
	{ "iommu", "pt", F_PASSTHROUGH, true },
	{ "iommu", "nopt", F_PASSTHROUGH, false },
	{ "intel_iommu", "off", F_INTEL_OFF, true },
	{ "intel_iommu", "on", F_INTEL_OFF, false },
	{ "intel_iommu", "igfx_off", F_IGFX_OFF, true },
	{ "intel_iommu", "relax_rmrr", F_RELAX_RMRR, true },
	{ "amd_iommu", "off", F_AMD_OFF, true },
	{ "amd_iommu", "pgtbl_v2", F_AMD_PGTBL_V2, true },
	{ "amd_iommu", "pgtbl_v1", F_AMD_PGTBL_V2, false },
	{ "intremap", "off", F_INTREMAP_OFF, true },
	{ "intremap", "on", F_INTREMAP_OFF, false },
};

RESV_EXPORT size_t resv_cmdline_facts(const char *cmdline, struct resv_cmdline_fact *out,
				      size_t max)
{
	char param[F_COUNT][sizeof(out->param)] = { { 0 } };
	bool on[F_COUNT] = { false };
	size_t n = 0;

	for (const char *p = cmdline ? cmdline : ""; *p;) {
		size_t w, nlen;
		const char *eq, *v;

		p += strspn(p, " \t\n");
		w = strcspn(p, " \t\n");
		eq = memchr(p, '=', w);
		if (!eq) {
			p += w;
			continue;
		}
		nlen = (size_t)(eq - p);
		v = eq + 1;
		/* Booleans (iommu.c iommu_set_def_domain_type; vfio_iommu_type1). */
		for (int b = 0; b < 2; b++) {
			const char *name = b ? "vfio_iommu_type1.allow_unsafe_interrupts" :
					       "iommu.passthrough";
			enum fact f = b ? F_UNSAFE_INTERRUPTS : F_PASSTHROUGH;
			int t = strlen(name) == nlen && strncmp(p, name, nlen) == 0 ?
				value_bool(v, w - nlen - 1) : -1;

			if (t >= 0) {
				on[f] = t;
				snprintf(param[f], sizeof(param[f]), "%.*s", (int)w, p);
			}
		}
		for (size_t i = 0; i < (size_t)(p + w - v);) {
			size_t iw = strcspn(v + i, ",");

			if (iw > (size_t)(p + w - v) - i)
				iw = (size_t)(p + w - v) - i;
			for (size_t r = 0; r < ARRAY_SIZE(items); r++) {
				const struct item_rule *it = &items[r];

				if (strlen(it->name) != nlen || strncmp(p, it->name, nlen) != 0 ||
				    strlen(it->item) != iw || strncmp(v + i, it->item, iw) != 0)
					continue;
				on[it->fact] = it->set;
				snprintf(param[it->fact], sizeof(param[it->fact]), "%s=%s", it->name,
					 it->item);
			}
			i += iw + 1;
		}
		p += w;
	}
	for (int f = 0; f < F_COUNT; f++) {
		if (!on[f])
			continue;
		if (n < max) {
			snprintf(out[n].param, sizeof(out[n].param), "%s", param[f]);
			out[n].effect = effects[f];
		}
		n++;
	}
	return n;
}
