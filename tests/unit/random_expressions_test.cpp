// Random well-typed guard expressions (tests/support/expression_generator.h): the checker must
// accept each with the generator's type, the interpreter must give either an error or a
// value of that type's run-time kind, and the JIT must give exactly what the interpreter
// gives (same value, or an error with the same message), as a value and, for bools, as a
// guard. Expressions are JIT-compiled in batches, one LLVM module per batch, at O2.
//
// APPROVAL_RANDOM_EXPRESSIONS=N overrides how many seeds run (1..N); APPROVAL_RANDOM_SEED=S
// runs only seed S (to reproduce a failure). APPROVAL_RANDOM_SHARD=K/M runs only the seeds
// with seed % M == K, so ctest can run the shards in parallel (tests/CMakeLists.txt).
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "approval/evaluate.h"
#include "approval/expression.h"
#include "approval/guard_slots.h"
#include "approval/jit.h"
#include "approval/value.h"
#include "support/expression_generator.h"

using namespace approval;
using approval::testing::ExpressionGenerator;

namespace {

constexpr int kDepth = 4;

// Sanitizer builds (the asan preset is RelWithDebInfo, so NDEBUG) run the small count too.
#if defined(__SANITIZE_ADDRESS__)
#define APPROVAL_TEST_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define APPROVAL_TEST_SANITIZED 1
#endif
#endif

#if defined(NDEBUG) && !defined(APPROVAL_TEST_SANITIZED)
constexpr std::uint64_t kDefaultCount = 100'000;
#else
constexpr std::uint64_t kDefaultCount = 10'000;  // ~9 s Debug, ~19 s asan preset (2 cores)
#endif

std::uint64_t environmentNumber(const char* name, std::uint64_t fallback) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') return fallback;
  return std::strtoull(text, nullptr, 10);
}

/// True when `value` has the run-time kind of static type `type` (recursively for lists
/// and maps). Any non-error value is a `dyn`.
bool hasKindOf(const Value& value, const Type& type) {
  switch (type.kind) {
    case TypeKind::Bool: return value.is<bool>();
    case TypeKind::Int: return value.is<std::int64_t>();
    case TypeKind::Uint: return value.is<std::uint64_t>();
    case TypeKind::Double: return value.is<double>();
    case TypeKind::String: return value.is<std::string>();
    case TypeKind::Dyn: return !value.isError();
    case TypeKind::List:
      if (!value.is<std::shared_ptr<const ValueList>>()) return false;
      for (const auto& element : value.list()) {
        if (!hasKindOf(element, type.parameters[0])) return false;
      }
      return true;
    case TypeKind::Map:
      if (!value.is<std::shared_ptr<const ValueMap>>()) return false;
      for (const auto& [key, element] : value.map()) {
        if (!hasKindOf(key, type.parameters[0]) || !hasKindOf(element, type.parameters[1])) return false;
      }
      return true;
    default: return false;
  }
}

/// The same value: same kinds throughout, doubles bit for bit (NaN equals NaN here), errors
/// with the same message.
bool identical(const Value& a, const Value& b) {
  if (a.kindIndex() != b.kindIndex()) return false;
  if (a.isError()) return a.as<ErrorValue>().message == b.as<ErrorValue>().message;
  if (a.is<double>()) {
    const double x = a.as<double>();
    const double y = b.as<double>();
    return (std::isnan(x) && std::isnan(y)) || std::memcmp(&x, &y, sizeof x) == 0;
  }
  if (a.is<std::shared_ptr<const ValueList>>()) {
    const auto& left = a.list();
    const auto& right = b.list();
    if (left.size() != right.size()) return false;
    for (std::size_t i = 0; i < left.size(); ++i) {
      if (!identical(left[i], right[i])) return false;
    }
    return true;
  }
  if (a.is<std::shared_ptr<const ValueMap>>()) {
    const auto& left = a.map();
    const auto& right = b.map();
    if (left.size() != right.size()) return false;
    for (auto l = left.begin(), r = right.begin(); l != left.end(); ++l, ++r) {
      if (!identical(l->first, r->first) || !identical(l->second, r->second)) return false;
    }
    return true;
  }
  return a == b;
}

std::string describe(const Value& value) {
  return value.isError() ? "error: " + value.as<ErrorValue>().message : toJsonText(value);
}

/// Expressions waiting for the JIT, compiled together as one module.
class JitBatch {
 public:
  static constexpr std::size_t kSize = 2000;

  struct Item {
    std::uint64_t seed;
    std::string text;
    std::unique_ptr<CompiledExpression> compiled;
    std::vector<Value> context;
    Value interpreted;
    std::optional<Value> verdict;  // bool-typed: evaluateGuard's result
  };

  double compileSeconds = 0;

  void add(Item item) { items_.push_back(std::move(item)); }
  [[nodiscard]] bool full() const { return items_.size() >= environmentNumber("APPROVAL_RANDOM_BATCH", kSize); }

  /// Compiles and runs the batch; returns how many expressions (and guards) were compared.
  std::pair<std::uint64_t, std::uint64_t> run(const std::vector<ContextFieldType>& contextFields) {
    if (items_.empty()) return {0, 0};
    std::vector<Type> contextTypes;
    for (const auto& field : contextFields) contextTypes.push_back(field.type);
    std::vector<jit::ExpressionEntry> entries;
    std::vector<std::size_t> valueEntry(items_.size(), 0);
    std::vector<std::size_t> guardEntry(items_.size(), 0);
    for (std::size_t i = 0; i < items_.size(); ++i) {
      valueEntry[i] = entries.size();
      entries.push_back({&*items_[i].compiled->expr, false, {}});
      if (items_[i].verdict) {
        guardEntry[i] = entries.size();
        entries.push_back({&*items_[i].compiled->expr, true, {}});
      }
    }
    const auto level = static_cast<unsigned>(environmentNumber("APPROVAL_RANDOM_OPT_LEVEL", 2));
    const auto started = std::chrono::steady_clock::now();
    auto code = jit::CompiledExpressions::compile(entries, contextTypes, "", jit::JitOptions{.optimizationLevel = level});
    compileSeconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    REQUIRE_MESSAGE(code.ok(), (code.ok() ? std::string() : code.error().message));
    std::uint64_t guards = 0;
    for (std::size_t i = 0; i < items_.size(); ++i) {
      const auto& item = items_[i];
      INFO("seed " << item.seed << " (APPROVAL_RANDOM_SEED=" << item.seed << "): " << item.text);
      const SlotValues context(item.context);
      const jit::GuardInput input{context.slots(), {}, nullptr};
      const Value compiled = code.value()->value(valueEntry[i], input);
      if (!identical(compiled, item.interpreted)) {
        FAIL_CHECK("JIT gave " << describe(compiled) << ", interpreter " << describe(item.interpreted));
      }
      if (item.verdict) {
        ++guards;
        const jit::Verdict verdict = code.value()->guard(guardEntry[i], input);
        const Value asValue = verdict.kind == jit::Verdict::Kind::Error ? Value::error(verdict.error)
                                                                       : Value(verdict.holds());
        if (!identical(asValue, *item.verdict)) {
          FAIL_CHECK("JIT guard gave " << describe(asValue) << ", interpreter " << describe(*item.verdict));
        }
      }
    }
    const auto compared = items_.size();
    items_.clear();
    return {compared, guards};
  }

 private:
  std::vector<Item> items_;
};

}  // namespace

TEST_CASE("random well-typed expressions type-check and evaluate to their static type") {
  const std::uint64_t onlySeed = environmentNumber("APPROVAL_RANDOM_SEED", 0);
  const std::uint64_t first = onlySeed != 0 ? onlySeed : 1;
  const std::uint64_t last = onlySeed != 0 ? onlySeed : environmentNumber("APPROVAL_RANDOM_EXPRESSIONS", kDefaultCount);
  std::uint64_t values = 0;
  std::uint64_t errors = 0;
  std::uint64_t guards = 0;
  std::map<std::string, std::uint64_t> errorKinds;
  JitBatch batch;
  std::uint64_t jitCompared = 0;
  std::uint64_t jitGuards = 0;
  auto runBatch = [&](const std::vector<ContextFieldType>& fields) {
    const auto [compared, guardsCompared] = batch.run(fields);
    jitCompared += compared;
    jitGuards += guardsCompared;
  };
  std::uint64_t shard = 0;
  std::uint64_t shards = 1;
  if (const char* text = std::getenv("APPROVAL_RANDOM_SHARD"); text != nullptr && onlySeed == 0) {
    REQUIRE(std::sscanf(text, "%llu/%llu", reinterpret_cast<unsigned long long*>(&shard),
                        reinterpret_cast<unsigned long long*>(&shards)) == 2);
    REQUIRE(shard < shards);
  }
  std::uint64_t selected = 0;
  for (std::uint64_t seed = first; seed <= last; ++seed) {
    if (seed % shards != shard) continue;
    ++selected;
    ExpressionGenerator generator(seed);
    const Type wanted = generator.randomType();
    const auto generated = generator.generate(wanted, kDepth);
    INFO("seed " << seed << " (APPROVAL_RANDOM_SEED=" << seed << "): " << generated.text);

    auto compiled = compileExpression(generated.text, generator.context());
    if (!compiled->diagnostics.diagnostics().empty() || !compiled->expr) {
      std::string messages;
      for (const auto& diagnostic : compiled->diagnostics.diagnostics()) {
        messages += std::string(diagnostic.code()) + " " + std::to_string(diagnostic.primary.line) + ":" +
                    std::to_string(diagnostic.primary.column) + ": " + diagnostic.message + "\n";
      }
      FAIL("a well-typed expression was rejected:\n" << messages);
    }
    if (!(compiled->type == generated.type)) {
      FAIL("static type `" << compiled->type.spelling() << "`, expected `" << generated.type.spelling() << "`");
    }
    // The lowered tree carries the same type the checker gave (IR format 2).
    if (!(compiled->expr->type == compiled->type)) {
      FAIL("lowered type `" << compiled->expr->type.spelling() << "`, checked `" << compiled->type.spelling() << "`");
    }

    std::mt19937_64 random(seed * 0x9E3779B97F4A7C15ULL);
    const std::vector<Value> context = generator.contextValues(random);
    const Environment environment{context, nullptr, nullptr};
    const Value result = evaluate(*compiled->expr, environment);
    if (result.isError()) {
      ++errors;
      ++errorKinds[result.as<ErrorValue>().message];
    } else {
      ++values;
      if (!hasKindOf(result, generated.type)) {
        FAIL_CHECK("result " << describe(result) << " is not of type `" << generated.type.spelling() << "`");
      }
    }
    if (onlySeed != 0) {
      std::string fields;
      for (std::size_t i = 0; i < context.size(); ++i) fields += " " + generator.context()[i].name + "=" + describe(context[i]);
      MESSAGE(generated.text << "\n  : " << compiled->type.spelling() << " = " << describe(result) << "\n  with"
                             << fields);
    }
    // Every third bool-typed expression also runs as a JIT guard: guards share all code but
    // the root with values, and compiling both for every expression would cost a third more.
    std::optional<Value> jitGuard;
    if (generated.type.is(TypeKind::Bool)) {
      ++guards;
      const Value verdict = evaluateGuard(*compiled->expr, environment);
      if (guards % 3 == 0) jitGuard = verdict;
      const bool agree = verdict.isError() ? result.isError() && verdict.as<ErrorValue>() == result.as<ErrorValue>()
                                           : !result.isError() && verdict.is<bool>() && result.is<bool>() &&
                                                 verdict.as<bool>() == result.as<bool>();
      if (!agree) FAIL_CHECK("evaluateGuard gave " << describe(verdict) << ", evaluate " << describe(result));
    }
    batch.add({seed, generated.text, std::move(compiled), context, result, jitGuard});
    if (batch.full()) runBatch(generator.context());
  }
  runBatch(ExpressionGenerator(1).context());
  MESSAGE("JIT == interpreter on " << jitCompared << " expressions, " << jitGuards << " of them also as guards; "
                                    << batch.compileSeconds << " s in JIT compiles");
  CHECK(jitCompared == selected);
  const std::uint64_t total = values + errors;
  MESSAGE(total << " random expressions (seeds " << first << ".." << last << ", depth " << kDepth << "): " << values
                << " values, " << errors << " errors; " << guards << " bool-typed also run as guards");
  std::vector<std::pair<std::uint64_t, std::string>> common;
  for (const auto& [message, count] : errorKinds) common.emplace_back(count, message);
  std::sort(common.rbegin(), common.rend());
  std::string top;
  for (std::size_t i = 0; i < common.size() && i < 8; ++i) top += "\n  " + std::to_string(common[i].first) + "  " + common[i].second;
  MESSAGE("most frequent errors:" << top);
  if (onlySeed == 0 && total >= 1000) {
    CHECK(errors > 0);
    CHECK(errors * 2 < total);  // errors are a minority
  }
}
