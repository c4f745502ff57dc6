/*
 * inv_ckpt.c - the CKPT cap. Checkpoint operations (0xA00..0xA7F) come
 * with the persistence issue and answer ERR_BAD_REQUEST until then.
 * OC_CKPT_POWEROFF ends the machine: under QEMU through isa-debug-exit
 * (exit status w0 << 1 | 1), which is how test and benchmark images stop;
 * where that device is absent it answers ERR_NOT_FOUND.
 */
#include <inv/inv.h>
#include <printf.h>
#include <x86_64/qemu.h>

int
inv_ckpt(struct inv *inv)
{
	int rc;

	if (inv->opcode != OC_CKPT_POWEROFF)
		return ERR_BAD_REQUEST;
	if ((rc = inv_args(inv, 1, 0)) != 0)
		return rc;
	if (inv->w[0] > 1)
		return ERR_BAD_ARG;
	kprintf("kernel: power off requested (status %lu)\n", inv->w[0]);
	qemu_exit((uint32_t)inv->w[0]);
	return ERR_NOT_FOUND;
}
