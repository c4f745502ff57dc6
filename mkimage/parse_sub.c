/*
 * parse_sub.c - the indented lines of a .mki file: "cap", "reg" and "map"
 * inside a process, constructor or cappage block.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <abi/cap.h>
#include <abi/process.h>

#include "lex.h"
#include "parse.h"
#include "util.h"

static const struct {
	const char	*word;
	uint8_t		restr;
} restr_words[] = {
	{ "weak", CAP_R_WEAK }, { "ro", CAP_R_RO }, { "nx", CAP_R_NX },
	{ "opaque", CAP_R_OPAQUE }, { "nocall", CAP_R_NOCALL },
};

static const struct {
	const char	*word;
	enum mki_capkind kind;
	int		has_target;
} cap_words[] = {
	{ "null", MKI_CK_NULL, 0 }, { "kernlog", MKI_CK_KERNLOG, 0 },
	{ "range", MKI_CK_RANGE, 0 }, { "ckpt", MKI_CK_CKPT, 0 },
	{ "discrim", MKI_CK_DISCRIM, 0 }, { "sleep", MKI_CK_SLEEP, 0 },
	{ "console", MKI_CK_CONSOLE, 0 }, { "sysinfo", MKI_CK_SYSINFO, 0 },
	{ "endpoint", MKI_CK_ENDPOINT, 1 }, { "entry", MKI_CK_ENTRY, 1 },
	{ "process", MKI_CK_PROCESS, 1 }, { "restart", MKI_CK_RESTART, 1 },
	{ "space", MKI_CK_SPACE, 1 }, { "segment", MKI_CK_SEGMENT, 1 },
	{ "image", MKI_CK_IMAGE, 1 }, { "cappage", MKI_CK_CAPPAGE, 1 },
	{ "bank", MKI_CK_BANK, 1 }, { "constructor", MKI_CK_CONSTRUCTOR, 1 },
	{ "symbols", MKI_CK_SYMBOLS, 1 }, { "banktable", MKI_CK_BANKTABLE, 0 },
};

/* "cap N KIND [TARGET] [payload N] [restrictions...]" */
static void
sub_cap(struct parser *p, struct lex_line *l, struct mki_capspec **caps,
    size_t *n, size_t *cap, unsigned nslots)
{
	struct mki_capspec c = { .line = p->line };
	uint64_t v;
	size_t k;
	int i = 3;

	if (l->nwords < 3 || mki_parse_u64(l->word[1], &v) != 0) {
		parse_error(p, p->line, "usage: cap SLOT KIND [NAME] "
		    "[payload N] [ro|nx|weak|opaque|nocall...]");
		return;
	}
	if (v >= nslots) {
		parse_error(p, p->line, "cap slot %s out of range 0..%u",
		    l->word[1], nslots - 1);
		return;
	}
	c.slot = (unsigned)v;
	for (k = 0; k < sizeof(cap_words) / sizeof(cap_words[0]); k++)
		if (strcmp(l->word[2], cap_words[k].word) == 0)
			break;
	if (k == sizeof(cap_words) / sizeof(cap_words[0])) {
		parse_error(p, p->line, "unknown cap kind '%s'", l->word[2]);
		return;
	}
	c.kind = cap_words[k].kind;
	if (cap_words[k].has_target) {
		if (l->nwords < 4 || !parse_valid_name(l->word[3])) {
			parse_error(p, p->line, "cap kind '%s' needs a name",
			    l->word[2]);
			return;
		}
		c.target = mki_strdup(l->word[3]);
		i = 4;
	}
	for (; i < l->nwords; i++) {
		size_t r;

		if (strcmp(l->word[i], "payload") == 0) {
			const char *pv = parse_opt_value(p, l, &i);

			if (pv == NULL)
				continue;
			if (mki_parse_u64(pv, &v) != 0 || v > 0xffff) {
				parse_error(p, p->line, "payload '%s' is not a "
				    "number in 0..65535", pv);
				continue;
			}
			if (c.kind != MKI_CK_ENTRY) {
				parse_error(p, p->line, "only entry caps carry "
				    "a payload");
				continue;
			}
			c.payload = (uint16_t)v;
			c.has_payload = 1;
			continue;
		}
		for (r = 0; r < sizeof(restr_words) / sizeof(restr_words[0]);
		    r++)
			if (strcmp(l->word[i], restr_words[r].word) == 0)
				break;
		if (r == sizeof(restr_words) / sizeof(restr_words[0])) {
			parse_error(p, p->line, "unknown cap option '%s'",
			    l->word[i]);
			continue;
		}
		c.restr |= restr_words[r].restr;
	}
	for (k = 0; k < *n; k++)
		if ((*caps)[k].slot == c.slot) {
			parse_error(p, p->line, "cap slot %u already set on "
			    "line %d", c.slot, (*caps)[k].line);
			free(c.target);
			return;
		}
	mki_grow(caps, cap, *n + 1, sizeof(c));
	(*caps)[(*n)++] = c;
}

static void
sub_reg(struct parser *p, struct lex_line *l, struct mki_process *pr)
{
	struct mki_reg r = { .line = p->line };
	int idx;

	if (l->nwords != 3) {
		parse_error(p, p->line, "usage: reg NAME VALUE");
		return;
	}
	idx = mki_reg_index(l->word[1]);
	if (idx < 0) {
		parse_error(p, p->line, "unknown register '%s'", l->word[1]);
		return;
	}
	if (mki_parse_u64(l->word[2], &r.value) != 0) {
		parse_error(p, p->line, "bad register value '%s'", l->word[2]);
		return;
	}
	for (size_t k = 0; k < pr->nregs; k++)
		if (pr->regs[k].index == (unsigned)idx) {
			parse_error(p, p->line, "register %s already set on "
			    "line %d", l->word[1], pr->regs[k].line);
			return;
		}
	r.index = (unsigned)idx;
	mki_grow(&pr->regs, &pr->capregs, pr->nregs + 1, sizeof(r));
	pr->regs[pr->nregs++] = r;
}

static void
sub_map(struct parser *p, struct lex_line *l, struct mki_process *pr)
{
	struct mki_map m = { .line = p->line };
	size_t k;

	if (l->nwords < 2 || !parse_valid_name(l->word[1])) {
		parse_error(p, p->line, "usage: map SEGMENT [ro] [nx]");
		return;
	}
	for (int i = 2; i < l->nwords; i++) {
		if (strcmp(l->word[i], "ro") == 0)
			m.flags |= MKI_SEG_RO;
		else if (strcmp(l->word[i], "nx") == 0)
			m.flags |= MKI_SEG_NX;
		else
			parse_error(p, p->line, "unknown map option '%s'",
			    l->word[i]);
	}
	k = names_find(&pr->map_names, l->word[1]);
	if (k != NAMES_NONE) {
		parse_error(p, p->line, "segment '%s' already mapped on line "
		    "%d", l->word[1], pr->maps[k].line);
		return;
	}
	m.segment = mki_strdup(l->word[1]);
	mki_grow(&pr->maps, &pr->capmaps, pr->nmaps + 1, sizeof(m));
	pr->maps[pr->nmaps++] = m;
	names_add(&pr->map_names, m.segment, pr->nmaps - 1);
}

void
parse_sub_statement(struct parser *p, struct lex_line *l)
{
	const char *k = l->word[0];

	if (p->proc == NULL && p->cpage == NULL) {
		parse_error(p, p->line, "indented line outside a process, "
		    "constructor or cappage");
		return;
	}
	if (strcmp(k, "cap") == 0) {
		if (p->proc != NULL)
			sub_cap(p, l, &p->proc->caps, &p->proc->ncaps,
			    &p->proc->capcaps, PROC_CAP_REGS);
		else
			sub_cap(p, l, &p->cpage->caps, &p->cpage->ncaps,
			    &p->cpage->capcaps, CAPPAGE_SLOTS);
	} else if (strcmp(k, "reg") == 0 && p->proc != NULL) {
		sub_reg(p, l, p->proc);
	} else if (strcmp(k, "map") == 0 && p->proc != NULL) {
		sub_map(p, l, p->proc);
	} else {
		parse_error(p, p->line, "unknown statement '%s' in %s", k,
		    p->proc != NULL ? "process" : "cappage");
	}
}

