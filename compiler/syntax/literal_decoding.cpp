#include "syntax/literal_decoding.h"

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <limits>

#include <fmt/format.h>

#include "approval/ast.h"

namespace approval::syntax {

namespace {

constexpr std::uint64_t kMinInt64Magnitude = 9223372036854775808ull;

bool parseUnsigned(std::string_view digits, int base, std::uint64_t& out) {
  const auto* begin = digits.data();
  const auto* end = digits.data() + digits.size();
  auto [ptr, ec] = std::from_chars(begin, end, out, base);
  return ec == std::errc() && ptr == end;
}

/// Splits an integer literal into its digits and base; `0x1F` → ("1F", 16).
std::pair<std::string_view, int> digitsAndBase(std::string_view text) {
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) return {text.substr(2), 16};
  return {text, 10};
}

void appendUtf8(std::string& out, std::uint32_t codePoint) {
  if (codePoint < 0x80) {
    out += static_cast<char>(codePoint);
  } else if (codePoint < 0x800) {
    out += static_cast<char>(0xC0 | (codePoint >> 6));
    out += static_cast<char>(0x80 | (codePoint & 0x3F));
  } else if (codePoint < 0x10000) {
    out += static_cast<char>(0xE0 | (codePoint >> 12));
    out += static_cast<char>(0x80 | ((codePoint >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (codePoint & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (codePoint >> 18));
    out += static_cast<char>(0x80 | ((codePoint >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((codePoint >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (codePoint & 0x3F));
  }
}

bool isHexDigit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/// Reads `count` hex digits at `body[pos]`.
bool readHex(std::string_view body, std::size_t pos, std::size_t count, std::uint32_t& value) {
  if (pos + count > body.size()) return false;
  value = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const char c = body[pos + i];
    if (!isHexDigit(c)) return false;
    value = value * 16 + static_cast<std::uint32_t>(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
  }
  return true;
}

Decoded<std::string> unescapeAt(std::string_view body, bool asBytes, std::size_t& escape);

/// The bytes an escape that starts `text` (at its backslash) would take, as written.
std::size_t escapeLength(std::string_view text) {
  if (text.size() < 2) return text.size();
  switch (text[1]) {
    case 'u': return 6;
    case 'U': return 10;
    case 'x': case 'X': return 4;
    default: return text[1] >= '0' && text[1] <= '7' ? 4 : 2;
  }
}

/// Decodes the escapes of `body`, which starts `offset` bytes into the literal's text; an
/// error names the escape's bytes in that text.
Decoded<std::string> unescape(std::string_view body, bool asBytes, std::size_t offset) {
  std::size_t escape = 0;
  auto decoded = unescapeAt(body, asBytes, escape);
  if (auto* error = std::get_if<LiteralError>(&decoded)) {
    error->begin = offset + escape;
    error->end = offset + std::min(body.size(), escape + escapeLength(body.substr(escape)));
    if (error->message.starts_with("unknown escape sequence")) {
      error->help = "write `\\\\` for a backslash, or use a raw string (r\"...\"), which has no escapes";
    }
  }
  return decoded;
}

/// Decodes the escapes CEL defines (doc/langdef.md "String and Bytes Values"); on an error,
/// `escape` is where its backslash is in `body`.
Decoded<std::string> unescapeAt(std::string_view body, bool asBytes, std::size_t& escape) {
  std::string out;
  out.reserve(body.size());
  for (std::size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (c != '\\') {
      out += c;
      continue;
    }
    escape = i;
    if (i + 1 >= body.size()) return LiteralError{"a string cannot end with a lone backslash"};
    const char e = body[++i];
    switch (e) {
      case 'a': out += '\a'; continue;
      case 'b': out += '\b'; continue;
      case 'f': out += '\f'; continue;
      case 'n': out += '\n'; continue;
      case 'r': out += '\r'; continue;
      case 't': out += '\t'; continue;
      case 'v': out += '\v'; continue;
      case '\\': case '\'': case '"': case '`': case '?': out += e; continue;
      default: break;
    }
    std::uint32_t value = 0;
    if (e == 'x' || e == 'X') {
      if (!readHex(body, i + 1, 2, value)) return LiteralError{"`\\x` must be followed by two hex digits"};
      i += 2;
      if (asBytes) out += static_cast<char>(value); else appendUtf8(out, value);
      continue;
    }
    if (e == 'u' || e == 'U') {
      const std::size_t count = e == 'u' ? 4 : 8;
      if (asBytes) return LiteralError{fmt::format("`\\{}` escapes are not allowed in bytes literals", e)};
      if (!readHex(body, i + 1, count, value)) {
        return LiteralError{fmt::format("`\\{}` must be followed by {} hex digits", e, count)};
      }
      i += count;
      // A high surrogate followed by `\u` and a low one is one code point beyond the BMP, as
      // CEL's langdef writes them ("\uD83D\uDE00" is U+1F600).
      std::uint32_t low = 0;
      if (e == 'u' && value >= 0xD800 && value <= 0xDBFF && body.substr(i + 1, 2) == "\\u" &&
          readHex(body, i + 3, 4, low) && low >= 0xDC00 && low <= 0xDFFF) {
        i += 6;
        value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00);
      }
      if (value >= 0xD800 && value <= 0xDFFF) {
        return LiteralError{fmt::format("`\\{}{:0{}X}` is half of a surrogate pair without its other half: write a "
                                        "high surrogate and a low one (\\uD83D\\uDE00), or the code point (\\U0001F600)",
                                        e, value, count)};
      }
      if (value > 0x10FFFF) {
        return LiteralError{fmt::format("`\\{}{:0{}X}` is not a Unicode scalar value", e, value, count)};
      }
      appendUtf8(out, value);
      continue;
    }
    if (e >= '0' && e <= '3' && i + 2 < body.size() && body[i + 1] >= '0' && body[i + 1] <= '7' &&
        body[i + 2] >= '0' && body[i + 2] <= '7') {
      value = static_cast<std::uint32_t>((e - '0') * 64 + (body[i + 1] - '0') * 8 + (body[i + 2] - '0'));
      i += 2;
      if (asBytes) out += static_cast<char>(value); else appendUtf8(out, value);
      continue;
    }
    return LiteralError{fmt::format("unknown escape sequence `\\{}`", e)};
  }
  return out;
}

}  // namespace

Decoded<std::int64_t> decodeInt(std::string_view text, bool negated) {
  auto [digits, base] = digitsAndBase(text);
  std::uint64_t magnitude = 0;
  if (!parseUnsigned(digits, base, magnitude)) {
    return LiteralError{fmt::format("integer literal `{}` does not fit in 64 bits", text)};
  }
  if (negated) {
    if (magnitude > kMinInt64Magnitude) {
      return LiteralError{fmt::format("integer literal `-{}` is below the int minimum -9223372036854775808", text)};
    }
    return magnitude == kMinInt64Magnitude ? std::numeric_limits<std::int64_t>::min()
                                           : -static_cast<std::int64_t>(magnitude);
  }
  if (magnitude > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    LiteralError error{fmt::format("integer literal `{}` is above the int maximum 9223372036854775807", text)};
    error.help = fmt::format("write `{}u` for a uint", text);  // in a guard; a section's number is an int
    return error;
  }
  return static_cast<std::int64_t>(magnitude);
}

Decoded<std::uint64_t> decodeUint(std::string_view text) {
  auto [digits, base] = digitsAndBase(text.substr(0, text.size() - 1));
  std::uint64_t value = 0;
  if (!parseUnsigned(digits, base, value)) {
    return LiteralError{fmt::format("uint literal `{}` is above the uint maximum 18446744073709551615", text)};
  }
  return value;
}

Decoded<double> decodeDouble(std::string_view text) {
  const std::string copy(text);
  errno = 0;
  char* end = nullptr;
  const double value = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size()) return LiteralError{fmt::format("malformed double literal `{}`", text)};
  if (errno == ERANGE && (value == HUGE_VAL || value == -HUGE_VAL)) {
    return LiteralError{fmt::format("double literal `{}` is too large", text)};
  }
  return value;
}

Decoded<std::string> decodeString(std::string_view text, bool asBytes) {
  std::size_t prefix = 0;  // the b and r before the quotes
  if (asBytes && !text.empty() && (text[0] == 'b' || text[0] == 'B')) {
    text.remove_prefix(1);
    ++prefix;
  }
  bool raw = false;
  if (!text.empty() && (text[0] == 'r' || text[0] == 'R')) {
    raw = true;
    text.remove_prefix(1);
    ++prefix;
  }
  const bool triple = text.size() >= 6 && (text.starts_with("\"\"\"") || text.starts_with("'''"));
  const std::size_t quote = triple ? 3 : 1;
  if (text.size() < 2 * quote) return LiteralError{"malformed string literal"};
  const std::string_view body = text.substr(quote, text.size() - 2 * quote);
  if (raw) return std::string(body);
  return unescape(body, asBytes, prefix + quote);
}

namespace {

LiteralError durationTooLong(std::string_view text) {
  return LiteralError{fmt::format("duration `{}` is too long: a duration is at most {} (106751 days, about 292 "
                                  "years), the range of a 64-bit count of nanoseconds",
                                  text, ast::formatDuration(ast::Duration::kMaxMilliseconds))};
}

}  // namespace

Decoded<std::int64_t> decodeDurationMs(std::string_view text) {
  // The lexer's DURATION token has this shape already; text from elsewhere (a duration in an
  // events file or payload, approval/time_text.h) may not.
  if (text.empty()) return LiteralError{"a duration needs an amount and a unit, such as 48h"};
  std::int64_t total = 0;
  std::size_t i = 0;
  // Durations are nanoseconds once evaluated: a literal past this would pass the check and
  // then fail every evaluation.
  constexpr std::int64_t kMax = ast::Duration::kMaxMilliseconds;
  while (i < text.size()) {
    std::size_t start = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    if (i == start || i == text.size()) return LiteralError{fmt::format("malformed duration `{}`", text)};
    std::uint64_t amount = 0;
    if (!parseUnsigned(text.substr(start, i - start), 10, amount)) return durationTooLong(text);
    std::int64_t unitMs = 0;
    if (text.substr(i).starts_with("ms")) {
      unitMs = 1;
      i += 2;
    } else {
      switch (text[i]) {
        case 's': unitMs = 1000; break;
        case 'm': unitMs = 60'000; break;
        case 'h': unitMs = 3'600'000; break;
        case 'd': unitMs = 86'400'000; break;
        default: return LiteralError{fmt::format("malformed duration `{}`", text)};
      }
      ++i;
    }
    if (amount > static_cast<std::uint64_t>(kMax / unitMs) ||
        total > kMax - static_cast<std::int64_t>(amount) * unitMs) {
      return durationTooLong(text);
    }
    total += static_cast<std::int64_t>(amount) * unitMs;
  }
  return total;
}

}  // namespace approval::syntax
