/*
 * fault.h - faults of user processes: page faults are resolved through
 * the space (space_handle_fault) when they can be; otherwise, like every
 * other exception from ring 3, they become a fault message (OC_FAULT,
 * abi/invoke.h) sent as a CALL on the process's behalf to the keeper of
 * the address (the ENTRY cap in slot 15 of the innermost kept GPT) or,
 * failing that, to the process's handler. With neither, the process is
 * parked PS_FAULTED and one line is logged:
 *   fault: process <OID>: <FC_NAME> at <ADDR> rip <RIP>
 * A fault in ring 0 is a kernel bug and stays a panic (trap.c).
 */
#pragma once

#include <stdint.h>

#include <obj.h>

/* "FC_NO_MAPPING" etc. for fc < FC_MAX, "FC_?" otherwise. */
const char	*fault_name(uint32_t fc);

/* The FC_* an x86 exception vector (not #PF) from ring 3 becomes. */
uint32_t	fault_code_of_vector(uint64_t vector);

/*
 * Exception `vector` with error code err (and CR2 for #PF) interrupted
 * p (current; registers saved). Resolves it or raises a fault.
 */
void	fault_exception(struct process *p, uint64_t vector, uint64_t err,
	    uint64_t cr2);

/*
 * p faults outside its space's keepers (fc, addr, err): record and
 * deliver to its handler. p is PS_FAULTED afterwards until a reply,
 * RESTART or RESUME runs it again.
 */
void	fault_raise(struct process *p, uint32_t fc, uint64_t addr,
	    uint64_t err);

/*
 * p is about to run again after fault fc at addr (error code err): if it
 * was a page fault that p's space can now resolve from objects in memory
 * (the keeper fixed it), map the page now, so that the retried access
 * does not trap again. Changes nothing else; cannot fail.
 */
void	fault_premap(struct process *p, uint32_t fc, uint64_t addr,
	    uint64_t err);

/*
 * (Re)try to deliver p's recorded fault: to the keeper, if the recorded
 * cap to the kept GPT is still valid, else the handler (a stall on a
 * recipient that does not wait counts as delivered: ipc_wait retries
 * it), else park and log. Cannot fail.
 */
void	fault_deliver(struct process *p);
