// UTF-8 validity: the source files the compiler reads and the texts a host hands the
// runtime (actors, payload strings) must be UTF-8, since strings are Unicode text in guards
// and the engine's views render them as JSON.
#pragma once

#include <cstddef>
#include <string_view>

namespace approval {

/// The length of the valid UTF-8 sequence that starts at text[at], or 0 if it is invalid
/// (truncated, overlong, a surrogate, or above U+10FFFF). `at` < text.size().
[[nodiscard]] std::size_t utf8SequenceLength(std::string_view text, std::size_t at) noexcept;

/// The code point of the `length`-byte sequence at text[at] (a length utf8SequenceLength gave,
/// or at least one whose bytes are all there).
[[nodiscard]] char32_t utf8CodePoint(std::string_view text, std::size_t at, std::size_t length) noexcept;

/// Whether all of `text` is valid UTF-8. ASCII runs take a byte compare each.
[[nodiscard]] inline bool isValidUtf8(std::string_view text) noexcept {
  for (std::size_t at = 0; at < text.size();) {
    if (static_cast<unsigned char>(text[at]) < 0x80) {
      ++at;
      continue;
    }
    const std::size_t length = utf8SequenceLength(text, at);
    if (length == 0) return false;
    at += length;
  }
  return true;
}

}  // namespace approval
