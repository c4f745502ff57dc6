/*
 * prog_sym.c - ELF corpus program linked as a self-contained shared
 * object (ET_DYN, no DT_NEEDED) so that the linker leaves R_X86_64_64
 * and R_X86_64_GLOB_DAT relocations against its own global symbols,
 * which a static PIE would have turned into R_X86_64_RELATIVE.
 */

int sym_value = 7;
int sym_array[4] = { 1, 2, 3, 4 };
int *sym_ptr = &sym_value;		/* R_X86_64_64 sym_value + 0 */
int *sym_ptr2 = &sym_array[2];		/* R_X86_64_64 sym_array + 8 */
__attribute__((visibility("hidden"))) int sym_out;

void
_start(void)
{
	/* sym_array is reached through the GOT: R_X86_64_GLOB_DAT. */
	sym_out = *sym_ptr + sym_array[1];
	for (;;)
		;
}
