#ifndef CLIBFUZZER_H
#define CLIBFUZZER_H
#include <stddef.h>
#include <stdint.h>

/// libFuzzer's driver (compiler-rt, linked by `-sanitize=fuzzer`): parses libFuzzer's flags and
/// runs `callback` on each input. The targets call it from their own `main` because SwiftPM names an
/// executable's entry point itself (`<Module>_main`), so libFuzzer's `main` is never the one linked.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
