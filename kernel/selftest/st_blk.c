/*
 * st_blk.c - self-tests of the virtio-blk driver on the disk we booted
 * from (images/test/selftest.mki): the device and its size, the MBR,
 * writes to the disk's last ST_BLK_TAIL sectors (past anything the
 * store uses; restored afterwards, and the test harness boots with
 * snapshot=on anyway), transfers across page boundaries, argument
 * checks, polling with interrupts off, and a simulated hang: the test
 * kernel's wrappers of virtio_pci_notify() and timer_tsc_hz() (ld
 * --wrap, kernel/rules.mk) withhold the driver's notifications and make
 * its timeout pass quickly. Reported in the blk suite.
 */
#include <stdbool.h>
#include <stdint.h>

#include <abi/err.h>
#include <boot.h>
#include <dev/blk.h>
#include <dev/virtio.h>
#include <dev/virtio_pci.h>
#include <lib/string.h>
#include <pmm.h>
#include <printf.h>
#include <selftest/selftest.h>
#include <selftest/st_blk.h>
#include <x86_64/cpu.h>
#include <x86_64/timer.h>
#include <x86_64/vm.h>

#define MAX_RUN		512
#define MAX_TRY		2048	/* frames held looking for a run */
#define HANG_MS		300	/* what BLK_TIMEOUT_MS takes in the test */

void		__real_virtio_pci_notify(struct virtq *q);
void		__wrap_virtio_pci_notify(struct virtq *q);
uint64_t	__real_timer_tsc_hz(void);
uint64_t	__wrap_timer_tsc_hz(void);

static const uint8_t	rodata_buf[BLK_SECTOR] = { 1 };
static volatile bool	hang;		/* a hung device, simulated */
static unsigned		withheld;	/* notifications withheld */

/* The doorbell of every virtio device: while hang is set the device
   never hears of new requests. */
void
__wrap_virtio_pci_notify(struct virtq *q)
{
	if (hang)
		withheld++;
	else
		__real_virtio_pci_notify(q);
}

/*
 * The TSC frequency, by which the driver turns BLK_TIMEOUT_MS into
 * cycles: while hang is set it is as many times lower as HANG_MS is
 * shorter, so the timeout takes HANG_MS. (Only the driver asks while the
 * hang test runs: the tick counts without it, and no process runs.)
 */
uint64_t
__wrap_timer_tsc_hz(void)
{
	uint64_t hz = __real_timer_tsc_hz();

	return hang ? hz / BLK_TIMEOUT_MS * HANG_MS : hz;
}

bool
st_blk_up(void)
{
	int err = blk_init();

	if (err != 0)
		st_fail("blk_init: error %d", err);
	return err == 0;
}

uint64_t
st_blk_alloc(unsigned n)
{
	static uint64_t got[MAX_TRY];
	unsigned i, j, start = 0, run = 0;
	uint64_t base = 0;

	if (n == 0 || n > MAX_RUN)
		return 0;
	for (i = 0; i < MAX_TRY && base == 0; i++) {
		if ((got[i] = pmm_alloc()) == 0)
			break;
		if (run > 0 && got[i] == got[i - 1] + PAGE_SIZE_4K)
			run++;
		else {
			run = 1;
			start = i;
		}
		if (run == n)
			base = got[start];
	}
	for (j = 0; j < i; j++)
		if (base == 0 || j < start || j >= start + n)
			pmm_free(got[j]);
	return base;
}

void
st_blk_free(uint64_t pa, unsigned n)
{
	while (n-- > 0)
		pmm_free(pa + n * PAGE_SIZE_4K);
}

uint64_t
st_blk_pattern(uint64_t seed, uint64_t lba, unsigned i)
{
	uint64_t x = seed ^ (lba << 20) ^ i;

	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdul;
	x ^= x >> 33;
	return x;
}

static void
test_blk_init_finds_disk(void)
{
	uint64_t cap;

	if (!st_blk_up())
		return;
	cap = blk_capacity();
	kprintf("selftest: blk capacity %lu sectors, BIOS says %lu, store "
	    "[%lu, +%lu), flush %d\n", cap, boot_info.disk_sectors,
	    boot_info.store_lba, boot_info.store_sectors, blk_has_flush());
	ST_CHECK(cap != 0);
	if (boot_info.disk_sectors != 0)
		ST_CHECK_EQ(cap, boot_info.disk_sectors);
	ST_CHECK(boot_info.store_sectors != 0);
	ST_CHECK(boot_info.store_lba + boot_info.store_sectors <= cap);
	ST_CHECK(cap > ST_BLK_TAIL);
	ST_CHECK(!blk_read_only());
	ST_CHECK_EQ(blk_init(), 0);		/* idempotent */
	ST_CHECK_EQ(blk_capacity(), cap);
}

static void
test_blk_read_mbr(void)
{
	uint64_t pa = pmm_alloc(), irqs;
	uint8_t *mbr;
	unsigned i, store = 0, boot = 0;
	int err;

	ST_CHECK(pa != 0);
	mbr = phys_to_virt(pa);
	memset(mbr, 0xEE, PAGE_SIZE_4K);
	irqs = blk_irq_count();
	err = st_blk_up() ? blk_read(0, mbr, 1) : -1;
	irqs = blk_irq_count() - irqs;
	for (i = 0; err == 0 && i < 4; i++) {
		const uint8_t *e = mbr + 446 + 16 * i;
		uint32_t lba, n;

		memcpy(&lba, e + 8, 4);
		memcpy(&n, e + 12, 4);
		if (e[4] == 0x7E && lba == boot_info.store_lba &&
		    n == boot_info.store_sectors)
			store++;
		if (e[4] == 0x7F && e[0] == 0x80 &&
		    lba == boot_info.bootpart_lba)
			boot++;
	}
	bool sig = mbr[510] == 0x55 && mbr[511] == 0xAA;
	bool rest = mbr[512] == 0xEE && mbr[PAGE_SIZE_4K - 1] == 0xEE;
	pmm_free(pa);
	ST_CHECK_EQ(err, 0);
	ST_CHECK(sig);
	ST_CHECK(rest);		/* exactly one sector was written */
	ST_CHECK_EQ(store, 1);
	ST_CHECK_EQ(boot, 1);
	ST_CHECK(irqs >= 1);		/* completed by interrupt */
}

/* Write a pattern to the tail, read it back, flush, restore. */
static void
test_blk_tail_write_read(void)
{
	uint64_t pa = st_blk_alloc(3 * ST_BLK_TAIL / 8), lba;
	uint64_t seed = cpu_rdtsc();
	uint64_t *save, *pat, *back;
	unsigned n = ST_BLK_TAIL * BLK_SECTOR / 8, i, bad = 0;
	int e1 = -1, e2 = -1, e3 = -1, e4 = -1, e5 = -1, e6 = -1;

	if (pa == 0 || !st_blk_up()) {
		if (pa == 0)
			st_fail("no contiguous frames");
		else
			st_blk_free(pa, 3 * ST_BLK_TAIL / 8);
		return;
	}
	save = phys_to_virt(pa);
	pat = save + n;
	back = pat + n;
	lba = blk_capacity() - ST_BLK_TAIL;
	for (i = 0; i < n; i++)
		pat[i] = st_blk_pattern(seed, lba + i / 64, i % 64);
	memset(back, 0, n * 8);
	e1 = blk_read(lba, save, ST_BLK_TAIL);
	if (e1 == 0)
		e2 = blk_write(lba, pat, ST_BLK_TAIL);
	if (e2 == 0)
		e3 = blk_read(lba, back, ST_BLK_TAIL);
	for (i = 0; e3 == 0 && i < n; i++)
		bad += back[i] != pat[i];
	if (e3 == 0)
		e4 = blk_flush();
	if (e1 == 0)
		e5 = blk_write(lba, save, ST_BLK_TAIL);
	if (e5 == 0)
		e6 = blk_read(lba, back, ST_BLK_TAIL);
	bool restored = e6 == 0 && memcmp(back, save, n * 8) == 0;
	st_blk_free(pa, 3 * ST_BLK_TAIL / 8);
	ST_CHECK_EQ(e1, 0);
	ST_CHECK_EQ(e2, 0);
	ST_CHECK_EQ(e3, 0);
	ST_CHECK_EQ(bad, 0);
	ST_CHECK_EQ(e4, 0);
	ST_CHECK_EQ(e5, 0);
	ST_CHECK(restored);
}

/*
 * 64 KiB starting 512 bytes into a page (17 pages touched) against the
 * same sectors read one at a time; the bytes around the buffer must
 * stay untouched.
 */
static void
test_blk_multipage(void)
{
	const unsigned nsect = 128, npages = 18;
	uint64_t pa = st_blk_alloc(npages), lba, sector_pa = pmm_alloc();
	uint8_t *area, *one;
	unsigned i, bad = 0;
	int err = -1, err1 = 0;

	if (pa == 0 || sector_pa == 0 || !st_blk_up())
		goto out;
	area = phys_to_virt(pa);
	one = phys_to_virt(sector_pa);
	memset(area, 0xA5, npages * PAGE_SIZE_4K);
	lba = boot_info.bootpart_lba;	/* stage 2 and the kernel */
	err = blk_read(lba, area + 512, nsect);
	for (i = 0; err == 0 && err1 == 0 && i < nsect; i++) {
		err1 = blk_read(lba + i, one, 1);
		bad += memcmp(one, area + 512 + i * BLK_SECTOR,
		    BLK_SECTOR) != 0;
	}
	for (i = 0; i < 512; i++)
		bad += area[i] != 0xA5 ||
		    area[512 + nsect * BLK_SECTOR + i] != 0xA5;
out:
	if (pa != 0)
		st_blk_free(pa, npages);
	if (sector_pa != 0)
		pmm_free(sector_pa);
	ST_CHECK(pa != 0 && sector_pa != 0);
	ST_CHECK_EQ(err, 0);
	ST_CHECK_EQ(err1, 0);
	ST_CHECK_EQ(bad, 0);
}

static void
test_blk_bad_args(void)
{
	uint64_t pa = pmm_alloc(), cap;
	uint8_t *buf;
	struct blk_req r;

	ST_CHECK(pa != 0);
	buf = phys_to_virt(pa);
	if (!st_blk_up()) {
		pmm_free(pa);
		return;
	}
	cap = blk_capacity();
	int e[20], k = 0;
	e[k++] = blk_read(cap, buf, 1);
	e[k++] = blk_read(cap - 1, buf, 2);
	e[k++] = blk_read(0, buf, 0);
	e[k++] = blk_read(UINT64_MAX, buf, 1);
	e[k++] = blk_read(1, buf, UINT32_MAX);
	e[k++] = blk_write(cap - 1, buf, 8);
	e[k++] = blk_read(0, NULL, 1);
	e[k++] = blk_read(0, (void *)0x1000, 1);		/* user half */
	e[k++] = blk_read(0, (void *)(KMAP_BASE + 0x300000), 1);
	e[k++] = blk_read(0, (void *)rodata_buf, 1);	/* read-only */
	e[k++] = blk_read(0, (void *)test_blk_bad_args, 1);	/* text */
	e[k++] = blk_read(0, phys_to_virt(0x7000), 1);	/* below 1 MiB */
	memset(&r, 0, sizeof(r));
	r.op = 7, r.pa = pa, r.len = 512;
	e[k++] = blk_submit(&r);
	r.op = BLK_OP_READ, r.len = 100;
	e[k++] = blk_submit(&r);
	r.len = BLK_REQ_MAX_BYTES + 512;
	e[k++] = blk_submit(&r);
	r.len = 512, r.pa = 0;
	e[k++] = blk_submit(&r);
	r.pa = vm_phys_limit;
	e[k++] = blk_submit(&r);
	r.op = BLK_OP_FLUSH, r.pa = 0, r.len = 512;
	e[k++] = blk_submit(&r);
	memset(&r, 0, sizeof(r));
	e[k++] = blk_wait(&r);			/* never submitted */
	int ok = blk_read(cap - 1, buf, 1);		/* still works */
	pmm_free(pa);
	for (int i = 0; i < k; i++)
		if (e[i] != ERR_BAD_ARG) {
			st_fail("case %d: error %d, want ERR_BAD_ARG", i, e[i]);
			return;
		}
	ST_CHECK_EQ(ok, 0);
}

/* With interrupts off the calls poll the device instead of sleeping. */
static void
test_blk_irqs_off(void)
{
	uint64_t pa = pmm_alloc();
	uint8_t *buf;
	int err = -1;

	ST_CHECK(pa != 0);
	buf = phys_to_virt(pa);
	memset(buf, 0, BLK_SECTOR);
	if (st_blk_up()) {
		cpu_cli();
		err = blk_read(0, buf, 1);
		cpu_sti();
	}
	bool sig = buf[510] == 0x55 && buf[511] == 0xAA;
	pmm_free(pa);
	ST_CHECK_EQ(err, 0);
	ST_CHECK(sig);
}

/*
 * A request the device never hears of: the driver gives up after the
 * timeout (HANG_MS here), fails it, stays down, and blk_init() brings
 * the disk back.
 */
static void
test_blk_hang_recovers(void)
{
	uint64_t pa = pmm_alloc(), t0, ms, khz = timer_tsc_hz() / 1000;
	uint8_t *buf;
	int e1, e2, e3 = -1, e4 = -1;

	ST_CHECK(pa != 0);
	buf = phys_to_virt(pa);
	if (!st_blk_up()) {
		pmm_free(pa);
		return;
	}
	withheld = 0;
	hang = true;
	t0 = cpu_rdtsc();
	e1 = blk_read(0, buf, 1);
	ms = (cpu_rdtsc() - t0) / khz;
	hang = false;
	e2 = blk_read(0, buf, 1);		/* the driver is down */
	uint64_t cap_down = blk_capacity();
	e3 = blk_init();
	memset(buf, 0, BLK_SECTOR);
	if (e3 == 0)
		e4 = blk_read(0, buf, 1);
	bool sig = buf[510] == 0x55 && buf[511] == 0xAA;
	pmm_free(pa);
	kprintf("selftest: hung read failed after %lu ms (%u withheld)\n", ms,
	    withheld);
	ST_CHECK_EQ(withheld, 1);
	ST_CHECK_EQ(e1, ERR_IO);
	ST_CHECK(ms >= HANG_MS && ms < BLK_TIMEOUT_MS);
	ST_CHECK_EQ(e2, ERR_IO);
	ST_CHECK_EQ(cap_down, 0);
	ST_CHECK_EQ(e3, 0);
	ST_CHECK_EQ(e4, 0);
	ST_CHECK(sig);
}

ST_SUITE_AS("blk", st_blk,
	ST_CASE(blk_init_finds_disk),
	ST_CASE(blk_read_mbr),
	ST_CASE(blk_tail_write_read),
	ST_CASE(blk_multipage),
	ST_CASE(blk_bad_args),
	ST_CASE(blk_irqs_off),
	ST_CASE(blk_hang_recovers),
);
