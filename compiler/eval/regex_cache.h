// Compiled RE2 patterns for `matches`, kept per pattern text so a guard does not compile its
// regular expression on every evaluation. Shared by the interpreter and the JIT's helpers.
#pragma once

#include <memory>
#include <string>

#include <re2/re2.h>

namespace approval::eval {

/// The compiled form of `pattern` (check `ok()`: invalid patterns are cached too, with their
/// error). Thread-safe; the cache holds at most kRegexCacheCapacity patterns and starts over
/// when full, so patterns built from changing data cannot grow it without bound.
[[nodiscard]] std::shared_ptr<const RE2> compiledRegex(const std::string& pattern);

inline constexpr std::size_t kRegexCacheCapacity = 1024;

}  // namespace approval::eval
