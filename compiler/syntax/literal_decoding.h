// Turns literal token text into values. Each function returns the value or a message that
// says what is wrong with the literal; the caller attaches the location.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace approval::syntax {

struct LiteralError {
  explicit LiteralError(std::string text) : message(std::move(text)) {}
  std::string message;
  /// The bytes of the literal's text at fault (an escape), when not the whole literal:
  /// [begin, end) from the text's start.
  std::size_t begin = 0;
  std::size_t end = 0;
  std::string help;
};

template <typename T>
using Decoded = std::variant<T, LiteralError>;

[[nodiscard]] Decoded<std::int64_t> decodeInt(std::string_view text, bool negated);
[[nodiscard]] Decoded<std::uint64_t> decodeUint(std::string_view text);
[[nodiscard]] Decoded<double> decodeDouble(std::string_view text);
/// A quoted literal with optional r/R (raw) prefix, single, double or triple quotes.
/// With `asBytes`, \x and octal escapes are single bytes and the b/B prefix is expected.
[[nodiscard]] Decoded<std::string> decodeString(std::string_view text, bool asBytes = false);
/// `48h`, `1h30m`, `250ms` → milliseconds, at most ast::Duration::kMaxMilliseconds.
[[nodiscard]] Decoded<std::int64_t> decodeDurationMs(std::string_view text);

}  // namespace approval::syntax
