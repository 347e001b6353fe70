// The declaration in include/CLibFuzzer.h is all this module provides; SwiftPM needs one source
// file for a C target. The definition is libFuzzer's, linked by `-sanitize=fuzzer`.
#include "CLibFuzzer.h"
