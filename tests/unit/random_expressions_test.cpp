// Random well-typed guard expressions (tests/support/expression_generator.h): the checker must
// accept each with the generator's type, and the interpreter must give either an error or a
// value of that type's run-time kind. Later the JIT is checked against the interpreter here.
//
// APPROVAL_RANDOM_EXPRESSIONS=N overrides how many seeds run (1..N); APPROVAL_RANDOM_SEED=S
// runs only seed S (to reproduce a failure).
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <cstdlib>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "approval/evaluate.h"
#include "approval/expression.h"
#include "approval/value.h"
#include "support/expression_generator.h"

using namespace approval;
using approval::testing::ExpressionGenerator;

namespace {

constexpr int kDepth = 5;

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

std::string describe(const Value& value) {
  return value.isError() ? "error: " + value.as<ErrorValue>().message : toJsonText(value);
}

}  // namespace

TEST_CASE("random well-typed expressions type-check and evaluate to their static type") {
  const std::uint64_t onlySeed = environmentNumber("APPROVAL_RANDOM_SEED", 0);
  const std::uint64_t first = onlySeed != 0 ? onlySeed : 1;
  const std::uint64_t last = onlySeed != 0 ? onlySeed : environmentNumber("APPROVAL_RANDOM_EXPRESSIONS", kDefaultCount);
  std::uint64_t values = 0;
  std::uint64_t errors = 0;
  std::uint64_t guards = 0;
  std::map<std::string, std::uint64_t> errorKinds;
  for (std::uint64_t seed = first; seed <= last; ++seed) {
    ExpressionGenerator generator(seed);
    const Type wanted = generator.randomType();
    const auto generated = generator.generate(wanted, kDepth);
    INFO("seed " << seed << " (APPROVAL_RANDOM_SEED=" << seed << "): " << generated.text);

    const auto compiled = compileExpression(generated.text, generator.context());
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
    if (generated.type.is(TypeKind::Bool)) {
      ++guards;
      const Value verdict = evaluateGuard(*compiled->expr, environment);
      const bool agree = verdict.isError() ? result.isError() && verdict.as<ErrorValue>() == result.as<ErrorValue>()
                                           : !result.isError() && verdict.is<bool>() && result.is<bool>() &&
                                                 verdict.as<bool>() == result.as<bool>();
      if (!agree) FAIL_CHECK("evaluateGuard gave " << describe(verdict) << ", evaluate " << describe(result));
    }
  }
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
