/*
 * pk_report.h - what the process keeper reports about a fault: the
 * registers, and the symbol and offset of the RIP and of each return
 * address found by following frame pointers on the faulted stack.
 */
#pragma once

#include <stdint.h>

#include <abi/process.h>

#include "prockeep.h"

#define PK_NAME_MAX	48	/* bytes of a symbol name kept and printed */

struct pk_frame {
	uint64_t	addr;
	uint64_t	off;		/* ~0: no symbol */
	char		name[PK_NAME_MAX];
};

struct pk_report {
	uint64_t	code, addr;	/* FC_*, the faulting address */
	struct proc_regs regs;
	unsigned	nframes;
	struct pk_frame	frame[PK_FRAMES];
};

/* Registers the report code may use. */
struct pk_caps {
	unsigned	restart;	/* RESTART cap of the faulted process */
	unsigned	space;		/* free: gets a weak cap to its space */
	unsigned	proc;		/* its PROCESS cap */
	unsigned	symtab;		/* its program's symbol table, or null */
	unsigned	tmp;		/* free */
};

/* Name of fault code c ("FC_UD"), or "FC_?" */
const char	*pk_fault_name(uint64_t c);

/*
 * Fill r for a fault (code, addr) of the process: its registers, then
 * the frames. Returns 0, or the ERR_* of reading the registers (the
 * frames are best effort: an unreadable stack ends the backtrace).
 */
int	pk_collect(const struct pk_caps *c, uint64_t code, uint64_t addr,
	    struct pk_report *r);

/* Print r as one block of lines, each starting with prefix. */
void	pk_print(const char *prefix, const struct pk_report *r);
