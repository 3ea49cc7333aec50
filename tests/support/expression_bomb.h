// Text that is cheap to write and ruinous to evaluate, for the tests that show such text is
// only ever parsed as data (durations from outside: approval/time_text.h).
#pragma once

#include <string>

namespace approval::test {

/// An expression nesting `levels` `all` macros over ten elements, whose value is a duration:
/// 10^levels evaluations, were it evaluated.
inline std::string macroBomb(int levels) {
  std::string text = "true";
  for (int level = 0; level < levels; ++level) {
    text = "[0,1,2,3,4,5,6,7,8,9].all(v" + std::to_string(level) + ", " + text + ")";
  }
  return text + " ? 1h : 2h";
}

}  // namespace approval::test
