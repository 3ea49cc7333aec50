// A guard verdict as text, for the benchmarks' agreement checks.
#pragma once

#include <string>

#include "approval/jit.h"

inline std::string verdictText(const approval::jit::Verdict& verdict) {
  switch (verdict.kind) {
    case approval::jit::Verdict::Kind::False: return "false";
    case approval::jit::Verdict::Kind::True: return "true";
    case approval::jit::Verdict::Kind::Error: return "error: " + verdict.error;
  }
  return "?";
}
