// durationFromText and timestampFromText (approval/time_text.h): the text of a duration or
// timestamp from outside is read by the language's parsers, never compiled and evaluated as
// an expression (which made one 278-byte events line cost seconds of CPU, or gigabytes).
#include <doctest/doctest.h>

#include <cstdint>
#include <optional>
#include <string>

#include "approval/time_text.h"
#include "support/expression_bomb.h"

using namespace approval;

namespace {

constexpr std::int64_t kSecond = 1'000'000'000;

std::optional<std::int64_t> nanoseconds(const std::string& text) {
  auto value = durationFromText(text);
  if (!value) return std::nullopt;
  return value->nanoseconds;
}


}  // namespace

TEST_CASE("time text: durations in duration()'s forms and as DSL literals") {
  CHECK(nanoseconds("48h") == std::int64_t{48} * 3600 * kSecond);
  CHECK(nanoseconds("1h30m") == 5400 * kSecond);
  CHECK(nanoseconds("3600s") == 3600 * kSecond);
  CHECK(nanoseconds("1.5s") == 3 * kSecond / 2);
  CHECK(nanoseconds("250ms") == kSecond / 4);
  CHECK(nanoseconds("-90m") == -5400 * kSecond);
  CHECK(nanoseconds("0") == 0);
  // Days exist only as DSL literals.
  CHECK(nanoseconds("7d") == std::int64_t{7} * 86400 * kSecond);
  CHECK(nanoseconds("1d12h") == std::int64_t{36} * 3600 * kSecond);
  CHECK(nanoseconds("106751d") == std::int64_t{106751} * 86400 * kSecond);  // the last whole day a duration holds
}

TEST_CASE("time text: anything but a duration is refused, expressions included") {
  for (const std::string& text : {std::string(), std::string("h"), std::string("1h "), std::string(" 1h"),
                                  std::string("1x"), std::string("d1"), std::string("1h + 2h"),
                                  std::string("duration(\"1h\")"), std::string("true ? 1h : 2h"),
                                  std::string("106752d"), std::string("9999999999999999999h"),
                                  std::string("99999999999999999999999999d")}) {
    CAPTURE(text);
    CHECK_FALSE(durationFromText(text).has_value());
  }
  // Ten nested macros would take 10^10 evaluations if the text were evaluated.
  CHECK_FALSE(durationFromText(approval::test::macroBomb(10)).has_value());
}

TEST_CASE("time text: timestamps in RFC 3339 within a timestamp's range") {
  const auto plain = timestampFromText("2024-01-02T03:04:05Z");
  REQUIRE(plain.has_value());
  CHECK(plain->nanoseconds == std::int64_t{1'704'164'645} * kSecond);
  const auto offset = timestampFromText("2024-01-02T04:04:05.5+01:00");
  REQUIRE(offset.has_value());
  CHECK(offset->nanoseconds == std::int64_t{1'704'164'645} * kSecond + kSecond / 2);
  for (const std::string& text : {std::string("2262-04-12T00:00:00Z"), std::string("1677-09-21T00:00:00Z"),
                                  std::string("timestamp(\"2024-01-02T03:04:05Z\")"), std::string("2024-01-02"),
                                  std::string()}) {
    CAPTURE(text);
    CHECK_FALSE(timestampFromText(text).has_value());
  }
}
