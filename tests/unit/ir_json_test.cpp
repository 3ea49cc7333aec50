// The IR's JSON form: exact round-trips of every expression kind and literal type, the
// span/hash options, and a reader that reports the JSON path of bad input and never throws.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>

#include "approval/ir_json.h"

namespace {

using namespace approval;
using nlohmann::json;
using K = ir::ExprKind;

std::uint32_t nextLine = 1;

/// Every node gets its own line so that a span mix-up would show.
SourceSpan freshSpan() {
  const std::uint32_t line = nextLine++;
  return SourceSpan{0, line, 3, line, 9};
}

ir::Expr node(K kind, std::vector<ir::Expr> operands = {}) {
  ir::Expr e;
  e.kind = kind;
  e.operands = std::move(operands);
  e.span = freshSpan();
  return e;
}

ir::Expr literal(ast::LiteralValue value) {
  ir::Expr e = node(K::Literal);
  e.literal = std::move(value);
  return e;
}

ir::Expr named(K kind, std::string name, std::vector<ir::Expr> operands = {}) {
  ir::Expr e = node(kind, std::move(operands));
  e.name = std::move(name);
  return e;
}

ir::Expr contextField(std::uint32_t ref) {
  ir::Expr e = node(K::ContextField);
  e.ref = ref;
  return e;
}

ir::Expr binary(ast::BinaryOp op, ir::Expr left, ir::Expr right) {
  ir::Expr e = node(K::Binary, {std::move(left), std::move(right)});
  e.binaryOp = op;
  return e;
}

ir::Expr unary(ast::UnaryOp op, ir::Expr operand) {
  ir::Expr e = node(K::Unary, {std::move(operand)});
  e.unaryOp = op;
  return e;
}

ir::Expr receiverCall(ir::Expr receiver, std::string name, std::vector<ir::Expr> arguments) {
  arguments.insert(arguments.begin(), std::move(receiver));
  ir::Expr e = named(K::Call, std::move(name), std::move(arguments));
  e.receiverCall = true;
  return e;
}

/// One literal of every type the IR can hold, inside a list so they share one guard.
ir::Expr everyLiteral() {
  return node(K::List, {
                           literal(ast::NullValue{}),
                           literal(true),
                           literal(false),
                           literal(std::int64_t{42}),
                           literal(std::numeric_limits<std::int64_t>::min()),
                           literal(std::numeric_limits<std::int64_t>::max()),
                           literal(std::uint64_t{0}),
                           literal(std::numeric_limits<std::uint64_t>::max()),
                           literal(1.0),
                           literal(0.1),
                           literal(-2.5e-300),
                           literal(std::numeric_limits<double>::max()),
                           literal(std::numeric_limits<double>::infinity()),
                           literal(-std::numeric_limits<double>::infinity()),
                           literal(std::string("plain")),
                           literal(std::string("草稿 \"quoted\" \\ \n\t")),
                           literal(std::string("\xff\xfe not UTF-8")),
                           literal(std::string()),
                           literal(ast::Bytes{std::string("\x00\x01\xff bytes", 9)}),
                           literal(ast::Bytes{}),
                           literal(ast::Duration{48LL * 3600 * 1000}),
                           literal(ast::Duration{0}),
                       });
}

/// A guard that uses every expression kind and every operator.
ir::Expr everyExprKind() {
  using Op = ast::BinaryOp;
  std::vector<ir::Expr> clauses;
  for (Op op : {Op::Less, Op::LessEqual, Op::Greater, Op::GreaterEqual, Op::Equal, Op::NotEqual,
                Op::Add, Op::Subtract, Op::Multiply, Op::Divide, Op::Modulo}) {
    clauses.push_back(binary(op, contextField(0), literal(std::int64_t{1})));
  }
  clauses.push_back(binary(Op::In, named(K::EventField, "actor"), contextField(2)));
  clauses.push_back(unary(ast::UnaryOp::Not, unary(ast::UnaryOp::Negate, contextField(0))));
  clauses.push_back(named(K::Select, "comment", {named(K::Variable, "event")}));
  clauses.push_back(named(K::Call, "hasQuorum", {}));
  clauses.push_back(receiverCall(
      contextField(2), "all",
      {named(K::Variable, "r"), binary(Op::NotEqual, named(K::Variable, "r"), contextField(1))}));
  clauses.push_back(node(K::Index, {contextField(2), literal(std::int64_t{0})}));
  clauses.push_back(node(K::Map, {literal(std::string("k")), literal(std::int64_t{1})}));
  clauses.push_back(node(K::Conditional, {literal(true), literal(1.5), literal(2.5)}));
  clauses.push_back(everyLiteral());
  ir::Expr guard = clauses.front();
  for (std::size_t i = 1; i < clauses.size(); ++i) {
    guard = binary(i % 2 ? Op::And : Op::Or, std::move(guard), std::move(clauses[i]));
  }
  return guard;
}

ir::Field field(std::string name, std::string type) {
  return ir::Field{std::move(name), std::move(type), {}};
}

ir::Call hostCall(std::string name, std::vector<ir::Expr> arguments = {}) {
  return ir::Call{ir::Call::Kind::Host, std::move(name), std::move(arguments)};
}

ir::Machine sampleMachine() {
  ir::Machine m;
  m.name = "expense";
  m.version = 3;
  m.contentHash = "sha256:0123";
  m.sourcePath = "flows/expense.dsl";
  m.context = {field("amount", "int"), field("applicant", "string"),
               field("reviewers", "list<string>")};
  m.context[0].defaultValue = literal(std::int64_t{0});
  m.events = {ir::Event{"submit", {}, false},
              ir::Event{"approve", {field("comment", "string")}, true}};
  m.states = {{"DRAFT", false}, {"REVIEWING", false}, {"APPROVED", true}, {"草稿", true}};
  m.initial = 0;
  m.quorum = ir::Quorum{ir::QuorumKind::Percent, 60, 2, false};

  ir::Transition submit;
  submit.source = 0;
  submit.target = 1;
  submit.event = 0;
  submit.actions = {
      ir::Action{hostCall("validatePolicy"), hostCall("revokePolicy")},
      ir::Action{ir::Call{ir::Call::Kind::Set, "set", {contextField(0), literal(std::int64_t{5})}},
                 {}}};
  submit.span = freshSpan();

  ir::Transition approve;
  approve.source = 1;
  approve.target = 2;
  approve.event = 1;
  approve.guard = everyExprKind();
  approve.actions = {
      ir::Action{ir::Call{ir::Call::Kind::Emit, "emit", {literal(std::string("onApproved"))}}, {}},
      ir::Action{ir::Call{ir::Call::Kind::Compensate, "compensate", {}}, {}}};
  approve.declaration = 1;
  approve.span = freshSpan();

  ir::Transition timeout;
  timeout.source = 1;
  timeout.target = 3;
  timeout.delayMs = 48LL * 3600 * 1000;
  timeout.actions = {ir::Action{hostCall("notify", {literal(std::string("cfo"))}), {}}};
  timeout.declaration = 2;
  timeout.span = freshSpan();

  m.transitions = {submit, approve, timeout};
  m.table = {ir::StateTable{{ir::EventRow{0, {0}}}, {}},
             ir::StateTable{{ir::EventRow{1, {1}}}, {2}}, ir::StateTable{}, ir::StateTable{}};
  m.routes = {ir::Route{0, {"validator-service"}},
              ir::Route{1, {"notification-service", "audit-service"}}};
  m.hostActions = {{"notify", 1}, {"revokePolicy", 0}, {"validatePolicy", 0}};
  return m;
}

ir::Program sampleProgram() {
  ir::Program p;
  p.machines.push_back(sampleMachine());
  ir::Machine second = sampleMachine();
  second.name = "second";
  second.sourcePath.clear();
  second.contentHash.clear();
  p.machines.push_back(second);
  return p;
}

void clearSpans(ir::Expr& e) {
  e.span = {};
  for (auto& operand : e.operands) clearSpans(operand);
}

void clearSpans(ir::Machine& m) {
  for (auto& f : m.context) {
    if (f.defaultValue) clearSpans(*f.defaultValue);
  }
  for (auto& t : m.transitions) {
    t.span = {};
    if (t.guard) clearSpans(*t.guard);
    for (auto& a : t.actions) {
      for (auto& arg : a.call.arguments) clearSpans(arg);
    }
  }
}

/// Loads a JSON document that must be rejected and returns the message.
std::string loadError(const json& document) {
  const auto result = programFromJson(document);
  REQUIRE_FALSE(result.ok());
  return result.error().message;
}

json sampleJson() { return toJson(sampleProgram()); }

}  // namespace

TEST_CASE("every expression kind and literal type round-trips exactly") {
  const ir::Program program = sampleProgram();
  const std::string text = toJson(program).dump(2);
  const auto loaded = parseIr(text);
  REQUIRE_MESSAGE(loaded.ok(), (loaded.ok() ? "" : loaded.error().message));
  CHECK(loaded.value() == program);  // variant equality also compares the literal's type
  // And the text is a fixed point.
  CHECK(toJson(loaded.value()).dump(2) == text);
}

TEST_CASE("fields a kind does not use still round-trip") {
  // Lowering keeps the source name on context-field nodes, for instance; nothing is dropped.
  ir::Expr field = contextField(1);
  field.name = "applicant";
  ir::Expr odd = literal(std::int64_t{1});
  odd.binaryOp = ast::BinaryOp::Modulo;
  odd.unaryOp = ast::UnaryOp::Negate;
  odd.ref = 7;
  odd.operands = {literal(true)};
  ir::Machine m = sampleMachine();
  m.transitions[0].guard = node(K::List, {field, odd});
  ir::Program program;
  program.machines.push_back(m);
  const json document = toJson(program);
  CHECK(document["machines"][0]["transitions"][0]["guard"]["operands"][0]["name"] == "applicant");
  const auto loaded = programFromJson(document);
  REQUIRE(loaded.ok());
  CHECK(loaded.value() == program);
}

TEST_CASE("NaN and negative zero keep their identity") {
  ir::Machine m = sampleMachine();
  m.transitions[0].guard =
      node(K::List, {literal(std::numeric_limits<double>::quiet_NaN()), literal(-0.0)});
  ir::Program program;
  program.machines.push_back(m);
  const auto loaded = parseIr(toJson(program).dump());
  REQUIRE(loaded.ok());
  const auto& operands = loaded.value().machines[0].transitions[0].guard->operands;
  REQUIRE(std::holds_alternative<double>(operands[0].literal));
  CHECK(std::isnan(std::get<double>(operands[0].literal)));
  REQUIRE(std::holds_alternative<double>(operands[1].literal));
  CHECK(std::signbit(std::get<double>(operands[1].literal)));
}

TEST_CASE("the JSON shape is the documented one") {
  const json document = sampleJson();
  CHECK(document["format"] == "approval-ir");
  CHECK(document["version"] == ir::kFormatVersion);
  const json& machine = document["machines"][0];
  CHECK(machine["transitions"][0]["span"].is_array());
  CHECK(machine["transitions"][0]["span"].size() == 4);
  CHECK(machine["transitions"][2]["delayMs"] == 172800000);
  CHECK_FALSE(machine["transitions"][2].contains("event"));
  CHECK_FALSE(machine["transitions"][0].contains("guard"));
  CHECK(machine["quorum"]["kind"] == "percent");
  CHECK(machine["transitions"][0]["actions"][1]["call"]["kind"] == "set");

  ir::Machine withLiterals = sampleMachine();
  withLiterals.transitions[0].guard = everyLiteral();
  const json literals = toJson(withLiterals)["transitions"][0]["guard"]["operands"];
  CHECK(literals[0]["value"].is_null());
  CHECK(literals[3]["value"] == 42);
  CHECK(literals[7]["value"] == json{{"uint", "18446744073709551615"}});
  CHECK(literals[8]["value"].is_number_float());
  CHECK(literals[12]["value"] == json{{"double", "inf"}});
  CHECK(literals[16]["value"].contains("stringBase64"));
  CHECK(literals[18]["value"] == json{{"bytes", "AAH/IGJ5dGVz"}});
  CHECK(literals[20]["value"] == json{{"durationMs", 172800000}});

  ir::Machine m = sampleMachine();
  ir::Expr lessEqual =
      binary(ast::BinaryOp::LessEqual, contextField(0), literal(std::int64_t{500}));
  m.transitions[0].guard = unary(ast::UnaryOp::Not, lessEqual);
  const json guard = toJson(m)["transitions"][0]["guard"];
  CHECK(guard["kind"] == "unary");
  CHECK(guard["unaryOp"] == "!");
  CHECK(guard["operands"][0]["binaryOp"] == "<=");
  CHECK(guard["operands"][0]["operands"][0] ==
        json{{"kind", "contextField"},
             {"ref", 0},
             {"span", guard["operands"][0]["operands"][0]["span"]}});
}

TEST_CASE("spans and the hash can be left out") {
  const ir::Program program = sampleProgram();
  const std::string text = toJson(program, {.includeSpans = false, .includeHash = false}).dump();
  CHECK(text.find("\"span\"") == std::string::npos);
  CHECK(text.find("contentHash") == std::string::npos);
  CHECK(text.find("flows/expense.dsl") != std::string::npos);  // the path is not the hash

  const auto loaded = parseIr(text);
  REQUIRE(loaded.ok());
  ir::Program expected = program;
  for (auto& machine : expected.machines) {
    clearSpans(machine);
    machine.contentHash.clear();
  }
  CHECK(loaded.value() == expected);
}

TEST_CASE("span file ids are not serialised") {
  ir::Machine m = sampleMachine();
  m.transitions[0].span.file = 7;
  const json t = toJson(m)["transitions"][0];
  CHECK(t["span"] == json::array({m.transitions[0].span.line, 3, m.transitions[0].span.line, 9}));
}

TEST_CASE("a wrong format or version is refused by name") {
  json document = sampleJson();
  document["format"] = "something-else";
  CHECK(loadError(document).find("format: expected \"approval-ir\"") != std::string::npos);

  document = sampleJson();
  document["version"] = ir::kFormatVersion + 1;
  CHECK(loadError(document).find(
            "version: unsupported IR version 3 (this build reads version 2)") != std::string::npos);

  document = sampleJson();
  document.erase("version");
  CHECK(loadError(document).find("version: missing required key") != std::string::npos);

  CHECK(loadError(json::array()).find("expected object, got array") != std::string::npos);
}

TEST_CASE("out-of-range indices name their JSON path and the table size") {
  const auto errorAfter = [](auto edit) {
    json document = sampleJson();
    edit(document["machines"][0]);
    return loadError(document);
  };
  CHECK(
      errorAfter([](json& m) { m["transitions"][1]["target"] = 9; }) ==
      "invalid IR: machines[0].transitions[1].target: index 9 out of range (machine has 4 states)");
  CHECK(
      errorAfter([](json& m) { m["transitions"][0]["event"] = 2; }) ==
      "invalid IR: machines[0].transitions[0].event: index 2 out of range (machine has 2 events)");
  CHECK(errorAfter([](json& m) { m["initial"] = 4; }) ==
        "invalid IR: machines[0].initial: index 4 out of range (machine has 4 states)");
  CHECK(errorAfter([](json& m) { m["table"][1]["timers"][0] = 3; }) ==
        "invalid IR: machines[0].table[1].timers[0]: index 3 out of range (machine has 3 "
        "transitions)");
  CHECK(errorAfter([](json& m) {
          m["routes"][0]["event"] = -1;
        }).find("machines[0].routes[0].event: -1 is not in 0..4294967295") != std::string::npos);
  CHECK(
      errorAfter([](json& m) { m["quorum"]["field"] = 3; }) ==
      "invalid IR: machines[0].quorum.field: index 3 out of range (machine has 3 context fields)");
  CHECK(errorAfter([](json& m) {
          m["transitions"][0]["guard"] = json::parse(R"({"kind": "binary", "binaryOp": "<",
              "operands": [{"kind": "contextField", "ref": 5}, {"kind": "literal", "value": 1}]})");
        }) ==
        "invalid IR: machines[0].transitions[0].guard.operands[0].ref: index 5 out of range "
        "(machine has 3 context fields)");
}

TEST_CASE("a target twice for one event and a delay past int64 nanoseconds are refused") {
  const auto errorAfter = [](auto edit) {
    json document = sampleJson();
    edit(document["machines"][0]);
    return loadError(document);
  };
  // The runtime delivers once per listed target, across every route of the event.
  CHECK(errorAfter([](json& m) { m["routes"].push_back(json{{"event", 1}, {"targets", {"audit-service"}}}); }) ==
        "invalid IR: machines[0].routes[2].targets[0]: target \"audit-service\" is named twice for one event");
  CHECK(errorAfter([](json& m) { m["transitions"][2]["delayMs"] = 9'223'372'036'855LL; })
            .find("machines[0].transitions[2].delayMs: a delay is at most 9223372036854 ms") != std::string::npos);
  json longest = sampleJson();
  longest["machines"][0]["transitions"][2]["delayMs"] = 9'223'372'036'854LL;
  CHECK(programFromJson(longest).ok());
}

TEST_CASE("missing keys, wrong types and unknown keys are refused") {
  const auto errorAfter = [](auto edit) {
    json document = sampleJson();
    edit(document["machines"][0]);
    return loadError(document);
  };
  CHECK(errorAfter([](json& m) { m.erase("states"); }) ==
        "invalid IR: machines[0].states: missing required key");
  CHECK(errorAfter([](json& m) { m["states"][0]["name"] = 5; }) ==
        "invalid IR: machines[0].states[0].name: expected string, got integer");
  CHECK(errorAfter([](json& m) { m["version"] = 1.5; }) ==
        "invalid IR: machines[0].version: expected integer, got float");
  CHECK(errorAfter([](json& m) { m["states"][0]["colour"] = "red"; }) ==
        "invalid IR: machines[0].states[0].colour: unknown key");
  CHECK(errorAfter([](json& m) {
          m["transitions"][1]["guard"]["binaryOp"] = "^";
        }).find("machines[0].transitions[1].guard.binaryOp: unknown value \"^\"") !=
        std::string::npos);
  CHECK(errorAfter([](json& m) { m["transitions"][1]["guard"]["operands"].erase(1); }) ==
        "invalid IR: machines[0].transitions[1].guard.operands: a binary expression takes 2 "
        "operands, got 1");
  CHECK(errorAfter([](json& m) { m["transitions"][2]["event"] = 0; }) ==
        "invalid IR: machines[0].transitions[2]: a transition needs exactly one of \"event\" and "
        "\"delayMs\"");
  CHECK(errorAfter([](json& m) {
          m["transitions"][0]["actions"][0]["call"]["kind"] = "Host";
        }).find("machines[0].transitions[0].actions[0].call.kind: unknown value \"Host\"") !=
        std::string::npos);
  CHECK(errorAfter([](json& m) {
          m["transitions"][1]["span"] = json::array({1, 2});
        }) ==
        "invalid IR: machines[0].transitions[1].span: expected [line, column, endLine, endColumn]");
}

TEST_CASE("malformed literals are refused") {
  const auto literalError = [](const json& value) {
    json document = sampleJson();
    document["machines"][0]["context"][0]["defaultValue"]["value"] = value;
    return loadError(document);
  };
  const std::string at = "machines[0].context[0].defaultValue.value";
  CHECK(literalError(json{{"uint", "-1"}}).find(at + ".uint") != std::string::npos);
  CHECK(literalError(json{{"uint", "18446744073709551616"}}).find(at + ".uint") !=
        std::string::npos);
  CHECK(literalError(json{{"uint", 5}}).find(at + ".uint: expected string") != std::string::npos);
  CHECK(literalError(json{{"double", "infinity"}}).find(at + ".double") != std::string::npos);
  CHECK(literalError(json{{"bytes", "abc"}}).find(at + ".bytes: not valid padded base64") !=
        std::string::npos);
  CHECK(literalError(json{{"bytes", "a=bc"}}).find("base64") != std::string::npos);
  CHECK(literalError(json{{"durationMs", "48h"}}).find(at + ".durationMs: expected integer") !=
        std::string::npos);
  CHECK(literalError(json{{"durationMs", 9'223'372'036'855}}).find(at + ".durationMs: a duration is at most") !=
        std::string::npos);
  CHECK(literalError(json{{"durationMs", -9'223'372'036'855}}).find(at + ".durationMs: a duration is at most") !=
        std::string::npos);
  CHECK(literalError(json{{"seconds", 1}}).find(at + ".seconds: unknown literal tag") !=
        std::string::npos);
  CHECK(literalError(json::array()).find(at + ": expected null") != std::string::npos);
  // A field's type is read as a type too, and one nested past 256 levels is not one (it
  // overflowed the stack when 20,000 deep).
  std::string deep;
  for (int i = 0; i < 20'000; ++i) deep += "list<";
  deep += "int" + std::string(20'000, '>');
  for (const std::string& type : {std::string("lst<int>"), std::string("list<"), deep}) {
    json document = sampleJson();
    document["machines"][0]["context"][0]["type"] = type;
    CHECK(loadError(document).find("machines[0].context[0].type: not a type") != std::string::npos);
  }
  CHECK(literalError(json(std::numeric_limits<std::uint64_t>::max())).find("does not fit") !=
        std::string::npos);
}

TEST_CASE("a literal or context field whose type contradicts its value or declaration is refused") {
  // The evaluators pick operations by these types: hand-made IR that contradicts them made
  // the JIT read an int as `true` where the interpreter reported an error.
  json document = sampleJson();
  auto& amountDefault = document["machines"][0]["context"][0]["defaultValue"];  // the int 0
  amountDefault["type"] = "bool";
  CHECK(loadError(document) ==
        "invalid IR: machines[0].context[0].defaultValue.type: the literal's value is not a bool");
  amountDefault["type"] = "int";
  REQUIRE(programFromJson(document).ok());

  auto& setTarget = document["machines"][0]["transitions"][0]["actions"][1]["call"]["arguments"][0];
  REQUIRE(setTarget["kind"] == "contextField");
  setTarget["type"] = "string";
  CHECK(loadError(document) ==
        "invalid IR: machines[0].transitions[0].actions[1].call.arguments[0].type: context field 0 is declared int, not string");
  setTarget["type"] = "dyn";  // the checker's "only run time knows" fits any declaration
  CHECK(programFromJson(document).ok());
}

TEST_CASE("the dispatch table must agree with the transitions") {
  const auto errorAfter = [](auto edit) {
    json document = sampleJson();
    edit(document["machines"][0]);
    return loadError(document);
  };
  CHECK(errorAfter([](json& m) { m["table"].erase(3); }) ==
        "invalid IR: machines[0].table: has 3 rows, expected one per state (4)");
  CHECK(errorAfter([](json& m) { m["table"][0]["events"][0]["transitions"][0] = 1; }) ==
        "invalid IR: machines[0].table[0].events[0].transitions[0]: transition 1 is not from state "
        "0 on event 0");
  CHECK(errorAfter([](json& m) { m["table"][1]["timers"][0] = 1; }) ==
        "invalid IR: machines[0].table[1].timers[0]: transition 1 is not a timer of state 1");
  CHECK(errorAfter([](json& m) { m["table"][1]["timers"].push_back(2); }) ==
        "invalid IR: machines[0].table[1].timers[1]: transition 2 is listed twice in the table");
}

TEST_CASE("text that is not JSON is an error, not an exception") {
  for (const char* text : {"", "{", "nul", "{\"format\": }", "[1, 2,]", "\xff\xfe", "1e999"}) {
    CAPTURE(text);
    const auto result = parseIr(text);
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().message.rfind("IR is not valid JSON: ", 0) == 0);
  }
}

TEST_CASE("deep nesting is refused without exhausting the stack") {
  const std::string deepArray = std::string(100000, '[') + std::string(100000, ']');
  CHECK_FALSE(parseIr(deepArray).ok());

  // Built as text: nesting json values one by one would copy the tree at every level.
  const auto nestedNots = [](int depth) {
    std::string text;
    for (int i = 0; i < depth; ++i) text += R"({"kind": "unary", "unaryOp": "!", "operands": [)";
    text += R"({"kind": "literal", "value": true})";
    for (int i = 0; i < depth; ++i) text += "]}";
    json document = sampleJson();
    document["machines"][0]["transitions"][0]["guard"] = json::parse(text);
    return document;
  };
  // Deeper than the parser ever produces (its limit is 256), still fine to load...
  CHECK(programFromJson(nestedNots(400)).ok());
  // ...but a hostile file cannot make the reader recurse without bound.
  CHECK(loadError(nestedNots(2000)).find("expression nested deeper than 512") != std::string::npos);
}

namespace {

/// A random JSON value, biased towards the shapes the reader looks at.
json randomValue(std::mt19937& random, int depth) {
  static const char* const keys[] = {"kind", "value", "name",   "ref",     "operands",
                                     "span", "event", "format", "version", "machines",
                                     "uint", "bytes", "double"};
  switch (random() % (depth > 3 ? 6 : 8)) {
    case 0: return nullptr;
    case 1: return random() % 2 == 0;
    case 2: return static_cast<std::int64_t>(random()) - (1LL << 31);
    case 3: return static_cast<double>(random()) / 7.0;
    case 4: return keys[random() % std::size(keys)];
    case 5: return std::numeric_limits<std::uint64_t>::max() - random() % 3;
    case 6: {
      json array = json::array();
      for (int i = static_cast<int>(random() % 4); i > 0; --i)
        array.push_back(randomValue(random, depth + 1));
      return array;
    }
    default: {
      json object = json::object();
      for (int i = static_cast<int>(random() % 4); i > 0; --i) {
        object[keys[random() % std::size(keys)]] = randomValue(random, depth + 1);
      }
      return object;
    }
  }
}

/// Replaces one randomly chosen value somewhere inside `document`.
void mutate(json& document, std::mt19937& random) {
  json* at = &document;
  while ((at->is_object() || at->is_array()) && !at->empty() && random() % 5 != 0) {
    auto it = at->begin();
    std::advance(it, static_cast<long>(random() % at->size()));
    at = &*it;
  }
  *at = randomValue(random, 0);
}

}  // namespace

TEST_CASE("arbitrary JSON never throws or crashes the reader") {
  std::mt19937 random(20240501);
  const json valid = sampleJson();
  for (int round = 0; round < 1000; ++round) {
    json document = round % 3 == 0 ? randomValue(random, 0) : valid;
    if (round % 3 != 0) {
      for (int edits = 1 + static_cast<int>(random() % 3); edits > 0; --edits)
        mutate(document, random);
    }
    CHECK_NOTHROW((void)programFromJson(document));
    CHECK_NOTHROW((void)parseIr(document.dump()));
  }
}
