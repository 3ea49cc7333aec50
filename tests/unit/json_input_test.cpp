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
