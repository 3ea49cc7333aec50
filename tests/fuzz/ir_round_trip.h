// What both IR-producing harnesses require: IR written by toJson reads back with parseIr,
// and writing it again gives the same text. A break aborts, which libFuzzer reports.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>

#include "approval/ir.h"
#include "approval/ir_json.h"

namespace approval::fuzz {

/// Writes `program`, reads it back and writes it again; aborts unless the two texts agree.
inline void requireStableRoundTrip(const ir::Program& program) {
  const std::string once = toJson(program).dump();
  auto again = parseIr(once);
  if (!again) {
    std::fprintf(stderr, "IR as written does not load: %s\n", again.error().message.c_str());
    std::abort();
  }
  if (toJson(again.value()).dump() != once) {
    std::fprintf(stderr, "IR round trip is not stable\n");
    std::abort();
  }
}

}  // namespace approval::fuzz
