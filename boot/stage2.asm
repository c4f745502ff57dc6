; stage2.asm - second stage: A20, E820, disk geometry, kernel load, long
; mode, kernel ELF placement, jump to the kernel.
;
; Entry (from stage 1): real mode at STAGE2_LOAD_ADDR, DL = boot drive,
; EBX = first LBA of the boot partition, boot header at HDR_ADDR, MBR at
; 0x7C00. Exit: long mode, identity map of 0..1 GiB and the same 1 GiB at
; KERNEL_VBASE, %rdi = BOOTINFO_ADDR, jump to the kernel's e_entry.
;
; Memory used below 1 MiB: 0x5000 bootinfo, 0x7000 stack top (grows down),
; 0x7C00 MBR, 0x7E00 boot header, 0x8000 this code, 0x40000 disk bounce
; buffer (64 KiB), 0x70000 page tables (16 KiB). The kernel file is staged
; at KERNEL_STAGING and its segments copied to [1 MiB, KERNEL_STAGING).
; Every failure prints "stage2: <reason>" on screen and COM1 and halts.

%include "bootpart.inc"

KERNEL_STAGING	equ 0x1000000		; 16 MiB: where the ELF file is read to
KERNEL_MAX_SECT	equ 16384		; 8 MiB of kernel file at most
KERNEL_VBASE	equ 0xFFFFFFFF80000000
KERNEL_PMIN	equ 0x100000
BOUNCE_SEG	equ 0x4000		; 0x40000
CHUNK_SECTORS	equ 64			; 32 KiB per BIOS read
PT_BASE		equ 0x70000		; PML4, PDPT low, PDPT high, PD
STACK_TOP	equ 0x7000

SEL_CODE64	equ 0x08
SEL_DATA	equ 0x10
SEL_CODE32	equ 0x18
SEL_CODE16	equ 0x20
SEL_DATA16	equ 0x28

bits 16
org STAGE2_LOAD_ADDR

start:
	cli
	xor	ax, ax
	mov	ds, ax
	mov	es, ax
	mov	ss, ax
	mov	sp, STACK_TOP
	sti
	cld
	mov	[drive], dl
	mov	[part_lba], ebx

	mov	si, msg_hello
	call	print

	call	bootinfo_init
	call	find_store
	call	enable_a20
	call	check_long_mode
	call	collect_e820
	call	disk_geometry
	call	load_kernel

	mov	si, msg_long
	call	print
	call	build_page_tables
	jmp	enter_long_mode

; --- bootinfo -------------------------------------------------------------

bootinfo_init:
	mov	di, BOOTINFO_ADDR		; zero it
	mov	cx, BI_SIZE / 2
	xor	ax, ax
	rep	stosw
	mov	dword [BOOTINFO_ADDR + BI_MAGIC], BOOTINFO_MAGIC_LO
	mov	dword [BOOTINFO_ADDR + BI_MAGIC + 4], BOOTINFO_MAGIC_HI
	mov	dword [BOOTINFO_ADDR + BI_VERSION], BOOTINFO_VERSION
	movzx	eax, byte [drive]
	mov	[BOOTINFO_ADDR + BI_BOOT_DRIVE], eax
	mov	eax, [part_lba]
	mov	[BOOTINFO_ADDR + BI_BOOTPART_LBA], eax
	rdtsc
	mov	[BOOTINFO_ADDR + BI_STAGE2_TSC], eax
	mov	[BOOTINFO_ADDR + BI_STAGE2_TSC + 4], edx
	cmp	dword [HDR_ADDR + HDR_VERSION], BOOTPART_VERSION
	jne	.bad_version
	mov	si, HDR_ADDR + HDR_CMDLINE	; copy, always NUL-terminated
	mov	di, BOOTINFO_ADDR + BI_CMDLINE
	mov	cx, CMDLINE_MAX - 1
	rep	movsb
	ret
.bad_version:
	mov	si, msg_hdr_version
	jmp	fail

; The store partition is the first MBR entry of type STORE_PART_TYPE.
find_store:
	mov	si, 0x7C00 + 446
	mov	cx, 4
.scan:
	cmp	byte [si + 4], STORE_PART_TYPE
	je	.found
	add	si, 16
	loop	.scan
	ret					; no store: both fields stay 0
.found:
	mov	eax, [si + 8]
	mov	[BOOTINFO_ADDR + BI_STORE_LBA], eax
	mov	eax, [si + 12]
	mov	[BOOTINFO_ADDR + BI_STORE_SECTORS], eax
	ret

; --- A20 ------------------------------------------------------------------

; Sets ZF if A20 is off: 0000:0500 and FFFF:0510 alias the same byte.
a20_test:
	push	ds
	push	es
	xor	ax, ax
	mov	ds, ax
	not	ax
	mov	es, ax
	mov	al, [ds:0x500]
	push	ax
	mov	byte [ds:0x500], 0x00
	mov	byte [es:0x510], 0xFF
	cmp	byte [ds:0x500], 0xFF
	pop	ax
	mov	[ds:0x500], al
	pop	es
	pop	ds
	ret

enable_a20:
	call	a20_test
	jne	.on
	mov	ax, 0x2401			; BIOS
	int	0x15
	call	a20_test
	jne	.on
	in	al, 0x92			; "fast A20" port
	or	al, 2
	and	al, 0xFE			; never pulse reset
	out	0x92, al
	call	a20_test
	jne	.on
	mov	si, msg_a20
	jmp	fail
.on:
	ret

; --- CPU ------------------------------------------------------------------

check_long_mode:
	mov	eax, 0x80000000
	cpuid
	cmp	eax, 0x80000001
	jb	.no
	mov	eax, 0x80000001
	cpuid
	test	edx, 1 << 29
	jz	.no
	ret
.no:
	mov	si, msg_no_lm
	jmp	fail

; --- memory map -----------------------------------------------------------

collect_e820:
	mov	di, BOOTINFO_ADDR + BI_E820
	xor	ebx, ebx
	xor	bp, bp				; entries stored
.next:
	mov	dword [di + 20], 1		; ACPI 3.0 "valid" if BIOS skips it
	mov	eax, 0xE820
	mov	edx, 0x534D4150			; "SMAP"
	mov	ecx, E820_ENTRY_SIZE
	int	0x15
	jc	.end				; carry: end of list (or none)
	cmp	eax, 0x534D4150
	jne	.end
	cmp	dword [di + 8], 0		; skip empty entries
	jne	.keep
	cmp	dword [di + 12], 0
	je	.skip
.keep:
	add	di, E820_ENTRY_SIZE
	inc	bp
	cmp	bp, BOOTINFO_E820_MAX
	je	.end
.skip:
	test	ebx, ebx
	jnz	.next
.end:
	test	bp, bp
	jz	.none
	mov	[BOOTINFO_ADDR + BI_E820_COUNT], bp
	ret
.none:
	mov	si, msg_e820
	jmp	fail

; INT 13h AH=48h: total sectors of the boot disk (0 if the BIOS won't say).
disk_geometry:
	mov	word [geom], 0x1A
	mov	ah, 0x48
	mov	dl, [drive]
	mov	si, geom
	int	0x13
	jc	.done
	mov	eax, [geom + 16]
	mov	[BOOTINFO_ADDR + BI_DISK_SECTORS], eax
	mov	eax, [geom + 20]
	mov	[BOOTINFO_ADDR + BI_DISK_SECTORS + 4], eax
.done:
	ret

; --- kernel file ----------------------------------------------------------

; Read the kernel ELF file to KERNEL_STAGING, CHUNK_SECTORS at a time
; through the bounce buffer below 1 MiB.
load_kernel:
	mov	ecx, [HDR_ADDR + HDR_KERNEL_SECTORS]
	test	ecx, ecx
	jz	.bad
	cmp	ecx, KERNEL_MAX_SECT
	ja	.bad
	mov	eax, [HDR_ADDR + HDR_KERNEL_BYTES]
	test	eax, eax
	jz	.bad
	add	eax, 511
	shr	eax, 9
	cmp	eax, ecx			; bytes must fit the sectors
	ja	.bad
	mov	eax, [HDR_ADDR + HDR_KERNEL_OFFSET]
	add	eax, [part_lba]
	mov	[dap_lba], eax
	mov	dword [copy_dst], KERNEL_STAGING
.chunk:
	mov	eax, CHUNK_SECTORS
	cmp	ecx, eax
	jae	.read
	mov	eax, ecx
.read:
	mov	[dap_count], ax
	mov	word [dap_off], 0
	mov	word [dap_seg], BOUNCE_SEG
	push	ecx
	mov	ah, 0x42
	mov	dl, [drive]
	mov	si, dap
	int	0x13
	jc	.disk_error
	movzx	ecx, word [dap_count]
	add	[dap_lba], ecx
	shl	ecx, 9
	call	copy_high
	add	[copy_dst], ecx
	pop	ecx
	movzx	eax, word [dap_count]
	sub	ecx, eax
	jnz	.chunk
	ret
.bad:
	mov	si, msg_kernel_hdr
	jmp	fail
.disk_error:
	mov	si, msg_disk
	jmp	fail

; Copy ECX bytes (a multiple of 4) from the bounce buffer to [copy_dst],
; which may be above 1 MiB: a short trip through 32-bit protected mode.
copy_high:
	pushad
	cli
	lgdt	[gdt_desc]
	mov	eax, cr0
	or	al, 1
	mov	cr0, eax
	jmp	SEL_CODE32:.pm32
bits 32
.pm32:
	mov	ax, SEL_DATA
	mov	ds, ax
	mov	es, ax
	mov	esi, BOUNCE_SEG << 4
	mov	edi, [copy_dst]
	shr	ecx, 2
	rep	movsd
	jmp	SEL_CODE16:.pm16
bits 16
.pm16:
	mov	ax, SEL_DATA16			; real-mode limits again
	mov	ds, ax
	mov	es, ax
	mov	eax, cr0
	and	al, 0xFE
	mov	cr0, eax
	jmp	0:.real
.real:
	xor	ax, ax
	mov	ds, ax
	mov	es, ax
	sti
	popad
	ret

; --- long mode ------------------------------------------------------------

; PML4[0] -> PDPT_LO[0] -> PD, PML4[511] -> PDPT_HI[510] -> PD; PD maps
; 0..1 GiB with 2 MiB pages. So both 0 and KERNEL_VBASE see 0..1 GiB.
build_page_tables:
	push	es
	mov	ax, PT_BASE >> 4
	mov	es, ax
	xor	di, di
	xor	eax, eax
	mov	cx, 4 * 4096 / 4
	rep	stosd
	mov	dword [es:0x0000], PT_BASE + 0x1000 + 3		; PML4[0]
	mov	dword [es:0x0FF8], PT_BASE + 0x2000 + 3		; PML4[511]
	mov	dword [es:0x1000], PT_BASE + 0x3000 + 3		; PDPT_LO[0]
	mov	dword [es:0x2FF0], PT_BASE + 0x3000 + 3		; PDPT_HI[510]
	mov	di, 0x3000
	mov	eax, 0x83				; present, writable, 2 MiB
	mov	cx, 512
.pd:
	mov	[es:di], eax
	add	eax, 0x200000
	add	di, 8
	loop	.pd
	pop	es
	ret

enter_long_mode:
	cli
	lgdt	[gdt_desc]
	mov	eax, 1 << 5				; CR4.PAE
	mov	cr4, eax
	mov	eax, PT_BASE
	mov	cr3, eax
	mov	ecx, 0xC0000080				; EFER.LME
	rdmsr
	or	eax, 1 << 8
	wrmsr
	mov	eax, cr0
	or	eax, 0x80000001				; PG | PE
	mov	cr0, eax
	jmp	SEL_CODE64:long_mode

; --- 16-bit output --------------------------------------------------------

; Print the NUL-terminated string at SI on screen (BIOS) and COM1.
print:
	pusha
.next:
	lodsb
	test	al, al
	jz	.done
	push	ax
	mov	ah, 0x0E
	mov	bx, 7
	int	0x10
	pop	ax
	mov	ah, al
	call	serial_putc16
	jmp	.next
.done:
	popa
	ret

; Send AH to COM1 (stage 1 already set up the UART).
serial_putc16:
	mov	dx, COM1 + 5
.wait:
	in	al, dx
	test	al, 0x20
	jz	.wait
	mov	al, ah
	mov	dx, COM1
	out	dx, al
	ret

; Print "stage2: " and the message at SI, then halt.
fail:
	push	si
	mov	si, msg_fail
	call	print
	pop	si
	call	print
.halt:
	cli
	hlt
	jmp	.halt

; --- 64-bit part: place the kernel and jump -------------------------------

bits 64
long_mode:
	mov	ax, SEL_DATA
	mov	ds, ax
	mov	es, ax
	mov	ss, ax
	xor	ax, ax
	mov	fs, ax
	mov	gs, ax
	mov	rsp, STACK_TOP

	mov	rbx, KERNEL_STAGING			; rbx = ELF file
	mov	r15d, [HDR_ADDR + HDR_KERNEL_BYTES]	; r15 = its size
	lea	rsi, [rel msg_elf_short]
	cmp	r15, 64
	jb	fail64
	lea	rsi, [rel msg_elf_magic]
	cmp	dword [rbx], 0x464C457F			; 7F 'E' 'L' 'F'
	jne	fail64
	lea	rsi, [rel msg_elf_class]
	cmp	word [rbx + 4], 0x0102			; ELFCLASS64, little-endian
	jne	fail64
	lea	rsi, [rel msg_elf_type]
	cmp	word [rbx + 16], 2			; ET_EXEC
	jne	fail64
	lea	rsi, [rel msg_elf_machine]
	cmp	word [rbx + 18], 0x3E			; EM_X86_64
	jne	fail64
	lea	rsi, [rel msg_elf_phdr]
	cmp	word [rbx + 54], 56			; e_phentsize
	jne	fail64
	movzx	ecx, word [rbx + 56]			; e_phnum in 1..64
	test	ecx, ecx
	jz	fail64
	cmp	ecx, 64
	ja	fail64
	mov	rax, [rbx + 32]				; e_phoff
	cmp	rax, r15
	jae	fail64
	imul	rdx, rcx, 56
	add	rdx, rax
	cmp	rdx, r15
	ja	fail64

	lea	r12, [rbx + rax]			; r12 = phdr
	mov	r13, -1					; lowest paddr loaded
	xor	r14, r14				; highest end loaded
.phdr:
	cmp	dword [r12], 1				; PT_LOAD
	jne	.next_phdr
	mov	r8, [r12 + 8]				; p_offset
	mov	r9, [r12 + 24]				; p_paddr
	mov	r10, [r12 + 32]				; p_filesz
	mov	r11, [r12 + 40]				; p_memsz
	lea	rsi, [rel msg_elf_segment]
	cmp	r10, r11
	ja	fail64
	cmp	r10, r15				; offset + filesz <= size
	ja	fail64
	mov	rax, r15
	sub	rax, r10
	cmp	r8, rax
	ja	fail64
	lea	rsi, [rel msg_elf_place]
	cmp	r9, KERNEL_PMIN
	jb	fail64
	mov	rax, KERNEL_STAGING
	cmp	r11, rax
	ja	fail64
	sub	rax, r11				; paddr + memsz <= staging
	cmp	r9, rax
	ja	fail64
	cmp	r9, r13
	cmovb	r13, r9
	lea	rax, [r9 + r11]
	cmp	rax, r14
	cmova	r14, rax
	push	rcx
	lea	rsi, [rbx + r8]				; copy file bytes
	mov	rdi, r9
	mov	rcx, r10
	rep	movsb
	mov	rcx, r11				; zero the rest (BSS)
	sub	rcx, r10
	xor	eax, eax
	rep	stosb
	pop	rcx
.next_phdr:
	add	r12, 56
	dec	ecx
	jnz	.phdr

	lea	rsi, [rel msg_elf_noload]
	test	r14, r14
	jz	fail64
	mov	[BOOTINFO_ADDR + BI_KERNEL_START], r13
	mov	[BOOTINFO_ADDR + BI_KERNEL_END], r14
	mov	rax, [rbx + 24]				; e_entry in the loaded image
	mov	rdx, KERNEL_VBASE
	sub	rax, rdx
	lea	rsi, [rel msg_elf_entry]
	cmp	rax, r13
	jb	fail64
	cmp	rax, r14
	jae	fail64
	add	rax, rdx
	mov	edi, BOOTINFO_ADDR
	jmp	rax

; Print "stage2: " and the message at RSI on COM1 and the VGA text screen's
; bottom line, then halt.
fail64:
	push	rsi
	lea	rsi, [rel msg_fail]
	mov	edi, 0xB8000 + 24 * 160
	call	print64
	pop	rsi
	call	print64
.halt:
	cli
	hlt
	jmp	.halt

; Print the string at RSI to COM1 and to VGA memory at RDI (advanced).
print64:
	lodsb
	test	al, al
	jz	.done
	cmp	al, 13
	je	.serial
	cmp	al, 10
	je	.serial
	mov	ah, 0x4F				; white on red
	mov	[rdi], ax
	add	rdi, 2
.serial:
	mov	ah, al
	mov	dx, COM1 + 5
.wait:
	in	al, dx
	test	al, 0x20
	jz	.wait
	mov	al, ah
	mov	dx, COM1
	out	dx, al
	jmp	print64
.done:
	ret

; --- data -----------------------------------------------------------------

align 8
gdt:
	dq 0
	dq 0x00AF9A000000FFFF		; 0x08 64-bit code
	dq 0x00CF92000000FFFF		; 0x10 flat data
	dq 0x00CF9A000000FFFF		; 0x18 32-bit code
	dq 0x00009A000000FFFF		; 0x20 16-bit code
	dq 0x000092000000FFFF		; 0x28 16-bit data
gdt_end:
gdt_desc:
	dw gdt_end - gdt - 1
	dq gdt

dap:		db 0x10, 0
dap_count	dw 0
dap_off		dw 0
dap_seg		dw 0
dap_lba		dq 0
copy_dst	dd 0
part_lba	dd 0
drive		db 0
align 4
geom:		times 0x1A db 0

msg_hello	db "stage2: loading kernel", 13, 10, 0
msg_long	db "stage2: entering long mode", 13, 10, 0
msg_fail	db "stage2: ", 0
msg_hdr_version	db "unsupported boot header version", 13, 10, 0
msg_a20		db "cannot enable the A20 line", 13, 10, 0
msg_no_lm	db "this CPU has no long mode (x86-64)", 13, 10, 0
msg_e820	db "no E820 memory map from the BIOS", 13, 10, 0
msg_kernel_hdr	db "bad kernel size in boot header", 13, 10, 0
msg_disk	db "disk read error loading the kernel", 13, 10, 0
msg_elf_short	db "bad kernel ELF: file too short", 13, 10, 0
msg_elf_magic	db "bad kernel ELF: no ELF magic", 13, 10, 0
msg_elf_class	db "bad kernel ELF: not 64-bit little-endian", 13, 10, 0
msg_elf_type	db "bad kernel ELF: not an executable (ET_EXEC)", 13, 10, 0
msg_elf_machine	db "bad kernel ELF: not x86-64", 13, 10, 0
msg_elf_phdr	db "bad kernel ELF: bad program header table", 13, 10, 0
msg_elf_segment	db "bad kernel ELF: segment outside the file", 13, 10, 0
msg_elf_place	db "bad kernel ELF: segment outside 1 MiB..16 MiB", 13, 10, 0
msg_elf_noload	db "bad kernel ELF: no loadable segment", 13, 10, 0
msg_elf_entry	db "bad kernel ELF: entry point outside the kernel", 13, 10, 0
