// What the JIT does without going through the interpreter's helpers, against the
// interpreter: `hasQuorum` calls the approval state's methods through its vtable (any class
// layout: single, multiple and repeated inheritance, methods left to the base), and the text
// tests and `in` compare bytes themselves. Also: generated code lies near the helpers.
#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "approval/evaluate.h"
#include "approval/expression.h"
#include "approval/guard_slots.h"
#include "approval/jit.h"

using namespace approval;

namespace {

/// Counts that a test sets; the time functions are not used here.
struct Counts {
  std::int64_t current = 0;
  std::int64_t required = 2;
  std::int64_t onPolicy = 0;
};

/// A base laid out before ApprovalState in SecondBaseState.
class Audited {
 public:
  virtual ~Audited() = default;
  [[nodiscard]] virtual int auditLevel() const { return level_; }

 private:
  int level_ = 7;
};

/// A state answering from Counts, with `Before...` as bases laid out before ApprovalState.
template <typename... Before>
class CountedState final : public Before..., public ApprovalState {
 public:
  explicit CountedState(Counts counts) : counts_(counts) {}
  [[nodiscard]] std::int64_t votes(std::string_view) const override { return counts_.current; }
  [[nodiscard]] std::int64_t votesAmong(std::string_view, const ValueList&) const override { return counts_.onPolicy; }
  [[nodiscard]] std::int64_t currentEventVotes() const noexcept override { return counts_.current; }
  [[nodiscard]] std::int64_t quorumRequired() const noexcept override { return counts_.required; }
  [[nodiscard]] std::int64_t quorumVotes() const noexcept override { return counts_.onPolicy; }
  [[nodiscard]] TimestampValue now() const override { return {}; }
  [[nodiscard]] std::optional<DurationValue> timeInState() const override { return DurationValue{}; }

 private:
  Counts counts_;
};

/// The plain case: ApprovalState is the only base.
using PlainState = CountedState<>;
/// ApprovalState as the second base: its subobject is not at the start of the object, so
/// its vtable entries are thunks that adjust `this`.
using SecondBaseState = CountedState<Audited>;

/// Overrides spread over two levels, and quorumVotes left to ApprovalState's default
/// (currentEventVotes).
class MiddleState : public ApprovalState {
 public:
  explicit MiddleState(Counts counts) : counts_(counts) {}
  [[nodiscard]] std::int64_t votes(std::string_view) const override { return counts_.current; }
  [[nodiscard]] std::int64_t votesAmong(std::string_view, const ValueList&) const override { return counts_.onPolicy; }
  [[nodiscard]] std::int64_t quorumRequired() const noexcept override { return counts_.required; }
  [[nodiscard]] TimestampValue now() const override { return {}; }
  [[nodiscard]] std::optional<DurationValue> timeInState() const override { return DurationValue{}; }

 protected:
  Counts counts_;
};
class DerivedState final : public MiddleState {
 public:
  using MiddleState::MiddleState;
  [[nodiscard]] std::int64_t currentEventVotes() const noexcept override { return counts_.current; }
};

std::string describe(const Value& value) {
  return value.isError() ? "error: " + value.as<ErrorValue>().message : toJsonText(value);
}

std::string describe(jit::GuardStatus status, const std::string& error) {
  if (status == jit::GuardStatus::Error) return "error: " + error;
  return status == jit::GuardStatus::True ? "true" : "false";
}

/// Compiles `texts` over `fields` into one JIT module and the interpreter's trees.
struct Compiled {
  std::vector<std::unique_ptr<CompiledExpression>> expressions;
  std::unique_ptr<jit::CompiledExpressions> code;

  Compiled(const std::vector<std::string>& texts, const std::vector<ContextFieldType>& fields) {
    std::vector<jit::ExpressionEntry> entries;
    for (const auto& text : texts) {
      expressions.push_back(compileExpression(text, fields));
      REQUIRE_MESSAGE(expressions.back()->expr.has_value(), text);
    }
    for (const auto& expression : expressions) entries.push_back({&*expression->expr, true, {}});
    std::vector<Type> types;
    for (const auto& field : fields) types.push_back(field.type);
    auto result = jit::CompiledExpressions::compile(entries, types, "");
    REQUIRE(result.ok());
    code = std::move(result.value());
  }

  /// Guard `i` through GuardCall and through the interpreter, as text.
  [[nodiscard]] std::pair<std::string, std::string> run(std::size_t i, const SlotValues& context,
                                                        const ApprovalState* state) const {
    std::string error;
    const jit::GuardStatus status = (*code->guardCall(i))(jit::GuardInput{context.slots(), {}, state}, &error);
    const Value interpreted = evaluateGuard(*expressions[i]->expr, Environment{context.values(), nullptr, state});
    return {describe(status, error), describe(interpreted)};
  }
};

}  // namespace

TEST_CASE("jit: hasQuorum asks the state through its vtable, whatever the state's class layout") {
  const std::vector<ContextFieldType> fields{{"amount", Type::of(TypeKind::Int)}};
  const std::vector<std::string> texts = {"hasQuorum()", "hasQuorum(2)", "amount > 5 && hasQuorum(3)",
                                          "hasQuorum(amount)", "!hasQuorum() || hasQuorum(1)"};
  const Compiled compiled(texts, fields);
  SlotValues context(std::vector<Value>{Value(std::int64_t{6})});

  int trues = 0;
  int falses = 0;
  for (std::int64_t current = 0; current <= 4; ++current) {
    for (std::int64_t required = 1; required <= 3; ++required) {
      for (std::int64_t onPolicy = 0; onPolicy <= 3; ++onPolicy) {
        const Counts counts{current, required, onPolicy};
        const PlainState plain(counts);
        const SecondBaseState secondBase(counts);
        const DerivedState derived(counts);
        const ApprovalState* states[] = {&plain, &secondBase, &derived};
        for (const ApprovalState* state : states) {
          for (std::size_t i = 0; i < texts.size(); ++i) {
            const auto [jitted, interpreted] = compiled.run(i, context, state);
            INFO(texts[i], " with votes ", current, ", required ", required, ", on policy ", onPolicy);
            CHECK(jitted == interpreted);
            trues += jitted == "true" ? 1 : 0;
            falses += jitted == "false" ? 1 : 0;
          }
        }
      }
    }
  }
  CHECK(trues > 100);  // both answers are reached through every state class
  CHECK(falses > 100);

  // The derived state's hasQuorum() uses ApprovalState's quorumVotes: currentEventVotes.
  const DerivedState derived(Counts{3, 3, 0});
  CHECK(compiled.run(0, context, &derived).first == "true");
  const PlainState plain(Counts{3, 3, 0});
  CHECK(compiled.run(0, context, &plain).first == "false");
  // An Audited subobject before ApprovalState does not confuse the call.
  const SecondBaseState secondBase(Counts{1, 1, 1});
  CHECK(static_cast<const void*>(static_cast<const ApprovalState*>(&secondBase)) != static_cast<const void*>(&secondBase));
  CHECK(compiled.run(1, context, &secondBase).first == "false");
  CHECK(compiled.run(4, context, &secondBase).first == "true");

  // Without a state: the interpreter's error, from the slow path.
  for (std::size_t i : {0, 1, 3}) {
    const auto [jitted, interpreted] = compiled.run(i, context, nullptr);
    CHECK(jitted == interpreted);
    CHECK(jitted.starts_with("error: "));
  }
}

TEST_CASE("jit: the text tests and `in` compare every byte, at every length") {
  const std::vector<ContextFieldType> fields{{"s", Type::of(TypeKind::String)},
                                             {"tags", Type::list(Type::of(TypeKind::String))}};
  const std::string long40(40, 'a');
  const std::vector<std::string> texts = {
      "s.startsWith(\"cn-\")",
      "s.endsWith(\"-x\")",
      "s.contains(\"ab\")",
      "\"beta\" in tags",
      "s in tags",
      "s.startsWith(\"" + long40 + "\")",
      "s.endsWith(\"" + long40 + "b\")",
      "\"" + long40 + "b\" in tags",
      "s.startsWith(\"\") && s.endsWith(\"\")",
      "\"\" in tags",
  };
  const Compiled compiled(texts, fields);
  const std::vector<std::string> strings = {"",
                                            "cn",
                                            "cn-",
                                            "cn-east",
                                            "cx-east",
                                            "dn-",
                                            "east-x",
                                            "east-y",
                                            "-x",
                                            "x",
                                            "beta",
                                            "betb",
                                            "bet",
                                            "betaa",
                                            "ab",
                                            long40,
                                            long40 + "b",
                                            long40 + "c",
                                            "z" + long40 + "b",
                                            std::string("cn-\0x", 5)};
  const std::vector<std::vector<std::string>> tagLists = {
      {}, {"beta"}, {"betb", "bet", "betaa"}, {"x", "", "beta"}, {long40 + "b"}, {long40 + "c", long40}};
  int trues = 0;
  for (const auto& s : strings) {
    for (const auto& tags : tagLists) {
      ValueList list;
      for (const auto& tag : tags) list.emplace_back(tag);
      SlotValues context(std::vector<Value>{Value(s), Value(std::move(list))});
      for (std::size_t i = 0; i < texts.size(); ++i) {
        const auto [jitted, interpreted] = compiled.run(i, context, nullptr);
        INFO(texts[i], " with s = \"", s, "\" and ", tags.size(), " tags");
        CHECK(jitted == interpreted);
        trues += jitted == "true" ? 1 : 0;
      }
    }
  }
  CHECK(trues > 50);
}

TEST_CASE("jit: generated code lies near the runtime helpers, for many machines at once") {
  // Each compile has its own LLJIT and its own pages; every one of them should land in the
  // window below the helpers, not only the first.
  const std::vector<ContextFieldType> fields{{"amount", Type::of(TypeKind::Int)}};
  std::vector<std::unique_ptr<Compiled>> machines;
  for (int i = 0; i < 24; ++i) {
    machines.push_back(std::make_unique<Compiled>(
        std::vector<std::string>{"amount > " + std::to_string(i), "amount % 7 == " + std::to_string(i % 7)}, fields));
  }
  for (const auto& machine : machines) CHECK(machine->code->statistics().nearHelpers);
  SlotValues context(std::vector<Value>{Value(std::int64_t{10})});
  for (std::size_t i = 0; i < machines.size(); ++i) {
    const auto [jitted, interpreted] = machines[i]->run(0, context, nullptr);
    CHECK(jitted == (10 > static_cast<int>(i) ? "true" : "false"));
    CHECK(jitted == interpreted);
  }
}
