/* fuzz.h - the libFuzzer entry point each fuzz_<target>.c defines and driver_main.c calls. */
#ifndef NFS41_FUZZ_H
#define NFS41_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* Run one input; returns 0. An oracle failure abort()s. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
