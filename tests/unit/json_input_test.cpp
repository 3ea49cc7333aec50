// parseJsonInput (approval/json_input.h): JSON from outside is refused, with a message, when
// it nests deeper than the limit, however deep; values within the limit are read whole.
#include <doctest/doctest.h>

#include <string>

#include "approval/json_input.h"

using namespace approval;

namespace {

std::string nestedArrays(int depth) { return std::string(static_cast<std::size_t>(depth), '[') + std::string(static_cast<std::size_t>(depth), ']'); }

}  // namespace

TEST_CASE("json input: a document within the nesting limit is read whole") {
  auto parsed = parseJsonInput(R"({"a": [1, {"b": "c"}], "d": null})");
  REQUIRE(parsed.ok());
  CHECK(parsed.value() == nlohmann::json::parse(R"({"a": [1, {"b": "c"}], "d": null})"));
  // The top level is depth 0: a limit of 3 admits arrays three inside the outermost one.
  auto atLimit = parseJsonInput(nestedArrays(4), 3);
  REQUIRE(atLimit.ok());
  CHECK(atLimit.value().dump() == nestedArrays(4));
  CHECK(parseJsonInput(nestedArrays(kMaxJsonNesting + 1)).ok());
}

TEST_CASE("json input: nesting past the limit is refused, however deep") {
  auto justOver = parseJsonInput(nestedArrays(5), 3);
  REQUIRE_FALSE(justOver.ok());
  CHECK(justOver.error().message == "arrays and objects nest deeper than 3 levels");
  CHECK_FALSE(parseJsonInput(nestedArrays(kMaxJsonNesting + 2)).ok());
  // A million levels: copying or printing such a value would overflow the stack.
  auto deep = parseJsonInput("{\"a\": " + nestedArrays(1'000'000) + "}");
  REQUIRE_FALSE(deep.ok());
  CHECK(deep.error().message == "arrays and objects nest deeper than 256 levels");
  std::string objects;
  for (int i = 0; i < 1'000'000; ++i) objects += "{\"k\":";
  objects += "1" + std::string(1'000'000, '}');
  CHECK_FALSE(parseJsonInput(objects).ok());
}

TEST_CASE("json input: a syntax error says where, without the library's exception tag") {
  auto broken = parseJsonInput("[1, 2");
  REQUIRE_FALSE(broken.ok());
  CHECK(broken.error().message.rfind("parse error at line 1, column 6: ", 0) == 0);
}

TEST_CASE("json input: a NUL byte is refused wherever it is, not taken for the end of the text") {
  // The parser stopped at the NUL, so `{"a": 1}` followed by a NUL and anything was read as
  // `{"a": 1}`.
  using namespace std::string_view_literals;
  for (const auto text : {"{\"a\": 1}\0garbage"sv, "{\"a\": \"x\0y\"}"sv, "\0"sv}) {
    const auto parsed = approval::parseJsonInput(text);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().message.find("a NUL byte at offset ") == 0);
  }
  const auto escaped = approval::parseJsonInput(R"({"a": "x\u0000y"})");
  REQUIRE(escaped.ok());
  CHECK(escaped.value()["a"].get<std::string>() == std::string("x\0y", 3));
}

TEST_CASE("json input: a key given twice in one object is refused, not decided by the last one") {
  // nlohmann kept the last of two equal keys: {"days": 3, "days": 30} started a context with 30.
  for (const char* text : {R"({"days": 3, "days": 30})", R"({"x": {"a": 1, "b": 2, "a": 1}})",
                           R"([{"ok": 1}, {"a": {"b": 1}, "a": 2}])", R"({"a": 1, "\u0061": 2})"}) {
    CAPTURE(text);
    const auto parsed = approval::parseJsonInput(text);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().message.find(" appears twice in one object: give each key once") != std::string::npos);
  }
  const auto days = approval::parseJsonInput(R"({"days": 3, "days": 30})");
  CHECK(days.error().message ==
        R"(the key "days" appears twice in one object: give each key once (JSON readers differ on which one wins))");
  // The same key in different objects, siblings or nested, is no repeat.
  for (const char* text : {R"({"x": {"a": 1}, "y": {"a": 2}, "a": 3})", R"([{"a": 1}, {"a": 1}])",
                           R"({"a": {"a": {"a": 1}}})", R"({"a": [{"b": 1}, {"b": 2}], "b": {"a": 1}})"}) {
    CAPTURE(text);
    CHECK(approval::parseJsonInput(text).ok());
  }
}

TEST_CASE("json input: a message quotes at most the start of a long token or key") {
  // nlohmann's message quoted the whole token it stopped in: here a megabyte.
  const std::string open = "{\"k\": \"" + std::string(1'000'000, 'a');
  auto unterminated = parseJsonInput(open);
  REQUIRE_FALSE(unterminated.ok());
  CHECK(unterminated.error().message.size() < 300);
  CHECK(unterminated.error().message.find("last read: '\"aaaa") != std::string::npos);
  CHECK(unterminated.error().message.ends_with("… (1000001 bytes)'"));
  const std::string key(1'000'000, 'k');
  auto repeated = parseJsonInput("{\"" + key + "\": 1, \"" + key + "\": 2}");
  REQUIRE_FALSE(repeated.ok());
  CHECK(repeated.error().message.size() < 300);
  CHECK(repeated.error().message.starts_with("the key \"kkk"));
  CHECK(repeated.error().message.find("… (1000002 bytes) appears twice in one object") != std::string::npos);
}

TEST_CASE("json input: instance data holds at most a million values, and none past it is kept") {
  // 20 million numbers in a 40 MB events line took 2.3 GB and 21 s.
  auto ones = [](std::size_t count) {  // a list of `count` numbers: count + 1 values
    std::string list = "[";
    for (std::size_t i = 0; i < count; ++i) list += i == 0 ? "1" : ",1";
    return list + "]";
  };
  auto fits = parseJsonInput(ones(kMaxInstanceDataValues - 1), kMaxJsonNesting, kMaxInstanceDataValues);
  REQUIRE(fits.ok());
  CHECK(fits.value().size() == kMaxInstanceDataValues - 1);
  auto over = parseJsonInput(ones(kMaxInstanceDataValues), kMaxJsonNesting, kMaxInstanceDataValues);
  REQUIRE_FALSE(over.ok());
  CHECK(over.error().message.starts_with("it holds more than 1000000 values (list elements, map entries and fields count)"));
  CHECK(parseJsonInput(ones(kMaxInstanceDataValues)).ok());  // IR and other documents are not limited
}
