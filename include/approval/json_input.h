// JSON that comes from outside (IR files, contexts, payloads, events files), parsed with a
// limit on nesting. nlohmann's parser itself is iterative, but copying, printing and
// converting a value recurse, so a document nested a million levels deep would overflow the
// stack long after it was parsed.
#pragma once

#include <cstddef>
#include <exception>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "approval/result.h"

namespace approval {

/// Deeper than any value a context or payload type can describe (types nest far less).
inline constexpr int kMaxJsonNesting = 256;

/// Values (scalars, arrays and objects) in an instance's data as JSON: a context, a payload,
/// an events line. A guard visits at most a million elements in one evaluation (approval/
/// evaluate.h), and a value takes some hundred bytes once read: 20 million numbers in a 40 MB
/// line took 2.3 GB.
inline constexpr std::size_t kMaxInstanceDataValues = 1'000'000;

/// The document, or what is wrong with it: the parser's message without its exception tag
/// ("parse error at line 1, column 5: ..."), that it nests deeper than `maxNesting` arrays
/// and objects, or that it holds more than `maxValues` values (none past it is kept).
[[nodiscard]] Result<nlohmann::json> parseJsonInput(std::string_view text, int maxNesting = kMaxJsonNesting,
                                                    std::size_t maxValues = static_cast<std::size_t>(-1));

/// An exception's message without nlohmann's "[json.exception.parse_error.101] " tag, which
/// helps no one reading it.
[[nodiscard]] std::string jsonErrorMessage(const std::exception& error);

}  // namespace approval
