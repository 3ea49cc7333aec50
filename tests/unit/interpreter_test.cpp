// The reference interpreter: CEL semantics of checked guard expressions, and the JSON form
// of values. Expressions are compiled from a small machine so they are real checked IR.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "approval/compiler.h"
#include "approval/evaluate.h"
#include "approval/expression.h"
#include "approval/value.h"

using namespace approval;

namespace {

constexpr std::int64_t kSecond = 1'000'000'000;
constexpr std::int64_t kEventTime = 1704164645;  // 2024-01-02T03:04:05Z

class FakeState : public ApprovalState {
 public:
  std::map<std::string, std::int64_t, std::less<>> counts{{"approve", 2}, {"decline", 1}};
  std::int64_t current = 2;
  std::int64_t required = 3;
  [[nodiscard]] std::int64_t votes(std::string_view event) const override {
    auto found = counts.find(event);
    return found == counts.end() ? 0 : found->second;
  }
  /// The voters of `event` by name: "rita" sent "approve" and "decline", "sam" "approve".
  std::map<std::string, std::vector<std::string>, std::less<>> voters{{"approve", {"rita", "sam"}}, {"decline", {"rita"}}};
  [[nodiscard]] std::int64_t votesAmong(std::string_view event, const ValueList& list) const override {
    auto found = voters.find(event);
    if (found == voters.end()) return 0;
    std::int64_t counted = 0;
    for (const auto& name : found->second) {
      counted += std::any_of(list.begin(), list.end(), [&](const Value& v) { return v == Value(name); }) ? 1 : 0;
    }
    return counted;
  }
  [[nodiscard]] std::int64_t currentEventVotes() const noexcept override { return current; }
  [[nodiscard]] std::int64_t quorumRequired() const noexcept override { return required; }
  [[nodiscard]] TimestampValue now() const override { return {kEventTime * kSecond}; }
  [[nodiscard]] std::optional<DurationValue> timeInState() const override { return DurationValue{90 * 60 * kSecond}; }
};

struct Fixture {
  std::vector<Value> context;
  EventView event;
  FakeState state;
  bool withEvent = true;
  bool withState = true;

  Fixture() {
    context = {Value(std::int64_t{0}), Value(std::int64_t{1}), Value("ann"),
               Value(ValueList{std::int64_t{1}, std::int64_t{2}, std::int64_t{3}}),
               Value(ValueMap{{Value("a"), Value(std::int64_t{1})}, {Value("b"), Value(std::int64_t{2})}}),
               Value(NullValue{})};
    event.id = "e1";
    event.actor = "alice";
    event.time = {kEventTime * kSecond};
    event.payload = {{"amount", Value(std::int64_t{42})},
                     {"note", Value("hello")},
                     {"flags", Value(ValueList{Value("x"), Value("fraud")})}};
  }

  [[nodiscard]] Environment environment() const {
    return Environment{context, withEvent ? &event : nullptr, withState ? &state : nullptr};
  }
};

std::string machine(const std::string& resultType, const std::string& guard, const std::string& action) {
  return "state machine \"t\" {\n"
         "  context {\n"
         "    zero: int = 0\n"
         "    one: int = 1\n"
         "    name: string = \"ann\"\n"
         "    nums: list<int>\n"
         "    tags: map<string, int>\n"
         "    res: " + resultType + "\n"
         "  }\n"
         "  events { \"go\" { amount: int, note: string, flags: list<string> } }\n"
         "  initial: A\n"
         "  states: [A, B]\n"
         "  final: [B]\n"
         "  transitions {\n"
         "    A → B on \"go\" if " + guard + action + "\n"
         "  }\n"
         "}\n";
}

std::string compileErrors(const Compilation& compilation) {
  std::string text = "COMPILE ERROR:";
  for (const auto& diagnostic : compilation.diagnostics.diagnostics()) text += " " + diagnostic.message;
  return text;
}

/// The guard's verdict as JSON text: "true", "false" or {"error":"..."}.
std::string guard(const std::string& text, const Fixture& fixture = Fixture()) {
  const auto compilation = compile({{"t.dsl", machine("int", text, "")}});
  if (compilation->diagnostics.hasErrors() || compilation->program.machines.empty()) return compileErrors(*compilation);
  return toJsonText(evaluateGuard(*compilation->program.machines[0].transitions[0].guard, fixture.environment()));
}

/// The value of `expr` (of type `type`) as JSON text, evaluated as a `set` argument.
Value value(const std::string& type, const std::string& expr, const Fixture& fixture = Fixture()) {
  const auto compilation = compile({{"t.dsl", machine(type, "true", " → set(res, " + expr + ")")}});
  if (compilation->diagnostics.hasErrors() || compilation->program.machines.empty()) {
    return Value(compileErrors(*compilation));
  }
  const auto& action = compilation->program.machines[0].transitions[0].actions.at(0);
  return evaluate(action.call.arguments.at(1), fixture.environment());
}

std::string json(const std::string& type, const std::string& expr, const Fixture& fixture = Fixture()) {
  return toJsonText(value(type, expr, fixture));
}

std::string error(const std::string& message) { return toJsonText(Value::error(message)); }

}  // namespace

TEST_CASE("int arithmetic and its errors") {
  CHECK(json("int", "1 + 2 * 3 - 4") == "3");
  CHECK(json("int", "7 / 2") == "3");
  CHECK(json("int", "-7 / 2") == "-3");
  CHECK(json("int", "-7 % 3") == "-1");
  CHECK(json("int", "9223372036854775807 + one") == error("int overflow in `+`"));
  CHECK(json("int", "-9223372036854775807 - 2") == error("int overflow in `-`"));
  CHECK(json("int", "4611686018427387904 * 2") == error("int overflow in `*`"));
  CHECK(json("int", "one / zero") == error("division by zero"));
  CHECK(json("int", "one % zero") == error("modulus by zero"));
  CHECK(json("int", "(-9223372036854775807 - 1) / -1") == error("int overflow in `/`"));
  CHECK(json("int", "(-9223372036854775807 - 1) % -1") == error("int overflow in `%`"));
  CHECK(json("int", "-(-9223372036854775807 - one)") == error("int overflow in `-`"));
  CHECK(json("int", "-(one)") == "-1");
}

TEST_CASE("uint and double arithmetic") {
  CHECK(json("uint", "3u + 4u") == "7");
  CHECK(json("uint", "18446744073709551615u") == "18446744073709551615");
  CHECK(json("uint", "18446744073709551615u + 1u") == error("uint overflow in `+`"));
  CHECK(json("uint", "1u - 2u") == error("uint overflow in `-`"));
  CHECK(json("uint", "9223372036854775808u * 2u") == error("uint overflow in `*`"));
  CHECK(json("uint", "1u / 0u") == error("division by zero"));
  CHECK(json("uint", "1u % 0u") == error("modulus by zero"));
  CHECK(json("uint", "7u % 4u") == "3");
  CHECK(json("double", "1.5 + 2.25") == "3.75");
  CHECK(json("double", "1.0 / 0.0") == "\"Infinity\"");
  CHECK(json("double", "-1.0 / 0.0") == "\"-Infinity\"");
  CHECK(json("double", "0.0 / 0.0") == "\"NaN\"");
  CHECK(json("double", "-(2.5)") == "-2.5");
}

TEST_CASE("&& and || absorb errors commutatively") {
  const std::string err = "1 / zero == 1";
  const std::string divZero = error("division by zero");
  CHECK(guard("false && " + err) == "false");
  CHECK(guard(err + " && false") == "false");
  CHECK(guard("true && " + err) == divZero);
  CHECK(guard(err + " && true") == divZero);
  CHECK(guard(err + " && 1 % zero == 1") == divZero);
  CHECK(guard("true && true") == "true");
  CHECK(guard("true && false") == "false");
  CHECK(guard("true || " + err) == "true");
  CHECK(guard(err + " || true") == "true");
  CHECK(guard("false || " + err) == divZero);
  CHECK(guard(err + " || false") == divZero);
  CHECK(guard("1 % zero == 1 || " + err) == error("modulus by zero"));
  CHECK(guard("false || false") == "false");
  CHECK(guard("!(1 / zero == 1)") == divZero);
  CHECK(guard("!false") == "true");
}

TEST_CASE("conditional evaluates only the chosen branch") {
  CHECK(guard("one == 1 ? true : 1 / zero == 1") == "true");
  CHECK(guard("one == 0 ? 1 / zero == 1 : false") == "false");
  CHECK(guard("(1 / zero == 1) ? true : false") == error("division by zero"));
  CHECK(json("string", "one > 0 ? \"pos\" : \"neg\"") == "\"pos\"");
}

TEST_CASE("comparisons, including across numeric types") {
  CHECK(guard("1 < 2 && 2 <= 2 && 3 > 2 && 3 >= 3") == "true");
  CHECK(guard("\"abc\" < \"abd\" && \"Z\" < \"a\"") == "true");
  CHECK(guard("false < true") == "true");
  CHECK(guard("1 < 2u && 2u > 1 && -1 < 0u") == "true");
  CHECK(guard("9223372036854775807 < 18446744073709551615u") == "true");
  CHECK(guard("1 < 1.5 && 2 > 1.5 && 2 >= 2.0 && 2 <= 2.0") == "true");
  CHECK(guard("9223372036854775807 < 9223372036854775808.0") == "true");
  CHECK(guard("3u > 2.5 && 0u > -0.5") == "true");
  CHECK(guard("1.0 < 0.0 / 0.0 || 1.0 >= 0.0 / 0.0") == "false");
  CHECK(guard("0.0 / 0.0 == 0.0 / 0.0") == "false");
  CHECK(guard("0.0 / 0.0 != 0.0 / 0.0") == "true");
  CHECK(guard("[1, 2] == [1, 2] && [1, 2] != [2, 1]") == "true");
  CHECK(guard("{\"a\": 1} == {\"a\": 1} && {\"a\": 1} != {\"a\": 2}") == "true");
  CHECK(guard("tags == {\"b\": 2, \"a\": 1}") == "true");
  CHECK(guard("name == \"ann\" && name != \"bob\"") == "true");
  CHECK(guard("1s < 2s && timestamp(1) > timestamp(0)") == "true");
}

TEST_CASE("in, index and select") {
  CHECK(guard("2 in nums && !(5 in nums)") == "true");
  CHECK(guard("\"a\" in tags && !(\"z\" in tags)") == "true");
  CHECK(guard("event.actor in [\"alice\", \"bob\"]") == "true");
  CHECK(json("int", "nums[1]") == "2");
  CHECK(json("int", "nums[2u]") == "3");
  CHECK(json("int", "nums[5]") == error("index 5 out of range (size 3)"));
  CHECK(json("int", "nums[-1]") == error("index -1 out of range (size 3)"));
  CHECK(json("int", "tags[\"b\"]") == "2");
  CHECK(json("int", "tags[\"x\"]") == error("no such key: \"x\""));
  CHECK(json("int", "tags.a") == "1");
  CHECK(json("int", "tags.x") == error("no such key: \"x\""));
  CHECK(json("int", "{1: 10, 2: 20}[2]") == "20");
  CHECK(json("int", "{1: 10}[3]") == error("no such key: 3"));
  CHECK(json("list<int>", "nums + [4]") == "[1,2,3,4]");
  CHECK(json("string", "name + \"-\" + event.note") == "\"ann-hello\"");
}

TEST_CASE("event and context fields") {
  CHECK(json("string", "event.actor") == "\"alice\"");
  CHECK(json("string", "event.id") == "\"e1\"");
  CHECK(json("int", "event.amount") == "42");
  CHECK(json("int", "int(event.time)") == std::to_string(kEventTime));
  Fixture noEvent;
  noEvent.withEvent = false;
  CHECK(guard("event.amount > 1", noEvent) == error("no event: `event.amount` needs an event"));
  Fixture missing;
  missing.event.payload.erase("amount");
  CHECK(guard("event.amount > 1", missing) == error("event has no field amount"));
  Fixture shortContext;
  shortContext.context.resize(1);
  CHECK(guard("one == 1", shortContext).find("no context field #1") != std::string::npos);
}

TEST_CASE("string functions") {
  CHECK(json("int", "size(\"héllo\")") == "5");
  CHECK(json("int", "\"草稿\".size()") == "2");
  CHECK(json("int", "size(nums) + nums.size() + size(tags)") == "8");
  CHECK(guard("name.contains(\"n\") && name.startsWith(\"an\") && name.endsWith(\"nn\")") == "true");
  CHECK(guard("name.contains(\"x\") || name.startsWith(\"nn\") || name.endsWith(\"a\")") == "false");
  CHECK(guard("\"\".contains(\"\")") == "true");
  CHECK(guard("matches(\"abc123\", \"[0-9]+\") && \"abc\".matches(\"^a.c$\")") == "true");
  CHECK(guard("\"abc\".matches(\"^b\")") == "false");
  CHECK(guard("\"abc\".matches(\"(\")").find("invalid regular expression") != std::string::npos);
}

TEST_CASE("conversions and their errors") {
  CHECK(json("int", "int(3.9)") == "3");
  CHECK(json("int", "int(-3.9)") == "-3");
  CHECK(json("int", "int(1e19)") == error("int overflow in conversion of double 1e+19"));
  CHECK(json("int", "int(0.0 / 0.0)") == error("int overflow in conversion of double NaN"));
  CHECK(json("int", "int(\"-42\")") == "-42");
  CHECK(json("int", "int(\"4x\")") == error("cannot convert \"4x\" to int"));
  CHECK(json("int", "int(\"9223372036854775808\")") == error("cannot convert \"9223372036854775808\" to int"));
  CHECK(json("int", "int(18446744073709551615u)") == error("int overflow in conversion of uint"));
  CHECK(json("int", "int(7u)") == "7");
  CHECK(json("uint", "uint(-1)") == error("uint overflow in conversion of int -1"));
  CHECK(json("uint", "uint(42)") == "42");
  CHECK(json("uint", "uint(2.5)") == "2");
  CHECK(json("uint", "uint(-2.5)") == error("uint overflow in conversion of double -2.5"));
  CHECK(json("uint", "uint(-0.5)") == error("uint overflow in conversion of double -0.5"));  // was 0
  CHECK(json("uint", "uint(-0.0)") == "0");
  CHECK(json("uint", "uint(\"17\")") == "17");
  CHECK(json("uint", "uint(\"-1\")") == error("cannot convert \"-1\" to uint"));
  CHECK(json("double", "double(3)") == "3.0");
  CHECK(json("double", "double(3u)") == "3.0");
  CHECK(json("double", "double(\"2.5\")") == "2.5");
  CHECK(json("double", "double(\"x\")") == error("cannot convert \"x\" to double"));
  // CEL's double text: decimal, or the words inf, infinity and nan; not C's hexadecimal or
  // nan(...), and a value past the largest double is out of range rather than infinite.
  CHECK(json("double", "double(\"+1.5e3\")") == "1500.0");
  CHECK(json("double", "double(\".5\")") == "0.5");
  CHECK(json("double", "double(\"-Infinity\")") == "\"-Infinity\"");
  CHECK(json("double", "double(\"1e-400\")") == "0.0");
  for (const char* text : {"0x10", "nan(1)", "1e400", "-1e400", " 1", "1e", "."}) {
    CAPTURE(text);
    CHECK(json("double", "double(\"" + std::string(text) + "\")") ==
          error("cannot convert \"" + std::string(text) + "\" to double"));
  }
  CHECK(json("string", "string(42)") == "\"42\"");
  CHECK(json("string", "string(42u)") == "\"42\"");
  CHECK(json("string", "string(2.5)") == "\"2.5\"");
  CHECK(json("string", "string(true)") == "\"true\"");
  CHECK(json("string", "string(90m)") == "\"5400s\"");
  CHECK(json("string", "string(timestamp(0))") == "\"1970-01-01T00:00:00Z\"");
  CHECK(guard("bool(\"true\") && bool(\"True\") && bool(\"t\") && bool(\"1\") && bool(\"TRUE\")") == "true");
  CHECK(guard("bool(\"false\") || bool(\"False\") || bool(\"f\") || bool(\"0\") || bool(\"FALSE\")") == "false");
  CHECK(guard("bool(\"yes\")") == error("cannot convert \"yes\" to bool"));
  CHECK(guard("dyn(1) == 1") == "true");
}

TEST_CASE("durations and timestamps") {
  CHECK(json("duration", "48h") == "\"172800s\"");
  CHECK(json("duration", "250ms") == "\"0.25s\"");
  CHECK(json("duration", "duration(\"1h30m\")") == "\"5400s\"");
  CHECK(json("duration", "duration(\"1.5s\")") == "\"1.5s\"");
  CHECK(json("duration", "duration(\"-30m\")") == "\"-1800s\"");
  CHECK(json("duration", "duration(\"1ns\")") == "\"0.000000001s\"");
  CHECK(json("duration", "duration(\"2us\") + duration(\"3ms\")") == "\"0.003002s\"");
  CHECK(json("duration", "duration(\"0\")") == "\"0s\"");
  // Text computed at run time; a literal is converted by the compiler (below).
  CHECK(json("duration", "duration(\"1\" + \"x\")") ==
        error("`1x` is not a duration: `x` is not a unit; the units are ns, us (or \u00b5s), ms, s, m and h "
              "(write 48h, 1h30m or 3600s)"));
  CHECK(json("duration", "duration(\"1\" + \"d\")") ==
        error("`1d` is not a duration: `d` is not a unit; the units are ns, us (or \u00b5s), ms, s, m and h "
              "(write 48h, 1h30m or 3600s)"));
  CHECK(json("duration", "duration(\"\" + \"\")") == error("`` is not a duration (write 48h, 1h30m or 3600s)"));
  CHECK(json("duration", "duration(\"3000000\" + \"h\")") ==
        error("`3000000h` is not a duration of at most 292 years, 2562047h (write 48h, 1h30m or 3600s)"));
  CHECK(json("duration", "duration(\"1hh\")").find("COMPILE ERROR: `1hh` is not a duration: `hh` is not a unit") !=
        std::string::npos);
  CHECK(json("duration", "1h + 30m - 15m") == "\"4500s\"");
  CHECK(json("timestamp", "timestamp(\"2024-01-02T03:04:05Z\")") == "\"2024-01-02T03:04:05Z\"");
  CHECK(json("timestamp", "timestamp(\"2024-01-02T03:04:05.250Z\")") == "\"2024-01-02T03:04:05.25Z\"");
  CHECK(json("timestamp", "timestamp(\"2024-01-02T05:04:05+02:00\")") == "\"2024-01-02T03:04:05Z\"");
  CHECK(json("timestamp", "timestamp(\"1969-12-31T23:59:59.5Z\")") == "\"1969-12-31T23:59:59.5Z\"");
  // Text computed at run time; a literal is converted by the compiler.
  CHECK(json("timestamp", "timestamp(\"2024-02-30\" + \"T00:00:00Z\")") ==
        error("`2024-02-30T00:00:00Z` is not an RFC 3339 timestamp from 1677-09-21T00:12:43.145224192Z to "
              "2262-04-11T23:47:16.854775807Z (write 2024-01-02T03:04:05Z)"));
  CHECK(json("timestamp", "timestamp(\"2024-01-02 \" + \"03:04:05\")").find("is not an RFC 3339 timestamp") !=
        std::string::npos);
  CHECK(json("timestamp", "timestamp(\"2024-01-02 03:04:05\")")
            .find("COMPILE ERROR: `2024-01-02 03:04:05` is not an RFC 3339 timestamp") != std::string::npos);
  CHECK(json("timestamp", "timestamp(86400)") == "\"1970-01-02T00:00:00Z\"");
  CHECK(json("timestamp", "timestamp(9223372036854775807)").find("timestamp overflow") != std::string::npos);
  CHECK(json("timestamp", "event.time + 1h") == "\"2024-01-02T04:04:05Z\"");
  CHECK(json("timestamp", "event.time - 1d") == "\"2024-01-01T03:04:05Z\"");
  CHECK(json("duration", "event.time - timestamp(\"2024-01-01T03:04:05Z\")") == "\"86400s\"");
  CHECK(json("int", "int(timestamp(\"1969-12-31T23:59:59.5Z\"))") == "-1");
  CHECK(json("timestamp", "timestamp(9223372036) + 1000d").find("timestamp overflow in `+`") != std::string::npos);
}

TEST_CASE("macros") {
  CHECK(guard("nums.all(n, n > 0)") == "true");
  CHECK(guard("nums.all(n, n > 1)") == "false");
  CHECK(guard("nums.exists(n, n == 2)") == "true");
  CHECK(guard("nums.exists(n, n == 9)") == "false");
  CHECK(guard("nums.exists_one(n, n > 2)") == "true");
  CHECK(guard("nums.exists_one(n, n > 1)") == "false");
  CHECK(json("list<int>", "nums.filter(n, n % 2 == 1)") == "[1,3]");
  CHECK(json("list<int>", "nums.map(n, n * 10)") == "[10,20,30]");
  CHECK(json("list<int>", "nums.map(n, n > 1, n * 10)") == "[20,30]");
  CHECK(json("list<string>", "tags.filter(k, tags[k] > 1)") == "[\"b\"]");
  CHECK(guard("tags.all(k, k in [\"a\", \"b\"])") == "true");
  CHECK(guard("event.flags.exists(f, f == \"fraud\")") == "true");
  // Errors: absorbed by a decisive element, otherwise the result.
  CHECK(guard("nums.all(n, 1 / (n - 1) == 1 && false)") == "false");
  CHECK(guard("nums.all(n, n / (n - 2) >= -1)") == error("division by zero"));
  CHECK(guard("nums.exists(n, 6 / (n - 1) == 3)") == "true");
  CHECK(guard("nums.exists(n, 6 / (n - 1) == 7)") == error("division by zero"));
  CHECK(guard("nums.exists_one(n, 6 / (n - 1) == 3)") == error("division by zero"));
  CHECK(json("list<int>", "nums.filter(n, 6 / (n - 3) > 0)") == error("division by zero"));
  CHECK(json("list<int>", "nums.map(n, 6 / (n - 3))") == error("division by zero"));
  CHECK(json("list<int>", "nums.map(n, n != 3, 6 / (n - 3))") == "[-3,-6]");
  CHECK(guard("[].all(n, false) && ![].exists(n, true)") == "true");
  // Nesting and shadowing.
  CHECK(guard("nums.all(n, nums.exists(m, m == n))") == "true");
  CHECK(guard("nums.exists(n, [10].all(n, n == 10)) && nums.all(n, n < 4)") == "true");
}

TEST_CASE("has") {
  CHECK(guard("has(tags.a)") == "true");
  CHECK(guard("has(tags.z)") == "false");
  CHECK(guard("has(event.amount)") == "true");
  Fixture missing;
  missing.event.payload.erase("amount");
  CHECK(guard("has(event.amount)", missing) == "false");
}

TEST_CASE("hashBucket is stable and in range") {
  CHECK(json("int", "hashBucket(\"user-42\", 100)") == "19");
  CHECK(json("int", "hashBucket(\"\", 7)") == "2");
  CHECK(json("int", "hashBucket(\"org-7\", 10)") == "9");
  CHECK(json("int", "hashBucket(\"草稿\", 1000)") == "727");
  CHECK(guard("[\"a\", \"b\", \"c\", \"d\", \"e\"].all(k, hashBucket(k, 3) >= 0 && hashBucket(k, 3) < 3)") ==
        "true");
  CHECK(json("int", "hashBucket(\"x\", 0)") == error("hashBucket needs a positive bucket count, got 0"));
  CHECK(json("int", "hashBucket(\"x\", -1)") == error("hashBucket needs a positive bucket count, got -1"));
}

TEST_CASE("approval stdlib reads the instance state") {
  CHECK(json("int", "votes(\"approve\")") == "2");
  CHECK(json("int", "votes(\"other\")") == "0");
  // Among a list: only the voters it names, each once however often it names them.
  CHECK(json("int", "votes(\"approve\", [\"rita\"])") == "1");
  CHECK(json("int", "votes(\"approve\", [\"rita\", \"sam\", \"zoe\", \"rita\"])") == "2");
  CHECK(json("int", "votes(\"decline\", [\"sam\"])") == "0");
  CHECK(json("int", "votes(\"other\", [\"sam\"])") == "0");
  CHECK(guard("hasQuorum()") == "false");
  CHECK(guard("hasQuorum(2)") == "true");
  CHECK(guard("hasQuorum(3)") == "false");
  Fixture reached;
  reached.state.current = 3;
  CHECK(guard("hasQuorum()", reached) == "true");
  CHECK(json("timestamp", "now()") == "\"2024-01-02T03:04:05Z\"");
  CHECK(json("duration", "timeInState()") == "\"5400s\"");
  CHECK(guard("timeInState() > 1h") == "true");
  Fixture stateless;
  stateless.withState = false;
  CHECK(json("int", "votes(\"approve\")", stateless) == error("no instance state: `votes` needs a running instance"));
  CHECK(guard("hasQuorum()", stateless) == error("no instance state: `hasQuorum` needs a running instance"));
  CHECK(guard("false && hasQuorum()", stateless) == "false");
}

TEST_CASE("evaluateGuard rejects non-bool results") {
  ir::Expr literal;
  literal.kind = ir::ExprKind::Literal;
  literal.literal = std::int64_t{1};
  const Fixture fixture;
  CHECK(toJsonText(evaluateGuard(literal, fixture.environment())) == error("guard is not a bool"));
  CHECK(toJsonText(evaluate(literal, fixture.environment())) == "1");
}

TEST_CASE("toJsonText for every value kind") {
  CHECK(toJsonText(Value(NullValue{})) == "null");
  CHECK(toJsonText(Value(true)) == "true");
  CHECK(toJsonText(Value(std::int64_t{-5})) == "-5");
  CHECK(toJsonText(Value(std::uint64_t{18446744073709551615ULL})) == "18446744073709551615");
  CHECK(toJsonText(Value(2.5)) == "2.5");
  CHECK(toJsonText(Value(std::nan(""))) == "\"NaN\"");
  CHECK(toJsonText(Value(std::numeric_limits<double>::infinity())) == "\"Infinity\"");
  CHECK(toJsonText(Value(-std::numeric_limits<double>::infinity())) == "\"-Infinity\"");
  CHECK(toJsonText(Value("a\"b")) == "\"a\\\"b\"");
  CHECK(toJsonText(Value(DurationValue{3600 * kSecond})) == "\"3600s\"");
  CHECK(toJsonText(Value(DurationValue{1500'000'000})) == "\"1.5s\"");
  CHECK(toJsonText(Value(DurationValue{-1})) == "\"-0.000000001s\"");
  CHECK(toJsonText(Value(DurationValue{std::numeric_limits<std::int64_t>::min()})) == "\"-9223372036.854775808s\"");
  CHECK(toJsonText(Value(TimestampValue{0})) == "\"1970-01-01T00:00:00Z\"");
  CHECK(toJsonText(Value(TimestampValue{kEventTime * kSecond + 123'000'000})) == "\"2024-01-02T03:04:05.123Z\"");
  CHECK(toJsonText(Value(TimestampValue{-1})) == "\"1969-12-31T23:59:59.999999999Z\"");
  CHECK(toJsonText(Value(ValueList{Value(std::int64_t{1}), Value("x"), Value(ValueList{})})) == "[1,\"x\",[]]");
  CHECK(toJsonText(Value(ValueMap{{Value("k"), Value(std::int64_t{1})}})) == "{\"k\":1}");
  CHECK(toJsonText(Value(ValueMap{{Value(std::int64_t{2}), Value(true)}, {Value(true), Value(false)},
                                  {Value(std::uint64_t{3}), Value(NullValue{})}})) ==
        "{\"2\":true,\"3\":null,\"true\":false}");
  CHECK(toJsonText(Value::error("boom")) == "{\"error\":\"boom\"}");
}

TEST_CASE("value equality and key order") {
  CHECK(Value(ValueList{Value(std::int64_t{1})}) == Value(ValueList{Value(std::int64_t{1})}));
  CHECK_FALSE(Value(ValueList{Value(std::int64_t{1})}) == Value(ValueList{Value(std::int64_t{2})}));
  CHECK_FALSE(Value(std::nan("")) == Value(std::nan("")));
  CHECK(Value(std::int64_t{1}) == Value(std::uint64_t{1}));
  CHECK(Value(std::int64_t{1}) == Value(1.0));
  CHECK_FALSE(Value(std::int64_t{-1}) == Value(std::uint64_t{18446744073709551615ULL}));
  CHECK_FALSE(Value("1") == Value(std::int64_t{1}));
  const ValueKeyLess less;
  CHECK(less(Value("a"), Value("b")));
  CHECK_FALSE(less(Value("b"), Value("a")));
  CHECK(less(Value(false), Value(true)));
  CHECK(less(Value(std::int64_t{-1}), Value(std::int64_t{0})));
  CHECK(less(Value(true), Value(std::int64_t{0})));  // by kind first
}

TEST_CASE("a long string's copies share its bytes; a short one is copied; either way a text is one string") {
  const std::string longText(kMaxInlineTextSize + 1, 'x');
  const Value original(longText);
  const Value copy = original;  // NOLINT(performance-unnecessary-copy-initialization): the copy is the test
  CHECK(copy.is<SharedText>());
  CHECK(copy.as<std::string>().data() == original.as<std::string>().data());
  CHECK(copy.text() == longText);
  CHECK(valueKindName(copy) == "string");
  CHECK(toJsonText(copy) == "\"" + longText + "\"");
  const Value shortText(std::string(kMaxInlineTextSize, 'x'));
  const Value shortCopy = shortText;  // NOLINT(performance-unnecessary-copy-initialization)
  CHECK(shortCopy.is<std::string>());
  CHECK_FALSE(shortCopy.is<SharedText>());
  CHECK(shortCopy.as<std::string>().data() != shortText.as<std::string>().data());
  CHECK(shortCopy == shortText);
  CHECK(Value("").textIf() != nullptr);
  CHECK(Value(std::int64_t{1}).textIf() == nullptr);

  // One text held inline or shared is one value: equal, and neither orders first.
  Value inlineLong;
  inlineLong.data = longText;
  CHECK(inlineLong == original);
  CHECK(original == inlineLong);
  const ValueKeyLess less;
  CHECK_FALSE(less(inlineLong, original));
  CHECK_FALSE(less(original, inlineLong));
  // Short and long texts order bytewise among themselves, and all strings as one kind.
  CHECK(less(Value("a"), original));
  CHECK(less(original, Value("y")));
  CHECK_FALSE(less(Value("y"), original));
  CHECK(less(Value(std::int64_t{0}), original));
  CHECK(less(original, Value(DurationValue{0})));
  CHECK_FALSE(less(Value(DurationValue{0}), original));

  // In guards: a 100-byte key built at run time finds the literal one, and map keys of
  // either length order by their text.
  const std::string half(50, 'k');
  const std::string key = half + half;
  CHECK(guard("{\"" + key + "\": 1}[\"" + half + "\" + \"" + half + "\"] == 1") == "true");
  CHECK(guard("\"" + half + "\" + \"" + half + "\" == \"" + key + "\"") == "true");
  CHECK(guard("\"a\" < \"" + key + "\" && \"" + key + "\" < \"z\"") == "true");
  CHECK(json("map<string, int>", "{\"z\": 1, \"" + key + "\": 2, \"a\": 3}") ==
        "{\"a\":3,\"" + key + "\":2,\"z\":1}");
  CHECK(json("map<string, int>", "{\"" + key + "\": 1, \"" + half + "\" + \"" + half + "\": 2}") ==
        error("duplicate map key \"" + key.substr(0, 96) + "\"… (100 bytes)"));  // messages quote 96 bytes
}

TEST_CASE("a macro reading a long event actor or id, or a long literal, copies a pointer per element") {
  // 100,000 elements, each copying a megabyte: 100 GB of copies (kept by `map`), which no
  // bound counts.
  Fixture fixture;
  fixture.event.actor = std::string(1'000'000, 'a');
  fixture.event.id = std::string(1'000'000, 'i');
  fixture.context[3] = Value(ValueList(100'000, Value(std::int64_t{1})));
  CHECK(guard("size(nums.map(n, event.actor)) == 100000", fixture) == "true");
  CHECK(guard("size(nums.map(n, event.id)) == 100000", fixture) == "true");
  CHECK(guard("size(nums.map(n, \"" + std::string(1'000'000, 'l') + "\")) == 100000", fixture) == "true");
  CHECK(guard("nums.all(n, size([event.actor]) == 1)", fixture) == "true");
}

TEST_CASE("more error absorption across macro elements, dyn operands and literals") {
  CHECK(guard("nums.all(n, 6 / (n - 1) == 3)") == "false");  // error on 1, false on 2
  CHECK(guard("nums.exists(n, 6 / (n - 1) == 6)") == "true");  // error on 1, true on 2
  CHECK(json("list<string>", "tags.map(k, k + \"!\")") == "[\"a!\",\"b!\"]");
  CHECK(guard("dyn(1) && false") == "false");
  CHECK(guard("dyn(1) || true") == "true");
  CHECK(guard("dyn(1) && true").find("no such overload") != std::string::npos);
  CHECK(guard("dyn(1) ? true : false").find("no such overload") != std::string::npos);
  CHECK(guard("dyn(1) == dyn(\"1\")") == "false");
  CHECK(guard("dyn(1) == dyn(1u) && dyn(2) == dyn(2.0)") == "true");
}

TEST_CASE("deep expressions evaluate") {
  std::string sum = "one";
  for (int i = 0; i < 250; ++i) sum += " + one";
  CHECK(json("int", sum) == "251");
  std::string nested = "true";
  for (int i = 0; i < 120; ++i) nested = "(one == 1 && " + nested + ")";
  CHECK(guard(nested) == "true");
}

TEST_CASE("literal edge cases") {
  // Past int64 nanoseconds, a literal is refused before any evaluation (E0109); the longest
  // one the compiler accepts evaluates.
  CHECK(json("duration", "106751992d").find("COMPILE ERROR: duration `106751992d` is too long") != std::string::npos);
  CHECK(json("duration", "106751d") == "\"9223286400s\"");
  CHECK(json("map<string, int>", "{\"a\": 1, \"a\": 2}") == error("duplicate map key \"a\""));
  CHECK(json("map<string, int>", "{\"b\": one, \"a\": 2}") == "{\"a\":2,\"b\":1}");
  CHECK(json("list<int>", "[one, 1 / zero]") == error("division by zero"));
}

TEST_CASE("interpreter: matches keeps compiled patterns, and stays right past the cache's capacity and across threads") {
  const auto compiled = compileExpression("t.matches(p)", {{"t", Type::of(TypeKind::String)}, {"p", Type::of(TypeKind::String)}});
  REQUIRE(compiled->expr.has_value());
  auto run = [&](const std::string& text, const std::string& pattern) {
    const std::vector<Value> context{Value(text), Value(pattern)};
    return toJsonText(evaluate(*compiled->expr, Environment{context, nullptr, nullptr}));
  };
  // More distinct patterns than the cache holds (1,024), each asked twice.
  for (int i = 0; i < 2600; ++i) {
    const std::string pattern = "^a" + std::to_string(i) + "$";
    INFO("pattern ", pattern);
    CHECK(run("a" + std::to_string(i), pattern) == "true");
    CHECK(run("a" + std::to_string(i) + "0", pattern) == "false");
  }
  // An invalid pattern is an error every time it is used, cached or not.
  const std::string first = run("abc", "(");
  CHECK(first.find("invalid regular expression") != std::string::npos);
  CHECK(run("abc", "(") == first);
  // Many threads at once, on shared and on their own patterns.
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 1500; ++i) {
        const std::string own = "^t" + std::to_string(t) + "_" + std::to_string(i % 700) + "$";
        if (run("t" + std::to_string(t) + "_" + std::to_string(i % 700), own) != "true") ++wrong;
        if (run("shared-" + std::to_string(i), "^shared-[0-9]+$") != "true") ++wrong;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(wrong.load() == 0);
}
