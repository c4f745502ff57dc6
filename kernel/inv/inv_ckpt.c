/*
 * inv_ckpt.c - the CKPT cap: take a checkpoint now (OC_CKPT_TAKE), ask
 * for the committed generation (OC_CKPT_GENERATION), wait until a
 * generation is committed (OC_CKPT_WAIT: the waiter blocks in W_CKPT,
 * its target generation in its w0 register, until inv_ckpt_committed()
 * answers it; a restart re-executes the wait), the figures of the last
 * checkpoint (OC_CKPT_LAST, for the bench rows), and
 * OC_CKPT_POWEROFF, which ends the machine: under QEMU through
 * isa-debug-exit (exit status w0 << 1 | 1), which is how test and
 * benchmark images stop; where that device is absent it answers
 * ERR_NOT_FOUND.
 */
#include <store/ckpt.h>
#include <inv/inv.h>
#include <panic.h>
#include <printf.h>
#include <proc.h>
#include <x86_64/qemu.h>

/*
 * The generation holds the invoker as it is during the checkpoint, so
 * its answer (success, the generation's number) is in its registers
 * first: resumed from that generation, the call has returned. On
 * failure nothing was committed and the error overwrites the answer.
 */
static int
ckpt_take_op(struct inv *inv)
{
	uint64_t gen, next = ckpt_generation() + 1;
	int rc;

	inv->rw[0] = next;
	inv->rnwords = 1;
	inv_answer(inv, 0);
	rc = ckpt_take(&gen);
	/* The invoker's writes after a snapshot need the hook again. */
	proc_modify(inv->p);
	if (rc != 0)
		return rc;
	assert(gen == next);
	return 0;
}

/*
 * OC_CKPT_WAIT: answer at once if generation w0 is committed, else
 * block until it is. The registers stay as the syscall left them (w0 is
 * r8), so inv_ckpt_committed() finds the target there and a restart can
 * re-execute the call.
 */
static int
ckpt_wait_op(struct inv *inv)
{
	struct process *p = inv->p;
	int rc;

	if ((rc = inv_args(inv, 1, 0)) != 0)
		return rc;
	if (inv->w[0] <= ckpt_generation()) {
		inv->rw[0] = ckpt_generation();
		return inv_answer_words(inv, 1);
	}
	if (ckpt_generation() == 0)
		return ERR_NOT_FOUND;		/* no store: never */
	proc_block(p, PS_RECEIVING, W_CKPT, p->obj.oid);
	return INV_DONE;
}

void
inv_ckpt_committed(uint64_t gen)
{
	struct process *p;
	struct proc_regs *r;

	for (p = proc_held_first(); p != NULL; p = p->k.held_next) {
		r = &p->d.regs;
		if (p->d.run_state != PS_RECEIVING || p->k.wait != W_CKPT ||
		    r->r8 > gen)
			continue;
		proc_modify(p);
		/* The kernel answer inv.c writes: rax 0, w0 = gen. */
		if (r->rax & IC_RECV) {
			r->rdi = MI_MAKE(0, 1, 0);
			r->rsi = 0;
			r->r8 = gen;
			r->r9 = r->r10 = r->r12 = 0;
		}
		r->rax = 0;
		proc_ready(p);
	}
}

int
inv_ckpt(struct inv *inv)
{
	struct ckpt_stats st;
	int rc;

	switch (inv->opcode) {
	case OC_CKPT_TAKE:
		return ckpt_take_op(inv);
	case OC_CKPT_GENERATION:
		inv->rw[0] = ckpt_generation();
		return inv_answer_words(inv, 1);
	case OC_CKPT_WAIT:
		return ckpt_wait_op(inv);
	case OC_CKPT_LAST:
		ckpt_last(&st);
		inv->rw[0] = st.generation;
		inv->rw[1] = st.pause_tsc;
		inv->rw[2] = st.write_tsc;
		inv->rw[3] = st.bytes;
		return inv_answer_words(inv, 4);
	case OC_CKPT_POWEROFF:
		break;
	default:
		return ERR_BAD_REQUEST;
	}
	if ((rc = inv_args(inv, 1, 0)) != 0)
		return rc;
	if (inv->w[0] > 1)
		return ERR_BAD_ARG;
	kprintf("kernel: power off requested (status %lu)\n", inv->w[0]);
	qemu_exit((uint32_t)inv->w[0]);
	return ERR_NOT_FOUND;
}
