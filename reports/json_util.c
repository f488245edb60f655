/* json_util.c - jansson helpers: cleaned strings, rounded seconds, arrays, saving a document. */
#include <math.h>
#include <stdlib.h>

#include "json_util.h"
#include "report_util.h"

json_t *json_text(const char *s)
{
	char *clean;
	json_t *j;

	if (!s)
		return json_null();
	clean = text_clean(s, 0);
	if (!clean)
		return NULL;
	j = json_string(clean);
	free(clean);
	return j;
}

json_t *json_seconds(double s)
{
	if (!isfinite(s))
		s = 0;
	return json_real(round(s * 1e6) / 1e6);
}

json_t *json_text_array(char *const *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < n; i++) {
		if (json_array_append_new(a, json_text(v[i])) != 0) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

int json_save(json_t *doc, const char *path, char *err, size_t errlen)
{
	FILE *out;
	int rc;

	if (!doc) {
		report_error(err, errlen, "%s: out of memory building the JSON document", path);
		return -1;
	}
	out = report_open(path, err, errlen);
	if (!out) {
		json_decref(doc);
		return -1;
	}
	rc = json_dumpf(doc, out, JSON_INDENT(2) | JSON_REAL_PRECISION(15));
	json_decref(doc);
	if (rc == 0)
		fputc('\n', out);
	else if (!ferror(out))
		fputs("\n\"truncated\"", out); /* make sure the reader rejects it */
	if (report_close(out, path, err, errlen) != 0)
		return -1;
	if (rc == 0)
		return 0;
	report_error(err, errlen, "%s: JSON encoding failed", path);
	report_remove_partial(path);
	return -1;
}
