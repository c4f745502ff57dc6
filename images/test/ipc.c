/*
 * ipc.c - the ipc suite's main process and its second client (see
 * ipc.h). Main's cap registers (ipc.mki): 0 KERNLOG, 1 RANGE, 2 DISCRIM,
 * 3 entry to the server (payload 0x1234), 4 the same with NOCALL
 * (payload 7), 5 the server's endpoint, 6 entry to an endpoint whose
 * recipient never waits, 7 SLEEP, 8 cap page, 9 the matching endpoint
 * (match 5), 10 and 11 entries to it (payloads 5 and 6), 12 PROCESS
 * server2, 13 PROCESS client2, 14 entry to "rep" (recipient server),
 * 15 endpoint "rep".
 */
#include <user/ipc.h>
#include <user/rt.h>
#include <user/test.h>

#include "ipc.h"

#define CR_LOG		0
#define CR_RANGE	1
#define CR_DISCRIM	2
#define CR_SRV		3
#define CR_SRV_NOCALL	4
#define CR_SEP		5
#define CR_IDLE		6
#define CR_SLEEP	7
#define CR_CP		8
#define CR_MEP		9
#define CR_M5		10
#define CR_M6		11
#define CR_SERVER2	12
#define CR_CLIENT2	13
#define CR_REP_ENTRY	14
#define CR_REP		15
#define CR_GOT		20	/* caps that answers bring */
#define CR_PAGE		21
#define CR_PAGE_RO	22
#define CR_T0		23

#define SRV_PAYLOAD	0x1234
#define NOCALL_PAYLOAD	7

#define EXPECT(got, want, what)	TEST_EQ((got), (want), (what))

void	server_main(uint64_t id);

static int
call(unsigned cr, struct umsg *m, uint32_t op, unsigned nw, uint64_t w0)
{
	umsg_init(m, op, nw, w0, 0, 0, 0);
	return ipc_call(cr, m);
}

static void
words(void)
{
	const uint64_t w[4] = { 0x1111, UINT64_C(0x2222000000000000), 3,
	    UINT64_MAX };
	struct umsg m;

	for (unsigned n = 0; n <= MI_WORDS_MAX; n++) {
		test_begin("call_reply_%u_words", n);
		umsg_init(&m, OP_ECHO, n, w[0], w[1], w[2], w[3]);
		EXPECT(ipc_call(CR_SRV, &m), 0, "call");
		EXPECT(MI_OPCODE(m.info), n, "words the server got");
		EXPECT(MI_NWORDS(m.info), n, "words in the reply");
		EXPECT(MI_NCAPS(m.info), 0, "caps in the reply");
		EXPECT(m.payload, 0, "payload of a reply");
		for (unsigned i = 0; i < n; i++)
			EXPECT(m.w[i], ~w[i], "word");
		for (unsigned i = n; i < MI_WORDS_MAX; i++)
			EXPECT(m.w[i], 0, "word not sent reads 0");
		test_end();
	}
}

static void
payloads(void)
{
	struct umsg m;

	test_begin("protected_payload");
	EXPECT(call(CR_SRV, &m, OP_WHO, 0, 0), 0, "call");
	EXPECT(m.w[0], SRV_PAYLOAD, "payload of the mki's entry cap");
	EXPECT(m.w[1], SERVER_ID, "server");
	EXPECT(kcall_cap(CR_SEP, OC_EP_MAKE_ENTRY, 1, 0xbeef, 0, CR_T0), 0,
	    "make an entry cap");
	EXPECT(call(CR_T0, &m, OP_WHO, 0, 0), 0, "call through it");
	EXPECT(m.w[0], 0xbeef, "its payload");
	test_end();
}

static void
caps(void)
{
	uint64_t w[MI_WORDS_MAX];
	struct umsg m;

	test_begin("transfer_four_caps");
	umsg_init(&m, OP_TYPES, 0, 0, 0, 0, 0);
	m.info = MI_MAKE(OP_TYPES, 0, 4);
	m.caps = CR_LIST(CR_LOG, CR_CP, CR_SLEEP, CR_DISCRIM);
	EXPECT(ipc_call(CR_SRV, &m), 0, "call");
	EXPECT(MI_OPCODE(m.info), 4, "caps the server got");
	EXPECT(m.w[0], CT_KERNLOG, "cap 0");
	EXPECT(m.w[1], CT_CAPPAGE, "cap 1");
	EXPECT(m.w[2], CT_SLEEP, "cap 2");
	EXPECT(m.w[3], CT_DISCRIM, "cap 3");
	test_end();

	test_begin("transferred_cap_is_usable");
	EXPECT(kcall_cap(CR_RANGE, OC_RANGE_GET, 1,
	    OID_MAKE(OT_PAGE, 0x500000), 0, CR_PAGE), 0, "fresh page");
	EXPECT(kcall(CR_PAGE, OC_PAGE_WRITE, 2, 0, 0x600d, 0, 0, 0), 0,
	    "write");
	umsg_init(&m, OP_USE_PAGE, 1, 0x5151, 0, 0, 0);
	m.info = MI_MAKE(OP_USE_PAGE, 1, 1);
	m.caps = CR_LIST(CR_PAGE, 0, 0, 0);
	EXPECT(ipc_call(CR_SRV, &m), 0, "call");
	EXPECT(m.w[0], 0x600d, "the server read the page");
	EXPECT(m.w[1], 0, "the server wrote it");
	EXPECT(kcall(CR_PAGE, OC_PAGE_READ, 1, 8, 0, 0, 0, w), 0, "read");
	EXPECT(w[0], 0x5151, "what the server wrote");
	test_end();

	test_begin("transferred_cap_keeps_restrictions");
	EXPECT(kcall_cap(CR_PAGE, OC_MEM_REDUCE, 1, CAP_R_RO, 0, CR_PAGE_RO),
	    0, "read-only copy");
	umsg_init(&m, OP_USE_PAGE, 1, 0x7171, 0, 0, 0);
	m.info = MI_MAKE(OP_USE_PAGE, 1, 1);
	m.caps = CR_LIST(CR_PAGE_RO, 0, 0, 0);
	EXPECT(ipc_call(CR_SRV, &m), 0, "call");
	EXPECT(m.w[0], 0x600d, "the server read the page");
	EXPECT(m.w[1], ERR_NO_ACCESS, "the server could not write it");
	EXPECT(kcall(CR_PAGE, OC_PAGE_READ, 1, 8, 0, 0, 0, w), 0, "read");
	EXPECT(w[0], 0x5151, "unchanged");
	test_end();

	test_begin("reply_carries_a_cap");
	umsg_init(&m, OP_GIVE, 1, 0x4242, 0, 0, 0);
	m.rcv = CR_WITH_REPLY(CR_LIST(CR_GOT, CR_DISCARD, CR_DISCARD,
	    CR_DISCARD), CR_DISCARD);
	EXPECT(ipc_call(CR_SRV, &m), 0, "call");
	EXPECT(MI_OPCODE(m.info), 0, "the server made the entry cap");
	EXPECT(MI_NCAPS(m.info), 1, "caps in the reply");
	EXPECT(call(CR_GOT, &m, OP_WHO, 0, 0), 0, "call through it");
	EXPECT(m.w[0], 0x4242, "its payload");
	test_end();

	test_begin("received_cap_to_discard");
	umsg_init(&m, OP_GIVE, 1, 0x4343, 0, 0, 0);
	EXPECT(ipc_call(CR_SRV, &m), 0, "call");
	EXPECT(MI_NCAPS(m.info), 1, "caps in the reply");
	EXPECT(call(CR_GOT, &m, OP_WHO, 0, 0), 0, "call the old cap");
	EXPECT(m.w[0], 0x4242, "register unchanged by a discarded cap");
	test_end();
}

static void
replies(void)
{
	struct umsg m;

	test_begin("reply_cap_works_once");
	EXPECT(call(CR_SRV, &m, OP_REPLY_TWICE, 0, 0), 0, "call");
	EXPECT(m.w[0], CT_REPLY, "the server held a REPLY cap");
	EXPECT(call(CR_SRV, &m, OP_REPORT, 0, 0), 0, "report");
	EXPECT(m.w[0], ERR_BAD_CAP, "the same cap again");
	EXPECT(m.w[1], ERR_BAD_CAP, "a copy kept in a cap page");
	test_end();
}

static void
nocall_and_nonblocking(void)
{
	uint64_t sends;
	struct umsg m;

	test_begin("nocall_entry_sends_only");
	EXPECT(call(CR_SRV, &m, OP_REPORT, 0, 0), 0, "report");
	sends = m.w[2];
	EXPECT(call(CR_SRV_NOCALL, &m, OP_WHO, 0, 0), ERR_NO_ACCESS, "call");
	umsg_init(&m, OP_WHO, 0, 0, 0, 0, 0);
	EXPECT(ipc_send(CR_SRV_NOCALL, &m), 0, "send");
	EXPECT(call(CR_SRV, &m, OP_REPORT, 0, 0), 0, "report");
	EXPECT(m.w[2], sends + 1, "the send arrived");
	test_end();

	test_begin("nonblocking_to_a_busy_recipient");
	umsg_init(&m, 1, 0, 0, 0, 0, 0);
	EXPECT(ipc_send_nb(CR_IDLE, &m), ERR_WOULD_BLOCK, "send");
	umsg_init(&m, 1, 0, 0, 0, 0, 0);
	EXPECT(invoke(IC_MAKE(CR_IDLE, IC_CALL | IC_NONBLOCK), &m),
	    ERR_WOULD_BLOCK, "call");
	test_end();
}

static void
endpoints(void)
{
	struct umsg m;

	test_begin("payload_match");
	EXPECT(call(CR_M5, &m, OP_WHO, 0, 0), 0, "payload 5 matches");
	EXPECT(m.w[0], 5, "payload");
	EXPECT(call(CR_M6, &m, OP_WHO, 0, 0), ERR_BAD_CAP, "payload 6");
	EXPECT(kcall(CR_MEP, OC_EP_SET_MATCH, 2, 6, 1, 0, 0, 0), 0, "match 6");
	EXPECT(call(CR_M6, &m, OP_WHO, 0, 0), 0, "payload 6 now");
	EXPECT(call(CR_M5, &m, OP_WHO, 0, 0), ERR_BAD_CAP, "payload 5 now");
	EXPECT(kcall(CR_MEP, OC_EP_SET_MATCH, 2, 0, 0, 0, 0, 0), 0, "off");
	EXPECT(call(CR_M5, &m, OP_WHO, 0, 0), 0, "payload 5, no match");
	EXPECT(call(CR_M6, &m, OP_WHO, 0, 0), 0, "payload 6, no match");
	test_end();

	test_begin("set_recipient_redirects");
	EXPECT(call(CR_REP_ENTRY, &m, OP_WHO, 0, 0), 0, "call");
	EXPECT(m.w[1], SERVER_ID, "server answers");
	EXPECT(kcall_give(CR_REP, OC_EP_SET_RECIPIENT, 0, 0, 0, CR_SERVER2),
	    0, "recipient server2");
	EXPECT(call(CR_REP_ENTRY, &m, OP_WHO, 0, 0), 0, "call");
	EXPECT(m.w[1], SERVER2_ID, "server2 answers");
	EXPECT(kcall_give(CR_REP, OC_EP_SET_RECIPIENT, 0, 0, 0, 31), 0,
	    "recipient null");
	EXPECT(call(CR_REP_ENTRY, &m, OP_WHO, 0, 0), ERR_NOT_FOUND, "call");
	test_end();
}

/* Main and client2 call OP_COUNT at once; every call is answered. */
static void
two_callers(void)
{
	uint64_t before;
	struct umsg m;

	test_begin("two_callers_queue");
	EXPECT(call(CR_SRV, &m, OP_REPORT, 0, 0), 0, "report");
	before = m.w[3];
	EXPECT(kcall(CR_CLIENT2, OC_PROC_RESUME, 0, 0, 0, 0, 0, 0), 0,
	    "start client2");
	for (unsigned i = 0; i < COUNT_CALLS; i++)
		if (call(CR_SRV, &m, OP_COUNT, 0, 0) != 0) {
			test_fail("call %u failed", i);
			break;
		}
	/* client2 ends with a send to main's own endpoint. */
	umsg_init(&m, 0, 0, 0, 0, 0, 0);
	EXPECT(ipc_recv(&m), 0, "client2 done");
	EXPECT(m.w[0], COUNT_CALLS, "client2's calls answered");
	EXPECT(call(CR_SRV, &m, OP_REPORT, 0, 0), 0, "report");
	EXPECT(m.w[3], before + 2 * COUNT_CALLS, "calls counted");
	test_end();
}

static void
client2(void)
{
	uint64_t ok = 0;
	struct umsg m;

	for (unsigned i = 0; i < COUNT_CALLS; i++)
		if (call(1, &m, OP_COUNT, 0, 0) == 0)
			ok++;
	umsg_init(&m, 0, 1, ok, 0, 0, 0);
	(void)ipc_send(2, &m);
}

void
umain(uint64_t role, uint64_t id, uint64_t a2, uint64_t a3)
{
	(void)a2;
	(void)a3;
	if (role == ROLE_SERVER)
		server_main(id);
	if (role == ROLE_CLIENT2)
		client2();
	if (role != ROLE_MAIN)
		rt_exit();
	test_plan("ipc", (MI_WORDS_MAX + 1) + 1 + 5 + 1 + 2 + 2 + 1);
	words();
	payloads();
	caps();
	replies();
	nocall_and_nonblocking();
	endpoints();
	two_callers();
	test_done();
}
