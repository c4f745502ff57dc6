/*
 * ipc.h - the ipc suite (ipc.mki): main calls servers through entry
 * caps and checks what arrives both ways: words, payloads, caps, REPLY
 * caps that work once, NOCALL, nonblocking sends, payload matching, a
 * change of recipient, and two callers at once.
 */
#pragma once

/* Roles (rdi). */
#define ROLE_MAIN	0
#define ROLE_SERVER	1	/* rsi: its id, answered by OP_WHO */
#define ROLE_CLIENT2	2
#define ROLE_WAIT	3	/* waits forever */

/* Server opcodes. */
#define OP_ECHO		0x10	/* -> opcode = nwords, words inverted */
#define OP_WHO		0x11	/* -> w0 payload, w1 server id */
#define OP_TYPES	0x12	/* caps -> opcode = ncaps, w[i] = CT of cap i */
#define OP_USE_PAGE	0x13	/* c0 page: -> w0 = word 0, writes w0 at 8,
				   w1 = the write's error */
#define OP_GIVE		0x14	/* -> c0 = entry to the server, payload w0 */
#define OP_REPLY_TWICE	0x15	/* replies, then tries its REPLY cap again */
#define OP_REPORT	0x16	/* -> w0, w1 errors of the second replies,
				   w2 one-way sends seen, w3 OP_COUNT calls */
#define OP_COUNT	0x17	/* -> w0 = calls counted so far */

#define SERVER_ID	1
#define SERVER2_ID	2
#define COUNT_CALLS	200
