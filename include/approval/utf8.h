// UTF-8 validity: the source files the compiler reads and the texts a host hands the
// runtime (actors, payload strings) must be UTF-8, since strings are Unicode text in guards
// and the engine's views render them as JSON.
#pragma once

#include <cstddef>
#include <string>
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

/// How much of a text from input a message quotes: an id, a name or a value is echoed in
/// full up to this many bytes. Longer ones are cut, so that a 1 MB key does not make a 1 MB
/// message (or a 2 MB journal entry, when a refusal's reason is kept in the history).
inline constexpr std::size_t kMessageExcerptBytes = 96;

/// The longest start of `text` of at most `maxBytes` bytes that ends at a UTF-8 sequence
/// boundary.
[[nodiscard]] std::string_view utf8Prefix(std::string_view text, std::size_t maxBytes) noexcept;

/// `text` when it has at most `maxBytes` bytes; else its first bytes, cut at a UTF-8
/// sequence boundary, then "…" and the whole length: `abc… (1048576 bytes)`.
[[nodiscard]] std::string excerptForMessage(std::string_view text, std::size_t maxBytes = kMessageExcerptBytes);

}  // namespace approval
