// `approvalc eval`: one guard expression, typed against a JSON context, printed as JSON.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "cli_support.h"

using namespace cli;

namespace {
/// The value printed on stdout, parsed; the test fails when eval did not succeed.
nlohmann::json evalValue(const std::vector<std::string>& args) {
  std::vector<std::string> full = {"eval"};
  full.insert(full.end(), args.begin(), args.end());
  const auto result = approvalc(full);
  INFO(result.describe());
  REQUIRE(result.exited);
  REQUIRE(result.exitCode == kExitSuccess);
  return nlohmann::json::parse(result.out);
}
}  // namespace

TEST_CASE("eval: values of every kind print as CEL's JSON") {
  CHECK(evalValue({"1 + 2 * 3"}) == 7);
  CHECK(evalValue({"18446744073709551615u"}) == 18446744073709551615ull);
  CHECK(evalValue({"1.5 * 2.0"}) == 3.0);
  CHECK(evalValue({"'ab' + \"cd\""}) == "abcd");
  CHECK(evalValue({"[1, 2, 3].map(x, x * 2)"}) == nlohmann::json::array({2, 4, 6}));
  CHECK(evalValue({"{'a': 1}"}) == nlohmann::json{{"a", 1}});
  CHECK(evalValue({"1h"}) == "3600s");
  CHECK(evalValue({"timestamp('2024-01-02T03:04:05Z') + 1h"}) == "2024-01-02T04:04:05Z");
  CHECK(evalValue({"null"}).is_null());
}

TEST_CASE("eval: a raw string ends at its first closing quote, and a surrogate pair is one character") {
  // CEL's raw strings have no escapes: `r"C:\dir\"` is C:\dir\, where the lexer took `\"` as
  // an escaped quote and reported the string unterminated.
  CHECK(evalValue({R"(r"C:\dir\")"}) == "C:\\dir\\");
  CHECK(evalValue({R"(r"\" == "\\")"}) == true);
  CHECK(evalValue({R"(R'a\'.size())"}) == 2);
  CHECK(evalValue({R"(r"""x\""")"}) == "x\\");
  CHECK(evalValue({R"("\uD83D\uDE00" == "\U0001F600")"}) == true);
  CHECK(evalValue({R"("\uD83D\uDE00".size())"}) == 1);
  const auto rawThenQuote = approvalc({"eval", R"(R"a\"b")"});  // `R"a\"` then a stray `b"`
  CHECK_EXIT(rawThenQuote, kExitInputErrors);
  const auto unclosed = approvalc({"eval", R"(r"abc)"});
  CHECK_EXIT(unclosed, kExitInputErrors);
  CHECK(contains(unclosed.err, "error[E0104]"));
}

TEST_CASE("eval: a macro's variable is bound in its body, not in its range, by both engines") {
  // `l.all(l, l > 0)` was lowered with the variable already bound in the range: every
  // evaluation failed with "unknown variable `l`", so a guard like it never held.
  for (const bool interpreter : {false, true}) {
    INFO(interpreter);
    const auto eval = [&](const char* expression) {
      std::vector<std::string> args = {expression, "--context", R"({"l": [1, 2]})"};
      if (interpreter) args.emplace_back("--no-jit");
      return evalValue(args);
    };
    CHECK(eval("l.all(l, l > 0)") == true);
    CHECK(eval("l.map(l, l * 2)") == nlohmann::json::parse("[2, 4]"));
    CHECK(eval("[l].all(l, size(l) == 2)") == true);
    CHECK(eval("l.exists(x, l.all(l, l >= x))") == true);
  }
}

TEST_CASE("eval: a map built at run time takes only CEL's key kinds, and numbers equal across kinds are one key") {
  // `dyn` let a double, list, null or duration key through; `{1: 1, dyn(1u): 2}` had two
  // entries that lookup could not tell apart and JSON printed as one.
  for (const bool interpreter : {false, true}) {
    INFO(interpreter);
    const auto error = [&](const char* expression) {
      std::vector<std::string> args = {"eval", expression, "--context", R"({"x": 1.5, "k": 1})"};
      if (interpreter) args.emplace_back("--no-jit");
      const auto result = approvalc(args);
      CHECK_EXIT(result, kExitInputErrors);
      return result.err;
    };
    CHECK(error("{dyn(x): 2}") ==
          "approvalc: evaluation error: a map key must be an int, uint, bool or string, not double (1.5)\n");
    CHECK(contains(error("{dyn([1]): 2}"), "not list ([1])"));
    CHECK(contains(error("{dyn(null): 2}"), "not null (null)"));
    CHECK(contains(error("{dyn(duration('1s')): 2}"), "not duration"));
    CHECK(contains(error("size({k: 1, dyn(uint(k)): 2}) == 2"), "duplicate map key 1"));
    CHECK(contains(error("size({dyn(true): 1, true: 2}) == 2"), "duplicate map key true"));
    std::vector<std::string> fine = {"eval", "{k: 1, dyn('a'): 2, dyn(2u): 3}[2] == 3"};
    if (interpreter) fine.emplace_back("--no-jit");
    fine.insert(fine.end(), {"--context", R"({"k": 1})"});
    CHECK(evalValue({fine.begin() + 1, fine.end()}) == true);
  }
}

TEST_CASE("eval: the context's JSON types the fields") {
  CHECK(evalValue({"amount > 500000 && hasTags", "--context", R"({"amount": 600000, "hasTags": true})"}) == true);
  CHECK(evalValue({"\"beta\" in tags && org.startsWith(\"cn-\")", "--context", R"({"tags": ["beta"], "org": "cn-east"})"}) ==
        true);
  CHECK(evalValue({"limits.cfo * 2", "--context", R"({"limits": {"cfo": 21}})"}) == 42);
}

TEST_CASE("eval: type and name errors are located diagnostics with exit 1") {
  const auto mixed = approvalc({"eval", "1 + 1.0"});
  CHECK_EXIT(mixed, kExitInputErrors);
  CHECK(contains(mixed.err, "<expression>:1:1: error[E0309]"));
  const auto unknown = approvalc({"eval", "amont > 1", "--context", R"({"amount": 1})"});
  CHECK_EXIT(unknown, kExitInputErrors);
  CHECK(contains(unknown.err, "error[E0304]"));
  CHECK(contains(unknown.err, "did you mean `amount`?"));
  // With no close name, the help fits eval: a `--context` key, not a `context { }` block.
  const auto undeclared = approvalc({"eval", "x + 1"});
  CHECK_EXIT(undeclared, kExitInputErrors);
  CHECK(contains(undeclared.err, "error[E0304]: unknown name `x`"));
  CHECK(contains(undeclared.err, R"(help: give it a value: `--context '{"x": ...}'`)"));
  CHECK_FALSE(contains(undeclared.err, "context {"));
  const auto eventField = approvalc({"eval", "event.comment == \"\""});
  CHECK_EXIT(eventField, kExitInputErrors);
  CHECK(contains(eventField.err, "error[E0305]: event has no field `comment`"));
  CHECK(contains(eventField.err, "help: eval has no event"));
  CHECK_FALSE(contains(eventField.err, "events {"));
  const auto syntax = approvalc({"eval", "1 +"});
  CHECK_EXIT(syntax, kExitInputErrors);
  CHECK(contains(syntax.err, "error[E0103]"));
}

TEST_CASE("eval: an expression past the input limits is called an expression, not a file of machines") {
  const auto large = approvalc({"eval", "--max-file-bytes", "3", "1+1+1"});
  CHECK_EXIT(large, kExitInputErrors);
  CHECK(contains(large.err, "error[E0107]: the expression is larger than the limit of 3 bytes"));
  CHECK(contains(large.err, "help: shorten the expression, or raise the limit with --max-file-bytes"));
  const auto tooManyTokens = approvalc({"eval", "--max-tokens", "2", "1+1+1"});
  CHECK_EXIT(tooManyTokens, kExitInputErrors);
  CHECK(contains(tooManyTokens.err, "error[E0111]: the expression has more than 2 tokens"));
  CHECK(contains(tooManyTokens.err, "help: shorten the expression, or raise --max-tokens"));
  CHECK_FALSE(contains(tooManyTokens.err, "machines"));
}

TEST_CASE("eval: evaluation errors exit 1 with the error, absorbed errors do not") {
  const auto division = approvalc({"eval", "1 / zero == 1", "--context", R"({"zero": 0})"});
  CHECK_EXIT(division, kExitInputErrors);
  CHECK(contains(division.err, "evaluation error"));
  const auto overflow = approvalc({"eval", "9223372036854775807 + 1"});
  CHECK_EXIT(overflow, kExitInputErrors);
  CHECK(contains(overflow.err, "overflow"));
  CHECK(evalValue({"false && 1 / zero == 1", "--context", R"({"zero": 0})"}) == false);
  CHECK(evalValue({"1 / zero == 1 || true", "--context", R"({"zero": 0})"}) == true);
}

TEST_CASE("eval: duration() of text that is not a duration names the unit, at compile time and at run time") {
  // Both said only `cannot convert "1hh" to duration` (the literal at run time, not before).
  const std::string named = "`1hh` is not a duration: `hh` is not a unit; the units are ns, us (or \u00b5s), ms, s, m and h";
  for (const bool interpreter : {false, true}) {
    INFO(interpreter);
    std::vector<std::string> args = {"eval", "duration(d) > 1h", "--context", R"({"d": "1hh"})"};
    if (interpreter) args.emplace_back("--no-jit");
    const auto computed = approvalc(args);
    CHECK_EXIT(computed, kExitInputErrors);
    CHECK(contains(computed.err, "approvalc: evaluation error: " + named));
  }
  const auto literal = approvalc({"eval", "duration('1hh') > 1h"});
  CHECK_EXIT(literal, kExitInputErrors);
  CHECK(contains(literal.err, "<expression>:1:10: error[E0109]: " + named));
  const auto day = approvalc({"eval", "duration('7d') > 1h"});
  CHECK_EXIT(day, kExitInputErrors);
  CHECK(contains(day.err, "help: write the duration literal `7d` instead of `duration(...)`"));
}

TEST_CASE("eval: a syntax error names the end of the expression, not of a file") {
  // An expression on the command line is no file: "unexpected end of file" and "expected end
  // of file" named what the user never gave.
  const auto cut = approvalc({"eval", "1 +"});
  CHECK_EXIT(cut, kExitInputErrors);
  CHECK(contains(cut.err, "<expression>:1:4: error[E0103]: unexpected end of the expression"));
  const auto extra = approvalc({"eval", "1 2"});
  CHECK_EXIT(extra, kExitInputErrors);
  CHECK(contains(extra.err, "expected end of the expression"));
  CHECK_FALSE(contains(cut.err + extra.err, "end of file"));
}

TEST_CASE("eval: a bad --context is a usage error") {
  CHECK_EXIT(approvalc({"eval", "true", "--context", "{not json"}), kExitUsage);
  CHECK_EXIT(approvalc({"eval", "true", "--context", "[1, 2]"}), kExitUsage);
  CHECK_EXIT(approvalc({"eval"}), kExitUsage);
}

TEST_CASE("eval: --max-file-bytes bounds --context too") {
  // The limit applied to the expression only: a 48-byte context passed a 20-byte limit.
  const std::string context = R"({"a": true, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb": 1})";
  const auto large = approvalc({"eval", "a", "--context", context, "--max-file-bytes", "20"});
  CHECK_EXIT(large, kExitUsage);
  CHECK(contains(large.err, "approvalc: error: --context is larger than --max-file-bytes (20 bytes)"));
  CHECK(large.out.empty());
  CHECK(evalValue({"a", "--context", context, "--max-file-bytes", std::to_string(context.size())}) == true);
}

TEST_CASE("eval: the JIT and --no-jit (before or after `eval`) print the same value") {
  const std::vector<std::vector<std::string>> cases = {
      {"amount > 500000 && 'beta' in tags", "--context", R"({"amount": 600000, "tags": ["beta"]})"},
      {"[1, 2, 3].filter(x, x > 1).map(x, x * 10)"},
      {"{'a': 1, 'b': 2}.exists_one(k, k == 'b') ? 'one' : 'none'"},
      {"duration('1h30m') + 30m"},
      {"1 / 0 == 1 || true"},
  };
  for (const auto& arguments : cases) {
    CAPTURE(arguments[0]);
    std::vector<std::string> jit = {"eval"};
    jit.insert(jit.end(), arguments.begin(), arguments.end());
    std::vector<std::string> after = jit;
    after.push_back("--no-jit");
    std::vector<std::string> before = {"--no-jit"};
    before.insert(before.end(), jit.begin(), jit.end());
    const auto compiled = approvalc(jit);
    REQUIRE_EXIT(compiled, kExitSuccess);
    for (const auto& interpreted : {approvalc(after), approvalc(before)}) {
      REQUIRE_EXIT(interpreted, kExitSuccess);
      CHECK(interpreted.out == compiled.out);
    }
  }
  // Errors too: same message, exit 1.
  const auto jitError = approvalc({"eval", "[1][2]"});
  const auto interpreterError = approvalc({"eval", "[1][2]", "--no-jit"});
  REQUIRE_EXIT(jitError, kExitInputErrors);
  REQUIRE_EXIT(interpreterError, kExitInputErrors);
  CHECK(jitError.err == interpreterError.err);
  CHECK(contains(jitError.err, "index 2 out of range (size 1)"));
}

TEST_CASE("eval: --opt-level selects the JIT's optimisation level, 0 to 3") {
  for (const char* level : {"0", "1", "2", "3"}) {
    const auto result = approvalc({"eval", "--opt-level", level, "2 * 21"});
    REQUIRE_EXIT(result, kExitSuccess);
    CHECK(result.out == "42\n");
  }
  CHECK_EXIT(approvalc({"eval", "--opt-level", "4", "1"}), kExitUsage);
}
