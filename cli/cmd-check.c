// SPDX-License-Identifier: MIT
/*
 * iommu-resv check: does a guest layout fit the IOMMU groups of the devices
 * to assign (SPEC §5)? Guest-physical address = IOVA for a VFIO guest
 * without a vIOMMU, so guest RAM must miss every reserved region.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "map.h"

#define EXIT_CONFLICT 2
#define MiB (1ull << 20)
#define GiB (1ull << 30)
#define MAX_DEVICES 64

static void usage_check(FILE *f)
{
	fputs("Usage:\n"
	      " " PROG " check --guest <spec> [options] [GROUP|DEVICE...]\n"
	      "\n"
	      "Check a guest memory layout against the reserved regions of the IOMMU groups\n"
	      "of the devices to assign (each device brings its whole group), or of every\n"
	      "group named (by number or by a device in it), or of all groups; and whether\n"
	      "VFIO can take each group with the drivers its devices are bound to.\n"
	      "\n"
	      "Guest specs:\n"
	      "  q35:SIZE[,max-ram-below-4g=SIZE][,amd|,amd=off]   QEMU x86 -M q35\n"
	      "  pc:SIZE[,max-ram-below-4g=SIZE][,amd|,amd=off]    QEMU x86 -M pc\n"
	      "  virt:SIZE                  QEMU arm -M virt (RAM at 0x40000000)\n"
	      "  cloud-hypervisor:SIZE      cloud-hypervisor x86_64\n"
	      "  firecracker:SIZE           Firecracker x86_64\n"
	      "  ram=START-LAST[,mmio=START-LAST]...   explicit ranges\n"
	      "  @FILE                      a JSON layout file (@-: standard input): a preset\n"
	      "                             {\"vmm\", \"ram_size\", ...} or {\"ranges\": [...]}\n"
	      "                             as -J prints them (iommu-resv(8))\n"
	      "  SIZE: bytes, or a number with K, M, G or T (binary units), e.g. 16G.\n"
	      "  amd: an AMD vCPU (QEMU moves RAM above 4G to 1 TiB when the 64-bit PCI hole\n"
	      "  would reach the HyperTransport hole); default: on when the host's IOMMU is\n"
	      "  AMD-Vi.\n"
	      "\n"
	      "Options:\n"
	      "     --guest <spec>       the guest layout (required)\n"
	      "     --policy <p>         strict or relaxed (default): are conflicts with\n"
	      "                          direct-relaxable regions errors or warnings\n"
	      "     --device <bdf>[,policy=<p>]  a device to assign, with its own policy\n"
	      "                          (repeatable; Xen xl.cfg rdm_policy semantics)\n"
	      "     --kernel-version <X.Y>  judge assignability for this kernel\n"
	      "                           [the root's kernel, else the newest]\n"
	      "     --sysroot <dir>      read a snapshot of / instead of the live system\n"
	      "     --table <file>       firmware tables for provenance (repeatable)\n"
	      "     --lspci <file>       PCI functions from an lspci -xxx dump\n"
	      "     --assume <key=value> what no table says, for predicted groups\n"
	      "                          (preserve-config=yes|no, viommu-resv=...)\n"
	      "     --map <dest>         draw the guest layout against the groups' regions:\n"
	      "                          FILE.svg, - (SVG on standard output) or term (text)\n"
	      "     --no-floppy-wa       predicted groups: a kernel without\n"
	      "                          CONFIG_INTEL_IOMMU_FLOPPY_WA\n"
	      "     --page-size <size>   the kernel's page size, 4K (default), 16K or 64K: IORT\n"
	      "                          RMRs not 64 KiB aligned are widened to its pages\n"
	      "     --kernel-cmdline <s> the kernel command line (default: the root's\n"
	      "                          proc/cmdline): intremap=, allow_unsafe_interrupts=\n"
	      " -J, --json               JSON output\n"
	      " -h, --help               display this help\n"
	      " -V, --version            display version\n"
	      "\n"
	      "Exit status: 0 no error, 2 an error (a conflict, or a group VFIO cannot take:\n"
	      "a blocking region, MSIs not isolated, a device bound to a driver VFIO\n"
	      "refuses), 1 usage or input error, 32 no IOMMU groups. See iommu-resv(8).\n", f);
}

struct device_arg {
	char name[32];
	bool has_policy, strict;
};

struct guest {
	const char *spec;
	bool preset;
	bool amd_set;
	struct resv_guest_config cfg;
	struct resv_guest_layout *layout;
};

/* -EINVAL with *@why saying what is wrong. */
#define BAD_GUEST(what) do { *why = (what); return -EINVAL; } while (0)

static int parse_guest(struct guest *g, const char **why)
{
	const char *s = g->spec, *colon = strchr(s, ':');

	/* The file's errors are its own: -EBADMSG, said already. */
	if (*s == '@') {
		int rc = guest_file_read(s + 1, &g->cfg, &g->preset, &g->amd_set, &g->layout);

		return rc == -EINVAL ? -EBADMSG : rc;
	}
	if (strncmp(s, "ram=", 4) == 0 || strncmp(s, "mmio=", 5) == 0) {
		if (resv_guest_layout_new(&g->layout) < 0)
			return -ENOMEM;
		while (*s) {
			size_t len = strcspn(s, ",");
			bool ram = strncmp(s, "ram=", 4) == 0;
			size_t skip = ram ? 4 : strncmp(s, "mmio=", 5) == 0 ? 5 : 0;
			char buf[80];
			struct resv_range r;

			if (!skip)
				BAD_GUEST("each range is ram=START-LAST or mmio=START-LAST");
			if (len - skip >= sizeof(buf))
				BAD_GUEST("a range is too long");
			memcpy(buf, s + skip, len - skip);
			buf[len - skip] = '\0';
			if (parse_range_arg(buf, &r) < 0)
				BAD_GUEST("a range is not START-LAST with START <= LAST (0x hex or "
					  "decimal)");
			if (resv_guest_layout_add(g->layout, r.start, r.last,
						  ram ? RESV_GUEST_RAM : RESV_GUEST_MMIO, NULL) < 0)
				return -ENOMEM;
			s += len;
			if (*s == ',' && !*++s)
				BAD_GUEST("a comma ends the ranges");
		}
		/* A VMM cannot map one guest-physical address twice. */
		size_t x, y;
		int rc = resv_guest_layout_overlap(g->layout, &x, &y);

		if (rc > 0) {
			const struct resv_guest_range *a = &g->layout->ranges[x],
						      *b = &g->layout->ranges[y];

			warnx_("check: bad --guest: range %zu 0x%" PRIx64 "-0x%" PRIx64
			       " and range %zu 0x%" PRIx64 "-0x%" PRIx64 " overlap",
			       x + 1, a->start, a->last, y + 1, b->start, b->last);
			return -EBADMSG;
		}
		return rc;
	}
	if (!colon)
		BAD_GUEST("expected VMM:SIZE (q35, pc, virt, cloud-hypervisor, firecracker), "
			  "ram=/mmio= ranges or @FILE");
	if (resv_guest_vmm_parse(s, (size_t)(colon - s), &g->cfg.vmm) < 0)
		BAD_GUEST("unknown VMM (q35, pc, virt, cloud-hypervisor, firecracker)");
	g->preset = true;
	s = colon + 1;
	size_t len = strcspn(s, ",");

	if (guest_size_parse(s, len, &g->cfg.ram_size) < 0)
		BAD_GUEST("the RAM size is not a number above 0 with an optional K, M, G or T "
			  "that fits in 64 bits");
	for (s += len; *s == ','; s += len) {
		bool qemu_x86 = g->cfg.vmm == RESV_GUEST_Q35 || g->cfg.vmm == RESV_GUEST_PC;

		s++;
		len = strcspn(s, ",");
		if (!qemu_x86)
			BAD_GUEST("options (amd, amd=off, max-ram-below-4g=) are for q35 and pc only");
		if (len == 3 && strncmp(s, "amd", 3) == 0) {
			g->cfg.amd = g->amd_set = true;
		} else if (len == 7 && strncmp(s, "amd=off", 7) == 0) {
			g->cfg.amd = false;
			g->amd_set = true;
		} else if (strncmp(s, "max-ram-below-4g=", 17) == 0 && len > 17) {
			if (guest_size_parse(s + 17, len - 17, &g->cfg.max_ram_below_4g) < 0)
				BAD_GUEST("max-ram-below-4g is not a size above 0");
		} else {
			BAD_GUEST("unknown option (amd, amd=off, max-ram-below-4g=SIZE)");
		}
	}
	if (*s)
		BAD_GUEST("trailing characters");
	return 0;
}

/* "2758M", "16G", or hex bytes when not a whole MiB. */
static void fmt_size(char *buf, size_t n, uint64_t v)
{
	if (v % GiB == 0)
		snprintf(buf, n, "%" PRIu64 "G", (uint64_t)(v / GiB));
	else if (v % MiB == 0)
		snprintf(buf, n, "%" PRIu64 "M", (uint64_t)(v / MiB));
	else
		snprintf(buf, n, "0x%" PRIx64, v);
}

/* One group to check, with the regions used and where they came from. */
struct checked {
	const struct resv_group *group;
	struct resv_list *kview, *resolved;
	const char *regions_source;	/* "firmware" or "sysfs" */
	struct resv_range aperture;
	const char *aperture_source;
	enum resv_iommu iommu;		/* the driver the verdict followed */
	const char *iommu_source;	/* "tables", "sysfs" or NULL (unknown) */
	bool assignable;
	const struct resv_region *blocker;
	const char *reason;
	bool usable_empty;
	struct resv_conflicts *conflicts;
	struct resv_vfio_viability via;	/* the drivers bound (resv_vfio_group_viable) */
};


/* The assumptions the groups predicted from the firmware rest on. */
static int report_firmware_assumptions(struct resv_machine *m, const struct opts *o,
				       const struct checked *cs, size_t ncs, struct json *j)
{
	struct agroup *v = calloc(ncs ? ncs : 1, sizeof(*v));
	size_t n = 0;
	int rc;

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < ncs; i++)
		if (strcmp(cs[i].regions_source, "firmware") == 0)
			v[n++] = (struct agroup){ cs[i].group->id, cs[i].group->ndevices,
						  cs[i].group->devices };
	rc = report_assumptions(m, o, v, n, j);
	free(v);
	return rc;
}

/* The group's regions: predicted from the firmware when it knows every device. */
static int group_regions(struct checked *c, const struct resv_machine *m, bool no_floppy_wa)
{
	struct resv_list *pred = NULL;
	int rc;

	c->regions_source = "sysfs";
	if (m && resv_list_new(&pred) == 0) {
		bool ok = c->group->ndevices > 0;

		for (size_t k = 0; ok && k < c->group->ndevices; k++) {
			rc = resv_machine_predict(m, c->group->devices[k].name,
						  no_floppy_wa ? RESV_PREDICT_NO_FLOPPY_WA : 0, pred);
			if (rc == -ENOMEM) {
				resv_list_free(pred);
				return -ENOMEM;
			}
			/* 1: the tables put the device behind no IOMMU (or the driver
			 * would not start), yet sysfs has its group: trust sysfs. */
			ok = rc == 0;
		}
		if (ok) {
			rc = resv_list_kernel_view(&c->kview, pred, NULL);
			resv_list_free(pred);
			if (rc < 0)
				return rc;
			c->regions_source = "firmware";
		} else {
			resv_list_free(pred);
		}
	}
	if (!c->kview) {
		if (!c->group->regions)
			return -ENODATA;
		rc = resv_list_kernel_view(&c->kview, c->group->regions, NULL);
		if (rc < 0)
			return rc;
	}
	return resv_list_resolved_view(&c->resolved, c->kview);
}

/*
 * The suggestions judge the regions of every group together, each by the
 * policy of its device. sysfs regions name no device, so the copy they see
 * names @device, whose policy the check applied to the whole group.
 */
static int append_judged(struct resv_list *all, const struct resv_list *l, const char *device)
{
	if (!device)
		return resv_list_append(all, l);
	for (size_t i = 0; i < resv_list_count(l); i++) {
		const struct resv_region *r = resv_list_region(l, i);
		const struct resv_source *src = r->nsources ? resv_list_source(l, r->sources[0]) :
							      NULL;
		struct resv_source s = { src ? src->origin : "?", device, src ? src->line : 0 };
		int rc = resv_list_add_from(all, r->start, r->last, r->type, r->prot, &s);

		if (rc < 0)
			return rc;
	}
	return 0;
}

/*
 * The verdict follows the driver the tables describe, else the one sysfs
 * shows the group behind (so an Intel host before v6.6 is right without
 * the tables too); unknown, only v6.6+'s rule, for any driver, applies.
 */
static void verdict(struct checked *c, const struct resv_machine *m, unsigned int kernel)
{
	struct resv_verdict v;

	c->iommu = m ? resv_machine_iommu(m) : RESV_IOMMU_NONE;
	c->iommu_source = "tables";
	if (c->iommu == RESV_IOMMU_NONE) {
		c->iommu = c->group->iommu;
		c->iommu_source = "sysfs";
	}
	if (c->iommu != RESV_IOMMU_NONE &&
	    resv_assign_verdict(c->kview, c->iommu, kernel, &v) == 0) {
		/* VFIO's interrupt condition too (resv_machine_msi_verdict); it
		 * needs the tables. */
		const char *names[64];
		size_t n = c->group ? c->group->ndevices : 0;

		for (size_t i = 0; m && i < n && i < ARRAY_LEN(names); i++)
			names[i] = c->group->devices[i].name;
		if (m && n && n <= ARRAY_LEN(names))
			resv_machine_msi_verdict(m, names, n, kernel, &v);
		c->assignable = v.assignable;
		c->blocker = v.blocker;
		c->reason = v.reason;
		return;
	}
	c->iommu_source = NULL;
	c->assignable = true;
	if (kernel && kernel < 0x060600)
		return;
	for (size_t i = 0; i < resv_list_count(c->kview); i++) {
		const struct resv_region *r = resv_list_region(c->kview, i);

		if (r->type == RESV_TYPE_DIRECT) {
			c->assignable = false;
			c->blocker = r;
			c->reason = "since v6.6 a device with a direct region is require_direct and "
				    "VFIO cannot claim its group (iommu.c __iommu_device_set_domain)";
			return;
		}
	}
}

/* The tables' IOMMU, else sysfs's: any group behind an AMD unit. */
static bool host_is_amd(const struct resv_machine *m, const struct resv_system *sys)
{
	if (m)
		return resv_machine_iommu(m) == RESV_IOMMU_AMD;
	for (size_t i = 0; i < resv_system_group_count(sys); i++)
		if (resv_system_group(sys, i)->iommu == RESV_IOMMU_AMD)
			return true;
	return false;
}

static void json_range_obj(struct json *j, const char *name, const char *kind,
			   uint64_t start, uint64_t last)
{
	json_open(j, NULL, '{');
	json_key(j, "name");
	json_str(j, name);
	json_key(j, "kind");
	json_str(j, kind);
	json_key(j, "start");
	json_hex(j, start);
	json_key(j, "last");
	json_hex(j, last);
	json_close(j, '}');
}

static void json_layout(struct json *j, const struct resv_guest_layout *l)
{
	json_open(j, NULL, '[');
	for (size_t i = 0; l && i < l->count; i++)
		json_range_obj(j, l->ranges[i].name,
			       l->ranges[i].kind == RESV_GUEST_RAM ? "ram" : "mmio",
			       l->ranges[i].start, l->ranges[i].last);
	json_close(j, ']');
}

static void print_layout(const char *indent, const struct resv_guest_layout *l)
{
	for (size_t i = 0; i < l->count; i++) {
		char sz[32];

		print_size(sz, sizeof(sz), l->ranges[i].start, l->ranges[i].last);
		printf("%s%-14s %s 0x%" PRIx64 "-0x%" PRIx64 " (%s)\n", indent, l->ranges[i].name,
		       l->ranges[i].kind == RESV_GUEST_RAM ? "ram " : "mmio", l->ranges[i].start,
		       l->ranges[i].last, sz);
	}
}

/* The explicit-range spec of a layout: "ram=0x0-0x...,mmio=...". */
static void print_spec(FILE *f, const struct resv_guest_layout *l)
{
	for (size_t i = 0; i < l->count; i++)
		fprintf(f, "%s%s=0x%" PRIx64 "-0x%" PRIx64, i ? "," : "",
			l->ranges[i].kind == RESV_GUEST_RAM ? "ram" : "mmio", l->ranges[i].start,
			l->ranges[i].last);
}

struct suggestions {
	bool have_fit, have_knobs, have_layout, have_virt;
	uint64_t fit;
	struct resv_guest_config knobs;
	struct resv_guest_layout *layout;
	uint64_t xen_boundary_mb;	/* 0: none */
	uint64_t ram_total;
};

static int suggest(struct suggestions *s, const struct guest *g, const struct resv_list *all,
		   struct resv_range ap, unsigned int flags, const struct resv_device_policy *pol,
		   size_t npol, uint64_t lowest_error)
{
	int rc;

	if (g->preset) {
		rc = resv_guest_fit_ram(&s->fit, &g->cfg, all, ap, flags, pol, npol);
		if (rc == -ENOMEM)
			return rc;
		s->have_fit = rc == 0;
		rc = resv_guest_suggest(&s->knobs, &g->cfg, all, ap, flags, pol, npol);
		if (rc == -ENOMEM)
			return rc;
		s->have_knobs = rc == 0;
	}
	rc = resv_guest_relocate(&s->layout, g->layout, all, ap, flags, pol, npol);
	if (rc == -ENOMEM)
		return rc;
	s->have_layout = rc == 0;
	/* libxl moves the end of low RAM below an RDM that starts above the
	 * boundary (libxl_dm.c libxl__domain_device_construct_rdm, xl.cfg(5)). */
	for (size_t i = 0; i < g->layout->count; i++)
		if (g->layout->ranges[i].kind == RESV_GUEST_RAM)
			s->ram_total += g->layout->ranges[i].last - g->layout->ranges[i].start + 1;
	/* Arm: QEMU virt keeps RAM clear of the low GIC/ITS/SW-MSI area. */
	if (!g->preset && lowest_error < GiB && s->ram_total) {
		struct resv_guest_config v = { RESV_GUEST_VIRT, s->ram_total, 0, false };
		struct resv_guest_layout *vl;
		struct resv_conflicts *vc;
		bool errors = false;

		if (resv_guest_layout_preset(&vl, &v) == 0) {
			if (resv_guest_check(&vc, vl, all, ap, flags, pol, npol) == 0) {
				for (size_t i = 0; i < vc->count; i++)
					errors |= vc->items[i].severity == RESV_SEV_ERROR;
				resv_conflicts_free(vc);
				s->have_virt = !errors;
			}
			resv_guest_layout_free(vl);
		}
	}
	/* Xen HVM is x86 only. */
	if (lowest_error < 4 * GiB && lowest_error > 0 && !s->have_virt &&
	    (!g->preset || g->cfg.vmm != RESV_GUEST_VIRT))
		s->xen_boundary_mb = (lowest_error - 1) / MiB;
	return 0;
}

static void print_knobs(const struct guest *g, const struct suggestions *s)
{
	char a[32], b[32];

	if (s->have_fit && g->preset && s->fit != g->cfg.ram_size) {
		fmt_size(a, sizeof(a), s->fit);
		printf("  largest RAM that fits this layout: %s (%s:%s)\n", a,
		       resv_guest_vmm_name(g->cfg.vmm), a);
	}
	if (s->have_knobs && (s->knobs.max_ram_below_4g != g->cfg.max_ram_below_4g ||
			      s->knobs.amd != g->cfg.amd)) {
		fmt_size(a, sizeof(a), s->knobs.ram_size);
		printf("  QEMU: -M %s", g->cfg.vmm == RESV_GUEST_Q35 ? "q35" : "pc");
		if (s->knobs.max_ram_below_4g) {
			fmt_size(b, sizeof(b), s->knobs.max_ram_below_4g);
			printf(",max-ram-below-4g=%s", b);
		}
		printf(" -m %s%s\n", a, s->knobs.amd && !g->cfg.amd ?
			" with an AMD vCPU on machine type >= 7.1 (RAM above 4G moves to 1 TiB)" : "");
	}
	if (s->xen_boundary_mb >= 2048)
		printf("  Xen: the default rdm_mem_boundary=2048 already ends low RAM below the RDM "
		       "(libxl does so for an RDM above the boundary; any value up to %" PRIu64
		       " does)\n", s->xen_boundary_mb);
	else if (s->xen_boundary_mb)
		printf("  Xen: rdm_mem_boundary=%" PRIu64 " (libxl ends low RAM below an RDM that "
		       "starts above the boundary; the default is 2048)\n", s->xen_boundary_mb);
	if (s->have_virt) {
		fmt_size(a, sizeof(a), s->ram_total);
		printf("  Arm: start RAM at 0x40000000 as QEMU virt does (virt:%s)\n", a);
	}
	if (s->have_layout) {
		printf("  explicit: --guest ");
		print_spec(stdout, s->layout);
		printf("\n");
	}
}

/* check -J: the guest, each group's verdict and conflicts, the suggestions. */
static int check_json(const struct guest *g, bool strict, const struct checked *cs, size_t ncs,
			 size_t errors, size_t warnings, const struct suggestions *sg,
			 uint64_t lowest_error, struct resv_machine *m, const struct opts *o,
			 const char *cmdline)
{
	char hint[512];
	struct json j;

	json_open(&j, stdout, '{');
	json_key(&j, "guest");
	json_open(&j, NULL, '{');
	json_key(&j, "spec");
	json_str(&j, g->spec);
	json_key(&j, "vmm");
	json_str(&j, g->preset ? resv_guest_vmm_name(g->cfg.vmm) : NULL);
	json_key(&j, "amd");
	json_bool(&j, g->cfg.amd);
	json_key(&j, "amd_relocated");
	json_bool(&j, g->layout->amd_relocated);
	json_key(&j, "ranges");
	json_layout(&j, g->layout);
	json_close(&j, '}');
	json_key(&j, "policy");
	json_str(&j, strict ? "strict" : "relaxed");
	json_key(&j, "groups");
	json_open(&j, NULL, '[');
	for (size_t i = 0; i < ncs; i++) {
		const struct checked *c = &cs[i];

		json_open(&j, NULL, '{');
		json_key(&j, "group");
		json_u64(&j, (uint64_t)c->group->id);
		json_key(&j, "devices");
		json_open(&j, NULL, '[');
		for (size_t k = 0; k < c->group->ndevices; k++)
			json_str(&j, c->group->devices[k].name);
		json_close(&j, ']');
		json_key(&j, "regions_source");
		json_str(&j, c->regions_source);
		json_key(&j, "iommu");
		json_str(&j, c->iommu_source ? resv_iommu_name(c->iommu) : NULL);
		json_key(&j, "iommu_source");
		json_str(&j, c->iommu_source);
		json_key(&j, "aperture");
		json_open(&j, NULL, '{');
		json_key(&j, "start");
		json_hex(&j, c->aperture.start);
		json_key(&j, "last");
		json_hex(&j, c->aperture.last);
		json_key(&j, "source");
		json_str(&j, c->aperture_source);
		json_close(&j, '}');
		json_key(&j, "assignable");
		json_bool(&j, c->assignable);
		json_key(&j, "reason");
		json_str(&j, c->reason);
		json_key(&j, "blocker");
		if (c->blocker) {
			json_region_brief(&j, c->kview, c->blocker);
		} else {
			json_raw(&j, "null");
		}
		json_key(&j, "usable_empty");
		json_bool(&j, c->usable_empty);
		json_key(&j, "hints");
		json_open(&j, NULL, '[');
		if (hpe_rmrr_hint(m, c->iommu, c->assignable ? NULL : c->blocker, c->kview, hint,
				   sizeof(hint)))
			json_str(&j, hint);
		json_close(&j, ']');
		json_key(&j, "conflicts");
		json_open(&j, NULL, '[');
		for (size_t k = 0; k < c->conflicts->count; k++) {
			const struct resv_conflict *x = &c->conflicts->items[k];
			const struct resv_guest_range *gr = &g->layout->ranges[x->range];

			json_open(&j, NULL, '{');
			json_key(&j, "severity");
			json_str(&j, resv_severity_name(x->severity));
			json_key(&j, "kind");
			json_str(&j, x->kind == RESV_CONFLICT_REGION ? "region" : "aperture");
			json_key(&j, "guest_range");
			json_str(&j, gr->name);
			json_key(&j, "start");
			json_hex(&j, x->overlap.start);
			json_key(&j, "last");
			json_hex(&j, x->overlap.last);
			json_key(&j, "region");
			if (x->kind == RESV_CONFLICT_REGION) {
				const struct resv_region *r = resv_list_region(c->resolved,
									       x->region);
				json_region_brief(&j, c->resolved, r);
			} else {
				json_raw(&j, "null");
			}
			json_close(&j, '}');
		}
		json_close(&j, ']');
		json_viability(&j, c->group, &c->via, o->kernel);
		json_close(&j, '}');
	}
	json_close(&j, ']');
	json_key(&j, "errors");
	json_u64(&j, errors);
	json_key(&j, "warnings");
	json_u64(&j, warnings);
	json_key(&j, "suggestions");
	json_open(&j, NULL, '{');
	json_key(&j, "max_ram_size");
	if (sg->have_fit)
		json_hex(&j, sg->fit);
	else
		json_raw(&j, "null");
	json_key(&j, "max_ram_below_4g");
	if (sg->have_knobs && sg->knobs.max_ram_below_4g)
		json_hex(&j, sg->knobs.max_ram_below_4g);
	else
		json_raw(&j, "null");
	json_key(&j, "amd");
	json_bool(&j, sg->have_knobs && sg->knobs.amd);
	json_key(&j, "xen_rdm_mem_boundary_mb");
	if (sg->xen_boundary_mb)
		json_u64(&j, sg->xen_boundary_mb);
	else
		json_raw(&j, "null");
	json_key(&j, "layout");
	if (sg->have_layout)
		json_layout(&j, sg->layout);
	else
		json_raw(&j, "null");
	json_close(&j, '}');
	json_key(&j, "without_tables");
	json_str(&j, m ? NULL : WITHOUT_TABLES);
	json_cmdline_facts(&j, cmdline);
	if (m && report_firmware_assumptions(m, o, cs, ncs, &j) < 0)
		return -ENOMEM;
	json_close(&j, '}');
	return 0;
}

/* check's text: the same, for a reader. */
static int check_text(const struct guest *g, bool strict, const struct checked *cs, size_t ncs,
			 size_t errors, size_t warnings, const struct suggestions *sg,
			 uint64_t lowest_error, struct resv_machine *m, const struct opts *o,
			 const char *cmdline)
{
	char sz[32], hint[512];

	printf("Guest %s", esc(g->spec));
	if (g->preset && (g->cfg.vmm == RESV_GUEST_Q35 || g->cfg.vmm == RESV_GUEST_PC))
		printf(" (%s vCPU%s)", g->cfg.amd ? "AMD" : "non-AMD",
		       g->amd_set ? "" : g->cfg.amd ? ": the host IOMMU is AMD-Vi" : "");
	printf(", policy %s:\n", strict ? "strict" : "relaxed");
	print_layout("  ", g->layout);
	if (g->layout->amd_relocated)
		printf("  (RAM above 4G starts at 1 TiB: QEMU's AMD HyperTransport rule)\n");
	for (size_t i = 0; i < ncs; i++) {
		const struct checked *c = &cs[i];
		const char *dev;

		printf("\nGroup %ld:", c->group->id);
		for (size_t k = 0; k < c->group->ndevices; k++)
			printf(" %s", esc(c->group->devices[k].name));
		printf("\n  regions from %s%s\n", c->regions_source,
		       strcmp(c->regions_source, "sysfs") == 0 ?
			       " reserved_regions" :
			       " tables, predicted for every device of the group");
		if (c->iommu_source)
			printf("  IOMMU    %s (%s%s%s)\n", resv_iommu_name(c->iommu),
			       c->iommu_source, c->group->iommu_unit && !m ? ": " : "",
			       c->group->iommu_unit && !m ? esc(c->group->iommu_unit) : "");
		else
			printf("  IOMMU    unknown: only the v6.6+ rule (any direct region blocks) "
			       "is applied\n");
		print_size(sz, sizeof(sz), c->aperture.start, c->aperture.last);
		printf("  IOVA aperture 0x%" PRIx64 "-0x%" PRIx64 " (%s) %s\n", c->aperture.start,
		       c->aperture.last, sz,
		       c->aperture_source ? c->aperture_source :
					    "guessed: 48 bits, the IOMMU's width is unknown");
		if (!c->assignable && !c->blocker) {
			/* Refused for a reason no region carries (VFIO's MSI rule). */
			printf("  error    NOT assignable: %s\n", esc(c->reason));
		} else if (!c->assignable) {
			char buf[ORIGIN_MAX];
			const char *origin = region_origin(c->kview, c->blocker, &dev, buf,
							   sizeof(buf));

			printf("  error    NOT assignable: %s 0x%" PRIx64 "-0x%" PRIx64
			       " from %s%s%s%s; %s\n",
			       resv_type_name(c->blocker->type), c->blocker->start,
			       c->blocker->last, esc(origin), dev ? " (device " : "",
			       dev ? esc(dev) : "", dev ? ")" : "", esc(c->reason));
			if (hpe_rmrr_hint(m, c->iommu, c->assignable ? NULL : c->blocker, c->kview, hint,
				   sizeof(hint)))
				printf("  hint     %s\n", hint);
		}
		text_viability(c->group, &c->via, o->kernel, "  ");
		if (c->usable_empty)
			printf("  error    no usable IOVA: the regions cover the whole aperture\n");
		for (size_t k = 0; k < c->conflicts->count; k++) {
			const struct resv_conflict *x = &c->conflicts->items[k];
			const struct resv_guest_range *gr = &g->layout->ranges[x->range];

			printf("  %-8s %s 0x%" PRIx64 "-0x%" PRIx64 " ", resv_severity_name(x->severity),
			       gr->name, x->overlap.start, x->overlap.last);
			if (x->kind == RESV_CONFLICT_APERTURE) {
				printf("is outside the IOVA aperture\n");
				continue;
			}
			const struct resv_region *r = resv_list_region(c->resolved, x->region);
			char buf[ORIGIN_MAX];
			const char *origin = region_origin(c->resolved, r, &dev, buf, sizeof(buf));

			printf("overlaps %s 0x%" PRIx64 "-0x%" PRIx64 " from %s%s%s\n",
			       resv_type_name(r->type), r->start, r->last, esc(origin),
			       dev ? " device " : "", esc(dev ? dev : ""));
		}
		if (c->assignable && !c->usable_empty && !c->conflicts->count && c->via.viable != 0)
			printf("  ok       no conflict\n");
	}
	printf("\n%zu error%s, %zu warning%s\n", errors, errors == 1 ? "" : "s", warnings,
	       warnings == 1 ? "" : "s");
	if (errors) {
		printf("Suggestions:\n");
		print_knobs(g, sg);
		if (lowest_error == UINT64_MAX)
			printf("  none from the layout: the errors are not overlaps (a group "
			       "that cannot be assigned, or no usable IOVA)\n");
		else if (!sg->have_fit && !sg->have_knobs && !sg->have_layout && !sg->have_virt)
			printf("  none: no layout avoids the errors\n");
	}
	if (!m)
		printf("\nNote: %s\n", WITHOUT_TABLES);
	text_cmdline_facts(cmdline);
	if (m && report_firmware_assumptions(m, o, cs, ncs, NULL) < 0)
		return -ENOMEM;
	return 0;
}

int cmd_check(int argc, char **argv)
{
	struct device_arg devs[MAX_DEVICES];
	struct resv_device_policy pol[MAX_DEVICES];
	struct guest g = { 0 };
	struct opts o;
	struct resv_system *sys = NULL;
	struct resv_machine *m = NULL;
	static char cmdline[4096];
	struct checked *cs = NULL;
	struct resv_list *all = NULL;
	struct suggestions sg = { 0 };
	char **rest = calloc((size_t)argc + 1, sizeof(*rest));
	int nrest = 0, ndevs = 0, npol = 0, status = EXIT_FAIL, rc;
	size_t ncs = 0, errors = 0, warnings = 0;
	bool strict = false;
	struct resv_range ap = { 0, (1ull << 48) - 1 };
	uint64_t lowest_error = UINT64_MAX;

	if (!rest)
		goto nomem;
	/* check's own options first; the shared ones go to parse_options. */
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i], *val = NULL;
		int which = strcmp(a, "--guest") == 0 ? 1 : strcmp(a, "--policy") == 0 ? 2 :
			    strcmp(a, "--device") == 0 ? 3 : 0;

		if (!which) {
			if (strncmp(a, "--guest=", 8) == 0)
				which = 1, val = a + 8;
			else if (strncmp(a, "--policy=", 9) == 0)
				which = 2, val = a + 9;
			else if (strncmp(a, "--device=", 9) == 0)
				which = 3, val = a + 9;
		}
		if (!which || i == 0) {
			rest[nrest++] = argv[i];
			continue;
		}
		if (!val) {
			if (i + 1 == argc) {
				warnx_("check: option %s requires an argument", a);
				goto usage;
			}
			val = argv[++i];
		}
		if (which == 1) {
			g.spec = val;
		} else if (which == 2) {
			if (strcmp(val, "strict") && strcmp(val, "relaxed")) {
				warnx_("check: unknown policy '%s' (strict, relaxed)", val);
				goto usage;
			}
			strict = strcmp(val, "strict") == 0;
		} else {
			struct device_arg *d = &devs[ndevs];
			size_t len = strcspn(val, ",");
			const char *p = val + len;

			const char *why;

			if (ndevs == MAX_DEVICES) {
				warnx_("check: at most %d --device options", MAX_DEVICES);
				goto usage;
			}
			memset(d, 0, sizeof(*d));
			if (!parse_bdf(val, len, d->name, &why)) {
				warnx_("check: bad --device '%s': %s", val, why);
				goto usage;
			}
			if (*p) {
				if (strcmp(p, ",policy=strict") && strcmp(p, ",policy=relaxed")) {
					warnx_("check: bad --device '%s': expected BDF[,policy=strict|relaxed]",
					       val);
					goto usage;
				}
				d->has_policy = true;
				d->strict = strcmp(p, ",policy=strict") == 0;
			}
			ndevs++;
		}
	}
	rc = parse_options(&o, nrest, rest, "check",
			   "J,sysroot,table,lspci,no-floppy-wa,kernel-version,assume,page-size,map,kernel-cmdline",
			   usage_check);
	if (rc) {
		status = rc < 0 ? EXIT_OK : rc;
		goto out;
	}
	default_kernel(&o);
	if (!g.spec) {
		warnx_("check: --guest is required, e.g. --guest q35:16G");
		goto usage;
	}
	const char *why = "malformed";

	rc = parse_guest(&g, &why);
	if (rc == -ENOMEM)
		goto nomem;
	if (rc == -EBADMSG)
		goto out;
	if (rc < 0) {
		warnx_("check: bad --guest '%s': %s", esc(g.spec), why);
		goto usage;
	}
	if (ndevs && o.nargs) {
		warnx_("check: give devices or groups, not both");
		goto usage;
	}
	status = load_system(&o, &sys);
	if (status)
		goto out;
	status = EXIT_FAIL;
	/* Firmware tables give provenance; without them sysfs alone is used. */
	if (o.ntables || o.lspci) {
		status = load_machine(&o, &m);
		if (status)
			goto out;
		status = EXIT_FAIL;
	} else if (resv_machine_new(&m) < 0) {
		goto nomem;
	} else if (resv_machine_load(m, o.sysroot, RESV_LOAD_ALL) < 0 || resv_machine_lint(m) < 0 ||
		   resv_machine_table_count(m) == 0) {
		/* No tables (not root): the command line still says what it changes. */
		snprintf(cmdline, sizeof(cmdline), "%s",
			 o.kernel_cmdline ? o.kernel_cmdline : resv_machine_cmdline(m));
		resv_machine_free(m);
		m = NULL;
	} else {
		resv_machine_set_kernel(m, o.kernel);
		if (o.page_size)
			resv_machine_set_page_size(m, o.page_size);
		if (apply_assumptions(m, &o))
			goto out;
	}
	if (g.preset && !g.amd_set && host_is_amd(m, sys) &&
	    (g.cfg.vmm == RESV_GUEST_Q35 || g.cfg.vmm == RESV_GUEST_PC))
		g.cfg.amd = true;
	if (g.preset) {
		rc = resv_guest_layout_preset(&g.layout, &g.cfg);
		if (rc == -ENOMEM)
			goto nomem;
		if (rc < 0) {
			warnx_("check: guest '%s' does not fit in 64 bits or max-ram-below-4g > 4G",
			       g.spec);
			goto out;
		}
	}
	/* The groups: the devices', else those named, else all. */
	cs = calloc(resv_system_group_count(sys) + 1, sizeof(*cs));
	if (!cs)
		goto nomem;
	for (int d = 0; d < ndevs; d++) {
		const struct resv_group *found = NULL;

		for (size_t i = 0; i < resv_system_group_count(sys) && !found; i++) {
			const struct resv_group *c = resv_system_group(sys, i);

			for (size_t k = 0; k < c->ndevices; k++)
				if (strcmp(c->devices[k].name, devs[d].name) == 0)
					found = c;
		}
		if (!found) {
			warnx_("check: device %s is in no IOMMU group", devs[d].name);
			goto out;
		}
		bool dup = false;

		for (size_t i = 0; i < ncs; i++)
			dup |= cs[i].group == found;
		if (!dup)
			cs[ncs++].group = found;
		if (devs[d].has_policy)
			pol[npol++] = (struct resv_device_policy){ devs[d].name, devs[d].strict };
	}
	for (int a = 0; a < o.nargs; a++) {
		char *end, name[13];
		const char *bad;
		long id = strtol(o.args[a], &end, 10);
		bool number = *o.args[a] && !*end && id >= 0;
		const struct resv_group *found = number ? resv_system_find_group(sys, id) : NULL;

		/* A group is also named by a device in it. */
		if (!number && parse_bdf(o.args[a], strlen(o.args[a]), name, &bad)) {
			for (size_t i = 0; i < resv_system_group_count(sys) && !found; i++) {
				const struct resv_group *c = resv_system_group(sys, i);

				for (size_t k = 0; k < c->ndevices; k++)
					if (strcmp(c->devices[k].name, name) == 0)
						found = c;
			}
			if (!found) {
				warnx_("check: device %s is in no IOMMU group", name);
				goto out;
			}
		}
		if (!found) {
			warnx_("no IOMMU group '%s'", o.args[a]);
			goto out;
		}
		bool dup = false;

		for (size_t i = 0; i < ncs; i++)
			dup |= cs[i].group == found;
		if (!dup)
			cs[ncs++].group = found;
	}
	if (!ndevs && !o.nargs)
		for (size_t i = 0; i < resv_system_group_count(sys); i++)
			cs[ncs++].group = resv_system_group(sys, i);
	if (resv_list_new(&all) < 0)
		goto nomem;
	unsigned int flags = strict ? RESV_CHECK_STRICT : 0;

	for (size_t i = 0; i < ncs; i++) {
		struct checked *c = &cs[i];
		struct resv_range_list *usable = NULL;

		rc = group_regions(c, m, o.no_floppy_wa);
		if (rc == -ENOMEM)
			goto nomem;
		if (rc < 0) {
			warnx_("check: group %ld: no reserved_regions and no firmware prediction",
			       c->group->id);
			goto out;
		}
		uint64_t efr;

		/* With the IVRS the AMD width is known; sysfs alone gives the fewest levels. */
		if (m && resv_machine_iommu(m) == RESV_IOMMU_AMD && !c->group->aperture_known &&
		    resv_machine_amd_efr(m, &efr) == 0) {
			resv_amd_aperture(o.kernel, &efr, &c->aperture, &c->aperture_source);
		} else if (!resv_group_aperture(c->group, o.kernel, &c->aperture,
					       &c->aperture_source)) {
			c->aperture = (struct resv_range){ 0, (1ull << 48) - 1 };
			c->aperture_source = NULL;
		}
		if (c->aperture.last < ap.last)
			ap.last = c->aperture.last;
		verdict(c, m, o.kernel);
		/* VFIO takes the group only when no device's driver keeps it. */
		resv_vfio_group_viable(c->group->devices, c->group->ndevices, o.kernel, &c->via);
		if (resv_list_usable(&usable, c->kview, c->aperture,
				     strict ? RESV_USABLE_STRICT : 0) < 0)
			goto nomem;
		c->usable_empty = usable->count == 0;
		resv_range_list_free(usable);
		/*
		 * sysfs regions name no device: a policy given for a device of
		 * the group applies to the whole group (strict wins).
		 */
		unsigned int gflags = flags;
		const char *policy_dev = NULL;	/* whose policy rules the group */

		if (strcmp(c->regions_source, "sysfs") == 0) {
			for (int p = 0; p < npol; p++)
				for (size_t k = 0; k < c->group->ndevices; k++)
					if (strcmp(pol[p].device, c->group->devices[k].name) == 0 &&
					    (!policy_dev || pol[p].strict))
						policy_dev = pol[p].device;
			for (int p = 0; policy_dev && p < npol; p++)
				if (pol[p].device == policy_dev)
					gflags = pol[p].strict ? RESV_CHECK_STRICT : 0;
		}
		if (resv_guest_check(&c->conflicts, g.layout, c->resolved, c->aperture, gflags, pol,
				     (size_t)npol) < 0 ||
		    append_judged(all, c->resolved, policy_dev) < 0)
			goto nomem;
		errors += !c->assignable + c->usable_empty + (c->via.viable == 0);
		for (size_t k = 0; k < c->conflicts->count; k++) {
			const struct resv_conflict *x = &c->conflicts->items[k];

			if (x->severity == RESV_SEV_ERROR) {
				errors++;
				if (x->overlap.start < lowest_error)
					lowest_error = x->overlap.start;
			} else {
				warnings++;
			}
		}
	}
	if (lowest_error != UINT64_MAX && suggest(&sg, &g, all, ap, flags, pol, (size_t)npol, lowest_error) < 0)
		goto nomem;

	if (o.map) {
		bool knobs = sg.have_knobs && (sg.knobs.max_ram_below_4g != g.cfg.max_ram_below_4g ||
					       sg.knobs.amd != g.cfg.amd);
		struct map *mp = NULL;

		rc = map_check_begin(&mp, &o, g.spec, g.layout, knobs ? &sg.knobs : NULL,
				     sg.have_layout ? sg.layout : NULL, errors, warnings);
		for (size_t i = 0; rc == 0 && i < ncs; i++)
			rc = map_check_group(mp, cs[i].group, cs[i].kview, cs[i].resolved,
					     &cs[i].aperture, cs[i].aperture_source, strict,
					     cs[i].assignable ? NULL : cs[i].reason, cs[i].blocker,
					     cs[i].usable_empty, cs[i].conflicts, g.layout);
		rc = rc ? rc : map_write(mp, o.map);
		map_free(mp);
		if (rc == -ENOMEM)
			goto nomem;
		if (rc < 0)
			goto out;
	}
	rc = map_to_stdout(o.map) ? 0 :
	     o.json ? check_json(&g, strict, cs, ncs, errors, warnings, &sg, lowest_error, m, &o,
				 m ? resv_machine_cmdline(m) : cmdline) :
		      check_text(&g, strict, cs, ncs, errors, warnings, &sg, lowest_error, m, &o,
				 m ? resv_machine_cmdline(m) : cmdline);
	if (rc < 0)
		goto nomem;
	status = errors ? EXIT_CONFLICT : EXIT_OK;
	goto out;
usage:
	errtryhelp("check");
	status = EXIT_FAIL;
	goto out;
nomem:
	warnx_("out of memory");
	status = EXIT_FAIL;
out:
	for (size_t i = 0; cs && i < ncs; i++) {
		resv_list_free(cs[i].kview);
		resv_list_free(cs[i].resolved);
		resv_conflicts_free(cs[i].conflicts);
	}
	free(cs);
	resv_guest_layout_free(sg.layout);
	resv_list_free(all);
	resv_guest_layout_free(g.layout);
	resv_machine_free(m);
	resv_system_free(sys);
	free(rest);
	return status;
}
