/*
 * st_virtq.c - self-tests of the split virtqueue (dev/virtio.c) with no
 * device behind it: the test plays the device, reading the descriptor
 * table and writing the used ring, including the impossible entries a
 * broken or hostile device could write. Reported in the blk suite.
 */
#include <stddef.h>
#include <stdint.h>

#include <abi/err.h>
#include <dev/virtio.h>
#include <selftest/selftest.h>

#define QSIZE	8

static struct virtq	q;	/* rings allocated once, reset per test */
static int		tokens[QSIZE];	/* cookies: &tokens[i] */

/* A fresh queue of QSIZE entries; false (and a failure) if impossible. */
static bool
fresh(void)
{
	int err = virtq_init(&q, QSIZE);

	if (err != 0)
		st_fail("virtq_init: %d", err);
	return err == 0;
}

/* Add a chain of one readable and nw writable 512-byte buffers. */
static int
add(unsigned nw, void *cookie)
{
	struct virtq_seg segs[4];
	unsigned i;

	segs[0] = (struct virtq_seg){ 0x100000, 16, false };
	for (i = 1; i <= nw; i++)
		segs[i] = (struct virtq_seg){ 0x200000 + i * 512, 512, true };
	return virtq_add(&q, segs, nw + 1, cookie);
}

/* As the device: put (id, len) in the used ring and publish it. */
static void
device_use(uint32_t id, uint32_t len)
{
	uint16_t i = q.used->idx;

	q.used->ring[i % q.size].id = id;
	q.used->ring[i % q.size].len = len;
	q.used->idx = (uint16_t)(i + 1);
}

static void
test_virtq_chain_layout(void)
{
	uint16_t head, d1, d2;

	if (!fresh())
		return;
	ST_CHECK_EQ(virtq_init(&q, 6), ERR_BAD_ARG);	/* not 2^n */
	ST_CHECK_EQ(virtq_init(&q, 512), ERR_BAD_ARG);
	ST_CHECK(fresh());
	head = virtq_peek_head(&q);
	ST_CHECK_EQ(add(2, &tokens[0]), 0);
	ST_CHECK_EQ(q.nfree, QSIZE - 3);
	ST_CHECK_EQ(q.avail->idx, 1);
	ST_CHECK_EQ(q.avail->ring[0], head);
	/* As the device: walk the chain. */
	ST_CHECK_EQ(q.desc[head].addr, 0x100000);
	ST_CHECK_EQ(q.desc[head].len, 16);
	ST_CHECK_EQ(q.desc[head].flags, VIRTQ_DESC_F_NEXT);
	d1 = q.desc[head].next;
	ST_CHECK(d1 < QSIZE && d1 != head);
	ST_CHECK_EQ(q.desc[d1].addr, 0x200000 + 512);
	ST_CHECK_EQ(q.desc[d1].flags, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE);
	d2 = q.desc[d1].next;
	ST_CHECK(d2 < QSIZE && d2 != head && d2 != d1);
	ST_CHECK_EQ(q.desc[d2].addr, 0x200000 + 1024);
	ST_CHECK_EQ(q.desc[d2].flags, VIRTQ_DESC_F_WRITE);
}

static void
test_virtq_full_and_bad_args(void)
{
	struct virtq_seg bad[2] = {
		{ 0x200000, 512, true }, { 0x100000, 16, false },
	};
	unsigned n = 0;

	if (!fresh())
		return;
	ST_CHECK_EQ(virtq_add(&q, bad, 0, &tokens[0]), ERR_BAD_ARG);
	ST_CHECK_EQ(virtq_add(&q, bad, 2, &tokens[0]), ERR_BAD_ARG);
	bad[1].len = 0;
	bad[1].device_writes = true;
	ST_CHECK_EQ(virtq_add(&q, bad, 2, &tokens[0]), ERR_BAD_ARG);
	ST_CHECK_EQ(add(1, NULL), ERR_BAD_ARG);
	ST_CHECK_EQ(q.nfree, QSIZE);
	while (add(1, &tokens[n]) == 0)
		n++;
	ST_CHECK_EQ(n, QSIZE / 2);
	ST_CHECK_EQ(add(1, &tokens[0]), ERR_NO_SPACE);
	ST_CHECK_EQ(q.nfree, 0);
	ST_CHECK_EQ(q.ninflight, QSIZE / 2);
}

static void
test_virtq_out_of_order(void)
{
	uint16_t ha, hb, hc, head;
	uint32_t len;
	void *cookie;

	if (!fresh())
		return;
	ha = virtq_peek_head(&q);
	ST_CHECK_EQ(add(1, &tokens[0]), 0);
	hb = virtq_peek_head(&q);
	ST_CHECK_EQ(add(2, &tokens[1]), 0);
	hc = virtq_peek_head(&q);
	ST_CHECK_EQ(add(1, &tokens[2]), 0);
	ST_CHECK_EQ(virtq_pop(&q, &cookie, &head, &len), ERR_NOT_FOUND);

	device_use(hc, 512);
	device_use(ha, 1);
	ST_CHECK_EQ(virtq_pop(&q, &cookie, &head, &len), 0);
	ST_CHECK(cookie == &tokens[2] && head == hc && len == 512);
	ST_CHECK_EQ(virtq_pop(&q, &cookie, &head, &len), 0);
	ST_CHECK(cookie == &tokens[0] && head == ha && len == 1);
	ST_CHECK_EQ(virtq_pop(&q, &cookie, &head, &len), ERR_NOT_FOUND);
	ST_CHECK_EQ(q.nfree, QSIZE - 3);
	/* Freed descriptors are reused without disturbing chain b. */
	ST_CHECK_EQ(add(1, &tokens[3]), 0);
	ST_CHECK_EQ(add(1, &tokens[4]), 0);
	ST_CHECK_EQ(add(1, &tokens[5]), ERR_NO_SPACE);
	device_use(hb, 1024);
	ST_CHECK_EQ(virtq_pop(&q, &cookie, &head, &len), 0);
	ST_CHECK(cookie == &tokens[1] && head == hb && len == 1024);
	ST_CHECK_EQ(q.ninflight, 2);
}

/* One bad used entry after a good chain; the queue must break. */
static void
expect_broken(void)
{
	uint16_t head;
	uint32_t len;
	void *cookie;

	ST_CHECK_EQ(virtq_pop(&q, &cookie, &head, &len), ERR_CORRUPT);
	ST_CHECK(q.broken);
	ST_CHECK_EQ(virtq_pop(&q, &cookie, &head, &len), ERR_CORRUPT);
	ST_CHECK_EQ(add(1, &tokens[7]), ERR_IO);
	ST_CHECK_EQ(q.ninflight, 2);	/* nothing was completed */
}

static void
test_virtq_rejects_bad_used(void)
{
	uint16_t ha, hb;

	/* An id beyond the queue. */
	ST_CHECK(fresh());
	ha = virtq_peek_head(&q);
	ST_CHECK_EQ(add(1, &tokens[0]), 0);
	ST_CHECK_EQ(add(1, &tokens[1]), 0);
	device_use(QSIZE + 3, 1);
	expect_broken();

	/* A descriptor inside a chain, not its head. */
	ST_CHECK(fresh());
	ha = virtq_peek_head(&q);
	ST_CHECK_EQ(add(1, &tokens[0]), 0);
	ST_CHECK_EQ(add(1, &tokens[1]), 0);
	device_use(q.desc[ha].next, 1);
	expect_broken();

	/* A length beyond what the chain lets the device write. */
	ST_CHECK(fresh());
	ha = virtq_peek_head(&q);
	ST_CHECK_EQ(add(1, &tokens[0]), 0);
	ST_CHECK_EQ(add(1, &tokens[1]), 0);
	device_use(ha, 513);
	expect_broken();

	/* The used index jumping past the chains in flight. */
	ST_CHECK(fresh());
	ha = virtq_peek_head(&q);
	ST_CHECK_EQ(add(1, &tokens[0]), 0);
	ST_CHECK_EQ(add(1, &tokens[1]), 0);
	q.used->idx = 3;
	expect_broken();
	ST_CHECK(fresh());
	ST_CHECK_EQ(add(1, &tokens[0]), 0);
	ST_CHECK_EQ(add(1, &tokens[1]), 0);
	q.used->idx = 0xFFFF;	/* "backwards": 65535 new entries */
	expect_broken();

	/* A chain completed twice. */
	ST_CHECK(fresh());
	ha = virtq_peek_head(&q);
	ST_CHECK_EQ(add(1, &tokens[0]), 0);
	hb = virtq_peek_head(&q);
	ST_CHECK_EQ(add(1, &tokens[1]), 0);
	ST_CHECK_EQ(add(1, &tokens[2]), 0);
	device_use(ha, 1);
	device_use(ha, 1);
	{
		uint16_t head;
		uint32_t len;
		void *cookie;

		ST_CHECK_EQ(virtq_pop(&q, &cookie, &head, &len), 0);
		ST_CHECK(cookie == &tokens[0]);
	}
	expect_broken();
	(void)hb;
}

static void
test_virtq_reclaim(void)
{
	unsigned seen = 0, i;
	void *c;

	if (!fresh())
		return;
	for (i = 0; i < 3; i++)
		ST_CHECK_EQ(add(1, &tokens[i]), 0);
	while ((c = virtq_reclaim(&q)) != NULL) {
		for (i = 0; i < 3; i++)
			if (c == &tokens[i])
				seen |= 1u << i;
	}
	ST_CHECK_EQ(seen, 7);
	ST_CHECK_EQ(q.nfree, QSIZE);
	ST_CHECK_EQ(q.ninflight, 0);
}

ST_SUITE_AS("blk", st_virtq,
	ST_CASE(virtq_chain_layout),
	ST_CASE(virtq_full_and_bad_args),
	ST_CASE(virtq_out_of_order),
	ST_CASE(virtq_rejects_bad_used),
	ST_CASE(virtq_reclaim),
);
