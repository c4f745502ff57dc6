; stage1.asm - the MBR. Finds the active partition, reads its boot header,
; checks it, and loads stage 2 by LBA (INT 13h extensions) to 0x8000.
;
; Entry (from the BIOS): real mode at 0x7C00, DL = boot drive.
; Exit to stage 2: DL = boot drive, EBX = first LBA of the boot partition,
; the boot header at HDR_ADDR, this sector (with the partition table) still
; at 0x7C00. Every failure prints a message on screen and COM1 and halts.

%include "bootpart.inc"

bits 16
org 0x7C00

start:
	cli
	xor	ax, ax
	mov	ds, ax
	mov	es, ax
	mov	ss, ax
	mov	sp, 0x7C00
	jmp	0:.cs_zero		; some BIOSes enter at 07C0:0000
.cs_zero:
	sti
	cld
	mov	[drive], dl
	call	serial_init

	mov	ah, 0x41		; INT 13h extensions present?
	mov	bx, 0x55AA
	mov	dl, [drive]
	int	0x13
	jc	.no_ext
	cmp	bx, 0xAA55
	jne	.no_ext
	test	cl, 1			; fixed disk access subset
	jz	.no_ext

	mov	si, 0x7C00 + 446	; first partition marked active
	mov	cx, 4
.scan:
	cmp	byte [si], 0x80
	je	.found
	add	si, 16
	loop	.scan
	mov	si, msg_nopart
	jmp	fail

.found:
	mov	eax, [si + 8]
	mov	[part_lba], eax
	mov	[dap_lba], eax
	mov	word [dap_count], 1
	mov	word [dap_off], HDR_ADDR
	call	read_sectors

	mov	si, HDR_ADDR		; header magic "CAPBOOT1"
	mov	di, magic
	mov	cx, 8
	repe	cmpsb
	jne	.bad_hdr
	mov	ecx, [HDR_ADDR + HDR_STAGE2_SECTORS]
	jecxz	.bad_hdr
	cmp	ecx, STAGE2_MAX_SECTORS
	ja	.bad_hdr

	mov	eax, [HDR_ADDR + HDR_STAGE2_OFFSET]
	add	eax, [part_lba]
	mov	[dap_lba], eax
	mov	word [dap_seg], STAGE2_LOAD_ADDR >> 4
	mov	word [dap_off], 0
.load:					; 32 sectors (16 KiB) at a time
	mov	ax, 32
	cmp	cx, ax
	jae	.chunk
	mov	ax, cx
.chunk:
	mov	[dap_count], ax
	call	read_sectors
	movzx	eax, word [dap_count]
	add	[dap_lba], eax
	shl	ax, 5			; sectors * 512 / 16 = paragraphs
	add	[dap_seg], ax
	sub	cx, [dap_count]
	jnz	.load

	mov	dl, [drive]
	mov	ebx, [part_lba]
	jmp	0:STAGE2_LOAD_ADDR

.no_ext:
	mov	si, msg_noext
	jmp	fail
.bad_hdr:
	mov	si, msg_badhdr
	jmp	fail

; Read dap_count sectors at dap_lba into dap_seg:dap_off. Fails on error.
read_sectors:
	pusha
	mov	ah, 0x42
	mov	dl, [drive]
	mov	si, dap
	int	0x13
	jc	.err
	popa
	ret
.err:
	mov	si, msg_disk
	; fall through

; Print the NUL-terminated string at SI on screen and COM1, then halt.
fail:
	lodsb
	test	al, al
	jz	.halt
	mov	ah, 0x0E
	mov	bx, 7
	int	0x10
	mov	dx, COM1 + 5
.wait:
	in	al, dx
	test	al, 0x20
	jz	.wait
	mov	al, [si - 1]
	mov	dx, COM1
	out	dx, al
	jmp	fail
.halt:
	cli
	hlt
	jmp	.halt

; COM1 at 115200 8N1, FIFO on.
serial_init:
	mov	si, serial_regs
.next:
	lodsw				; AL = register offset, AH = value
	cmp	al, 0xFF
	je	.done
	movzx	dx, al
	add	dx, COM1
	mov	al, ah
	out	dx, al
	jmp	.next
.done:
	ret

serial_regs:
	db 1, 0x00,  3, 0x80,  0, 0x01,  1, 0x00,  3, 0x03,  2, 0xC7,  4, 0x0B
	db 0xFF, 0

magic		db "CAPBOOT1"
msg_noext	db "boot: no LBA disk access", 13, 10, 0
msg_nopart	db "boot: no active partition", 13, 10, 0
msg_badhdr	db "boot: bad boot header", 13, 10, 0
msg_disk	db "boot: disk read error", 13, 10, 0

align 4
dap:		db 0x10, 0
dap_count	dw 0
dap_off		dw 0
dap_seg		dw 0
dap_lba		dq 0
drive		db 0
part_lba	dd 0

	times 446 - ($ - $$) db 0	; code must not reach the partition table
	times 64 db 0			; partition table, written by mkimage
	dw 0xAA55
