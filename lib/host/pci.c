// SPDX-License-Identifier: MIT
/*
 * The PCI topology from a sysroot, read from config space the way the
 * kernel sees it (PCI Local Bus 3.0 §6.1 type 0/1 headers: vendor 0x00,
 * device 0x02, class 0x09-0x0b, header type 0x0e, secondary bus 0x19,
 * subordinate bus 0x1a), and DMAR scope paths walked through it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pci.h"
#include "quirks.h"

/* @n hex digits at @s, either case; -1 if one is not. */
static long hex_digits(const char *s, int n)
{
	long v = 0;

	for (int i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		int x = c >= '0' && c <= '9' ? c - '0' : (c | 0x20) >= 'a' && (c | 0x20) <= 'f' ?
			(c | 0x20) - 'a' + 10 : -1;

		if (x < 0)
			return -1;
		v = v << 4 | x;
	}
	return v;
}

/*
 * "ssss:bb:dd.f" exactly, as sysfs names a function (device up to 0x1f,
 * function 0-7). By hand: a query names its device this way, once per
 * device of a big host.
 */
static bool parse_name(const char *s, struct pci_dev *d)
{
	long seg, bus, dev;

	if (strnlen(s, 13) != 12 || s[4] != ':' || s[7] != ':' || s[10] != '.' ||
	    s[11] < '0' || s[11] > '7')
		return false;
	seg = hex_digits(s, 4);
	bus = hex_digits(s + 5, 2);
	dev = hex_digits(s + 8, 2);
	if (seg < 0 || bus < 0 || dev < 0 || dev > 31)
		return false;
	memcpy(d->name, s, 13);
	d->segment = (uint16_t)seg;
	d->bus = (uint8_t)bus;
	d->dev = (uint8_t)dev;
	d->fn = (uint8_t)(s[11] - '0');
	return true;
}

static int cmp_dev(const void *a, const void *b)
{
	const struct pci_dev *x = a, *y = b;
	uint32_t kx = (uint32_t)x->segment << 16 | x->bus << 8 | x->dev << 3 | x->fn;
	uint32_t ky = (uint32_t)y->segment << 16 | y->bus << 8 | y->dev << 3 | y->fn;

	return (kx > ky) - (kx < ky);
}

static int cmp_key(uint16_t segment, uint8_t bus, uint8_t dev, uint8_t fn, const struct pci_dev *y)
{
	struct pci_dev x = { .segment = segment, .bus = bus, .dev = dev, .fn = fn };

	return cmp_dev(&x, y);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

static bool leads_down(const struct pci_dev *d)
{
	return d->bridge && d->secondary > d->bus;
}

void pci_topology_reindex(struct pci_topology *t)
{
	t->nchild = 0;
	for (size_t i = 0; i < t->n; i++)
		if (leads_down(&t->devs[i]))
			t->child_buses[t->nchild++] = (uint32_t)t->devs[i].segment << 8 |
						      t->devs[i].secondary;
	if (t->nchild)
		qsort(t->child_buses, t->nchild, sizeof(*t->child_buses), cmp_u32);
}

static uint16_t rd16(const uint8_t *c, size_t at)
{
	return (uint16_t)(c[at] | c[at + 1] << 8);
}

static uint32_t rd32(const uint8_t *c, size_t at)
{
	return (uint32_t)c[at] | (uint32_t)c[at + 1] << 8 | (uint32_t)c[at + 2] << 16 |
	       (uint32_t)c[at + 3] << 24;
}

/*
 * The PCI Express capability, found as the kernel's pci_find_capability()
 * does (drivers/pci/pci.c __pci_find_next_cap_ttl): the list starts at 0x34
 * (0x14 for CardBus) when status bit 4 is set (PCI 3.0 §6.7); a pointer
 * below 0x40 or an ID of 0xff ends it, at most 48 entries (PCI_FIND_CAP_TTL).
 * Fills pcie_type, pcie_flags, pcie_devcap, pcie_devcap2.
 */
static void parse_pcie_cap(struct pci_dev *d, const uint8_t *c, size_t len)
{
	size_t at;

	if (len < 256) {
		d->pcie_type = PCI_TYPE_UNKNOWN;
		return;
	}
	d->pcie_type = PCI_TYPE_CONVENTIONAL;
	if (!(c[0x06] & 0x10) || d->header_type > 2)
		return;
	at = c[d->header_type == 2 ? 0x14 : 0x34];
	for (int ttl = 48; ttl > 0 && at >= 0x40; ttl--) {
		at &= 0xfc;
		if (c[at] == 0xff)
			break;
		if (c[at] == 0x10) {	/* PCI_CAP_ID_EXP */
			d->pcie_flags = rd16(c, at + 2);
			d->pcie_type = (int8_t)((d->pcie_flags >> 4) & 0xf);
			d->pcie_devcap = rd32(c, at + 4);
			if (at + 0x28 <= 256)
				d->pcie_devcap2 = rd32(c, at + 0x24);
			return;
		}
		at = c[at + 1];
	}
}

/*
 * The ACS extended capability (PCIe 6.0 §7.7.8), found as the kernel's
 * pci_find_next_ext_capability() does: from 0x100, a header of 0 means no
 * capabilities, a next pointer below 0x100 ends the list, at most 480
 * entries ((4096 - 256) / 8). A list that comes back to an entry seen before
 * would only repeat itself until that count runs out, so the walk stops
 * there, as the kernel's answer would. Without the extended space the
 * answer is unknown for a PCIe function; a conventional one has none
 * (pci_cfg_space_size gives it 256 bytes).
 */
static void parse_acs(struct pci_dev *d, const uint8_t *c, size_t len)
{
	uint32_t seen[4096 / 4 / 32] = { 0 };
	size_t at = 0x100;
	uint32_t header;

	d->acs = 0;
	if (len <= 256) {
		if (d->pcie_type != PCI_TYPE_CONVENTIONAL)
			d->acs = -1;
		return;
	}
	if (d->pcie_type == PCI_TYPE_CONVENTIONAL)
		return;
	if (len < 0x104) {
		d->acs = -1;
		d->cfg_bad = "the extended capability header at 0x100 is cut off";
		d->cfg_bad_at = 0x100;
		return;
	}
	header = rd32(c, at);
	if (header == 0)
		return;
	for (int ttl = (4096 - 256) / 8; ttl > 0; ttl--) {
		size_t next;

		if (seen[at / 4 / 32] & 1u << (at / 4 % 32)) {
			d->cfg_bad = "the extended capability list loops";
			d->cfg_bad_at = (uint16_t)at;
			return;
		}
		seen[at / 4 / 32] |= 1u << (at / 4 % 32);
		if ((header & 0xffff) == PCI_EXT_CAP_ID_ACS) {
			if (at + 8 > len) {
				d->acs = -1;
				d->cfg_bad = "the ACS capability is cut off by the end of the input";
				d->cfg_bad_at = (uint16_t)at;
				return;
			}
			d->acs = 1;
			d->acs_pos = (uint16_t)at;
			d->acs_cap = rd16(c, at + 4);
			d->acs_ctrl = rd16(c, at + 6);
			return;
		}
		next = (header >> 20) & 0xffc;	/* PCI_EXT_CAP_NEXT */
		if (next == 0)
			return;
		if (next < 0x100) {
			d->cfg_bad = "an extended capability's next pointer is below 0x100 (the list ends there)";
			d->cfg_bad_at = (uint16_t)at;
			return;
		}
		if (next + 4 > len) {
			d->acs = -1;
			d->cfg_bad = "an extended capability's next pointer is past the end of the input";
			d->cfg_bad_at = (uint16_t)at;
			return;
		}
		at = next;
		header = rd32(c, at);
	}
}

int pci_report_config(const struct pci_dev *d, struct resv_diags *diags, const char *where)
{
	if (!d->cfg_bad || !diags)
		return 0;
	return diags_add(diags, "PCI_CONFIG_CAP_LIST", RESV_SEV_WARNING, where, d->cfg_bad_at, -1,
			 "%s: %s (at 0x%03x)%s", d->name, d->cfg_bad, d->cfg_bad_at,
			 d->acs < 0 ? "; its ACS is unknown" : "");
}

int pci_topology_add(struct pci_topology *t, uint16_t segment, uint8_t bus, uint8_t dev,
		     uint8_t fn, const uint8_t *c, size_t len)
{
	struct pci_dev d = { .segment = segment, .bus = bus, .dev = dev, .fn = fn };
	size_t lo = 0, hi = t->n;

	if (len < 64 || dev > 31 || fn > 7)
		return -EINVAL;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = cmp_key(segment, bus, dev, fn, &t->devs[mid]);

		if (r == 0)
			return -EEXIST;
		if (r < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		struct pci_dev *v = realloc(t->devs, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		t->devs = v;
		t->cap = cap;
	}
	if (t->child_cap < t->cap) {	/* room for every function being a bridge */
		uint32_t *v = realloc(t->child_buses, t->cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		t->child_buses = v;
		t->child_cap = t->cap;
	}
	snprintf(d.name, sizeof(d.name), "%04x:%02x:%02x.%u", segment, bus, dev, fn);
	d.vendor = (uint16_t)(c[0] | c[1] << 8);
	d.device = (uint16_t)(c[2] | c[3] << 8);
	d.class = (uint32_t)c[9] | (uint32_t)c[10] << 8 | (uint32_t)c[11] << 16;
	d.header_type = c[0x0e] & 0x7f;
	/*
	 * pdev->multifunction: the header bit (probe.c pci_setup_device), and
	 * pci_scan_slot() sets it on every function after the first one it
	 * finds in a slot, whatever that function's own bit says (QEMU sets it
	 * on function 0 only). An SR-IOV VF, whose Vendor ID reads 0xffff
	 * (SR-IOV 1.1 §3.4.1.1), is made by iov.c, not scanned: only its bit.
	 */
	d.multifunction = (c[0x0e] & 0x80) || (fn != 0 && d.vendor != 0xffff);
	d.revision = c[0x08];
	d.cfg_len = (uint16_t)(len < 4096 ? len : 4096);
	if (d.header_type == 0) {
		d.subsys_vendor = rd16(c, 0x2c);
		d.subsys_device = rd16(c, 0x2e);
	}
	parse_pcie_cap(&d, c, len);
	parse_acs(&d, c, len);
	quirks_read_config(&d, c, len);
	d.bridge = d.header_type == 1;
	if (d.bridge) {
		d.secondary = c[0x19];
		d.subordinate = c[0x1a];
	}
	memmove(&t->devs[lo + 1], &t->devs[lo], (t->n - lo) * sizeof(*t->devs));
	t->devs[lo] = d;
	t->n++;
	if (leads_down(&d)) {
		uint32_t key = (uint32_t)segment << 8 | d.secondary;
		size_t at = 0;

		while (at < t->nchild && t->child_buses[at] < key)
			at++;
		memmove(&t->child_buses[at + 1], &t->child_buses[at],
			(t->nchild - at) * sizeof(*t->child_buses));
		t->child_buses[at] = key;
		t->nchild++;
	}
	return 0;
}

int pci_topology_load(struct pci_topology *t, const struct sysroot *sr,
		      struct resv_diags *diags)
{
	*t = (struct pci_topology){ 0 };
	return pci_topology_scan(t, sr, diags, false);
}

/* Upper-case hex of @n chars at most @max, whole: a uevent's value. */
static bool uevent_hex(const char *s, size_t n, uint32_t max, uint32_t *out)
{
	uint32_t v = 0;

	if (n == 0 || n > 8)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned int d = s[i] >= '0' && s[i] <= '9' ? (unsigned int)(s[i] - '0') :
				 s[i] >= 'A' && s[i] <= 'F' ? (unsigned int)(s[i] - 'A' + 10) : 16;

		if (d > 15)
			return false;
		v = v << 4 | d;
	}
	if (v > max)
		return false;
	*out = v;
	return true;
}

bool pci_parse_uevent(const char *buf, size_t len, uint32_t val[3])
{
	bool have_class = false, have_id = false;

	for (const char *line = buf, *nl; line < buf + len; line = nl + 1) {
		size_t n;

		nl = memchr(line, '\n', (size_t)(buf + len - line));
		if (!nl)
			nl = buf + len;
		n = (size_t)(nl - line);
		if (n > 10 && memcmp(line, "PCI_CLASS=", 10) == 0)
			have_class = uevent_hex(line + 10, n - 10, 0xffffff, &val[0]);
		else if (n == 16 && memcmp(line, "PCI_ID=", 7) == 0 && line[11] == ':')
			have_id = uevent_hex(line + 7, 4, 0xffff, &val[1]) &&
				  uevent_hex(line + 12, 4, 0xffff, &val[2]);
	}
	return have_class && have_id;
}

/*
 * The function's uevent, right after its config space: its directory is
 * the one the walk holds, so five calls, where the groups' loader would
 * have walked to it again (resv_system_load_known()).
 */
static int read_identity(const struct sysroot *sr, const char *name, struct pci_dev *d)
{
	char rel[PATH_MAX], *buf;
	uint32_t val[3];
	size_t len;
	int rc;

	snprintf(rel, sizeof(rel), "sys/bus/pci/devices/%s/uevent", name);
	rc = sysroot_read(sr, rel, &buf, &len);
	if (rc < 0)
		return rc == -ENOMEM ? rc : 0;	/* not there: the groups' loader reads */
	if (pci_parse_uevent(buf, len, val)) {
		d->sysfs_identity = true;
		d->sysfs_class = val[0];
		d->sysfs_vendor = (uint16_t)val[1];
		d->sysfs_device = (uint16_t)val[2];
	}
	free(buf);
	return 0;
}

int pci_topology_scan(struct pci_topology *t, const struct sysroot *sr,
		      struct resv_diags *diags, bool identity)
{
	char **names = NULL;
	size_t nnames = 0;
	int rc;

	rc = sysroot_list(sr, "sys/bus/pci/devices", &names, &nnames);
	if (rc == -ENOMEM || rc == -ENOENT)
		return rc == -ENOENT ? 0 : rc;	/* ENOENT: no PCI bus in this root */
	if (rc < 0) {
		char where[PATH_MAX + 64];

		sysroot_display(sr, "sys/bus/pci/devices", where, sizeof(where));
		return diags_add(diags, "PCI_CONFIG", RESV_SEV_WARNING, where, 0, -1,
				 "%s: %s; no PCI function read", where, sysroot_strerror(rc));
	}
	for (size_t i = 0; i < nnames; i++) {
		struct pci_dev d = { 0 };
		char rel[PATH_MAX], where[PATH_MAX + 64];
		char *cfg;
		size_t len;

		if (!parse_name(names[i], &d))
			continue;
		snprintf(rel, sizeof(rel), "sys/bus/pci/devices/%s/config", names[i]);
		rc = sysroot_read(sr, rel, &cfg, &len);
		if (rc == -ENOMEM)
			goto out;
		if (rc == 0) {
			rc = len < 64 ? -EINVAL :
			     pci_topology_add(t, d.segment, d.bus, d.dev, d.fn, (uint8_t *)cfg, len);
			free(cfg);
			if (rc == -ENOMEM)
				goto out;
			if (rc == -EEXIST)
				continue;	/* given before, e.g. from an lspci dump */
			if (rc == 0) {
				struct pci_dev *added = bsearch(&d, t->devs, t->n, sizeof(*t->devs),
								cmp_dev);

				sysroot_display(sr, rel, where, sizeof(where));
				rc = pci_report_config(added, diags, where);
				if (rc == 0 && identity)
					rc = read_identity(sr, names[i], added);
				if (rc < 0)
					goto out;
				continue;
			}
		}
		if (rc < 0) {
			const char *why = rc == -EINVAL ? "shorter than the 64-byte header" :
							  sysroot_strerror(rc);

			sysroot_display(sr, rel, where, sizeof(where));
			rc = diags_add(diags, "PCI_CONFIG", RESV_SEV_WARNING, where, 0, -1,
				       "%s: %s; the device is left out of the topology", where, why);
			if (rc < 0)
				goto out;
		}
	}
	rc = 0;
out:
	sysroot_free_names(names, nnames);
	return rc;
}

void pci_topology_free(struct pci_topology *t)
{
	free(t->devs);
	free(t->child_buses);
	*t = (struct pci_topology){ 0 };
}

const struct pci_dev *pci_find(const struct pci_topology *t, uint16_t segment,
			       uint8_t bus, uint8_t dev, uint8_t fn)
{
	struct pci_dev key = { .segment = segment, .bus = bus, .dev = dev, .fn = fn };

	if (!t->n)	/* no array yet: bsearch must not see a NULL base */
		return NULL;
	return bsearch(&key, t->devs, t->n, sizeof(*t->devs), cmp_dev);
}

const struct pci_dev *pci_find_name(const struct pci_topology *t, const char *name)
{
	struct pci_dev key;

	return parse_name(name, &key) ? pci_find(t, key.segment, key.bus, key.dev, key.fn) : NULL;
}

bool pci_is_root_bus(const struct pci_topology *t, uint16_t segment, uint8_t bus)
{
	uint32_t key = (uint32_t)segment << 8 | bus;

	return !t->nchild ||
	       !bsearch(&key, t->child_buses, t->nchild, sizeof(*t->child_buses), cmp_u32);
}

/*
 * dmar.c dmar_match_pci_path, the same in v5.10, v6.1, v6.12 and v7.x: the device's
 * path is built from its root bus down (dmar_alloc_pci_notify_info), so a
 * scope matches only from the device's root bus; a start bus that is some
 * bridge's secondary bus matches nothing, except through the one-element
 * workaround.
 */
const struct pci_dev *dmar_scope_target(const struct pci_topology *t, uint16_t segment,
					const struct dmar_scope *scope, enum dmar_match *how,
					char *why, size_t why_size)
{
	uint8_t bus = scope->start_bus;
	enum dmar_match dummy;

	how = how ? how : &dummy;
	*how = DMAR_MATCH_NONE;
	if (scope->npath == 0) {
		snprintf(why, why_size, "the scope has no path");
		return NULL;
	}
	if (!pci_is_root_bus(t, segment, bus)) {
		const struct pci_dev *d = pci_find(t, segment, bus, scope->path[0].device,
						   scope->path[0].function);

		if (scope->npath == 1 && d) {
			*how = DMAR_MATCH_FALLBACK;
			return d;
		}
		if (scope->npath == 1)
			snprintf(why, why_size, "start bus %02x is not a root bus, and no "
				 "%04x:%02x:%02x.%x exists for the kernel's one-element workaround",
				 bus, segment, bus, scope->path[0].device, scope->path[0].function);
		else
			snprintf(why, why_size, "start bus %02x is not a root bus, and the kernel "
				 "matches a %zu-element path only from the device's root bus", bus,
				 scope->npath);
		return NULL;
	}
	for (size_t i = 0; i < scope->npath; i++) {
		const struct dmar_path *p = &scope->path[i];
		const struct pci_dev *d = pci_find(t, segment, bus, p->device, p->function);

		if (!d) {
			snprintf(why, why_size, "%04x:%02x:%02x.%x (path element %zu) does not exist",
				 segment, bus, p->device, p->function, i);
			return NULL;
		}
		if (i + 1 == scope->npath) {
			*how = DMAR_MATCH_PATH;
			return d;
		}
		if (!d->bridge || d->secondary <= d->bus) {
			snprintf(why, why_size, "%s (path element %zu) is not a bridge", d->name, i);
			return NULL;
		}
		bus = d->secondary;
	}
	return NULL;
}

bool dmar_scope_type_mismatch(const struct dmar_scope *scope, const struct pci_dev *dev)
{
	if (scope->type == DMAR_SCOPE_ENDPOINT)
		return dev->header_type != 0;
	if (scope->type == DMAR_SCOPE_BRIDGE)
		return dev->header_type == 0 && dev->class >> 16 != 0x06;
	return false;
}

bool pci_is_downstream(const struct pci_dev *bridge, const struct pci_dev *dev)
{
	return bridge->bridge && bridge->segment == dev->segment &&
	       dev->bus >= bridge->secondary && dev->bus <= bridge->subordinate;
}

const struct pci_dev *pci_bus_bridge(const struct pci_topology *t, uint16_t segment, uint8_t bus)
{
	for (size_t i = 0; i < t->n; i++) {
		const struct pci_dev *b = &t->devs[i];

		/* A bridge whose secondary bus is its own is no way up. */
		if (b->bridge && b->segment == segment && b->secondary == bus && b->bus != bus)
			return b;
	}
	return NULL;
}

static uint16_t pci_rid(const struct pci_dev *d)
{
	return (uint16_t)(d->bus << 8 | d->dev << 3 | d->fn);
}

size_t pci_dma_aliases(const struct pci_topology *t, const struct pci_dev *dev,
		       struct pci_alias *out)
{
	const struct pci_dev *b;
	size_t n = 0;
	uint8_t bus = dev->bus;

	out[n++] = (struct pci_alias){ pci_rid(dev), NULL };
	for (int step = 0; step < 256 && n < PCI_MAX_ALIASES; step++) {
		b = pci_bus_bridge(t, dev->segment, bus);
		if (!b)
			break;	/* pci_is_root_bus */
		switch (b->pcie_type) {
		case PCI_EXP_TYPE_PCI_BRIDGE:
			out[n++] = (struct pci_alias){ (uint16_t)(b->secondary << 8), b };
			break;
		case PCI_EXP_TYPE_PCIE_BRIDGE:
		case PCI_TYPE_CONVENTIONAL:
			out[n++] = (struct pci_alias){ pci_rid(b), b };
			break;
		default:	/* root and switch ports, other types, unknown */
			break;
		}
		bus = b->bus;
	}
	return n;
}

/* PCI_DEVFN keeps 5 bits of the device and 3 of the function. */
static void scope_bdf(char *out, size_t size, uint16_t segment, uint8_t bus,
		      const struct dmar_path *p)
{
	snprintf(out, size, "%04x:%02x:%02x.%x", segment, bus, p->device & 0x1f, p->function & 7);
}

/*
 * irq_remapping.c ir_parse_one_ioapic_scope and ir_parse_one_hpet_scope
 * (the same since v3.x): before the PCI core runs, each element but the
 * last is read as a bridge's secondary bus (config byte 0x19, read straight
 * from the bus, so no root-bus check); the last element on that bus is the
 * source ID of the interrupt requests.
 */
static void source_id(const struct pci_topology *t, uint16_t segment,
		      const struct dmar_scope *sc, struct resv_scope_target *out)
{
	uint8_t bus = sc->start_bus;

	for (size_t i = 0; i + 1 < sc->npath; i++) {
		const struct dmar_path *p = &sc->path[i];
		const struct pci_dev *d;
		char name[16];

		scope_bdf(name, sizeof(name), segment, bus, p);
		if (!t->n) {
			out->match = RESV_SCOPE_UNRESOLVED;
			snprintf(out->reason, sizeof(out->reason), "no PCI functions were loaded; the "
				 "secondary bus of %s (path element %zu) comes from its config space",
				 name, i);
			return;
		}
		d = pci_find(t, segment, bus, p->device, p->function);
		if (!d || !d->bridge) {
			out->match = RESV_SCOPE_NONE;
			snprintf(out->reason, sizeof(out->reason), "%s (path element %zu) is %s; the "
				 "kernel reads its config byte 0x19 as the next bus all the same", name, i,
				 d ? "not a bridge" : "not among the PCI functions");
			return;
		}
		bus = d->secondary;
	}
	out->match = RESV_SCOPE_SOURCE_ID;
	scope_bdf(out->bdf, sizeof(out->bdf), segment, bus, &sc->path[sc->npath - 1]);
}

void dmar_scope_resolve(const struct pci_topology *t, uint16_t segment,
			const struct dmar_scope *sc, struct resv_scope_target *out)
{
	enum dmar_match how;
	const struct pci_dev *d;
	char name[16];

	*out = (struct resv_scope_target){ .match = RESV_SCOPE_NONE };
	if (sc->npath == 0) {
		snprintf(out->reason, sizeof(out->reason), "the scope has no path");
		return;
	}
	switch (sc->type) {
	case DMAR_SCOPE_IOAPIC:
	case DMAR_SCOPE_HPET:
		source_id(t, segment, sc, out);
		return;
	case DMAR_SCOPE_NAMESPACE:
		/* dmar.c dmar_acpi_insert_dev_scope: bus and devfn as the scope gives them. */
		out->match = RESV_SCOPE_ACPI;
		scope_bdf(out->bdf, sizeof(out->bdf), segment, sc->start_bus, &sc->path[0]);
		return;
	case DMAR_SCOPE_ENDPOINT:
	case DMAR_SCOPE_BRIDGE:
		break;
	default:
		snprintf(out->reason, sizeof(out->reason), "scope type %u names no PCI function",
			 sc->type);
		return;
	}
	scope_bdf(name, sizeof(name), segment, sc->start_bus, &sc->path[0]);
	if (!t->n) {
		out->match = RESV_SCOPE_UNRESOLVED;
		if (sc->npath == 1)
			snprintf(out->reason, sizeof(out->reason), "no PCI functions were loaded; "
				 "it names %s if that function exists, by its path if bus %02x is a "
				 "root bus, else by the kernel's one-element workaround", name,
				 sc->start_bus);
		else
			snprintf(out->reason, sizeof(out->reason), "no PCI functions were loaded; "
				 "the path goes through bridges whose secondary buses come from their "
				 "config space");
		return;
	}
	d = dmar_scope_target(t, segment, sc, &how, out->reason, sizeof(out->reason));
	if (!d)
		return;
	snprintf(out->bdf, sizeof(out->bdf), "%s", d->name);
	if (how == DMAR_MATCH_PATH) {
		out->match = RESV_SCOPE_PATH;
		out->reason[0] = 0;
		return;
	}
	out->match = RESV_SCOPE_FALLBACK;
	snprintf(out->reason, sizeof(out->reason), "the kernel's one-element workaround: bus %02x "
		 "is not a root bus, so dmar_match_pci_path matches the device by its own bus "
		 "and logs \"[Firmware Bug]: RMRR entry for device %02x:%02x.%x is broken - "
		 "applying workaround\"", sc->start_bus, sc->start_bus, sc->path[0].device,
		 sc->path[0].function);
}
