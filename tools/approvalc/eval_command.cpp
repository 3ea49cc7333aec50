// `approvalc eval 'EXPR' [--context JSON] [--no-jit]`: type-checks one guard expression
// against the context's fields, runs it (JIT-compiled, or with the interpreter) and prints
// its value as JSON.
#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "approval/evaluate.h"
#include "approval/expression.h"
#include "approval/guard_slots.h"
#include "approval/jit.h"
#include "approval/json_input.h"
#include "approval/render.h"
#include "commands.h"
#include "diagnostics_output.h"

namespace approval::driver {

namespace {

struct TypedValue {
  Type type;
  Value value;
};

/// JSON → a typed value: integers are int (uint above the int range), arrays are lists of
/// their elements' common type (dyn when mixed or empty), objects are map<string, V>.
TypedValue fromJson(const nlohmann::json& json) {
  switch (json.type()) {
    case nlohmann::json::value_t::boolean: return {Type::of(TypeKind::Bool), Value(json.get<bool>())};
    case nlohmann::json::value_t::number_integer: return {Type::of(TypeKind::Int), Value(json.get<std::int64_t>())};
    case nlohmann::json::value_t::number_unsigned: {
      const auto number = json.get<std::uint64_t>();
      if (number <= static_cast<std::uint64_t>(INT64_MAX)) return {Type::of(TypeKind::Int), Value(static_cast<std::int64_t>(number))};
      return {Type::of(TypeKind::Uint), Value(number)};
    }
    case nlohmann::json::value_t::number_float: return {Type::of(TypeKind::Double), Value(json.get<double>())};
    case nlohmann::json::value_t::string: return {Type::of(TypeKind::String), Value(json.get<std::string>())};
    case nlohmann::json::value_t::array: {
      ValueList elements;
      std::optional<Type> common;
      for (const auto& item : json) {
        TypedValue element = fromJson(item);
        common = !common || *common == element.type ? element.type : Type::of(TypeKind::Dyn);
        elements.push_back(std::move(element.value));
      }
      return {Type::list(common.value_or(Type::of(TypeKind::Dyn))), Value(std::move(elements))};
    }
    case nlohmann::json::value_t::object: {
      ValueMap entries;
      std::optional<Type> common;
      for (const auto& [key, item] : json.items()) {
        TypedValue element = fromJson(item);
        common = !common || *common == element.type ? element.type : Type::of(TypeKind::Dyn);
        entries.emplace(Value(key), std::move(element.value));
      }
      return {Type::map(Type::of(TypeKind::String), common.value_or(Type::of(TypeKind::Dyn))), Value(std::move(entries))};
    }
    default: return {Type::of(TypeKind::Dyn), Value(NullValue{})};
  }
}

}  // namespace

int runEval(const EvalCommand& command, const CommonOptions& common) {
  nlohmann::json contextJson = nlohmann::json::object();
  if (!command.context.empty()) {
    if (command.context.size() > common.limits.maxFileBytes) {
      printError("--context is larger than --max-file-bytes (" + std::to_string(common.limits.maxFileBytes) +
                 " bytes)");
      return kExitUsage;
    }
    auto parsed = parseJsonInput(command.context, kMaxJsonNesting, kMaxInstanceDataValues);
    if (!parsed) {
      printError("--context is not valid JSON: " + parsed.error().message);
      return kExitUsage;
    }
    contextJson = std::move(parsed).value();
    if (!contextJson.is_object()) {
      std::cerr << "approvalc: error: --context must be a JSON object of field names to values\n";
      return kExitUsage;
    }
  }
  std::vector<ContextFieldType> fields;
  std::vector<Value> values;
  for (const auto& [name, json] : contextJson.items()) {
    TypedValue typed = fromJson(json);
    fields.push_back({name, std::move(typed.type)});
    values.push_back(std::move(typed.value));
  }
  const auto compiled = compileExpression(command.expression, fields, common.limits);
  if (compiled->diagnostics.hasErrors() || !compiled->expr) {
    std::cerr << renderText(compiled->diagnostics.diagnostics(), compiled->sources);
    return kExitInputErrors;
  }
  Value result;
  if (common.noJit) {
    result = evaluate(*compiled->expr, Environment{.context = values, .event = nullptr, .state = nullptr});
  } else {
    std::vector<Type> types;
    for (const auto& field : fields) types.push_back(field.type);
    const jit::ExpressionEntry entry{&*compiled->expr, false, {}};
    auto code = jit::CompiledExpressions::compile({&entry, 1}, types, "",
                                                  jit::JitOptions{.optimizationLevel = common.optimizationLevel});
    if (!code) {
      printError(code.error().message);
      return kExitUsage;
    }
    const SlotValues context(values);
    result = code.value()->value(0, jit::GuardInput{.context = context.slots(), .event = {}, .state = nullptr});
  }
  if (result.isError()) {
    std::cerr << "approvalc: evaluation error: " << printableText(result.as<ErrorValue>().message) << '\n';
    return kExitInputErrors;
  }
  std::cout << toJsonText(result) << '\n';
  std::cout.flush();
  if (!std::cout) {
    std::cerr << "approvalc: error: cannot write to standard output\n";
    return kExitUsage;
  }
  return kExitSuccess;
}

}  // namespace approval::driver
