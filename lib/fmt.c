/*
 * fmt.c - printf-style formatting engine (see include/lib/fmt.h).
 *
 * Freestanding: no libc calls, no allocation, no floating point, fixed
 * stack use (one digit buffer per conversion), so it is safe in interrupt
 * and panic paths. Integer conversions follow C11 7.21.6.1 exactly (the
 * host tests compare against glibc over many thousands of cases); the
 * only extensions are glibc's "(nil)" for a NULL %p and "(null)" for a
 * NULL %s.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <lib/fmt.h>

#define FL_LEFT		0x01	/* '-' */
#define FL_PLUS		0x02	/* '+' */
#define FL_SPACE	0x04	/* ' ' */
#define FL_ALT		0x08	/* '#' */
#define FL_ZERO		0x10	/* '0' */

/* Length modifiers. */
enum fmt_len { LEN_INT, LEN_CHAR, LEN_SHORT, LEN_LONG, LEN_LLONG, LEN_SIZE,
    LEN_MAX, LEN_PTRDIFF };

#define FMT_INT_MAX	2147483647

struct fmt_out {
	void	(*emit)(void *arg, const char *s, size_t n);
	void	*arg;
	size_t	total;
};

struct fmt_spec {
	unsigned	flags;
	size_t		width;
	long		prec;		/* -1: none given */
	enum fmt_len	len;
	char		conv;
};

static void
out_str(struct fmt_out *o, const char *s, size_t n)
{
	if (n == 0)
		return;
	o->emit(o->arg, s, n);
	o->total += n;
}

static void
out_fill(struct fmt_out *o, char c, size_t n)
{
	char buf[32];
	size_t i;

	for (i = 0; i < sizeof(buf); i++)
		buf[i] = c;
	while (n > 0) {
		size_t chunk = n < sizeof(buf) ? n : sizeof(buf);

		out_str(o, buf, chunk);
		n -= chunk;
	}
}

/* Output body (len chars) inside the field width, justified per flags. */
static void
out_field(struct fmt_out *o, const struct fmt_spec *sp, const char *body,
    size_t len)
{
	size_t pad = sp->width > len ? sp->width - len : 0;

	if (!(sp->flags & FL_LEFT))
		out_fill(o, ' ', pad);
	out_str(o, body, len);
	if (sp->flags & FL_LEFT)
		out_fill(o, ' ', pad);
}

/*
 * One integer conversion: magnitude mag, negative if neg. Handles
 * precision (minimum digits), the sign and "0x" prefixes, and padding with
 * zeros between prefix and digits when '0' is given without a precision.
 */
static void
out_integer(struct fmt_out *o, const struct fmt_spec *sp, uintmax_t mag,
    bool neg)
{
	static const char lower[] = "0123456789abcdef";
	static const char upper[] = "0123456789ABCDEF";
	const char *set = sp->conv == 'X' ? upper : lower;
	unsigned base = 10;
	char digits[24];		/* 64 bits in octal: 22 digits */
	size_t nd = 0, zeros, len, pad;
	char prefix[2];
	size_t np = 0;
	bool signed_conv = sp->conv == 'd' || sp->conv == 'i';

	if (sp->conv == 'o')
		base = 8;
	else if (sp->conv == 'x' || sp->conv == 'X' || sp->conv == 'p')
		base = 16;
	while (mag != 0) {
		digits[sizeof(digits) - 1 - nd++] = set[mag % base];
		mag /= base;
	}

	/* Precision is the minimum number of digits; 1 if not given. */
	size_t prec = sp->prec < 0 ? 1 : (size_t)sp->prec;

	zeros = prec > nd ? prec - nd : 0;
	if (sp->conv == 'o' && (sp->flags & FL_ALT) && zeros == 0 &&
	    (nd == 0 || digits[sizeof(digits) - nd] != '0'))
		zeros = 1;		/* "#o": the first digit is a zero */

	if (signed_conv) {
		if (neg)
			prefix[np++] = '-';
		else if (sp->flags & FL_PLUS)
			prefix[np++] = '+';
		else if (sp->flags & FL_SPACE)
			prefix[np++] = ' ';
	} else if (nd > 0 && (sp->conv == 'p' ||
	    ((sp->flags & FL_ALT) && (sp->conv == 'x' || sp->conv == 'X')))) {
		prefix[np++] = '0';
		prefix[np++] = sp->conv == 'X' ? 'X' : 'x';
	}

	len = np + zeros + nd;
	pad = sp->width > len ? sp->width - len : 0;
	if (sp->flags & FL_LEFT) {
		out_str(o, prefix, np);
		out_fill(o, '0', zeros);
		out_str(o, digits + sizeof(digits) - nd, nd);
		out_fill(o, ' ', pad);
	} else if ((sp->flags & FL_ZERO) && sp->prec < 0) {
		out_str(o, prefix, np);
		out_fill(o, '0', zeros + pad);
		out_str(o, digits + sizeof(digits) - nd, nd);
	} else {
		out_fill(o, ' ', pad);
		out_str(o, prefix, np);
		out_fill(o, '0', zeros);
		out_str(o, digits + sizeof(digits) - nd, nd);
	}
}

static intmax_t
arg_signed(enum fmt_len len, va_list *ap)
{
	switch (len) {
	case LEN_CHAR:
		return (signed char)va_arg(*ap, int);
	case LEN_SHORT:
		return (short)va_arg(*ap, int);
	case LEN_LONG:
		return va_arg(*ap, long);
	case LEN_LLONG:
		return va_arg(*ap, long long);
	case LEN_SIZE:
		/* The signed type corresponding to size_t. */
		return (intmax_t)(ptrdiff_t)va_arg(*ap, size_t);
	case LEN_MAX:
		return va_arg(*ap, intmax_t);
	case LEN_PTRDIFF:
		return va_arg(*ap, ptrdiff_t);
	default:
		return va_arg(*ap, int);
	}
}

static uintmax_t
arg_unsigned(enum fmt_len len, va_list *ap)
{
	switch (len) {
	case LEN_CHAR:
		return (unsigned char)va_arg(*ap, unsigned int);
	case LEN_SHORT:
		return (unsigned short)va_arg(*ap, unsigned int);
	case LEN_LONG:
		return va_arg(*ap, unsigned long);
	case LEN_LLONG:
		return va_arg(*ap, unsigned long long);
	case LEN_SIZE:
		return va_arg(*ap, size_t);
	case LEN_MAX:
		return va_arg(*ap, uintmax_t);
	case LEN_PTRDIFF:
		return (uintmax_t)va_arg(*ap, ptrdiff_t);
	default:
		return va_arg(*ap, unsigned int);
	}
}

/* Parse a decimal number at *pp, saturating instead of overflowing. */
static size_t
parse_num(const char **pp)
{
	const char *p = *pp;
	size_t v = 0;

	while (*p >= '0' && *p <= '9') {
		if (v <= FMT_INT_MAX)
			v = v * 10 + (size_t)(*p - '0');
		p++;
	}
	*pp = p;
	return v > FMT_INT_MAX ? FMT_INT_MAX : v;
}

/*
 * Parse the conversion specification after a '%' at *pp into sp,
 * consuming '*' arguments. Advances *pp past the spec's last character.
 */
static void
parse_spec(const char **pp, struct fmt_spec *sp, va_list *ap)
{
	const char *p = *pp;

	sp->flags = 0;
	for (;; p++) {
		if (*p == '-')
			sp->flags |= FL_LEFT;
		else if (*p == '+')
			sp->flags |= FL_PLUS;
		else if (*p == ' ')
			sp->flags |= FL_SPACE;
		else if (*p == '#')
			sp->flags |= FL_ALT;
		else if (*p == '0')
			sp->flags |= FL_ZERO;
		else
			break;
	}
	sp->width = 0;
	if (*p == '*') {
		int w = va_arg(*ap, int);

		if (w < 0) {		/* a negative width means '-' */
			sp->flags |= FL_LEFT;
			sp->width = w == -FMT_INT_MAX - 1 ? (size_t)FMT_INT_MAX :
			    (size_t)-w;
		} else
			sp->width = (size_t)w;
		p++;
	} else
		sp->width = parse_num(&p);
	sp->prec = -1;
	if (*p == '.') {
		p++;
		if (*p == '*') {
			int pr = va_arg(*ap, int);

			sp->prec = pr < 0 ? -1 : pr;	/* negative: none */
			p++;
		} else
			sp->prec = (long)parse_num(&p);
	}
	sp->len = LEN_INT;
	switch (*p) {
	case 'h':
		p++;
		sp->len = LEN_SHORT;
		if (*p == 'h') {
			p++;
			sp->len = LEN_CHAR;
		}
		break;
	case 'l':
		p++;
		sp->len = LEN_LONG;
		if (*p == 'l') {
			p++;
			sp->len = LEN_LLONG;
		}
		break;
	case 'z':
		p++;
		sp->len = LEN_SIZE;
		break;
	case 'j':
		p++;
		sp->len = LEN_MAX;
		break;
	case 't':
		p++;
		sp->len = LEN_PTRDIFF;
		break;
	}
	sp->conv = *p;
	if (*p != '\0')
		p++;
	*pp = p;
}

static void
out_string(struct fmt_out *o, const struct fmt_spec *sp, const char *s)
{
	size_t n = 0;

	if (s == NULL)
		s = "(null)";
	/* Never read past the precision: s need not be NUL-terminated. */
	while ((sp->prec < 0 || n < (size_t)sp->prec) && s[n] != '\0')
		n++;
	out_field(o, sp, s, n);
}

int
fmt_vformat(void (*emit)(void *arg, const char *s, size_t n), void *arg,
    const char *fmt, va_list ap)
{
	struct fmt_out o = { emit, arg, 0 };
	const char *p = fmt;
	va_list args;

	va_copy(args, ap);
	while (*p != '\0') {
		const char *start = p;
		struct fmt_spec sp;

		while (*p != '\0' && *p != '%')
			p++;
		out_str(&o, start, (size_t)(p - start));
		if (*p == '\0')
			break;
		start = p++;
		parse_spec(&p, &sp, &args);
		switch (sp.conv) {
		case 'd':
		case 'i': {
			intmax_t v = arg_signed(sp.len, &args);
			uintmax_t mag = v < 0 ? -(uintmax_t)v : (uintmax_t)v;

			out_integer(&o, &sp, mag, v < 0);
			break;
		}
		case 'u':
		case 'o':
		case 'x':
		case 'X':
			out_integer(&o, &sp, arg_unsigned(sp.len, &args), false);
			break;
		case 'p': {
			void *ptr = va_arg(args, void *);

			if (ptr == NULL) {
				struct fmt_spec nil = sp;

				nil.prec = -1;
				out_string(&o, &nil, "(nil)");
			} else
				out_integer(&o, &sp, (uintptr_t)ptr, false);
			break;
		}
		case 's':
			out_string(&o, &sp, va_arg(args, const char *));
			break;
		case 'c': {
			char c = (char)va_arg(args, int);

			out_field(&o, &sp, &c, 1);
			break;
		}
		case '%':
			out_str(&o, "%", 1);
			break;
		default:
			/* Unsupported or truncated: show it as written. */
			out_str(&o, start, (size_t)(p - start));
			break;
		}
	}
	va_end(args);
	return o.total > FMT_INT_MAX ? FMT_INT_MAX : (int)o.total;
}

struct fmt_buf {
	char	*buf;
	size_t	size;		/* room for characters, excluding the NUL */
	size_t	used;
};

static void
buf_emit(void *arg, const char *s, size_t n)
{
	struct fmt_buf *b = arg;
	size_t i;

	for (i = 0; i < n && b->used < b->size; i++)
		b->buf[b->used++] = s[i];
}

int
fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct fmt_buf b = { buf, size > 0 ? size - 1 : 0, 0 };
	int n;

	n = fmt_vformat(buf_emit, &b, fmt, ap);
	if (size > 0)
		buf[b.used] = '\0';
	return n;
}

int
fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
