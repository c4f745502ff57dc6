/*
 * st_user.h - running tiny ring-3 programs (x86_64/st_user.S) from the
 * self-tests: a process with a one-GPT space (code page at ST_USER_CODE,
 * stack page below ST_USER_STACK), and a way to run every runnable
 * process until none is left and come back to the test.
 */
#pragma once

#include <stdint.h>

#include <obj.h>

#define ST_USER_CODE	0x1000ul
#define ST_USER_STACK	0x3000ul

extern char	st_user_null[], st_user_null_end[];
extern char	st_user_client[], st_user_client_end[];
extern char	st_user_server[], st_user_server_end[];
extern char	st_user_spin[], st_user_spin_end[];
extern char	st_user_fpu_client[], st_user_fpu_client_end[];
extern char	st_user_fpu_server[], st_user_fpu_server_end[];
extern char	st_user_recv_once[], st_user_recv_once_end[];
extern char	st_user_fs_zero[], st_user_fs_zero_end[];
extern char	st_user_fs_read[], st_user_fs_read_end[];

/*
 * A fresh process (pinned until st_space_end) running the program
 * [start, end) with r14 = count; not yet runnable. NULL on failure (the
 * test has failed).
 */
struct process	*st_user_process(const char *start, const char *end,
		    uint64_t count);

/* Run processes until nothing is runnable; back with interrupts on. */
void		st_user_run(void);

/* Stop p (it no longer holds scheduler pins or the FPU). */
void		st_user_stop(struct process *p);
