/* json_util.h - jansson helpers the JSON writers share: clean strings, seconds, saving. */
#ifndef NFS41_REPORTS_JSON_UTIL_H
#define NFS41_REPORTS_JSON_UTIL_H

#include <jansson.h>
#include <stddef.h>

/* A JSON string of s cleaned to valid UTF-8 (null for NULL; NULL on allocation failure). */
json_t *json_text(const char *s);
/* Seconds rounded to microseconds (0 when not finite). */
json_t *json_seconds(double s);
/* An array of strings. */
json_t *json_text_array(char *const *v, size_t n);
/* Write doc (taking the reference; NULL means building it failed) to path. */
int json_save(json_t *doc, const char *path, char *err, size_t errlen);

#endif
