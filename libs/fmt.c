#include <stdio.h>
#include <libs/fmt.h>

char *fmt_size(char *buf, size_t len, uint64_t bytes)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	unsigned u = 0;
	uint64_t whole = bytes, rem = 0;

	while (whole >= 1024 && u < sizeof(units) / sizeof(units[0]) - 1) {
		rem = whole % 1024;
		whole /= 1024;
		u++;
	}
	if (rem == 0)
		snprintf(buf, len, "%llu %s", (unsigned long long)whole, units[u]);
	else
		snprintf(buf, len, "%llu.%llu %s", (unsigned long long)whole,
			 (unsigned long long)(rem * 10 / 1024), units[u]);
	return buf;
}

char *fmt_seconds(char *buf, size_t len, uint64_t ns)
{
	snprintf(buf, len, "%llu.%06llu", (unsigned long long)(ns / 1000000000ULL),
		 (unsigned long long)((ns / 1000ULL) % 1000000ULL));
	return buf;
}

bool parse_decimal(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (!s || !*s)
		return false;
	for (; *s; s++) {
		unsigned d = (unsigned)(*s - '0');
		if (d > 9 || d > max || v > (max - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

bool parse_number(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (!s || s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
		return parse_decimal(s, max, out);
	s += 2;
	if (!*s)
		return false;
	for (; *s; s++) {
		unsigned d;
		if (*s >= '0' && *s <= '9')
			d = (unsigned)(*s - '0');
		else if ((*s | 0x20) >= 'a' && (*s | 0x20) <= 'f')
			d = (unsigned)((*s | 0x20) - 'a' + 10);
		else
			return false;
		if (v > (max >> 4) || (v << 4) > max - d)
			return false;
		v = (v << 4) | d;
	}
	*out = v;
	return true;
}
