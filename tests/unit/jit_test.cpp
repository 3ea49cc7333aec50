// The guard JIT (include/approval/jit.h) on real machines: event and state inputs through
// the slot layout, object caches (memory, directory, damaged entries), concurrent calls,
// optimisation levels, and the generated module's symbols. The random differential test
// against the interpreter is in random_expressions_test.cpp.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <numeric>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "approval/compiler.h"
#include "approval/evaluate.h"
#include "approval/expression.h"
#include "approval/guard_slots.h"
#include "approval/jit.h"

using namespace approval;
using jit::Verdict;

namespace {

constexpr std::int64_t kSecond = 1'000'000'000;

class FakeState final : public ApprovalState {
 public:
  std::int64_t current = 2;
  std::int64_t required = 3;
  std::map<std::string, std::int64_t, std::less<>> counts{{"approve", 2}};
  [[nodiscard]] std::int64_t votes(std::string_view event) const override {
    auto found = counts.find(event);
    return found == counts.end() ? 0 : found->second;
  }
  /// As many of the event's votes as the list has entries (enough to tell the two evaluators apart).
  [[nodiscard]] std::int64_t votesAmong(std::string_view event, const ValueList& voters) const override {
    return std::min(votes(event), static_cast<std::int64_t>(voters.size()));
  }
  [[nodiscard]] std::int64_t currentEventVotes() const noexcept override { return current; }
  [[nodiscard]] std::int64_t quorumRequired() const noexcept override { return required; }
  [[nodiscard]] TimestampValue now() const override { return {1'700'000'000 * kSecond}; }
  [[nodiscard]] std::optional<DurationValue> timeInState() const override { return DurationValue{49 * 3600 * kSecond}; }
};

ir::Machine compileMachine(const std::string& text) {
  auto compilation = compile({InputFile{"test.dsl", text}});
  std::string messages;
  for (const auto& d : compilation->diagnostics.diagnostics()) messages += d.message + "\n";
  INFO(messages);
  REQUIRE_FALSE(compilation->diagnostics.hasErrors());
  REQUIRE(compilation->program.machines.size() == 1);
  return compilation->program.machines[0];
}

std::string readFile(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

/// A verdict as a Value, to compare with the interpreter's evaluateGuard.
Value asValue(const Verdict& verdict) {
  if (verdict.kind == Verdict::Kind::Error) return Value::error(verdict.error);
  return Value(verdict.holds());
}

std::string describe(const Value& value) {
  return value.isError() ? "error: " + value.as<ErrorValue>().message : toJsonText(value);
}

/// A machine whose guards read the context, the event's payload and the approval state.
const char* const kOrderMachine = R"(
state machine "orders" {
  context {
    amount: int
    org: string
    tags: list<string>
    limits: map<string, int>
    ratio: double
  }
  events { "approve" { note: string, score: int } }
  initial: OPEN
  states: [OPEN, DONE, ESCALATED, HELD]
  final: [DONE]
  transitions {
    OPEN → DONE on "approve" if amount > 500000 && hasQuorum(2)
    OPEN → ESCALATED on "approve" if "beta" in tags && org.startsWith("cn-") && event.note.contains("ok")
    OPEN → HELD on "approve" if has(event.note) && event.score * 2 > limits["cfo"] && event.actor == "bob"
    OPEN → DONE on "hold" if timeInState() > 48h && votes("approve") >= 2 && now() > timestamp("2023-01-01T00:00:00Z")
    OPEN → DONE on "hold" if votes("approve", tags) == 1
    OPEN → HELD on "hold" if tags.exists(t, t.endsWith("-x")) || ratio / 0.0 > 1.0 || hasQuorum()
  }
}
)";

struct OrderInputs {
  std::vector<Value> context{Value(std::int64_t{600000}), Value("cn-east"), Value(ValueList{Value("beta"), Value("a-x")}),
                             Value(ValueMap{{Value("cfo"), Value(std::int64_t{10})}}), Value(0.5)};
  EventView event;
  std::vector<Value> eventValues;
  FakeState state;

  OrderInputs() {
    event.id = "e1";
    event.actor = "bob";
    event.time = {1'700'000'000 * kSecond};
    event.payload = {{"note", Value("all ok")}, {"score", Value(std::int64_t{6})}};
    eventValues = {Value(event.id), Value(event.actor), Value(event.time), event.payload["note"], event.payload["score"]};
  }
};

/// The JIT's verdict on `guard` (entry 0 of `code`) is the interpreter's, in each context.
void checkAgreesWithInterpreter(const ir::Expr& guard, const jit::CompiledExpressions& code,
                                const std::vector<std::vector<Value>>& contexts) {
  for (const auto& values : contexts) {
    const SlotValues slots(values);
    const Value interpreted = evaluateGuard(guard, Environment{values, nullptr, nullptr});
    const Verdict verdict = code.guard(0, jit::GuardInput{slots.slots(), {}, nullptr});
    CHECK(describe(asValue(verdict)) == describe(interpreted));
  }
}

}  // namespace

TEST_CASE("jit: every guard of a machine agrees with the interpreter on context, event and state") {
  const ir::Machine machine = compileMachine(kOrderMachine);
  auto guards = jit::MachineGuards::compile(machine);
  REQUIRE_MESSAGE(guards.ok(), (guards.ok() ? "" : guards.error().message));

  std::set<std::string> outcomes;
  for (int variant = 0; variant < 6; ++variant) {
    OrderInputs inputs;
    if (variant == 1) inputs.state.current = 1;                       // below hasQuorum(2)
    if (variant == 2) inputs.context[0] = Value(std::int64_t{10});   // small amount
    if (variant == 3) inputs.event.payload.erase("note");             // absent payload field
    if (variant == 4) inputs.event.actor = "eve";
    if (variant == 5) inputs.context[3] = Value(ValueMap{});          // limits["cfo"] missing: an error
    inputs.eventValues[1] = Value(inputs.event.actor);
    SlotValues context(inputs.context);
    SlotValues event(inputs.eventValues);
    if (variant == 3) event.clear(kEventPayloadSlot);
    const Environment environment{context.values(), &inputs.event, &inputs.state};
    const jit::GuardInput input{context.slots(), event.slots(), &inputs.state};
    for (ir::TransitionIndex t = 0; t < machine.transitions.size(); ++t) {
      const auto& guard = machine.transitions[t].guard;
      REQUIRE(guard.has_value());
      const Value expected = evaluateGuard(*guard, environment);
      const Value actual = asValue(guards.value().evaluate(t, input));
      INFO("variant " << variant << ", transition " << t);
      outcomes.insert(actual.isError() ? "error" : describe(actual));
      CHECK_MESSAGE(describe(actual) == describe(expected), "JIT " << describe(actual) << ", interpreter "
                                                                     << describe(expected));
    }
  }
  CHECK(outcomes == std::set<std::string>{"true", "false", "error"});  // the variants reach every verdict
}

TEST_CASE("jit: without an event or instance state, guards fail with the interpreter's messages") {
  const ir::Machine machine = compileMachine(kOrderMachine);
  auto guards = jit::MachineGuards::compile(machine);
  REQUIRE(guards.ok());
  OrderInputs inputs;
  SlotValues context(inputs.context);
  const Environment environment{context.values(), nullptr, nullptr};
  const jit::GuardInput input{context.slots(), {}, nullptr};
  const Verdict quorum = guards.value().evaluate(0, input);
  REQUIRE(quorum.kind == Verdict::Kind::Error);
  CHECK(quorum.error == "no instance state: `hasQuorum` needs a running instance");
  const Verdict note = guards.value().evaluate(1, input);
  REQUIRE(note.kind == Verdict::Kind::Error);
  CHECK(note.error == "no event: `event.note` needs an event");
  for (ir::TransitionIndex t = 0; t < machine.transitions.size(); ++t) {
    CHECK(describe(asValue(guards.value().evaluate(t, input))) ==
          describe(evaluateGuard(*machine.transitions[t].guard, environment)));
  }
}

TEST_CASE("jit: the seed example's guard is the quorum policy") {
  const auto path = std::filesystem::path(APPROVAL_SOURCE_DIR) / "examples/leave-approval.seed.dsl";
  const ir::Machine machine = compileMachine(readFile(path));
  auto guards = jit::MachineGuards::compile(machine);
  REQUIRE(guards.ok());
  CHECK(guards.value().statistics().expressions == 1);
  FakeState state;
  const jit::GuardInput input{{}, {}, &state};
  CHECK(guards.value().evaluate(0, input).kind == Verdict::Kind::True);  // unguarded: holds
  state.current = 2;
  state.required = 3;
  CHECK(guards.value().evaluate(2, input).kind == Verdict::Kind::False);
  state.current = 3;
  CHECK(guards.value().evaluate(2, input).kind == Verdict::Kind::True);
}

TEST_CASE("jit: inputs shorter than the layout the guards read are errors, not reads out of bounds") {
  const ir::Machine machine = compileMachine(kOrderMachine);
  auto guards = jit::MachineGuards::compile(machine);
  REQUIRE(guards.ok());
  OrderInputs inputs;
  SlotValues shortContext(std::vector<Value>(inputs.context.begin(), inputs.context.begin() + 2));
  const Verdict verdict = guards.value().evaluate(0, jit::GuardInput{shortContext.slots(), {}, &inputs.state});
  REQUIRE(verdict.kind == Verdict::Kind::Error);
  CHECK(verdict.error == "context has 2 slots, the guard reads 5");
  SlotValues context(inputs.context);
  SlotValues shortEvent(std::vector<Value>(inputs.eventValues.begin(), inputs.eventValues.begin() + 3));
  const Verdict eventVerdict = guards.value().evaluate(1, jit::GuardInput{context.slots(), shortEvent.slots(), &inputs.state});
  REQUIRE(eventVerdict.kind == Verdict::Kind::Error);
  CHECK(eventVerdict.error == "event has 3 slots, the guard reads 5");
  CHECK(guards.value().evaluate(99, jit::GuardInput{context.slots(), {}, nullptr}).kind == Verdict::Kind::Error);
}

TEST_CASE("jit: the memory object cache skips recompiling the same machine") {
  const ir::Machine machine = compileMachine(kOrderMachine);
  jit::MemoryObjectCache cache;
  auto first = jit::MachineGuards::compile(machine, {.optimizationLevel = 2, .cache = &cache});
  REQUIRE(first.ok());
  CHECK_FALSE(first.value().statistics().fromCache);
  CHECK(cache.size() == 1);
  auto second = jit::MachineGuards::compile(machine, {.optimizationLevel = 2, .cache = &cache});
  REQUIRE(second.ok());
  CHECK(second.value().statistics().fromCache);
  // Another optimisation level is another key.
  auto third = jit::MachineGuards::compile(machine, {.optimizationLevel = 1, .cache = &cache});
  REQUIRE(third.ok());
  CHECK_FALSE(third.value().statistics().fromCache);
  CHECK(cache.size() == 2);

  OrderInputs inputs;
  SlotValues context(inputs.context);
  SlotValues event(inputs.eventValues);
  const jit::GuardInput input{context.slots(), event.slots(), &inputs.state};
  for (ir::TransitionIndex t = 0; t < machine.transitions.size(); ++t) {
    CHECK(describe(asValue(first.value().evaluate(t, input))) == describe(asValue(second.value().evaluate(t, input))));
  }
}

TEST_CASE("jit: a directory cache survives damaged entries by recompiling") {
  const ir::Machine machine = compileMachine(kOrderMachine);
  const auto directory = std::filesystem::temp_directory_path() /
                         ("approval-jit-cache-" + std::to_string(std::hash<std::thread::id>()(std::this_thread::get_id())));
  std::filesystem::remove_all(directory);
  jit::DirectoryObjectCache cache(directory.string());
  auto cold = jit::MachineGuards::compile(machine, {.optimizationLevel = 2, .cache = &cache});
  REQUIRE(cold.ok());
  CHECK_FALSE(cold.value().statistics().fromCache);
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(directory)) files.push_back(entry.path());
  REQUIRE(files.size() == 1);
  CHECK(files[0].extension() == ".o");
  CHECK(files[0].filename().string().starts_with(machine.contentHash.substr(7)));

  auto warm = jit::MachineGuards::compile(machine, {.optimizationLevel = 2, .cache = &cache});
  REQUIRE(warm.ok());
  CHECK(warm.value().statistics().fromCache);

  // Truncated, then overwritten with garbage: both are misses, never a crash or a bad load.
  const std::string object = readFile(files[0]);
  for (const std::string& damaged : {object.substr(0, object.size() / 2), std::string(object.size(), 'x')}) {
    {
      std::ofstream file(files[0], std::ios::binary | std::ios::trunc);
      file << damaged;
    }
    auto again = jit::MachineGuards::compile(machine, {.optimizationLevel = 2, .cache = &cache});
    REQUIRE(again.ok());
    CHECK_FALSE(again.value().statistics().fromCache);
    OrderInputs inputs;
    SlotValues context(inputs.context);
    SlotValues event(inputs.eventValues);
    CHECK(again.value().evaluate(0, {context.slots(), event.slots(), &inputs.state}).kind == Verdict::Kind::True);
  }
  // The recompile rewrote a good entry.
  auto healed = jit::MachineGuards::compile(machine, {.optimizationLevel = 2, .cache = &cache});
  REQUIRE(healed.ok());
  CHECK(healed.value().statistics().fromCache);
  std::filesystem::remove_all(directory);
}

TEST_CASE("jit: many threads may call the same compiled guards at once") {
  const ir::Machine machine = compileMachine(kOrderMachine);
  auto guards = jit::MachineGuards::compile(machine);
  REQUIRE(guards.ok());
  std::vector<std::thread> threads;
  std::vector<int> mismatches(8, 0);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      OrderInputs inputs;
      for (int i = 0; i < 2000; ++i) {
        const std::int64_t amount = (i * 7919 + t) % 1'000'000;
        inputs.context[0] = Value(amount);
        inputs.state.current = i % 4;
        SlotValues context(inputs.context);
        SlotValues event(inputs.eventValues);
        const Verdict verdict = guards.value().evaluate(0, {context.slots(), event.slots(), &inputs.state});
        const bool expected = amount > 500000 && inputs.state.current >= 2;
        if (verdict.kind != (expected ? Verdict::Kind::True : Verdict::Kind::False)) ++mismatches[t];
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int t = 0; t < 8; ++t) CHECK(mismatches[t] == 0);
}

TEST_CASE("jit: every optimisation level computes the same results") {
  const ir::Machine machine = compileMachine(kOrderMachine);
  OrderInputs inputs;
  SlotValues context(inputs.context);
  SlotValues event(inputs.eventValues);
  const jit::GuardInput input{context.slots(), event.slots(), &inputs.state};
  std::vector<std::string> reference;
  for (unsigned level = 0; level <= 3; ++level) {
    auto guards = jit::MachineGuards::compile(machine, {.optimizationLevel = level, .cache = nullptr});
    REQUIRE(guards.ok());
    std::vector<std::string> results;
    for (ir::TransitionIndex t = 0; t < machine.transitions.size(); ++t) {
      results.push_back(describe(asValue(guards.value().evaluate(t, input))));
    }
    if (level == 0) reference = results;
    CHECK(results == reference);
  }
}

TEST_CASE("jit: the module defines one entry per guard and calls nothing but the runtime helpers") {
  const ir::Machine machine = compileMachine(kOrderMachine);
  const auto entries = jit::machineGuardEntries(machine);
  CHECK(entries.entries.size() == 6);
  for (unsigned level : {0u, 2u}) {
    auto text = jit::emitLlvmIR(entries.entries, entries.contextTypes, "orders", level);
    REQUIRE(text.ok());
    for (int i = 0; i < 6; ++i) CHECK(text.value().find("@approval_entry_" + std::to_string(i) + "(") != std::string::npos);
    CHECK(text.value().find("@approval_entries = ") != std::string::npos);
    const std::regex declaration(R"(\ndeclare [^@]*@([A-Za-z0-9_.]+)\()");
    std::set<std::string> declared;
    for (std::sregex_iterator it(text.value().begin(), text.value().end(), declaration), end; it != end; ++it) {
      declared.insert((*it)[1]);
    }
    CHECK_FALSE(declared.empty());
    for (const auto& name : declared) {
      INFO(name);
      CHECK((name.starts_with("approval_jit_") || name.starts_with("llvm.")));
    }
  }
}

TEST_CASE("jit: GuardCall, the direct entry, gives guard()'s answers and messages and frees its temporaries") {
  // Context: a: int, s: string. Guards that need no helper, ones whose temporaries live in
  // the call's scratch (string concatenation, list literals), and integer errors whose
  // messages the code generator takes from the interpreter as constants.
  const std::vector<ContextFieldType> fields{{"a", Type::of(TypeKind::Int)}, {"s", Type::of(TypeKind::String)}};
  const std::vector<std::string> texts = {
      "a > 10",                                   // no helper
      "s + \"-x\" == \"cn-x\"",                   // scratch for the concatenation
      "[a, a + 1].exists(v, v == 11)",            // scratch for the list
      "a + 9223372036854775807 > 0",              // int overflow for a > 0
      "10 / (a - 11) > 0",                        // division by zero for a == 11
      "10 % (a - 11) == 0",                       // modulus by zero for a == 11
      "(-9223372036854775807 - 1) / (a - 12) < 0",  // overflow (min / -1) for a == 11
      "a / (a - 11) > 0 || a == 11",              // the error absorbed by ||
      "s.matches(\"^c.$\")",                       // RE2 through the fast helper
      "matches(s, s + \"(\")",                     // an invalid pattern: the slow path's error
  };
  std::vector<std::unique_ptr<CompiledExpression>> compiled;
  std::vector<jit::ExpressionEntry> entries;
  for (const auto& text : texts) {
    compiled.push_back(compileExpression(text, fields));
    REQUIRE_MESSAGE(compiled.back()->expr.has_value(), text);
  }
  for (const auto& expression : compiled) entries.push_back({&*expression->expr, true, {}});
  entries.push_back({&*compiled.front()->expr, false, {}});  // compiled for its value
  const std::vector<Type> types{fields[0].type, fields[1].type};
  auto code = jit::CompiledExpressions::compile(entries, types, "");
  REQUIRE(code.ok());
  CHECK_FALSE(code.value()->guardCall(texts.size()).has_value());  // a value entry
  CHECK_FALSE(code.value()->guardCall(texts.size() + 1).has_value());  // no such entry

  FakeState state;
  for (const std::int64_t a : {0, 1, 10, 11, 12}) {
    for (const char* s : {"cn", "us"}) {
      SlotValues context(std::vector<Value>{Value(a), Value(std::string(s))});
      const jit::GuardInput input{context.slots(), {}, &state};
      const Environment environment{context.values(), nullptr, &state};
      for (std::size_t i = 0; i < texts.size(); ++i) {
        const auto call = code.value()->guardCall(i);
        REQUIRE(call.has_value());
        std::string message = "untouched";
        const jit::GuardStatus status = (*call)(input, &message);
        const Verdict verdict = code.value()->guard(i, input);
        const Value interpreted = evaluateGuard(*compiled[i]->expr, environment);
        INFO(texts[i], " with a = ", a, ", s = ", s);
        CHECK(status == verdict.kind);
        CHECK(describe(asValue(verdict)) == describe(interpreted));
        if (status == jit::GuardStatus::Error) {
          CHECK(message == verdict.error);
        } else {
          CHECK(message == "untouched");
          CHECK((*call)(input) == status);  // no message wanted: same answer
        }
      }
    }
  }
  SlotValues shortContext(std::vector<Value>{Value(std::int64_t{1})});
  std::string message;
  CHECK((*code.value()->guardCall(0))(jit::GuardInput{shortContext.slots(), {}, &state}, &message) ==
        jit::GuardStatus::Error);
  CHECK(message == "context has 1 slots, the guard reads 2");
}

TEST_CASE("jit: a guard whose macros nest past kOptimizedMacroDepth is compiled as written (optnone)") {
  // LLVM's loop passes took time that grows much faster than the nesting (250 nested `all`s:
  // 20 s at O2); such a guard now skips them, and still agrees with the interpreter.
  const std::vector<ContextFieldType> context{{"l", Type::list(Type::of(TypeKind::Int))}};
  const std::vector<Type> types{context[0].type};
  auto nested = [](std::size_t depth) {
    std::string text = "x0 > 0";
    for (std::size_t i = 1; i <= depth; ++i) text = "l.all(x" + std::to_string(i - 1) + ", " + text + ")";
    return text;
  };
  for (const std::size_t depth : {jit::kOptimizedMacroDepth, jit::kOptimizedMacroDepth + 1, std::size_t{300}}) {
    INFO("depth " << depth);
    auto compiled = compileExpression(nested(depth), context, InputLimits{.maxNestingDepth = 512});
    REQUIRE(compiled->expr.has_value());
    const std::vector<jit::ExpressionEntry> entries{{&*compiled->expr, true, {}}};
    auto llvmText = jit::emitLlvmIR(entries, types, "deep", 2);
    REQUIRE(llvmText.ok());
    const bool optnone = llvmText.value().find("optnone") != std::string::npos;
    CHECK(optnone == (depth > jit::kOptimizedMacroDepth));
    auto code = jit::CompiledExpressions::compile(entries, types, "", {});
    REQUIRE(code.ok());
    checkAgreesWithInterpreter(*compiled->expr, *code.value(),
                               {{Value(ValueList{Value(std::int64_t{1}), Value(std::int64_t{1})})},
                                {Value(ValueList{Value(std::int64_t{1}), Value(std::int64_t{0})})}});
  }
}

TEST_CASE("jit: a list or map of literals is built once, when the guard is compiled") {
  // Built by code, one helper call per element, a 4,000-element allow-list took LLVM's
  // passes 23 s; as one constant it takes no code at all.
  const std::vector<ContextFieldType> context{{"code", Type::of(TypeKind::Int)}};
  const std::vector<Type> types{context[0].type};
  std::string allowList;
  for (int i = 0; i < 4000; ++i) allowList += (i == 0 ? "" : ", ") + std::to_string(i * 3);
  const std::string guards[] = {
      "code in [" + allowList + "]",
      R"({"a": [1, 2], "b": [code]}["a"].exists(x, x == code))",  // a computed map, a literal list in it
      R"({"a": [1, 2], "b": [3]}["b"].exists(x, x == code))",
      "[[1, 2], [3]].exists(l, code in l)",
      "size([]) == 0 && code in [code, 2]",
  };
  for (const auto& text : guards) {
    INFO(text.substr(0, 80));
    auto compiled = compileExpression(text, context);
    REQUIRE(compiled->expr.has_value());
    const std::vector<jit::ExpressionEntry> entries{{&*compiled->expr, true, {}}};
    auto llvmText = jit::emitLlvmIR(entries, types, "lists", 2);
    REQUIRE(llvmText.ok());
    if (text.starts_with("code in [0")) {
      CHECK(llvmText.value().find("@approval_jit_list(") == std::string::npos);  // no call builds it
      CHECK(llvmText.value().find("optnone") == std::string::npos);
    }
    auto code = jit::CompiledExpressions::compile(entries, types, "", {});
    REQUIRE(code.ok());
    std::vector<std::vector<Value>> contexts;
    for (const std::int64_t value : {0, 1, 2, 3, 2997, 11997, 11998, -3}) contexts.push_back({Value(value)});
    checkAgreesWithInterpreter(*compiled->expr, *code.value(), contexts);
  }
}

TEST_CASE("jit: a guard of more than kOptimizedNodes expression nodes is compiled as written (optnone)") {
  // LLVM's passes and register allocator over one long block took time that grows faster
  // than its length: 4,000 computed elements took 23 s at O2.
  const std::vector<ContextFieldType> context{{"code", Type::of(TypeKind::Int)}};
  const std::vector<Type> types{context[0].type};
  auto computedList = [](std::size_t elements) {  // `code in [code + 0, ...]`: 3 nodes an element, 3 more
    std::string text = "code in [";
    for (std::size_t i = 0; i < elements; ++i) text += (i == 0 ? "" : ", ") + std::string("code + ") + std::to_string(i);
    return text + "]";
  };
  const std::size_t fitting = (jit::kOptimizedNodes - 3) / 3;  // at most kOptimizedNodes nodes
  for (const std::size_t elements : {fitting, fitting + 1, std::size_t{4000}}) {
    INFO(elements << " elements");
    auto compiled = compileExpression(computedList(elements), context);
    REQUIRE(compiled->expr.has_value());
    const std::vector<jit::ExpressionEntry> entries{{&*compiled->expr, true, {}}};
    auto llvmText = jit::emitLlvmIR(entries, types, "long", 2);
    REQUIRE(llvmText.ok());
    const bool optnone = llvmText.value().find("optnone") != std::string::npos;
    CHECK(optnone == (3 * elements + 3 > jit::kOptimizedNodes));
    auto code = jit::CompiledExpressions::compile(entries, types, "", {});
    REQUIRE(code.ok());
    checkAgreesWithInterpreter(*compiled->expr, *code.value(),
                               {{Value(std::int64_t{5})}, {Value(std::int64_t{0})}, {Value(std::int64_t{-1})}});
  }
}

namespace {

/// The instructions in each basic block of LLVM IR text, block by block.
std::vector<std::size_t> blockLengths(const std::string& text) {
  std::vector<std::size_t> lengths;
  std::istringstream lines(text);
  bool inFunction = false;
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("define ")) {
      inFunction = true;
      lengths.push_back(0);
    } else if (line.starts_with("}")) {
      inFunction = false;
    } else if (inFunction && !line.empty() && line[0] != ' ' && line.find(':') != std::string::npos) {
      lengths.push_back(0);  // a label
    } else if (inFunction && line.starts_with("  ")) {
      ++lengths.back();
    }
  }
  return lengths;
}

/// `terms` joined by `op` as a balanced tree, as deep as its logarithm rather than its length
/// (the parser's nesting limit is far below what a long chain would need).
std::string balanced(const std::vector<std::string>& terms, std::size_t from, std::size_t to, const std::string& op) {
  if (to - from == 1) return terms[from];
  const std::size_t middle = from + (to - from) / 2;
  return "(" + balanced(terms, from, middle, op) + " " + op + " " + balanced(terms, middle, to, op) + ")";
}

}  // namespace

TEST_CASE("jit: a guard compiled as written comes in short blocks, its code linear in its size") {
  // LLVM 14's fast register allocator visits every virtual register of a block at each call
  // in it: one block of 64,000 computed list elements took 31 s to load, 128,000 took 131 s.
  // Cut into blocks of kNodesPerBlock nodes, with the frame filled once rather than before
  // every helper call, loading time grows linearly. What the test holds fixed is the shape:
  // no block longer than a bound that does not grow with the guard, few instructions a node.
  const std::vector<ContextFieldType> context{{"code", Type::of(TypeKind::Int)}};
  const std::vector<Type> types{context[0].type};
  constexpr std::size_t kElements = 6'000;
  std::vector<std::string> same(kElements, "code");
  std::vector<std::string> comparisons;
  for (std::size_t i = 0; i < 1'500; ++i) comparisons.push_back("code == " + std::to_string(i * 7));
  struct Case {
    std::string text;
    std::size_t nodes;
  };
  std::string list = "5 in [code";
  for (std::size_t i = 1; i < kElements; ++i) list += ", code";
  const Case cases[] = {
      {list + "]", kElements + 3},
      {balanced(same, 0, same.size(), "+") + " > 5", 2 * kElements + 1},
      {balanced(comparisons, 0, comparisons.size(), "||"), 4 * comparisons.size() - 1},
  };
  for (const auto& [text, nodes] : cases) {
    INFO(text.substr(0, 60));
    auto compiled = compileExpression(text, context);
    REQUIRE(compiled->expr.has_value());
    const std::vector<jit::ExpressionEntry> entries{{&*compiled->expr, true, {}}};
    auto llvmText = jit::emitLlvmIR(entries, types, "huge", 2);
    REQUIRE(llvmText.ok());
    CHECK(llvmText.value().find("optnone") != std::string::npos);
    const auto lengths = blockLengths(llvmText.value());
    REQUIRE_FALSE(lengths.empty());
    CHECK(*std::max_element(lengths.begin(), lengths.end()) <= 16 * jit::kNodesPerBlock);
    // Some twenty instructions a helper call went into filling the frame: 29 a list element.
    CHECK(std::accumulate(lengths.begin(), lengths.end(), std::size_t{0}) <= 12 * nodes);
  }
}

TEST_CASE("jit: a guard compiled as written in blocks agrees with the interpreter, errors included") {
  const std::vector<ContextFieldType> context{{"code", Type::of(TypeKind::Int)}};
  const std::vector<Type> types{context[0].type};
  std::vector<std::string> sums;
  std::vector<std::string> comparisons;
  for (std::size_t i = 0; i < 1'200; ++i) {
    sums.push_back("code + " + std::to_string(i));
    comparisons.push_back("code == " + std::to_string(i * 7));
  }
  std::string list = "3 in [";
  for (std::size_t i = 0; i < sums.size(); ++i) list += (i == 0 ? "" : ", ") + sums[i];
  const std::string guards[] = {
      list + "]",
      balanced(comparisons, 0, comparisons.size(), "||"),
      balanced(sums, 0, sums.size(), "+") + " > 0",
      R"({"a": [code], "b": )" + list.substr(5) + "]}.exists(k, k == \"b\") && " + list + "]",
  };
  constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
  for (const auto& text : guards) {
    INFO(text.substr(0, 60));
    auto compiled = compileExpression(text, context);
    REQUIRE(compiled->expr.has_value());
    const std::vector<jit::ExpressionEntry> entries{{&*compiled->expr, true, {}}};
    auto code = jit::CompiledExpressions::compile(entries, types, "", {});
    REQUIRE(code.ok());
    CHECK(code.value()->statistics().expressions == 1);
    // Found, not found, the last term, and an overflow partway through.
    checkAgreesWithInterpreter(*compiled->expr, *code.value(),
                               {{Value(std::int64_t{0})}, {Value(std::int64_t{-7})}, {Value(std::int64_t{1199 * 7})},
                                {Value(std::int64_t{3 - 1199})}, {Value(kMax - 700)}});
  }
}

TEST_CASE("jit: a guard's element arrays take at most 32 KB of the stack; the rest come from its scratch") {
  // Every list, map and call kept its element pointers in an entry alloca: a guard of a
  // million computed elements (within the token limit) needed 8 MB of the firing thread's
  // stack. Past kStackArrayElements slots in all, arrays come from the call's scratch.
  const std::vector<ContextFieldType> context{{"code", Type::of(TypeKind::Int)}};
  const std::vector<Type> types{context[0].type};
  std::string first = "[code";
  for (int i = 1; i < 3'000; ++i) first += ", code + " + std::to_string(i);
  first += "]";
  // Two lists of 3,000: the first fits the stack's share, the second does not.
  const std::string text = "code + 2999 in " + first + " && code + 1 in " + first;
  auto compiled = compileExpression(text, context);
  REQUIRE(compiled->expr.has_value());
  const std::vector<jit::ExpressionEntry> entries{{&*compiled->expr, true, {}}};
  for (const unsigned level : {0u, 2u}) {
    auto llvmText = jit::emitLlvmIR(entries, types, "arrays", level);
    REQUIRE(llvmText.ok());
    std::size_t stackSlots = 0;  // `%elements = alloca i8*, i32 N`
    std::istringstream lines(llvmText.value());
    for (std::string line; std::getline(lines, line);) {
      const auto at = line.find("alloca i8*, i32 ");
      if (at != std::string::npos) stackSlots += std::stoul(line.substr(at + 16));
    }
    CHECK(stackSlots <= 4096);
    CHECK(llvmText.value().find("approval_jit_scratch_array") != std::string::npos);
  }
  auto code = jit::CompiledExpressions::compile(entries, types, "", {});
  REQUIRE(code.ok());
  checkAgreesWithInterpreter(*compiled->expr, *code.value(),
                             {{Value(std::int64_t{0})}, {Value(std::int64_t{5})},
                              {Value(std::numeric_limits<std::int64_t>::max() - 10)}});
}
