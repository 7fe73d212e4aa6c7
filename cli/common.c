// SPDX-License-Identifier: MIT
/* What the commands share: options, diagnostics, views, the system. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "lspci.h"

/* Arguments may be names or paths from files: the line is escaped whole. */
void warnx_(const char *fmt, ...)
{
	va_list ap;
	char *msg = NULL;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	fprintf(stderr, PROG ": %s\n", n < 0 ? fmt : esc(msg));
	free(msg);
}

/* The options every command has, last in its usage text. */
void usage_common_options(FILE *f)
{
	fputs(" -J, --json               JSON output\n"
	      " -o, --output <list>      output columns (+list: added to the default ones)\n"
	      " -r, --raw                raw output\n"
	      " -n, --noheadings         don't print headings\n"
	      " -b, --bytes              sizes in bytes\n"
	      "     --list-columns       list the columns\n"
	      " -h, --help               display this help\n"
	      " -V, --version            display version\n"
	      "\nSee iommu-resv(8).\n", f);
}

void errtryhelp(const char *cmd)
{
	fprintf(stderr, "Try '" PROG " %s --help' for more information.\n", cmd);
}

/* Where the commands that read firmware read it from. */
void usage_input_options(FILE *f)
{
	fputs("     --sysroot <dir>      read a snapshot of / instead of the live system\n"
	      "     --table <file>       a DMAR, IVRS, IORT or VIOT table, binary or acpidump\n"
	      "                          (repeatable; replaces sys/firmware/acpi/tables)\n"
	      "     --lspci <file>       PCI functions from an lspci -xxx dump (replaces\n"
	      "                          sys/bus/pci/devices)\n", f);
}

/* The options of the commands that predict from firmware: input and model. */
void usage_machine_options(FILE *f)
{
	usage_input_options(f);
	fputs("     --no-floppy-wa       a kernel without CONFIG_INTEL_IOMMU_FLOPPY_WA\n"
	      "     --assume <key=value> what no table says (repeatable): preserve-config=yes|no\n"
	      "                          (PCI host bridge _DSM 5; IORT RMRs), viommu-resv=\n"
	      "                          qemu-x86|qemu-virt-gicv2m|qemu-virt-its|none\n"
	      "     --page-size <size>   the kernel's page size, 4K (default), 16K or 64K: IORT\n"
	      "                          RMRs not 64 KiB aligned are widened to its pages\n"
	      "     --kernel-cmdline <s> the kernel command line (default: the root's\n"
	      "                          proc/cmdline): pci=, pcie_acs_override=, intremap=\n", f);
}

enum {
	OPT_SYSROOT = 0x100, OPT_VIEW, OPT_APERTURE, OPT_STRICT, OPT_FORMAT,
	OPT_LIST_COLUMNS, OPT_TABLE, OPT_LSPCI, OPT_COMPARE, OPT_NO_FLOPPY_WA,
	OPT_KERNEL_VERSION, OPT_ASSUME, OPT_PAGE_SIZE, OPT_MAP, OPT_KERNEL_CMDLINE,
};

static const struct option long_options[] = {
	{ "json", no_argument, NULL, 'J' },
	{ "output", required_argument, NULL, 'o' },
	{ "raw", no_argument, NULL, 'r' },
	{ "noheadings", no_argument, NULL, 'n' },
	{ "bytes", no_argument, NULL, 'b' },
	{ "sysroot", required_argument, NULL, OPT_SYSROOT },
	{ "view", required_argument, NULL, OPT_VIEW },
	{ "aperture", required_argument, NULL, OPT_APERTURE },
	{ "strict", no_argument, NULL, OPT_STRICT },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "list-columns", no_argument, NULL, OPT_LIST_COLUMNS },
	{ "table", required_argument, NULL, OPT_TABLE },
	{ "lspci", required_argument, NULL, OPT_LSPCI },
	{ "compare", no_argument, NULL, OPT_COMPARE },
	{ "no-floppy-wa", no_argument, NULL, OPT_NO_FLOPPY_WA },
	{ "kernel-version", required_argument, NULL, OPT_KERNEL_VERSION },
	{ "assume", required_argument, NULL, OPT_ASSUME },
	{ "page-size", required_argument, NULL, OPT_PAGE_SIZE },
	{ "map", required_argument, NULL, OPT_MAP },
	{ "kernel-cmdline", required_argument, NULL, OPT_KERNEL_CMDLINE },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* A number in hex (0x) or decimal, the whole string, within 64 bits. */
static int parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (!*s || *s == '-' || *s == '+' || *s == ' ')
		return -EINVAL;
	errno = 0;
	*v = strtoull(s, &end, 0);
	if (errno || *end)
		return -EINVAL;
	return 0;
}

/*
 * One bound of START-LAST: hex (0x) or decimal, or a size with K, M, G or T
 * (binary units, as --guest takes them). A LAST with a unit is where the
 * range ends, so its last byte is one below: 0-512G is 0x0-0x7fffffffff.
 */
static int parse_bound(const char *s, bool last, uint64_t *v)
{
	size_t len = strlen(s);
	uint64_t mul = 0, n;
	char buf[64];

	switch (len ? s[len - 1] : 0) {
	case 'K': case 'k': mul = 1ull << 10; break;
	case 'M': case 'm': mul = 1ull << 20; break;
	case 'G': case 'g': mul = 1ull << 30; break;
	case 'T': case 't': mul = 1ull << 40; break;
	}
	if (!mul)
		return parse_u64(s, v);
	if (len - 1 >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, len - 1);
	buf[len - 1] = '\0';
	if (parse_u64(buf, &n) < 0)
		return -EINVAL;
	if (!last) {
		if (n > UINT64_MAX / mul)
			return -EINVAL;
		*v = n * mul;
		return 0;
	}
	/* n * mul - 1 without overflow: 16777216T - 1 is UINT64_MAX. */
	if (n == 0 || n - 1 > (UINT64_MAX - (mul - 1)) / mul)
		return -EINVAL;
	*v = (n - 1) * mul + (mul - 1);
	return 0;
}

/* START-LAST, both inclusive (parse_bound for sizes with units). */
int parse_range_arg(const char *s, struct resv_range *r)
{
	char buf[64];
	const char *dash = strchr(s, '-');

	if (!dash || (size_t)(dash - s) >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, (size_t)(dash - s));
	buf[dash - s] = '\0';
	if (parse_bound(buf, false, &r->start) < 0 || parse_bound(dash + 1, true, &r->last) < 0)
		return -EINVAL;
	return r->start <= r->last ? 0 : -EINVAL;
}

/* Short options stand before the first ',' of @allowed, long-only after. */
static bool option_allowed(const char *allowed, int c, const char *name)
{
	const char *comma = strchr(allowed, ',');
	size_t nshort = comma ? (size_t)(comma - allowed) : strlen(allowed);

	if (c < 0x100)
		return memchr(allowed, c, nshort) != NULL;
	for (const char *p = comma; p; p = strchr(p + 1, ',')) {
		size_t len = strcspn(p + 1, ",");

		if (strlen(name) == len && strncmp(p + 1, name, len) == 0)
			return true;
	}
	return false;
}

/*
 * Parse the options in @allowed (a string of the option letters and the
 * names of long-only options between commas, e.g. "Jornb,sysroot,view").
 * Return: 0 to go on, or an exit status (help and version exit 0).
 */
int parse_options(struct opts *o, int argc, char **argv, const char *cmd,
		  const char *allowed, void (*usage)(FILE *))
{
	int c;

	memset(o, 0, sizeof(*o));
	o->view = VIEW_RESOLVED;
	o->aperture = (struct resv_range){ 0, (1ull << 48) - 1 };
	optind = 1;
	while ((c = getopt_long(argc, argv, "Jo:rnbhV", long_options, NULL)) != -1) {
		const char *name = NULL;

		for (const struct option *lo = long_options; lo->name; lo++)
			if (lo->val == c)
				name = lo->name;
		if (c != '?' && c != 'h' && c != 'V' && name &&
		    !option_allowed(allowed, c, name)) {
			warnx_("%s: option --%s does not apply", cmd, name);
			errtryhelp(cmd);
			return EXIT_FAIL;
		}
		switch (c) {
		case 'J': o->json = true; break;
		case 'o': o->columns = optarg; break;
		case 'r': o->raw = true; break;
		case 'n': o->noheadings = true; break;
		case 'b': o->bytes = true; break;
		case OPT_SYSROOT: {
			struct stat st;

			/* An empty path would read the live system unnoticed. */
			if (!*optarg) {
				warnx_("%s: --sysroot: empty path", cmd);
				return EXIT_FAIL;
			}
			int err = stat(optarg, &st) < 0 ? errno :
				  S_ISDIR(st.st_mode) ? 0 : ENOTDIR;

			if (err) {
				warnx_("%s: --sysroot '%s': %s", cmd, optarg, strerror(err));
				return EXIT_FAIL;
			}
			o->sysroot = optarg;
			break;
		}
		case OPT_STRICT: o->strict = true; break;
		case OPT_LIST_COLUMNS:
			o->list_columns = true;
			break;
		case OPT_TABLE:
			if (o->ntables == (int)ARRAY_LEN(o->tables)) {
				warnx_("%s: at most %zu --table options", cmd, ARRAY_LEN(o->tables));
				return EXIT_FAIL;
			}
			o->tables[o->ntables++] = optarg;
			break;
		case OPT_LSPCI: o->lspci = optarg; break;
		case OPT_MAP:
			if (!*optarg) {
				warnx_("%s: --map: empty file name (FILE.svg, - or term)", cmd);
				return EXIT_FAIL;
			}
			o->map = optarg;
			break;
		case OPT_COMPARE: o->compare = true; break;
		case OPT_NO_FLOPPY_WA: o->no_floppy_wa = true; break;
		case OPT_ASSUME:
			if (o->nassume == (int)ARRAY_LEN(o->assume)) {
				warnx_("%s: at most %zu --assume options", cmd, ARRAY_LEN(o->assume));
				return EXIT_FAIL;
			}
			o->assume[o->nassume++] = optarg;
			break;
		case OPT_KERNEL_CMDLINE:
			o->kernel_cmdline = optarg;
			break;
		case OPT_PAGE_SIZE:
			o->page_size = strcmp(optarg, "4K") == 0 || strcmp(optarg, "4096") == 0 ? 4096 :
				       strcmp(optarg, "16K") == 0 || strcmp(optarg, "16384") == 0 ? 16384 :
				       strcmp(optarg, "64K") == 0 || strcmp(optarg, "65536") == 0 ? 65536 : 0;
			if (!o->page_size) {
				warnx_("%s: bad --page-size '%s': 4K, 16K or 64K (the kernel's "
				       "PAGE_SIZE: CONFIG_ARM64_4K/16K/64K_PAGES)", cmd, optarg);
				errtryhelp(cmd);
				return EXIT_FAIL;
			}
			break;
		case OPT_KERNEL_VERSION:
			if (resv_parse_kernel_version(optarg, &o->kernel) < 0) {
				warnx_("%s: bad --kernel-version '%s': expected X.Y or a release "
				       "as uname -r prints it, e.g. 6.5 or 6.1.0-57-amd64", cmd,
				       optarg);
				errtryhelp(cmd);
				return EXIT_FAIL;
			}
			if (o->kernel < KERNEL_OLDEST_MODELLED) {
				warnx_("%s: --kernel-version %s: %s; give 5.3 or later", cmd, optarg,
				       NOT_MODELLED);
				return EXIT_FAIL;
			}
			break;
		case OPT_VIEW:
			o->view_set = true;
			if (strcmp(optarg, "kernel") == 0)
				o->view = VIEW_KERNEL;
			else if (strcmp(optarg, "resolved") == 0)
				o->view = VIEW_RESOLVED;
			else if (strcmp(optarg, "usable") == 0)
				o->view = VIEW_USABLE;
			else {
				warnx_("%s: unknown view '%s' (kernel, resolved, usable)", cmd, optarg);
				errtryhelp(cmd);
				return EXIT_FAIL;
			}
			break;
		case OPT_FORMAT:
			if (strcmp(optarg, "sysfs") == 0)
				o->format = FORMAT_SYSFS;
			else if (strcmp(optarg, "table") == 0)
				o->format = FORMAT_TABLE;
			else {
				warnx_("%s: unknown format '%s' (table, sysfs)", cmd, optarg);
				errtryhelp(cmd);
				return EXIT_FAIL;
			}
			break;
		case OPT_APERTURE:
			if (parse_range_arg(optarg, &o->aperture) < 0) {
				warnx_("%s: bad --aperture '%s': expected START-LAST, START <= LAST, hex (0x), decimal or a size with K, M, G or T (0-512G)",
				       cmd, optarg);
				errtryhelp(cmd);
				return EXIT_FAIL;
			}
			o->aperture_set = true;
			break;
		case 'h':
			usage(stdout);
			return -1;
		case 'V':
			printf(PROG " %s\n", resv_version());
			return -1;
		default:
			errtryhelp(cmd);
			return EXIT_FAIL;
		}
	}
	/* A map on standard output replaces the command's own output. */
	if (o->map && (strcmp(o->map, "-") == 0 || strcmp(o->map, "term") == 0) &&
	    (o->json || o->format == FORMAT_SYSFS)) {
		warnx_("%s: --map %s and %s are mutually exclusive (both write standard output)",
		       cmd, o->map, o->json ? "--json" : "--format sysfs");
		errtryhelp(cmd);
		return EXIT_FAIL;
	}
	if (o->json && o->format == FORMAT_SYSFS) {
		warnx_("%s: --json and --format sysfs are mutually exclusive", cmd);
		errtryhelp(cmd);
		return EXIT_FAIL;
	}
	/* The kernel's own format implies the kernel's view unless told. */
	if (o->format == FORMAT_SYSFS && !o->view_set)
		o->view = VIEW_KERNEL;
	o->args = argv + optind;
	o->nargs = argc - optind;
	return 0;
}

/* A whole file, or stdin for "-"; free() *buf. Return: 0 or -errno. */
/*
 * Without --kernel-version, the verdicts are for the root's own kernel: the
 * running one, or the one a snapshot recorded. Unknown: the newest rules.
 */
void default_kernel(struct opts *o)
{
	unsigned int v;
	uint64_t page;

	/* The root's page size, unless --page-size says it. */
	if (!o->page_size && resv_page_size(o->sysroot, &page) == 0)
		o->page_size = page;

	if (o->kernel || resv_kernel_version(o->sysroot, &v) < 0)
		return;
	o->kernel = v;
	/* Its sysfs is what it is; the rules applied to it are v5.3's and later. */
	if (v < KERNEL_OLDEST_MODELLED)
		warnx_("note: the root's kernel %u.%u: %s; its reserved_regions are shown as read, "
		       "but a verdict or prediction may be wrong", v >> 16, v >> 8 & 0xff,
		       NOT_MODELLED);
}

int read_file(const char *path, char **buf, size_t *len)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	size_t cap = 4096, n = 0;
	char *b;

	struct stat st;

	if (!f)
		return -errno;
	if (fstat(fileno(f), &st) < 0)
		st.st_mode = 0;
	/* fopen() opens a directory; fread() would then fail with EISDIR. */
	if (S_ISDIR(st.st_mode)) {
		if (f != stdin)
			fclose(f);
		return -EISDIR;
	}
	/* A regular file is read in one go into a buffer of its size (a
	 * calculator input can be tens of megabytes). */
	if (S_ISREG(st.st_mode) && st.st_size > 0 && (uint64_t)st.st_size < SIZE_MAX / 4)
		cap = (size_t)st.st_size + 1;
	b = malloc(cap);
	while (b) {
		size_t r = fread(b + n, 1, cap - n, f);

		n += r;
		if (n < cap)
			break;
		char *nb = realloc(b, cap * 2);

		if (!nb) {
			free(b);
			b = NULL;
			break;
		}
		b = nb;
		cap *= 2;
	}
	int err = ferror(f);

	if (f != stdin)
		fclose(f);
	if (!b)
		return -ENOMEM;
	if (err) {
		free(b);
		return -EIO;
	}
	*buf = b;
	*len = n;
	return 0;
}

/* The message for a mapped input cut short under us; see input_open(). */
static char input_bus_msg[512];

static void input_bus(int sig)
{
	(void)sig;
	if (write(STDERR_FILENO, input_bus_msg, strlen(input_bus_msg)) < 0) {
		/* nothing more can be said */
	}
	_exit(EXIT_FAIL);
}

/*
 * A calculator input can be tens of megabytes: a regular file is mapped
 * read-only, its pages shared with the page cache and populated at once
 * (one system call, no copy, no zero-filled pages of our own). A file
 * truncated while it is read would raise SIGBUS on the lost pages: that
 * ends the run with a diagnostic, not a crash.
 */
int input_open(const char *path, struct input *in)
{
	struct stat st;
	int fd;

	*in = (struct input){ 0 };
	if (strcmp(path, "-") != 0) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
		    (uint64_t)st.st_size < SIZE_MAX / 4) {
			void *p = mmap(NULL, (size_t)st.st_size, PROT_READ,
				       MAP_PRIVATE | MAP_POPULATE, fd, 0);

			if (p != MAP_FAILED) {
				struct sigaction sa = { .sa_handler = input_bus };

				snprintf(input_bus_msg, sizeof(input_bus_msg),
					 PROG ": %s: the file shrank while it was being read\n",
					 esc(path));
				sigaction(SIGBUS, &sa, NULL);
				close(fd);
				in->buf = p;
				in->len = (size_t)st.st_size;
				in->mapped = true;
				return 0;
			}
		}
		close(fd);
	}
	/* Standard input, a pipe, a device, an empty file: read it. */
	return read_file(path, &in->buf, &in->len);
}

void input_close(struct input *in)
{
	if (in->mapped)
		munmap(in->buf, in->len);
	else
		free(in->buf);
	*in = (struct input){ 0 };
}

void print_diags(const struct resv_diags *d)
{
	for (size_t i = 0; i < resv_diags_count(d); i++) {
		const struct resv_diag *g = resv_diags_get(d, i);

		json_keep_diag(g);
		if (g->table)
			fprintf(stderr, PROG ": %s: %s@0x%" PRIx64 ": %s: %s [%s]\n", g->where,
				g->table, (uint64_t)g->offset, resv_severity_name(g->severity),
				g->message, g->id);
		else if (g->line)
			fprintf(stderr, PROG ": %s:%" PRIu64 ": %s: %s [%s]\n", g->where,
				g->line, resv_severity_name(g->severity), g->message, g->id);
		else
			fprintf(stderr, PROG ": %s: %s [%s]\n", resv_severity_name(g->severity),
				g->message, g->id);
	}
}

void print_quirks(unsigned int quirks, const char *where)
{
	if (quirks & RESV_QUIRK_TOP_WRAP)
		fprintf(stderr, PROG ": %s: note: a region ends at 0xffffffffffffffff, so the kernel's "
			"last + 1 wraps and later regions of its type are listed apart although they "
			"overlap it; the kernel view shows it as the kernel does [KERNEL_QUIRK_TOP_WRAP]\n",
			where);
	if (quirks & RESV_QUIRK_ZERO_LENGTH)
		fprintf(stderr, PROG ": %s: note: a zero-length region is printed as the kernel "
			"prints it, with last = start - 1 [KERNEL_QUIRK_ZERO_LENGTH]\n", where);
}

/* The view the options ask for: a list, or for the usable view ranges. */
int build_view(const struct opts *o, const struct resv_list *in,
	       struct resv_list **view, struct resv_range_list **usable,
	       const char *where)
{
	unsigned int quirks = 0;

	switch (o->view) {
	case VIEW_KERNEL: {
		int rc = resv_list_kernel_view(view, in, &quirks);

		if (rc == 0)
			print_quirks(quirks, where);
		return rc;
	}
	case VIEW_RESOLVED:
		return resv_list_resolved_view(view, in);
	case VIEW_USABLE:
		return resv_list_usable(usable, in, o->aperture,
					o->strict ? RESV_USABLE_STRICT : 0);
	}
	return -EINVAL;
}

int load_system(const struct opts *o, struct resv_system **sys)
{
	return load_system_what(o, sys, RESV_SYSTEM_ALL);
}

int load_system_what(const struct opts *o, struct resv_system **sys, unsigned int what)
{
	int rc = resv_system_load_what(sys, o->sysroot, what);

	if (rc == -ENOENT) {
		warnx_("sysroot '%s' does not exist", o->sysroot ? o->sysroot : "/");
		return EXIT_FAIL;
	}
	if (rc < 0) {
		warnx_("cannot read the system: %s", strerror(-rc));
		return EXIT_FAIL;
	}
	if (resv_system_group_count(*sys) == 0) {
		const struct resv_diags *d = resv_system_diags(*sys);

		/* A refused link or an unreadable directory is not "the IOMMU is off". */
		for (size_t i = 0; i < resv_diags_count(d); i++)
			if (strcmp(resv_diags_get(d, i)->id, "SYSFS_GROUPS_UNREADABLE") == 0) {
				warnx_("%s", esc(resv_diags_get(d, i)->message));
				resv_system_free(*sys);
				*sys = NULL;
				return EXIT_FAIL;
			}
		warnx_("no IOMMU groups under %s/sys/kernel/iommu_groups: the IOMMU is off "
		       "(intel_iommu=on / amd_iommu=on, VT-d or AMD-Vi in the firmware setup) "
		       "or this is not the machine's sysfs. Use --sysroot DIR to read a snapshot, "
		       "e.g. the examples/ of the source tree.",
		       o->sysroot ? o->sysroot : "");
		resv_system_free(*sys);
		*sys = NULL;
		return EXIT_NO_IOMMU;
	}
	print_diags(resv_system_diags(*sys));
	return 0;
}

/*
 * Human size of [start, last], which can be 2^64 (no uint64_t holds it):
 * exact in the largest unit that divides it ("2030M"), else one decimal,
 * truncated so a size is never overstated ("255.9T").
 */
void print_size(char *buf, size_t size, uint64_t start, uint64_t last)
{
	static const char units[] = "BKMGTPE";
	uint64_t n = last - start;	/* size - 1 */
	int u = 0;

	if (n == UINT64_MAX) {
		snprintf(buf, size, "16E");
		return;
	}
	n++;
	while (u < 6 && n % 1024 == 0) {
		n /= 1024;
		u++;
	}
	if (n < 10000) {
		if (u == 0)
			snprintf(buf, size, "%" PRIu64, n);
		else
			snprintf(buf, size, "%" PRIu64 "%c", n, units[u]);
		return;
	}
	/* Tenths of the largest unit not above the size, truncated. */
	uint64_t full = last - start + 1, div = 1, whole, tenths;

	for (u = 0; u < 6 && full / div >= 1024; u++)
		div *= 1024;
	whole = full / div;
	/* Scale the remainder, not the divisor: div / 10 truncates and made
	 * 10239 bytes "9.10K". full % div < 2^60, so * 10 cannot wrap. */
	tenths = (full % div) * 10 / div;
	snprintf(buf, size, "%" PRIu64 ".%" PRIu64 "%c", whole, tenths, units[u]);
}

static int add_lspci_function(void *ctx, uint16_t segment, uint8_t bus, uint8_t dev,
			      uint8_t fn, const uint8_t *config, size_t len)
{
	int rc = resv_machine_add_pci(ctx, segment, bus, dev, fn, config, len);

	if (rc == -EINVAL && (dev > 31 || fn > 7)) {
		/* libpci's dump reader takes "00:1f.8" too: a function 8 */
		warnx_("%04x:%02x:%02x.%u: no PCI function has that address (device 00-1f, "
		       "function 0-7): left out", segment, bus, dev, fn);
		return 0;
	}
	if (rc == -EINVAL) {
		warnx_("%04x:%02x:%02x.%u: only %zu config bytes in the dump (lspci -x gives 64): "
		       "left out", segment, bus, dev, fn, len);
		return 0;
	}
	return rc;
}

/*
 * The machine the options describe: tables from --table or the sysroot,
 * PCI functions from --lspci or the sysroot, the sysroot's memory map.
 * Return: 0, or an exit status (EXIT_NO_IOMMU when there is no table).
 */
int load_machine(const struct opts *o, struct resv_machine **out)
{
	return load_machine_with(o, out, 0);
}

int load_machine_with(const struct opts *o, struct resv_machine **out, unsigned int extra)
{
	struct resv_machine *m = NULL;
	unsigned int what = RESV_LOAD_ALL | extra;
	int rc;

	*out = NULL;
	if (resv_machine_new(&m) < 0)
		goto nomem;
	for (int i = 0; i < o->ntables; i++) {
		char *buf;
		size_t len;

		rc = read_file(o->tables[i], &buf, &len);
		if (rc < 0) {
			warnx_("cannot read %s: %s", o->tables[i], strerror(-rc));
			goto fail;
		}
		rc = resv_machine_add_tables(m, buf, len, o->tables[i]);
		free(buf);
		if (rc == -EBADMSG) {
			warnx_("%s is neither an ACPI table nor acpidump text", o->tables[i]);
			goto fail;
		}
		if (rc < 0)
			goto nomem;
	}
	if (o->ntables)
		what &= ~RESV_LOAD_TABLES;
	if (o->ntables && !o->sysroot)	/* offline tables: not this host's command line */
		what &= ~RESV_LOAD_CMDLINE;
	if (o->lspci) {
		char err[256];

		rc = lspci_read(o->lspci, add_lspci_function, m, err, sizeof(err));
		if (rc == -ENOMEM)
			goto nomem;
		/* err names the file (and the line) itself */
		if (rc < 0) {
			if (*err)
				warnx_("%s", err);
			else
				warnx_("%s: %s", o->lspci, strerror(-rc));
			goto fail;
		}
		if (*err)
			warnx_("%s", err);
		what &= ~RESV_LOAD_PCI;
	}
	rc = resv_machine_load(m, o->sysroot, what);
	if (rc == -ENOENT) {
		warnx_("sysroot '%s' does not exist", o->sysroot ? o->sysroot : "/");
		goto fail;
	}
	/* The rules of --kernel-version, else of the root's kernel, else the newest. */
	unsigned int kernel = o->kernel;

	if (!kernel && resv_kernel_version(o->sysroot, &kernel) < 0)
		kernel = 0;
	resv_machine_set_kernel(m, kernel);
	if (rc < 0 || resv_machine_lint(m) < 0)
		goto nomem;
	resv_machine_set_kernel(m, o->kernel);
	if (o->page_size)
		resv_machine_set_page_size(m, o->page_size);
	if (o->kernel_cmdline)
		resv_machine_set_cmdline(m, o->kernel_cmdline);
	if (apply_assumptions(m, o))
		goto fail;
	if (resv_machine_table_count(m) == 0) {
		const struct resv_diags *d = resv_machine_diags(m);
		const char *broken = NULL;

		print_diags(d);
		/* A table that is there but unusable is not "no IOMMU". */
		for (size_t i = 0; i < resv_diags_count(d) && !broken; i++)
			if (resv_diags_get(d, i)->severity == RESV_SEV_ERROR &&
			    resv_diags_get(d, i)->table)
				broken = resv_diags_get(d, i)->where;
		if (broken)
			warnx_("no usable DMAR, IVRS, IORT or VIOT table: %s could not be read as one "
			       "(the errors above)", esc(broken));
		else
			warnx_("no DMAR, IVRS, IORT or VIOT table %s: the firmware describes no IOMMU, "
			       "or the tables are readable by root only. Use --table FILE or "
			       "--sysroot DIR.",
			       o->ntables ? "in the --table files" : "under sys/firmware/acpi/tables");
		resv_machine_free(m);
		return EXIT_NO_IOMMU;
	}
	*out = m;
	return 0;
nomem:
	warnx_("out of memory");
fail:
	resv_machine_free(m);
	return EXIT_FAIL;
}

/*
 * [DDDD:]BB:DD.F as lspci and sysfs write it (hex; the domain defaults to
 * 0000) into @name, lowercase, as sysfs names the device. On a malformed
 * argument, *@why says which part is wrong.
 */
bool parse_bdf(const char *arg, size_t len, char name[13], const char **why)
{
	unsigned int part[4] = { 0 }, width[4] = { 4, 2, 2, 1 };
	unsigned int first = 0, k;
	const char *p = arg, *end = arg + len;
	size_t colons = 0;

	for (size_t i = 0; i < len; i++)
		colons += arg[i] == ':';
	first = colons == 1;	/* BB:DD.F: domain 0000 */
	for (k = first; k < 4; k++) {
		unsigned int digits = 0;

		for (; p < end && isxdigit((unsigned char)*p); p++, digits++)
			part[k] = part[k] * 16 + (unsigned int)(isdigit((unsigned char)*p) ?
				  *p - '0' : (*p | 0x20) - 'a' + 10);
		if (digits != width[k] && !(k == 3 && digits == 1)) {
			*why = k == 3 ? "expected one hex digit of function"
				      : digits > width[k] ? "a field is too long"
				      : "expected [DDDD:]BB:DD.F, each field in full (00:1f.0)";
			return false;
		}
		if (k < 3 && (p == end || *p != (k == 2 ? '.' : ':'))) {
			*why = "expected [DDDD:]BB:DD.F";
			return false;
		}
		if (k < 3)
			p++;
	}
	if (p != end) {
		*why = "trailing characters after the function";
		return false;
	}
	if (part[2] > 0x1f) {
		*why = "device number above 1f";
		return false;
	}
	if (part[3] > 7) {
		*why = "function number above 7";
		return false;
	}
	snprintf(name, 13, "%04x:%02x:%02x.%x", part[0], part[1], part[2], part[3]);
	return true;
}
