// JSON that comes from outside (IR files, contexts, payloads, events files), parsed with a
// limit on nesting. nlohmann's parser itself is iterative, but copying, printing and
// converting a value recurse, so a document nested a million levels deep would overflow the
// stack long after it was parsed.
#pragma once

#include <exception>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "approval/result.h"

namespace approval {

/// Deeper than any value a context or payload type can describe (types nest far less).
inline constexpr int kMaxJsonNesting = 256;

/// The document, or what is wrong with it: the parser's message without its exception tag
/// ("parse error at line 1, column 5: ..."), or that it nests deeper than `maxNesting`
/// arrays and objects.
[[nodiscard]] Result<nlohmann::json> parseJsonInput(std::string_view text, int maxNesting = kMaxJsonNesting);

/// An exception's message without nlohmann's "[json.exception.parse_error.101] " tag, which
/// helps no one reading it.
[[nodiscard]] std::string jsonErrorMessage(const std::exception& error);

}  // namespace approval
