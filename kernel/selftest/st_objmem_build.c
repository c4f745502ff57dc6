/*
 * st_objmem_build.c - builds the store of st_objmem.h in memory for the
 * object cache's self-tests, and mounts it through a struct store_dev
 * whose reads can be made to fail or to return another block.
 */
#include <stdbool.h>
#include <stdint.h>

#include <abi/err.h>
#include <dev/blk.h>
#include <lib/crc32c.h>
#include <lib/string.h>
#include <obj.h>
#include <store/objcache.h>
#include <pmm.h>
#include <selftest/st_objmem.h>
#include <store/store.h>
#include <store/store_priv.h>
#include <x86_64/vm.h>

struct mstore	mb;

static int
mem_read(void *ctx, uint64_t block, void *buf)
{
	struct mstore *m = ctx;

	if (block >= MB_BLOCKS || (m->fail_block && block == m->fail_block))
		return ERR_IO;
	if (m->swap_a && block == m->swap_a)
		block = m->swap_b;
	memcpy(buf, m->b[block], STORE_BLOCK_SIZE);
	return 0;
}

struct store_blkhdr *
mb_hdr(unsigned block)
{
	return (struct store_blkhdr *)mb.b[block];
}

struct store_node *
mb_node(unsigned block)
{
	return (struct store_node *)mb.b[block];
}

struct store_super *
mb_super(void)
{
	return (struct store_super *)mb.b[MB_GEN % STORE_SB_RING];
}

void *
mb_entry(unsigned block, unsigned slot, unsigned ot)
{
	return mb.b[block] + sizeof(struct store_blkhdr) +
	    (uint64_t)slot * store_entry_size(ot);
}

uint64_t
mb_reg(uint64_t idx, unsigned r)
{
	if (r == __builtin_offsetof(struct proc_regs, rflags) / 8)
		return RFLAGS_USER_DEFAULT;
	return 0x100000 * (idx + 1) + r * 8;
}

static void
hdr_init(unsigned b, unsigned kind, unsigned level, uint32_t count,
    uint64_t key)
{
	struct store_blkhdr *h = mb_hdr(b);

	h->magic = STORE_MAGIC;
	h->version = STORE_VERSION;
	h->page_size = STORE_BLOCK_SIZE;
	h->kind = kind;
	h->block = b;
	h->generation = MB_BIRTH;
	h->level = level;
	h->count = count;
	h->key = key;
	h->store_id = MB_STORE_ID;
}

static struct store_bptr
ptr(unsigned b, unsigned kind, unsigned level)
{
	return (struct store_bptr){ .block = b, .birth = MB_BIRTH,
	    .kind = (uint8_t)kind, .level = (uint8_t)level };
}

static struct cap
cap(unsigned type, unsigned restr, unsigned aux, uint32_t ac, oid_t oid)
{
	return (struct cap){ (uint8_t)type, (uint8_t)restr, (uint16_t)aux, ac,
	    oid };
}

static void
fill_process(unsigned leaf, unsigned slot, uint64_t idx, uint8_t state)
{
	struct obj_process *p = mb_entry(leaf, slot, OT_PROCESS);
	uint64_t *r = (uint64_t *)&p->regs;

	p->hdr.oid = OID_MAKE(OT_PROCESS, idx);
	p->hdr.alloc_count = 10 + (uint32_t)idx;
	p->hdr.bank = 3;
	p->run_state = state;
	p->wait = state == PS_RECEIVING ? PW_OPEN : PW_NONE;
	for (unsigned i = 0; i < sizeof(p->regs) / 8; i++)
		r[i] = mb_reg(idx, i);
	p->space = cap(CT_GPT, 0, 0, 2, OID_MAKE(OT_GPT, 1));
	p->cap_reg[0] = cap(CT_KERNLOG, 0, 0, 0, 0);
	p->cap_reg[1] = cap(CT_ENTRY, CAP_R_NOCALL, 9, 4,
	    OID_MAKE(OT_ENDPOINT, 0));
	p->reply_seq = 77;
	p->fxsave[0] = 0x7f;
	p->fxsave[1] = 0x03;
}

static void
fill_ref(unsigned leaf, unsigned slot, uint64_t block, uint32_t ac)
{
	struct store_ref *r = mb_entry(leaf, slot, OT_PAGE);

	r->block = block;
	r->alloc_count = ac;
	r->bank = 3;
	r->flags = STORE_REF_USED;
}

static void
fill_super(void)
{
	struct store_super *sb = mb_super();
	static const uint64_t limit[OT_MAX] = { 0, 2, 1, 2, 6, 1 };
	static const uint64_t count[OT_MAX] = { 0, 2, 1, 1, 4, 1 };

	hdr_init(MB_GEN % STORE_SB_RING, STORE_BK_SUPER, 0, 0, 0);
	sb->hdr.generation = MB_GEN;
	sb->store_blocks = MB_BLOCKS;
	sb->used_blocks = MB_USED;
	sb->ring_size = STORE_SB_RING;
	sb->map_root[OT_PAGE] = ptr(MB_PGLEAF, STORE_BK_MAPLEAF, 0);
	sb->map_root[OT_CAPPAGE] = ptr(MB_CPLEAF, STORE_BK_MAPLEAF, 0);
	sb->map_root[OT_GPT] = ptr(MB_GLEAF, STORE_BK_MAPLEAF, 0);
	sb->map_root[OT_PROCESS] = ptr(MB_PNODE, STORE_BK_MAPNODE, 1);
	sb->map_root[OT_ENDPOINT] = ptr(MB_ELEAF, STORE_BK_MAPLEAF, 0);
	for (unsigned t = 0; t < OT_MAX; t++) {
		sb->oid_limit[t] = limit[t];
		sb->obj_count[t] = count[t];
	}
	sb->free_root = ptr(MB_FREE, STORE_BK_FREELEAF, 0);
	sb->runlist = ptr(MB_RUN, STORE_BK_LIST, 0);
}

bool
mb_fill(void)
{
	for (unsigned i = 0; i < MB_BLOCKS; i++) {
		if (mb.b[i] == NULL) {
			uint64_t pa = pmm_alloc();

			if (pa == 0)
				return false;
			mb.b[i] = phys_to_virt(pa);
		}
		memset(mb.b[i], 0, STORE_BLOCK_SIZE);
	}
	mb.fail_block = mb.swap_a = mb.swap_b = 0;
	hdr_init(MB_PLEAF0, STORE_BK_MAPLEAF, 0, 3, 0);
	fill_process(MB_PLEAF0, 0, 0, PS_RUNNING);
	fill_process(MB_PLEAF0, 1, 1, PS_STOPPED);
	fill_process(MB_PLEAF0, 2, 2, PS_RECEIVING);
	hdr_init(MB_PLEAF1, STORE_BK_MAPLEAF, 0, 1, 3);
	fill_process(MB_PLEAF1, 2, 5, PS_RUNNING);
	hdr_init(MB_PNODE, STORE_BK_MAPNODE, 1, 2, 0);
	mb_node(MB_PNODE)->child[0] = ptr(MB_PLEAF0, STORE_BK_MAPLEAF, 0);
	mb_node(MB_PNODE)->child[1] = ptr(MB_PLEAF1, STORE_BK_MAPLEAF, 0);

	hdr_init(MB_GLEAF, STORE_BK_MAPLEAF, 0, 1, 0);
	struct obj_gpt *g = mb_entry(MB_GLEAF, 1, OT_GPT);

	g->hdr = (struct obj_hdr){ OID_MAKE(OT_GPT, 1), 2, 3 };
	g->l2v = 16;
	g->flags = GPT_F_KEEPER;
	g->slot[0] = cap(CT_PAGE, CAP_R_NX, 0, 1, OID_MAKE(OT_PAGE, 0));
	g->slot[15] = cap(CT_ENTRY, 0, 3, 4, OID_MAKE(OT_ENDPOINT, 0));

	hdr_init(MB_ELEAF, STORE_BK_MAPLEAF, 0, 1, 0);
	struct obj_endpoint *e = mb_entry(MB_ELEAF, 0, OT_ENDPOINT);

	e->hdr = (struct obj_hdr){ OID_MAKE(OT_ENDPOINT, 0), 4, 3 };
	e->flags = EP_F_PAYLOAD_MATCH;
	e->match_payload = 9;
	e->recipient = cap(CT_PROCESS, 0, 0, 10, OID_MAKE(OT_PROCESS, 0));

	hdr_init(MB_PGLEAF, STORE_BK_MAPLEAF, 0, 2, 0);
	fill_ref(MB_PGLEAF, 0, MB_PGDATA, 1);
	fill_ref(MB_PGLEAF, 1, 0, 1);
	for (unsigned i = 0; i < STORE_BLOCK_SIZE; i++)
		mb.b[MB_PGDATA][i] = (uint8_t)(i * 7);
	hdr_init(MB_CPLEAF, STORE_BK_MAPLEAF, 0, 1, 0);
	fill_ref(MB_CPLEAF, 0, MB_CPDATA, 6);
	struct cap *cp = (struct cap *)mb.b[MB_CPDATA];

	cp[0] = cap(CT_KERNLOG, 0, 0, 0, 0);
	cp[5] = cap(CT_PAGE, CAP_R_RO, 0, 1, OID_MAKE(OT_PAGE, 0));

	hdr_init(MB_RUN, STORE_BK_LIST, 0, 2, 0);
	((struct store_list *)mb.b[MB_RUN])->item[0] = OID_MAKE(OT_PROCESS, 0);
	((struct store_list *)mb.b[MB_RUN])->item[1] = OID_MAKE(OT_PROCESS, 5);
	hdr_init(MB_FREE, STORE_BK_FREELEAF, 0, MB_USED, 0);
	for (unsigned i = 0; i < MB_USED; i++)
		((struct store_freeleaf *)mb.b[MB_FREE])->bits[i / 8] |=
		    (uint8_t)(1u << (i % 8));
	fill_super();
	return true;
}

void
mb_seal_one(unsigned block)
{
	mb_hdr(block)->crc = store_block_crc(mb.b[block]);
}

/* Set the CRC of pointer bp from the block it names (if it is ours). */
static void
fix_ptr(struct store_bptr *bp)
{
	if (bp->block != 0 && bp->block < MB_BLOCKS)
		bp->crc = mb_hdr((unsigned)bp->block)->crc;
}

void
mb_seal(void)
{
	static const unsigned leaves[] = { MB_PLEAF0, MB_PLEAF1, MB_GLEAF,
	    MB_ELEAF, MB_PGLEAF, MB_CPLEAF, MB_RUN, MB_FREE };
	struct store_super *sb = mb_super();

	for (unsigned leaf = MB_PGLEAF; leaf <= MB_CPLEAF; leaf++)
		for (unsigned s = 0; s < STORE_REFS_PER_LEAF; s++) {
			struct store_ref *r = mb_entry(leaf, s, OT_PAGE);

			if (r->block != 0 && r->block < MB_BLOCKS)
				r->crc = crc32c(mb.b[r->block],
				    STORE_BLOCK_SIZE);
		}
	for (unsigned i = 0; i < sizeof(leaves) / sizeof(leaves[0]); i++)
		mb_seal_one(leaves[i]);
	for (unsigned i = 0; i < STORE_FANOUT; i++)
		fix_ptr(&mb_node(MB_PNODE)->child[i]);
	mb_seal_one(MB_PNODE);
	for (unsigned t = 0; t < STORE_OT_MAX; t++)
		fix_ptr(&sb->map_root[t]);
	fix_ptr(&sb->free_root);
	fix_ptr(&sb->runlist);
	mb_seal_one(MB_GEN % STORE_SB_RING);
}

int
mb_mount(void)
{
	static const struct store_dev dev = { "test store", MB_BLOCKS,
	    mem_read, &mb, NULL, NULL, NULL };

	objcache_init();
	objcache_flush();
	return store_mount(&dev);
}

void
mb_restore_disk(void)
{
	objcache_flush();
	if (blk_init() == 0 && store_mount_disk() == 0)
		return;
	store_unmount();
}
