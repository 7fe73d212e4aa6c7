// SPDX-License-Identifier: MIT
/*
 * Reading IOMMU groups from sysfs or a snapshot of it (SPEC §6):
 *   sys/kernel/iommu_groups/N/{reserved_regions,type,devices/}
 *   sys/bus/pci/devices/NAME/{class,vendor,device}
 * Every path is resolved and must stay inside the root, so a snapshot's
 * links cannot make us read the host's files.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "pci.h"
#include "sysroot.h"

struct resv_system {
	struct sysroot sr;
	struct resv_group *groups;
	size_t ngroups;
	struct resv_diags *diags;
	bool drivers_recorded;	/* sys/bus/pci/drivers is there: a missing driver link means unbound */
	unsigned int what;	/* RESV_SYSTEM_* */
	const struct resv_machine *known;	/* identities read already (may be NULL) */
	/* The last Intel unit whose cap was read well (its resolved path), and
	 * the value: read once, not once per device (issue 13). */
	char cap_unit[PATH_MAX];
	uint64_t cap;
};


/*
 * "sys/bus/pci/devices/@name/@attr" in @rel: by hand, as snprintf() costs
 * what the walk does, five times a device (issue 13). Names come from a
 * directory listing (at most NAME_MAX), so @rel always has room.
 */
static void device_rel(char rel[PATH_MAX], const char *name, const char *attr)
{
	static const char dir[] = "sys/bus/pci/devices/";
	size_t n = strlen(name), a = strlen(attr);

	if (sizeof(dir) + n + 1 + a > PATH_MAX) {
		snprintf(rel, PATH_MAX, "%s%s/%s", dir, name, attr);
		return;
	}
	memcpy(rel, dir, sizeof(dir) - 1);
	memcpy(rel + sizeof(dir) - 1, name, n);
	rel[sizeof(dir) - 1 + n] = '/';
	memcpy(rel + sizeof(dir) + n, attr, a + 1);
}

/* A sysfs attribute like "0x030000\n" with at most @max. */
static int read_hex_attr(const struct resv_system *sys, const char *rel,
			 uint32_t max, uint32_t *out)
{
	char *buf, *end;
	size_t len;
	unsigned long v;
	int rc = sysroot_read(&sys->sr, rel, &buf, &len);

	if (rc < 0)
		return rc;
	errno = 0;
	if (len < 3 || buf[0] != '0' || buf[1] != 'x') {
		rc = -EBADMSG;
	} else {
		v = strtoul(buf + 2, &end, 16);
		if (errno || end == buf + 2 || v > max ||
		    !(*end == '\0' || (*end == '\n' && end[1] == '\0')))
			rc = -EBADMSG;
		else
			*out = (uint32_t)v;
	}
	free(buf);
	return rc;
}

static int diag_file(struct resv_system *sys, const char *id,
		     enum resv_severity sev, const char *rel, long group, int err)
{
	char where[PATH_MAX + 64];

	sysroot_display(&sys->sr, rel, where, sizeof(where));
	return diags_add(sys->diags, id, sev, where, 0, group, "%s: %s",
			 where, sysroot_strerror(err));
}

/* "dddd:bb:dd.f", lower-case hex as the kernel names PCI devices. */
static bool is_pci_name(const char *s)
{
	static const char pat[] = "hhhh:hh:hh.d";

	if (strlen(s) != sizeof(pat) - 1)
		return false;
	for (size_t i = 0; pat[i]; i++) {
		char c = s[i];

		if (pat[i] == 'h' && !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return false;
		if (pat[i] == 'd' && !(c >= '0' && c <= '7'))
			return false;
		if ((pat[i] == ':' || pat[i] == '.') && c != pat[i])
			return false;
	}
	return true;
}

static void group_clear(struct resv_group *g)
{
	for (size_t i = 0; i < g->ndevices; i++) {
		free(unconst(g->devices[i].name));
		free(unconst(g->devices[i].driver));
	}
	free(unconst(g->devices));
	free(unconst(g->type));
	free(unconst(g->aperture_source));
	free(unconst(g->iommu_unit));
	resv_list_free(unconst(g->regions));
}

/* The header type from the config space's first 64 bytes (world-readable). */
static int load_header_type(struct resv_system *sys, struct resv_device *dev)
{
	char rel[PATH_MAX], *buf;
	size_t len;
	int rc;

	dev->header_type = -1;
	device_rel(rel, dev->name, "config");
	rc = sysroot_read(&sys->sr, rel, &buf, &len);
	if (rc == -ENOMEM)
		return rc;
	if (rc < 0)
		return 0;	/* the predictions report a missing config space */
	if (len >= 64)
		dev->header_type = (unsigned char)buf[0x0e] & 0x7f;
	free(buf);
	return 0;
}

/*
 * The driver bound to a PCI device: the name its "driver" link leads to,
 * /sys/bus/pci/drivers/NAME (drivers/base/bus.c driver_sysfs_add). A link
 * that dangles or leaves the root still names the driver by its own text,
 * which is read, not followed.
 */
static int load_driver(struct resv_system *sys, struct resv_device *dev, long group,
		       bool *complete)
{
	char rel[PATH_MAX], last[PATH_MAX];
	struct sysroot_walk w;
	size_t at_len;
	const char *name;
	char *end;
	int rc;

	if (!sys->drivers_recorded)
		return 0;
	device_rel(rel, dev->name, "driver");
	w.beneath = NULL;
	w.on_link = NULL;
	rc = sysroot_walk(&sys->sr, rel, SYSROOT_PATH, &w);	/* opens nothing */
	if (rc == -ENOMEM)
		return rc;
	if (rc == -ENOENT && !w.in_link) {
		dev->driver_known = true;	/* no link: unbound */
		return 0;
	}
	at_len = strlen(w.link_at);
	if (rc < 0 && !(w.in_link && at_len >= 7 && strcmp(w.link_at + at_len - 7, "/driver") == 0)) {
		*complete = false;
		return diag_file(sys, "SYSFS_DRIVER_LINK", RESV_SEV_WARNING, rel, group, rc);
	}
	snprintf(last, sizeof(last), "%s", rc >= 0 ? w.path : w.link_target);
	for (end = last + strlen(last); end > last && end[-1] == '/';)
		*--end = '\0';
	name = strrchr(last, '/') ? strrchr(last, '/') + 1 : last;
	if (!*name || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return 0;	/* unknown */
	dev->driver = strdup(name);
	if (!dev->driver)
		return -ENOMEM;
	dev->driver_known = true;
	return 0;
}

/*
 * class, vendor and device from the device's uevent, one file where the
 * attributes are three (a third of the system calls a big host costs):
 * pci-driver.c pci_uevent() writes "PCI_CLASS=%04X" and "PCI_ID=%04X:%04X"
 * from the same pdev fields the class, vendor and device attributes show
 * (since 2.6; hotplug.c before v3.x). The machine loaded from this root
 * may have read it already (resv_system_load_known()). Return: 1 when both
 * lines were there and well formed, 0 when not (no uevent, a snapshot
 * without one: the attributes are read then, and judged), or -ENOMEM.
 */
static int load_uevent(struct resv_system *sys, const char *name, uint32_t val[3])
{
	char rel[PATH_MAX], *buf;
	size_t len;
	bool ok;
	int rc;

	if (sys->known && machine_sysfs_identity(sys->known, name, val))
		return 1;	/* read already, from this root, by the machine */
	device_rel(rel, name, "uevent");
	rc = sysroot_read(&sys->sr, rel, &buf, &len);
	if (rc < 0)
		return rc == -ENOMEM ? rc : 0;
	ok = pci_parse_uevent(buf, len, val);
	free(buf);
	return ok;
}

/* One device of a group: its PCI identity when it is a PCI device. */
static int load_device(struct resv_system *sys, struct resv_device *dev,
		       long group, bool *complete)
{
	static const struct {
		const char *attr;
		uint32_t max;
	} attrs[] = { { "class", 0xffffff }, { "vendor", 0xffff }, { "device", 0xffff } };
	uint32_t val[3];
	char rel[PATH_MAX];
	int rc;

	dev->header_type = -1;
	if (!is_pci_name(dev->name))
		return 0;	/* a platform device: no PCI identity */
	rc = load_uevent(sys, dev->name, val);
	if (rc < 0)
		return rc;
	for (size_t i = 0; rc == 0 && i < ARRAY_SIZE(attrs); i++) {
		device_rel(rel, dev->name, attrs[i].attr);
		rc = read_hex_attr(sys, rel, attrs[i].max, &val[i]);
		if (rc == -ENOMEM)
			return rc;
		if (rc < 0) {
			*complete = false;
			return diag_file(sys, "SYSFS_DEVICE_ATTR", RESV_SEV_WARNING,
					 rel, group, rc);
		}
	}
	dev->pci = true;
	dev->class = val[0];
	dev->vendor = (uint16_t)val[1];
	dev->device = (uint16_t)val[2];
	rc = sys->what & RESV_SYSTEM_HEADER_TYPE ? load_header_type(sys, dev) : 0;
	return rc < 0 ? rc : load_driver(sys, dev, group, complete);
}

/* The driver behind a unit, from the name it registered the unit under. */
static enum resv_iommu unit_iommu(const char *unit)
{
	static const struct {
		const char *prefix;
		enum resv_iommu iommu;
	} names[] = {
		{ "dmar", RESV_IOMMU_INTEL },	/* dmar.c alloc_iommu: "dmar%d" */
		{ "ivhd", RESV_IOMMU_AMD },	/* amd/init.c iommu_init_pci: "ivhd%d" */
		{ "smmu3.", RESV_IOMMU_ARM },	/* arm-smmu-v3.c: "smmu3.%pa" */
		{ "smmu.", RESV_IOMMU_ARM },	/* arm-smmu.c: "smmu.%pa" */
		{ "virtio", RESV_IOMMU_VIRTIO },	/* viommu_probe: virtio_bus_name() */
	};

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (strncmp(unit, names[i].prefix, strlen(names[i].prefix)) == 0)
			return names[i].iommu;
	return RESV_IOMMU_NONE;
}

/* A unit attribute holding hex digits up to @stop ("%llx\n", "%llx:%llx\n"). */
static int read_unit_hex(struct resv_system *sys, struct resv_group *g, const char *id,
			 const char *rel, const char *stop, uint64_t *out)
{
	char *buf, *end;
	size_t len;
	unsigned long long v;
	int rc = sysroot_read(&sys->sr, rel, &buf, &len);

	if (rc == -ENOMEM)
		return rc;
	if (rc == -EXDEV || rc == -ELOOP) {	/* a snapshot's link, not followed */
		g->complete = false;
		rc = diag_file(sys, id, RESV_SEV_WARNING, rel, g->id, rc);
		return rc < 0 ? rc : 0;
	}
	if (rc < 0)
		return 0;	/* not recorded: unknown */
	errno = 0;
	v = strtoull(buf, &end, 16);
	if (errno || end == buf || buf[0] == '-' || buf[0] == '+' || buf[0] == ' ' ||
	    !(*end == '\0' || strchr(stop, *end))) {
		free(buf);
		g->complete = false;
		rc = diag_file(sys, id, RESV_SEV_WARNING, rel, g->id, -EBADMSG);
		return rc < 0 ? rc : 0;
	}
	free(buf);
	*out = v;
	return 1;
}

/*
 * The IOMMU of the group: each PCI device's "iommu" link names its unit,
 * whose name says the driver. An Intel unit's intel-iommu/cap holds the
 * register as "%llx\n" (intel/iommu.c cap_show): the aperture; an AMD
 * unit's amd-iommu/features "%llx:%llx\n" (amd/iommu.c
 * amd_iommu_show_features; one field before v5.15).
 */
static int load_iommu(struct resv_system *sys, struct resv_group *g)
{
	unsigned int best = 65;
	char best_unit[NAME_MAX + 1] = "";

	for (size_t i = 0; i < g->ndevices; i++) {
		char rel[PATH_MAX], path[PATH_MAX];
		const char *unit, *name = g->devices[i].name;
		enum resv_iommu iommu;
		uint64_t v;
		int rc;

		if (!g->devices[i].pci)
			continue;
		device_rel(rel, name, "iommu");
		rc = sysroot_resolve(&sys->sr, rel, path);
		if (rc == -ENOMEM)
			return rc;
		if (rc == -EXDEV || rc == -ELOOP) {	/* a snapshot's link, not followed */
			g->complete = false;
			return diag_file(sys, "SYSFS_IOMMU_LINK", RESV_SEV_WARNING, rel, g->id, rc);
		}
		if (rc < 0)
			continue;	/* no link: not recorded, or behind no IOMMU */
		unit = strrchr(path, '/') + 1;
		iommu = unit_iommu(unit);
		if (!g->iommu_unit && iommu != RESV_IOMMU_NONE) {
			g->iommu_unit = strdup(unit);
			if (!g->iommu_unit)
				return -ENOMEM;
			g->iommu = iommu;
		}
		if (iommu == RESV_IOMMU_AMD && !g->amd_efr_known) {
			snprintf(rel, sizeof(rel), "sys/bus/pci/devices/%s/iommu/amd-iommu/features",
				 name);
			rc = read_unit_hex(sys, g, "SYSFS_AMD_FEATURES", rel, ":\n", &v);
			if (rc < 0)
				return rc;
			g->amd_efr_known = rc == 1;
			g->amd_efr = rc == 1 ? v : 0;
		}
		if (iommu != RESV_IOMMU_INTEL)
			continue;
		if (strcmp(path, sys->cap_unit) == 0) {
			v = sys->cap;
		} else {
			snprintf(rel, sizeof(rel), "sys/bus/pci/devices/%s/iommu/intel-iommu/cap",
				 name);
			rc = read_unit_hex(sys, g, "SYSFS_INTEL_CAP", rel, "\n", &v);
			if (rc < 0)
				return rc;
			if (rc == 0)
				continue;
			/* Only a good read is kept: a bad one is reported for each device. */
			snprintf(sys->cap_unit, sizeof(sys->cap_unit), "%s", path);
			sys->cap = v;
		}
		unsigned int mgaw = (unsigned int)((v >> 16) & 0x3f) + 1;

		if (mgaw < best) {
			best = mgaw;
			snprintf(best_unit, sizeof(best_unit), "%s", unit);
		}
	}
	if (best > 64)
		return 0;
	char src[NAME_MAX + 32];

	snprintf(src, sizeof(src), "%s MGAW %u", best_unit, best);
	g->aperture_source = strdup(src);
	if (!g->aperture_source)
		return -ENOMEM;
	g->aperture_known = true;
	g->aperture = (struct resv_range){ 0, best == 64 ? UINT64_MAX : (1ull << best) - 1 };
	return 0;
}

RESV_EXPORT int resv_group_aperture(const struct resv_group *g, unsigned int kernel,
				    struct resv_range *out, const char **source)
{
	if (g->aperture_known) {
		*out = g->aperture;
		*source = g->aperture_source;
		return 1;
	}
	if (g->iommu != RESV_IOMMU_AMD)
		return 0;
	/* sysfs shows the register read later, not the IVHD's image. */
	resv_amd_aperture(kernel, NULL, out, source);
	return 1;
}

RESV_EXPORT int resv_amd_aperture(unsigned int kernel, const uint64_t *ivhd_efr,
				  struct resv_range *out, const char **source)
{
	/* Levels 4, 5, 6: 2^(12 + 9 * levels) - 1, at most 2^64 - 1. */
	static const char *const by_levels[] = {
		"amd-vi v1 page table, 4 levels: 48 bits (EFR[HATS] 0 or no IVHD EFR, "
		"early_amd_iommu_init, v6.17+)",
		"amd-vi v1 page table, 5 levels: 57 bits (the IVHD's EFR[HATS] 1, v6.17+)",
		"amd-vi v1 page table, 6 levels: 64 bits (the IVHD's EFR[HATS] 2, v6.17+)",
		"amd-vi v2 page table, 4 levels: 48 bits (the IVHD's EFR[HATS] 3 disables v1, "
		"v6.17+)",
	};
	unsigned int hats = ivhd_efr ? (unsigned int)(*ivhd_efr >> 10 & 3) : 0;

	if (kernel && kernel < 0x061100) {
		*out = (struct resv_range){ 0, UINT64_MAX };
		*source = "amd-vi v1 page table: the whole 64-bit space (amd/iommu.c "
			  "dma_max_address, before v6.17)";
		return 0;
	}
	*out = (struct resv_range){ 0, hats == 1 ? (1ull << 57) - 1 :
				       hats == 2 ? UINT64_MAX : (1ull << 48) - 1 };
	*source = ivhd_efr ? by_levels[hats] :
		  "amd-vi v1 page table, 4 levels: 48 bits (EFR[HATS] + 4 levels as "
		  "early_amd_iommu_init reads it from the IVHD, v6.17+; not in sysfs: the "
		  "fewest)";
	return 0;
}

static int load_group(struct resv_system *sys, struct resv_group *g)
{
	char rel[PATH_MAX], where[PATH_MAX + 64];
	char **names = NULL;
	size_t nnames = 0, first;
	char *buf;
	size_t len;
	int rc;

	g->complete = true;

	snprintf(rel, sizeof(rel), "sys/kernel/iommu_groups/%ld/type", g->id);
	rc = sys->what & RESV_SYSTEM_TYPE ? sysroot_read(&sys->sr, rel, &buf, &len) : -ENOENT;
	if (rc == 0) {
		buf[strcspn(buf, "\n")] = '\0';
		g->type = buf;
	} else if (rc == -ENOMEM) {
		return rc;
	} else if (rc != -ENOENT) {	/* no "type" before v5.11: fine */
		g->complete = false;
		rc = diag_file(sys, "SYSFS_GROUP_TYPE", RESV_SEV_WARNING, rel, g->id, rc);
		if (rc < 0)
			return rc;
	}

	snprintf(rel, sizeof(rel), "sys/kernel/iommu_groups/%ld/devices", g->id);
	rc = sysroot_list(&sys->sr, rel, &names, &nnames);
	if (rc == -ENOMEM)
		return rc;
	if (rc < 0) {
		g->complete = false;
		rc = diag_file(sys, "SYSFS_GROUP_DEVICES", RESV_SEV_ERROR, rel, g->id, rc);
		if (rc < 0)
			return rc;
	} else if (nnames) {
		struct resv_device *devs = calloc(nnames, sizeof(*devs));

		if (!devs) {
			sysroot_free_names(names, nnames);
			return -ENOMEM;
		}
		for (size_t i = 0; i < nnames; i++)
			devs[i].name = names[i];
		free(names);
		g->devices = devs;
		g->ndevices = nnames;
		for (size_t i = 0; i < nnames; i++) {
			rc = load_device(sys, &devs[i], g->id, &g->complete);
			if (rc < 0)
				return rc;
		}
	} else {
		free(names);
	}

	rc = sys->what & RESV_SYSTEM_IOMMU ? load_iommu(sys, g) : 0;
	if (rc < 0)
		return rc;
	if (!(sys->what & RESV_SYSTEM_REGIONS))
		return 0;

	snprintf(rel, sizeof(rel), "sys/kernel/iommu_groups/%ld/reserved_regions", g->id);
	sysroot_display(&sys->sr, rel, where, sizeof(where));
	rc = sysroot_read(&sys->sr, rel, &buf, &len);
	if (rc == -ENOMEM)
		return rc;
	if (rc < 0) {
		g->complete = false;
		return diag_file(sys, "SYSFS_RESERVED_REGIONS", RESV_SEV_ERROR, rel,
				 g->id, rc);
	}

	struct resv_list *l;

	rc = resv_list_new(&l);
	if (rc < 0) {
		free(buf);
		return rc;
	}
	first = resv_diags_count(sys->diags);
	rc = resv_parse_sysfs(l, buf, len, where, NULL, sys->diags);
	free(buf);
	if (rc < 0) {
		resv_list_free(l);
		return rc;
	}
	diags_set_group(sys->diags, first, g->id);
	if (rc > 0)
		g->complete = false;
	g->regions = l;
	return 0;
}

/* A group directory's name: a decimal id without sign or leading zero. */
static bool parse_group_id(const char *s, long *id)
{
	char *end;

	if (!(s[0] >= '1' && s[0] <= '9') && strcmp(s, "0") != 0)
		return false;
	errno = 0;
	*id = strtol(s, &end, 10);
	return !errno && *end == '\0';
}

static int cmp_group(const void *a, const void *b)
{
	const struct resv_group *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

RESV_EXPORT void resv_system_free(struct resv_system *sys)
{
	if (!sys)
		return;
	for (size_t i = 0; i < sys->ngroups; i++)
		group_clear(&sys->groups[i]);
	free(sys->groups);
	resv_diags_free(sys->diags);
	sysroot_close(&sys->sr);
	free(sys);
}

RESV_EXPORT int resv_system_load(struct resv_system **out, const char *sysroot)
{
	return resv_system_load_what(out, sysroot, RESV_SYSTEM_ALL);
}

RESV_EXPORT int resv_system_load_what(struct resv_system **out, const char *sysroot,
				      unsigned int what)
{
	return resv_system_load_known(out, sysroot, what, NULL);
}

RESV_EXPORT int resv_system_load_known(struct resv_system **out, const char *sysroot,
				       unsigned int what, const struct resv_machine *known)
{
	static const char groups_rel[] = "sys/kernel/iommu_groups";
	struct resv_system *sys;
	char **names = NULL;
	size_t nnames = 0;
	int rc;

	sys = calloc(1, sizeof(*sys));
	if (!sys)
		return -ENOMEM;
	sys->what = what;
	sys->known = known;
	rc = sysroot_open(&sys->sr, sysroot);
	if (rc < 0) {
		free(sys);
		return rc;
	}
	rc = resv_diags_new(&sys->diags);
	if (rc < 0)
		goto fail;
	/* Bindings are recorded where the drivers' directory is (live sysfs, our snapshots). */
	rc = sysroot_walk(&sys->sr, "sys/bus/pci/drivers", SYSROOT_DIR, NULL);
	if (rc == -ENOMEM)
		goto fail;
	if (rc >= 0)
		close(rc);
	sys->drivers_recorded = rc >= 0;

	struct sysroot_walk w = { .beneath = "sys" };

	rc = sysroot_list_walk(&sys->sr, groups_rel, &w, &names, &nnames);
	if (rc == -ENOMEM)
		goto fail;
	if (rc < 0) {
		char where[PATH_MAX + 64], link[PATH_MAX + 64];

		sysroot_display(&sys->sr, groups_rel, where, sizeof(where));
		if (rc == -ENOENT)
			rc = diags_add(sys->diags, "SYSFS_NO_GROUPS", RESV_SEV_INFO, where, 0, -1,
				       "no IOMMU groups: %s: %s (IOMMU off, or not a Linux sysfs root)",
				       where, sysroot_strerror(rc));
		else if (w.in_link && *w.link_at)	/* the link refused, by name */
			rc = diags_add(sys->diags, "SYSFS_GROUPS_UNREADABLE", RESV_SEV_ERROR, where,
				       0, -1, "cannot read the IOMMU groups: the link %s -> %s %s",
				       (sysroot_display(&sys->sr, w.link_at, link, sizeof(link)), link),
				       w.link_target, sysroot_strerror(rc));
		else	/* there, but not a directory, or EACCES */
			rc = diags_add(sys->diags, "SYSFS_GROUPS_UNREADABLE", RESV_SEV_ERROR, where,
				       0, -1, "cannot read the IOMMU groups: %s: %s", where,
				       sysroot_strerror(rc));
		if (rc < 0)
			goto fail;
		*out = sys;
		return 0;
	}
	sys->groups = calloc(nnames ? nnames : 1, sizeof(*sys->groups));
	if (!sys->groups) {
		rc = -ENOMEM;
		goto fail;
	}
	for (size_t i = 0; i < nnames; i++) {
		long id;

		if (!parse_group_id(names[i], &id)) {
			char rel[PATH_MAX], where[PATH_MAX + 64];

			snprintf(rel, sizeof(rel), "%s/%s", groups_rel, names[i]);
			sysroot_display(&sys->sr, rel, where, sizeof(where));
			rc = diags_add(sys->diags, "SYSFS_GROUP_NAME", RESV_SEV_WARNING,
				       where, 0, -1,
				       "%s is not named by a group number; skipped", where);
			if (rc < 0)
				goto fail;
			continue;
		}
		sys->groups[sys->ngroups++].id = id;
	}
	qsort(sys->groups, sys->ngroups, sizeof(*sys->groups), cmp_group);
	for (size_t i = 0; i < sys->ngroups; i++) {
		rc = load_group(sys, &sys->groups[i]);
		if (rc < 0)
			goto fail;
	}
	sysroot_free_names(names, nnames);
	*out = sys;
	return 0;
fail:
	sysroot_free_names(names, nnames);
	resv_system_free(sys);
	return rc;
}

RESV_EXPORT size_t resv_system_group_count(const struct resv_system *sys)
{
	return sys->ngroups;
}

RESV_EXPORT const struct resv_group *resv_system_group(
	const struct resv_system *sys, size_t i)
{
	return i < sys->ngroups ? &sys->groups[i] : NULL;
}

RESV_EXPORT const struct resv_group *resv_system_find_group(
	const struct resv_system *sys, long id)
{
	for (size_t i = 0; i < sys->ngroups; i++)
		if (sys->groups[i].id == id)
			return &sys->groups[i];
	return NULL;
}

RESV_EXPORT const struct resv_diags *resv_system_diags(
	const struct resv_system *sys)
{
	return sys->diags;
}

RESV_EXPORT const char *resv_version(void)
{
	return RESV_VERSION;
}

RESV_EXPORT int resv_parse_kernel_version(const char *s, unsigned int *version)
{
	unsigned int major = 0, minor = 0;
	const char *p = s, *q;

	for (; *p >= '0' && *p <= '9' && major <= 255; p++)
		major = major * 10 + (unsigned int)(*p - '0');
	if (p == s || *p != '.' || major > 255)
		return -EBADMSG;
	q = ++p;
	for (; *p >= '0' && *p <= '9' && minor <= 255; p++)
		minor = minor * 10 + (unsigned int)(*p - '0');
	if (p == q || minor > 255)
		return -EBADMSG;
	/* What may follow X.Y in a release string: ".0-13-amd64" (Debian),
	 * "-rc1", "+deb14-amd64", "_1", "~bpo12"; a newline ends osrelease. */
	if (*p && !strchr(".-+_~\n", *p))
		return -EBADMSG;
	*version = major << 16 | minor << 8;
	return 0;
}

RESV_EXPORT int resv_kernel_version(const char *sysroot, unsigned int *version)
{
	struct sysroot sr;
	char *buf;
	size_t len;
	int rc = sysroot_open(&sr, sysroot ? sysroot : "/");

	if (rc < 0)
		return rc;
	rc = sysroot_read(&sr, "proc/sys/kernel/osrelease", &buf, &len);
	sysroot_close(&sr);
	if (rc == -ENOMEM)
		return rc;
	if (rc < 0)
		return -ENOENT;
	/* sysroot_read() NUL-terminates; an embedded NUL ends the string. */
	rc = resv_parse_kernel_version(buf, version);
	free(buf);
	return rc;
}

RESV_EXPORT int resv_page_size(const char *sysroot, uint64_t *size)
{
	static const struct {
		unsigned long long pmd;
		uint64_t page;
	} sizes[] = { { 2ull << 20, 4096 }, { 32ull << 20, 16384 }, { 512ull << 20, 65536 } };
	struct sysroot sr;
	char *buf, *end;
	size_t len;
	unsigned long long v;
	int rc = sysroot_open(&sr, sysroot ? sysroot : "/");

	if (rc < 0)
		return rc;
	rc = sysroot_read(&sr, "sys/kernel/mm/transparent_hugepage/hpage_pmd_size", &buf, &len);
	sysroot_close(&sr);
	if (rc == -ENOMEM)
		return rc;
	if (rc < 0)
		return -ENOENT;
	errno = 0;
	v = strtoull(buf, &end, 10);	/* "%lu\n" (mm/huge_memory.c) */
	rc = -EBADMSG;
	if (!errno && end != buf && buf[0] >= '0' && buf[0] <= '9' &&
	    (*end == '\0' || (*end == '\n' && !end[1])))
		for (size_t i = 0; i < ARRAY_SIZE(sizes); i++)
			if (sizes[i].pmd == v) {
				*size = sizes[i].page;
				rc = 0;
			}
	free(buf);
	return rc;
}
