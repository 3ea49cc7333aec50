#include <doctest/doctest.h>

#include <cstdint>
#include <limits>

#include "syntax/literal_decoding.h"

using namespace approval::syntax;

namespace {
template <typename T>
T valueOf(const Decoded<T>& decoded) {
  REQUIRE(std::holds_alternative<T>(decoded));
  return std::get<T>(decoded);
}
template <typename T>
std::string errorOf(const Decoded<T>& decoded) {
  REQUIRE(std::holds_alternative<LiteralError>(decoded));
  return std::get<LiteralError>(decoded).message;
}
}  // namespace

TEST_CASE("integer literals: decimal, hex, range, and the negative minimum") {
  CHECK(valueOf(decodeInt("42", false)) == 42);
  CHECK(valueOf(decodeInt("0x1F", false)) == 31);
  CHECK(valueOf(decodeInt("9223372036854775807", false)) == std::numeric_limits<std::int64_t>::max());
  CHECK(valueOf(decodeInt("9223372036854775808", true)) == std::numeric_limits<std::int64_t>::min());
  CHECK(errorOf(decodeInt("9223372036854775808", false)) ==
        "integer literal `9223372036854775808` is above the int maximum 9223372036854775807");
  // The uint advice is help a guard gives; a section's number (`version:`) is an int.
  CHECK(std::get<LiteralError>(decodeInt("9223372036854775808", false)).help == "write `9223372036854775808u` for a uint");
  CHECK(errorOf(decodeInt("9223372036854775809", true)).find("below the int minimum") != std::string::npos);
  CHECK(errorOf(decodeInt("99999999999999999999", false)).find("64 bits") != std::string::npos);
}

TEST_CASE("uint and double literals") {
  CHECK(valueOf(decodeUint("18446744073709551615u")) == std::numeric_limits<std::uint64_t>::max());
  CHECK(valueOf(decodeUint("0xFFu")) == 255u);
  CHECK_FALSE(std::holds_alternative<std::uint64_t>(decodeUint("18446744073709551616u")));
  CHECK(valueOf(decodeDouble("1.5")) == 1.5);
  CHECK(valueOf(decodeDouble("2e3")) == 2000.0);
  CHECK(valueOf(decodeDouble(".5")) == 0.5);
  CHECK(errorOf(decodeDouble("1e999")).find("too large") != std::string::npos);
}

TEST_CASE("string literals: quotes, raw, triple, and CEL escapes") {
  CHECK(valueOf(decodeString(R"("a\nb")")) == "a\nb");
  CHECK(valueOf(decodeString(R"('it\'s')")) == "it's");
  CHECK(valueOf(decodeString(R"(r"a\nb")")) == "a\\nb");
  CHECK(valueOf(decodeString("\"\"\"two\nlines\"\"\"")) == "two\nlines");
  CHECK(valueOf(decodeString(R"("\u8349\U0001F600")")) == "\u8349\U0001F600");
  CHECK(valueOf(decodeString(R"("\x41\101\?\`")")) == "AA?`");
  CHECK(errorOf(decodeString(R"("\q")")).find("unknown escape sequence `\\q`") != std::string::npos);
  CHECK(errorOf(decodeString(R"("\uD800")")).find("half of a surrogate pair without its other half") != std::string::npos);
  CHECK(errorOf(decodeString(R"("\U00110000")")).find("not a Unicode scalar value") != std::string::npos);
  CHECK(errorOf(decodeString(R"("\x4")")).find("two hex digits") != std::string::npos);
}

TEST_CASE("string literals: a surrogate pair of \\u escapes is one code point beyond the BMP") {
  // CEL's langdef: "Characters in other Unicode planes can be represented with surrogate pairs."
  CHECK(valueOf(decodeString(R"("\uD83D\uDE00")")) == "\U0001F600");
  CHECK(valueOf(decodeString(R"("a\uD800\uDC00b\uDBFF\uDFFF")")) == "a\U00010000b\U0010FFFF");
  for (const char* lone : {R"("\uD83D")", R"("\uDE00\uD83D")", R"("\uD83Dx\uDE00")", R"("\uD83D\u0041")",
                           R"("\uD83D\U0000DE00")", R"("\UD83DDE00")"}) {
    CAPTURE(lone);
    CHECK_FALSE(std::holds_alternative<std::string>(decodeString(lone)));
  }
}

TEST_CASE("bytes literals keep single bytes") {
  CHECK(valueOf(decodeString(R"(b"\xff\000")", true)) == std::string("\xff\0", 2));
  CHECK(errorOf(decodeString(R"(b"\u0041")", true)).find("not allowed in bytes") != std::string::npos);
}

TEST_CASE("durations: units, compounds, overflow") {
  CHECK(valueOf(decodeDurationMs("48h")) == 48LL * 3600 * 1000);
  CHECK(valueOf(decodeDurationMs("1h30m")) == 90LL * 60 * 1000);
  CHECK(valueOf(decodeDurationMs("250ms")) == 250);
  CHECK(valueOf(decodeDurationMs("7d")) == 7LL * 86400 * 1000);
  CHECK(valueOf(decodeDurationMs("10s")) == 10000);
  CHECK(errorOf(decodeDurationMs("999999999999999999d")).find("too long") != std::string::npos);
  // int64 nanoseconds is the limit, as guards and timers count them.
  CHECK(valueOf(decodeDurationMs("2562047h47m16s854ms")) == 9'223'372'036'854);
  CHECK(valueOf(decodeDurationMs("106751d")) == 106751LL * 86400 * 1000);
  CHECK(errorOf(decodeDurationMs("2562047h47m16s855ms")).find("at most 2562047h47m16s854ms") != std::string::npos);
  CHECK(errorOf(decodeDurationMs("106752d")).find("too long") != std::string::npos);
  CHECK(errorOf(decodeDurationMs("2562047788015h")).find("too long") != std::string::npos);
  // Text that is not the lexer's DURATION token (durations from outside come here too).
  CHECK(errorOf(decodeDurationMs("")).find("needs an amount and a unit") != std::string::npos);
  for (const char* malformed : {"h", "1", "1h2", "d1", " 1h", "1h ", "1x"}) {
    CAPTURE(malformed);
    CHECK(errorOf(decodeDurationMs(malformed)).find("malformed duration") != std::string::npos);
  }
}
