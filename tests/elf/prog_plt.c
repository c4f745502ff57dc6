/*
 * prog_plt.c - ELF corpus program that calls a preemptible function of
 * a shared object through the PLT, leaving an R_X86_64_JUMP_SLOT
 * relocation: a dynamic-linking need the reader must reject by name.
 */

void
plt_callee(void)
{
}

void
_start(void)
{
	plt_callee();
	for (;;)
		;
}
