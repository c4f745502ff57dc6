/*
 * caps_obj.c - the caps suite's object caps: PROCESS and RESTART (on
 * peer, a process that only waits, and for RESET and the RESTART
 * register operations on victim, which caps_reuse.c stops and faults),
 * ENDPOINT and ENTRY (on tep, whose recipient is echo), each operation
 * under each of the 32 masks.
 */
#include <abi/process.h>
#include <user/ipc.h>
#include <user/test.h>

#include "caps.h"

#define REG_R13		13
#define REG_R15		15
#define REG_RIP		16
#define REG_RFLAGS	17
#define PROC_NREGS	20

void
type_is(uint64_t type, unsigned mask)
{
	uint64_t t = 0, r = 0;

	EXPECT(cap_type(CR_X, &t, &r), 0, "OC_TYPE");
	EXPECT(t, type, "OC_TYPE type");
	EXPECT(r, mask, "OC_TYPE restrictions");
	EXPECT(kcall(CR_X, 0x7777, 0, 0, 0, 0, 0, 0), ERR_BAD_REQUEST,
	    "unknown opcode");
}

/*
 * OC_PROC_RESET through victim's cap with mask (WEAK denies), after
 * giving victim a register, a cap and a space through the full cap;
 * read back through the full cap.
 */
static void
process_reset(unsigned mask)
{
	uint64_t w[MI_WORDS_MAX], mark = 0x1300 + mask;
	int err;

	EXPECT(fetch(CR_MB, NMASKS * MB_VICTIM + mask, CR_T2), 0,
	    "fetch victim's cap");
	expect_class(CR_T2, CT_PROCESS, mask, "victim's cap");
	EXPECT(kcall(CR_VICTIM, OC_PROC_STOP, 0, 0, 0, 0, 0, 0), 0, "stop");
	EXPECT(kcall(CR_VICTIM, OC_PROC_SET_REGS, 2, REG_R13, mark, 0, 0, 0),
	    0, "r13");
	EXPECT(kcall(CR_VICTIM, OC_PROC_SET_REGS, 2, REG_RIP,
	    (uint64_t)caps_victim_ud2, 0, 0, 0), 0, "rip");
	EXPECT(kcall_give(CR_VICTIM, OC_PROC_STORE_CAP, 1, 2, 0, CR_LOG), 0,
	    "cap 2");
	EXPECT(kcall_give(CR_VICTIM, OC_PROC_SET_SPACE, 0, 0, 0, CR_VSPACE), 0,
	    "space");
	err = kcall(CR_T2, OC_PROC_RESET, 0, 0, 0, 0, 0, 0);
	EXPECT(err, DENY(mask, CAP_R_WEAK), "reset");
	EXPECT(kcall(CR_VICTIM, OC_PROC_GET_REGS, 1, REG_R13, 0, 0, 0, w), 0,
	    "full get_regs");
	EXPECT(w[0], err == 0 ? 0 : mark, "r13 after reset");
	EXPECT(w[3], err == 0 ? 0 : (uint64_t)caps_victim_ud2,
	    "rip after reset");
	EXPECT(kcall(CR_VICTIM, OC_PROC_GET_REGS, 1, REG_RFLAGS, 0, 0, 0, w),
	    0, "full get rflags");
	EXPECT(w[0] & RFLAGS_USER_DEFAULT, RFLAGS_USER_DEFAULT, "rflags");
	EXPECT(kcall_cap(CR_VICTIM, OC_PROC_FETCH_CAP, 1, 2, 0, CR_T0), 0,
	    "full fetch_cap");
	expect_class(CR_T0, err == 0 ? CT_NULL : CT_KERNLOG, 0,
	    "cap 2 after reset");
	EXPECT(kcall_cap(CR_VICTIM, OC_PROC_GET_SPACE, 0, 0, 0, CR_T0), 0,
	    "full get_space");
	expect_class(CR_T0, err == 0 ? CT_NULL : CT_GPT, 0,
	    "space after reset");
	EXPECT(kcall(CR_VICTIM, OC_PROC_GET_STATE, 0, 0, 0, 0, 0, w), 0,
	    "state");
	EXPECT(w[0], PS_STOPPED, "stopped");
	EXPECT(kcall(CR_T2, OC_PROC_RESET, 1, 0, 0, 0, 0, 0),
	    DENY(mask, CAP_R_WEAK), "reset with a word (ignored)");
}

void
test_process(unsigned mask)
{
	uint64_t w[MI_WORDS_MAX], full[MI_WORDS_MAX];
	int weak = (mask & CAP_R_WEAK) != 0, err;
	int deny = DENY(mask, CAP_R_WEAK);

	EXPECT(fetch(CR_MA, NMASKS * MA_PROCESS + mask, CR_X), 0, "fetch");
	expect_class(CR_X, CT_PROCESS, mask, "process under test");
	type_is(CT_PROCESS, mask);

	EXPECT(kcall(CR_PEER, OC_PROC_GET_REGS, 1, 16, 0, 0, 0, full), 0,
	    "full get_regs");
	EXPECT(kcall(CR_X, OC_PROC_GET_REGS, 1, 16, 0, 0, 0, w), 0,
	    "get_regs");
	EXPECT(w[0], full[0], "rip");
	EXPECT(w[1], full[1], "rflags");
	EXPECT(kcall(CR_X, OC_PROC_GET_REGS, 1, PROC_NREGS, 0, 0, 0, w),
	    ERR_BAD_SLOT, "get_regs 20");
	EXPECT(kcall(CR_X, OC_PROC_GET_STATE, 0, 0, 0, 0, 0, w), 0,
	    "get_state");
	EXPECT(w[0], PS_RECEIVING, "peer waits");
	err = kcall_cap(CR_X, OC_PROC_FETCH_CAP, 1, 0, 0, CR_T0);
	EXPECT(err, 0, "fetch_cap 0");
	expect_class(CR_T0, weak ? CT_NULL : CT_KERNLOG, 0, "peer's cap 0");
	EXPECT(kcall_cap(CR_X, OC_PROC_FETCH_CAP, 1, 32, 0, CR_T0),
	    ERR_BAD_SLOT, "fetch_cap 32");
	EXPECT(kcall_cap(CR_PEER, OC_PROC_GET_SPACE, 0, 0, 0, CR_T1), 0,
	    "full get_space");
	EXPECT(kcall_cap(CR_X, OC_PROC_GET_SPACE, 0, 0, 0, CR_T0), 0,
	    "get_space");
	expect_class(CR_T0, CT_GPT, weak ? CAP_R_WEAK | CAP_R_RO : 0,
	    "peer's space");

	EXPECT(kcall(CR_X, OC_PROC_SET_REGS, 2, REG_R15, 0x1500 + mask, 0, 0,
	    0), deny, "set_regs r15");
	EXPECT(kcall(CR_PEER, OC_PROC_GET_REGS, 1, REG_R15, 0, 0, 0, full), 0,
	    "full get r15");
	if (deny == 0)
		EXPECT(full[0], 0x1500 + mask, "r15 after set_regs");
	EXPECT(kcall(CR_X, OC_PROC_SET_REGS, 2, 16, UINT64_C(1) << 63, 0, 0,
	    0), weak ? ERR_NO_ACCESS : ERR_BAD_ARG, "set_regs kernel rip");
	EXPECT(kcall(CR_X, OC_PROC_SET_REGS, 1, 0, 0, 0, 0, 0),
	    weak ? ERR_NO_ACCESS : ERR_BAD_REQUEST, "set_regs no value");
	EXPECT(kcall_give(CR_X, OC_PROC_STORE_CAP, 1, 0, 0, CR_LOG), deny,
	    "store_cap 0 (same cap)");
	EXPECT(kcall_give(CR_X, OC_PROC_SET_SPACE, 0, 0, 0, CR_T1), deny,
	    "set_space (same space)");
	EXPECT(kcall_give(CR_X, OC_PROC_SET_SPACE, 0, 0, 0, CR_LOG),
	    weak ? ERR_NO_ACCESS : ERR_BAD_ARG, "set_space kernlog");
	EXPECT(kcall_give(CR_X, OC_PROC_SET_HANDLER, 0, 0, 0, 31), deny,
	    "set_handler null");
	EXPECT(kcall(CR_X, OC_PROC_STOP, 0, 0, 0, 0, 0, 0), deny, "stop");
	EXPECT(kcall(CR_PEER, OC_PROC_GET_STATE, 0, 0, 0, 0, 0, w), 0,
	    "state");
	EXPECT(w[0], deny ? PS_RECEIVING : PS_STOPPED, "state after stop");
	EXPECT(kcall(CR_X, OC_PROC_RESUME, 0, 0, 0, 0, 0, 0), deny, "resume");
	/* Let peer run back into its wait before the next test. */
	for (unsigned i = 0; i < 1000; i++) {
		if (kcall(CR_PEER, OC_PROC_GET_STATE, 0, 0, 0, 0, 0, w) != 0 ||
		    w[0] == PS_RECEIVING)
			break;
		kcall(CR_SLEEP, OC_SLEEP_FOR, 1, 1000000, 0, 0, 0, 0);
	}
	EXPECT(w[0], PS_RECEIVING, "peer waits again");
	process_reset(mask);
}

/*
 * RESTART on peer, which is not faulted: RESUME leaves it alone and
 * the register operations are refused. On victim, faulted: GET_REGS
 * answers, SET_REGS writes unless the cap is WEAK, with the PROCESS
 * rules for every value.
 */
void
test_restart(unsigned mask)
{
	uint64_t w[MI_WORDS_MAX], full[MI_WORDS_MAX];
	int deny = DENY(mask, CAP_R_WEAK), err;

	EXPECT(fetch(CR_MA, NMASKS * MA_RESTART + mask, CR_X), 0, "fetch");
	expect_class(CR_X, CT_RESTART, mask, "restart under test");
	type_is(CT_RESTART, mask);
	/* peer is not faulted: resume leaves it alone. */
	EXPECT(kcall(CR_X, OC_RESTART_RESUME, 0, 0, 0, 0, 0, 0), 0, "resume");
	EXPECT(kcall(CR_PEER, OC_PROC_GET_STATE, 0, 0, 0, 0, 0, w), 0,
	    "state");
	EXPECT(w[0], PS_RECEIVING, "peer still waits");
	EXPECT(kcall(CR_X, OC_PROC_STOP, 0, 0, 0, 0, 0, 0), ERR_BAD_REQUEST,
	    "a process opcode");
	EXPECT(kcall(CR_X, OC_RESTART_GET_REGS, 1, 0, 0, 0, 0, w),
	    ERR_NO_ACCESS, "get_regs of a process not faulted");
	EXPECT(kcall(CR_X, OC_RESTART_SET_REGS, 2, REG_R15, 1, 0, 0, 0),
	    ERR_NO_ACCESS, "set_regs of a process not faulted");

	victim_fault();
	EXPECT(fetch(CR_MB, NMASKS * MB_VRESTART + mask, CR_X), 0,
	    "fetch victim's");
	expect_class(CR_X, CT_RESTART, mask, "victim's restart cap");
	EXPECT(kcall(CR_VICTIM, OC_PROC_GET_REGS, 1, REG_R15, 0, 0, 0, full),
	    0, "full get_regs");
	EXPECT(kcall(CR_X, OC_RESTART_GET_REGS, 1, REG_R15, 0, 0, 0, w), 0,
	    "get_regs");
	for (unsigned i = 0; i < 4; i++)
		EXPECT(w[i], full[i], "r15, rip, rflags, fs_base");
	EXPECT(kcall(CR_X, OC_RESTART_GET_REGS, 1, 18, 0, 0, 0, w), 0,
	    "get_regs 18");
	EXPECT(kcall(CR_X, OC_RESTART_GET_REGS, 1, 20, 0, 0, 0, w),
	    ERR_BAD_SLOT, "get_regs 20");
	err = kcall(CR_X, OC_RESTART_SET_REGS, 2, REG_R15, 0x1500 + mask, 0, 0,
	    0);
	EXPECT(err, deny, "set_regs r15");
	EXPECT(kcall(CR_VICTIM, OC_PROC_GET_REGS, 1, REG_R15, 0, 0, 0, w), 0,
	    "full get r15");
	EXPECT(w[0], err == 0 ? 0x1500 + mask : full[0], "r15 after set_regs");
	EXPECT(kcall(CR_X, OC_RESTART_SET_REGS, 2, REG_RIP, UINT64_C(1) << 63,
	    0, 0, 0), deny ? deny : ERR_BAD_ARG, "set_regs kernel rip");
	EXPECT(kcall(CR_X, OC_RESTART_SET_REGS, 3, 19, 0, 0, 0, 0),
	    deny ? deny : ERR_BAD_SLOT, "set_regs 19 and 20");
	EXPECT(kcall(CR_X, OC_RESTART_SET_REGS, 1, 0, 0, 0, 0, 0),
	    deny ? deny : ERR_BAD_REQUEST, "set_regs no value");
	EXPECT(kcall(CR_VICTIM, OC_PROC_GET_REGS, 1, REG_RIP, 0, 0, 0, w), 0,
	    "full get rip");
	EXPECT(w[0], full[1], "rip unchanged");
	EXPECT(kcall(CR_VICTIM, OC_PROC_GET_STATE, 0, 0, 0, 0, 0, w), 0,
	    "state");
	EXPECT(w[0], PS_FAULTED, "victim still faulted");
}

void
test_endpoint(unsigned mask)
{
	int deny = DENY(mask, CAP_R_WEAK), err;
	struct umsg m;

	EXPECT(fetch(CR_MA, NMASKS * MA_ENDPOINT + mask, CR_X), 0, "fetch");
	expect_class(CR_X, CT_ENDPOINT, mask, "endpoint under test");
	type_is(CT_ENDPOINT, mask);

	err = kcall_cap(CR_X, OC_EP_MAKE_ENTRY, 1, 100 + mask, 0, CR_T0);
	EXPECT(err, deny, "make_entry");
	if (err == 0) {
		expect_class(CR_T0, CT_ENTRY, 0, "entry made");
		umsg_init(&m, 0x42, 1, 5, 0, 0, 0);
		EXPECT(ipc_call(CR_T0, &m), 0, "call through it");
		EXPECT(m.w[0], 100 + mask, "its payload");
	}
	EXPECT(kcall_cap(CR_X, OC_EP_MAKE_ENTRY, 1, 0x10000, 0, CR_T0),
	    deny ? deny : ERR_BAD_ARG, "make_entry payload 65536");
	EXPECT(kcall_give(CR_X, OC_EP_SET_RECIPIENT, 0, 0, 0, CR_ECHO), deny,
	    "set_recipient (same)");
	EXPECT(kcall_give(CR_X, OC_EP_SET_RECIPIENT, 0, 0, 0, CR_LOG),
	    deny ? deny : ERR_BAD_ARG, "set_recipient kernlog");
	EXPECT(kcall(CR_X, OC_EP_SET_MATCH, 2, 0, 0, 0, 0, 0), deny,
	    "set_match off");
	EXPECT(kcall(CR_X, OC_EP_SET_MATCH, 2, 0, 2, 0, 0, 0),
	    deny ? deny : ERR_BAD_ARG, "set_match 2");
}

void
test_entry(unsigned mask)
{
	int nocall = (mask & CAP_R_NOCALL) != 0;
	uint64_t sends;
	struct umsg m;
	int err;

	EXPECT(fetch(CR_MA, NMASKS * MA_ENTRY + mask, CR_X), 0, "fetch");
	expect_class(CR_X, CT_ENTRY, mask, "entry under test");

	/* Through the full entry cap: how many sends echo has seen. */
	umsg_init(&m, 0x50, 1, 0, 0, 0, 0);
	EXPECT(ipc_call(CR_TENTRY, &m), 0, "full call");
	sends = m.w[3];

	umsg_init(&m, OC_TYPE, 1, 1000 + mask, 0, 0, 0);
	err = ipc_call(CR_X, &m);
	EXPECT(err, nocall ? ERR_NO_ACCESS : 0, "call (OC_TYPE is a message)");
	if (err == 0) {
		EXPECT(m.w[0], TEP_PAYLOAD, "payload echo saw");
		EXPECT(m.w[1], OC_TYPE, "opcode echo saw");
		EXPECT(m.w[2], 1001 + mask, "word echo saw");
	}
	umsg_init(&m, 0x51, 1, 0, 0, 0, 0);
	EXPECT(ipc_send(CR_X, &m), 0, "send");
	umsg_init(&m, 0x52, 1, 0, 0, 0, 0);
	EXPECT(ipc_call(CR_TENTRY, &m), 0, "full call again");
	EXPECT(m.w[3], sends + 1, "echo saw the send");
}
