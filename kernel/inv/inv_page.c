/*
 * inv_page.c - PAGE caps: erase, read and write 8-byte words, copy a
 * whole page from another PAGE cap, and the memory cap operations. RO
 * or WEAK forbids erase, write and being copied into, OPAQUE forbids
 * read and being copied from (ERR_NO_ACCESS).
 */
#include <stdint.h>

#include <cap.h>
#include <inv/inv.h>
#include <lib/string.h>
#include <x86_64/pagezero.h>

/* Offset w must be 8-aligned and inside the page. */
static int
check_offset(uint64_t off)
{
	return (off & 7) != 0 || off >= PAGE_SIZE ? ERR_BAD_ARG : 0;
}

int
inv_page(struct inv *inv)
{
	struct page *pg = obj_page(inv->obj);
	struct obj *src;
	uint64_t *words;
	int rc;

	switch (inv->opcode) {
	case OC_PAGE_ERASE:
		if (!cap_may_write(&inv->cap))
			return ERR_NO_ACCESS;
		obj_modify(&pg->obj);
		page_zero(page_data(pg));
		return 0;
	case OC_PAGE_READ:
		if ((rc = inv_args(inv, 1, 0)) != 0 ||
		    (rc = check_offset(inv->w[0])) != 0)
			return rc;
		if (inv->cap.restr & CAP_R_OPAQUE)
			return ERR_NO_ACCESS;
		words = page_data(pg);
		inv->rw[0] = words[inv->w[0] / 8];
		return inv_answer_words(inv, 1);
	case OC_PAGE_WRITE:
		if ((rc = inv_args(inv, 2, 0)) != 0 ||
		    (rc = check_offset(inv->w[0])) != 0)
			return rc;
		if (!cap_may_write(&inv->cap))
			return ERR_NO_ACCESS;
		obj_modify(&pg->obj);
		words = page_data(pg);
		words[inv->w[0] / 8] = inv->w[1];
		return 0;
	case OC_PAGE_COPY_FROM:
		if ((rc = inv_mem_copy_source(inv, CT_PAGE, &src)) != 0)
			return rc;
		if (src != &pg->obj) {
			obj_modify(&pg->obj);
			memcpy(page_data(pg), page_data(obj_page(src)),
			    PAGE_SIZE);
		}
		return 0;
	default:
		return inv_mem_common(inv);
	}
}
