/* transcript.h - a case's plain-text transcript: steps, ladder events, repro. */
#ifndef NFS41_REPORTS_TRANSCRIPT_H
#define NFS41_REPORTS_TRANSCRIPT_H

#include <stdio.h>

#include "result.h"

/* "line 14  FAIL   <source>" and the indented message / observed lines. */
void transcript_steps(FILE *out, const struct case_result *c);
/* "+0.012s  c1 -> server  xid 0x0000002a  slot 0 seqid 3  <summary>" and the detail. */
void transcript_ladder(FILE *out, const struct case_result *c);
/* Write s cleaned, starting every line after the first with indent. */
void transcript_indented(FILE *out, const char *s, const char *indent);
/* The steps only (with_ladder 0) or repro, steps and ladder, as a heap string. */
char *transcript_string(const struct case_result *c, int with_ladder);

#endif
