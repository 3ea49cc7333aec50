// The reference interpreter: a tree walk over checked ir::Expr (CEL semantics: errors are
// values; `&&`, `||` and the macros absorb them as the langdef says).
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "approval/evaluate.h"
#include "eval/eval_internal.h"

namespace approval {

namespace {

using ast::BinaryOp;

class Evaluator {
 public:
  explicit Evaluator(const Environment& environment) : env_(environment) {}

  Value eval(const ir::Expr& expr) {
    switch (expr.kind) {
      case ir::ExprKind::Literal: return literal(expr.literal);
      case ir::ExprKind::ContextField:
        if (expr.ref >= env_.context.size()) {
          return Value::error("no context field #" + std::to_string(expr.ref) + " (context has " +
                              std::to_string(env_.context.size()) + ")");
        }
        return env_.context[expr.ref];
      case ir::ExprKind::EventField: return eventField(expr.name);
      case ir::ExprKind::Variable: return variable(expr.name);
      case ir::ExprKind::Select: {
        Value target = eval(expr.operands.at(0));
        if (target.isError()) return target;
        if (!target.is<std::shared_ptr<const ValueMap>>()) {
          return Value::error("no such field `" + expr.name + "` on " + eval::kindName(target));
        }
        return eval::applyIndex(target, Value(expr.name));
      }
      case ir::ExprKind::Call: return call(expr);
      case ir::ExprKind::Index: {
        Value container = eval(expr.operands.at(0));
        if (container.isError()) return container;
        Value key = eval(expr.operands.at(1));
        if (key.isError()) return key;
        if (auto tooMany = chargeRead(eval::readCost(key), "[]")) return std::move(*tooMany);
        return eval::applyIndex(container, key);
      }
      case ir::ExprKind::List: {
        ValueList elements;
        elements.reserve(expr.operands.size());
        for (const auto& operand : expr.operands) {
          elements.push_back(eval(operand));
          if (elements.back().isError()) return elements.back();
        }
        return elements;
      }
      case ir::ExprKind::Map: return mapLiteral(expr);
      case ir::ExprKind::Unary: {
        Value operand = eval(expr.operands.at(0));
        if (operand.isError()) return operand;
        return eval::applyUnary(expr.unaryOp, operand);
      }
      case ir::ExprKind::Binary: return binary(expr);
      case ir::ExprKind::Conditional: {
        Value condition = eval(expr.operands.at(0));
        if (condition.isError()) return condition;
        if (!condition.is<bool>()) return Value::error("no such overload: " + eval::kindName(condition) + " ? _ : _");
        return eval(expr.operands.at(condition.as<bool>() ? 1 : 2));
      }
    }
    return Value::error("unknown expression kind");
  }

 private:
  Value literal(const ast::LiteralValue& value) {
    if (const auto* text = std::get_if<std::string>(&value)) return textValue(*text);
    return literalValue(value);
  }

  // A text the evaluation reads from its inputs (a literal, the event's id or actor): a long
  // one is made a Value once, so that a macro body reading it copies a pointer per element,
  // not its bytes. `text` outlives the evaluation.
  Value textValue(const std::string& text) {
    if (text.size() <= kMaxInlineTextSize) [[likely]] return Value(text);
    return longText(text);
  }
  [[gnu::noinline]] const Value& longText(const std::string& text) {
    if (!longTexts_) longTexts_ = std::make_unique<std::map<const std::string*, Value>>();
    auto [held, isNew] = longTexts_->try_emplace(&text);
    if (isNew) held->second = Value(text);
    return held->second;
  }

  static Value literalValue(const ast::LiteralValue& value) {
    return std::visit(
        [](const auto& v) -> Value {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, ast::NullValue>) {
            return NullValue{};
          } else if constexpr (std::is_same_v<T, ast::Bytes>) {
            return Value::error("bytes are not supported");
          } else if constexpr (std::is_same_v<T, ast::Duration>) {
            std::int64_t ns = 0;
            if (__builtin_mul_overflow(v.milliseconds, std::int64_t{1'000'000}, &ns)) {
              return Value::error("duration overflow in literal");
            }
            return DurationValue{ns};
          } else {
            return Value(v);
          }
        },
        value);
  }

  Value eventField(const std::string& name) {
    const auto* event = env_.event;
    if (event == nullptr) return Value::error("no event: `event." + name + "` needs an event");
    if (name == "actor") return textValue(event->actor);
    if (name == "id") return textValue(event->id);
    if (name == "time") return event->time;
    auto found = event->payload.find(name);
    if (found == event->payload.end()) return Value::error("event has no field " + name);
    return found->second;
  }

  Value variable(const std::string& name) {
    for (auto it = scope_.rbegin(); it != scope_.rend(); ++it) {
      if (it->first == name) return it->second;
    }
    if (name == "event" && env_.event != nullptr) {
      ValueMap fields;
      for (const auto& [key, value] : env_.event->payload) fields.emplace(Value(key), value);
      fields[Value("actor")] = textValue(env_.event->actor);
      fields[Value("id")] = textValue(env_.event->id);
      fields[Value("time")] = env_.event->time;
      return fields;
    }
    return Value::error("unknown variable `" + name + "`");
  }

  // Inside a macro an operation runs once per element: what it reads counts as visited
  // (approval/evaluate.h). Returns the error when that takes the count past the bound; an
  // operation that read nothing counted goes on.
  std::optional<Value> chargeRead(std::uint64_t cost, std::string_view what) {
    if (scope_.empty() || cost == 0) return std::nullopt;
    visited_ += cost;
    if (visited_ > kMaxMacroElements) return eval::tooManyVisited(what);
    return std::nullopt;
  }

  // Every entry is evaluated before the map is built, as the JIT does: the keys are then
  // charged once, before building compares them.
  Value mapLiteral(const ir::Expr& expr) {
    std::vector<Value> operands;
    operands.reserve(expr.operands.size());
    for (const auto& operand : expr.operands) {
      operands.push_back(eval(operand));
      if (operands.back().isError()) return operands.back();
    }
    std::uint64_t keysCost = 0;
    for (std::size_t i = 0; i + 1 < operands.size(); i += 2) keysCost += eval::readCost(operands[i]);
    if (auto tooMany = chargeRead(keysCost, "{}")) return std::move(*tooMany);
    ValueMap entries;
    for (std::size_t i = 0; i + 1 < operands.size(); i += 2) {
      if (auto problem = eval::mapKeyProblem(entries, operands[i])) return Value::error(std::move(*problem));
      entries.emplace(operands[i], std::move(operands[i + 1]));
    }
    return entries;
  }

  Value binary(const ir::Expr& expr) {
    const auto op = expr.binaryOp;
    if (op == BinaryOp::And || op == BinaryOp::Or) {
      // The value that decides the result on its own: false for &&, true for ||.
      const bool decisive = op == BinaryOp::Or;
      Value left = eval(expr.operands.at(0));
      if (left.is<bool>() && left.as<bool>() == decisive) return left;
      Value right = eval(expr.operands.at(1));
      if (right.is<bool>() && right.as<bool>() == decisive) return right;
      if (left.isError()) return left;
      if (right.isError()) return right;
      if (!left.is<bool>() || !right.is<bool>()) {
        return Value::error("no such overload: " + eval::kindName(left) + " " + ast::spelling(op) + " " +
                            eval::kindName(right));
      }
      return !decisive;  // both bools, neither decisive
    }
    Value left = eval(expr.operands.at(0));
    if (left.isError()) return left;
    Value right = eval(expr.operands.at(1));
    if (right.isError()) return right;
    if (auto tooLarge = eval::chargeConcatenation(op, left, right, concatenated_)) return std::move(*tooLarge);
    if (auto tooMany = chargeRead(eval::binaryCost(op, left, right), ast::spelling(op))) return std::move(*tooMany);
    return eval::applyBinary(op, left, right);
  }

  Value call(const ir::Expr& expr) {
    const auto& ops = expr.operands;
    if (expr.receiverCall && ops.size() >= 3 && ops[1].kind == ir::ExprKind::Variable &&
        (expr.name == "all" || expr.name == "exists" || expr.name == "exists_one" || expr.name == "filter" ||
         expr.name == "map")) {
      return macro(expr);
    }
    if (!expr.receiverCall && expr.name == "has" && ops.size() == 1) return has(ops[0]);
    std::vector<Value> arguments;
    arguments.reserve(ops.size());
    for (const auto& operand : ops) {
      arguments.push_back(eval(operand));
      if (arguments.back().isError()) return arguments.back();
    }
    std::uint64_t cost = 0;
    for (const auto& argument : arguments) cost += eval::textCost(argument);
    if (auto tooMany = chargeRead(cost, expr.name)) return std::move(*tooMany);
    return eval::callFunction(expr.name, arguments, env_);
  }

  Value has(const ir::Expr& selection) {
    if (selection.kind == ir::ExprKind::EventField) {
      if (env_.event == nullptr) return Value::error("no event: `has(event." + selection.name + ")` needs an event");
      if (selection.name == "actor" || selection.name == "id" || selection.name == "time") return true;
      return env_.event->payload.count(selection.name) != 0;
    }
    if (selection.kind != ir::ExprKind::Select || selection.operands.empty()) {
      return Value::error("`has` needs a field selection");
    }
    Value target = eval(selection.operands[0]);
    if (target.isError()) return target;
    if (!target.is<std::shared_ptr<const ValueMap>>()) {
      return Value::error("no such overload: has() on " + eval::kindName(target));
    }
    return target.map().count(Value(selection.name)) != 0;
  }

  Value macro(const ir::Expr& expr) {
    Value range = eval(expr.operands[0]);
    if (range.isError()) return range;
    if (auto tooMany = chargeRead(eval::rangeCost(range), expr.name)) return std::move(*tooMany);
    ValueList keys;
    const ValueList* elements = nullptr;
    if (range.is<std::shared_ptr<const ValueList>>()) {
      elements = &range.list();
    } else if (range.is<std::shared_ptr<const ValueMap>>()) {
      for (const auto& entry : range.map()) keys.push_back(entry.first);
      elements = &keys;
    } else {
      return Value::error("no such overload: " + eval::kindName(range) + "." + expr.name + "()");
    }
    const std::string& name = expr.operands[1].name;
    const ir::Expr& body = expr.operands[2];
    const std::string& macro = expr.name;

    Value firstError;
    bool sawError = false;
    std::int64_t trueCount = 0;
    ValueList results;
    for (const auto& element : *elements) {
      if (++visited_ > kMaxMacroElements) return eval::tooManyVisited(macro);
      scope_.emplace_back(name, element);
      Value result = eval(body);
      Value transformed;
      if (macro == "map" && expr.operands.size() >= 4 && result.is<bool>() && result.as<bool>()) {
        transformed = eval(expr.operands[3]);
      }
      scope_.pop_back();

      if (macro == "map" && expr.operands.size() < 4) {  // map(x, transform)
        if (result.isError()) return result;
        results.push_back(std::move(result));
        continue;
      }
      if (result.isError()) {
        if (macro == "all" || macro == "exists") {
          if (!sawError) firstError = std::move(result);
          sawError = true;
          continue;
        }
        return result;
      }
      if (!result.is<bool>()) return Value::error("predicate of `" + macro + "` is not a bool");
      const bool holds = result.as<bool>();
      if (macro == "all" && !holds) return false;
      if (macro == "exists" && holds) return true;
      if (macro == "exists_one" && holds) ++trueCount;
      if (macro == "filter" && holds) results.push_back(element);
      if (macro == "map" && holds) {  // map(x, filter, transform)
        if (transformed.isError()) return transformed;
        results.push_back(std::move(transformed));
      }
    }
    if (macro == "all") return sawError ? firstError : Value(true);
    if (macro == "exists") return sawError ? firstError : Value(false);
    if (macro == "exists_one") return trueCount == 1;
    return results;
  }

  const Environment& env_;
  std::vector<std::pair<std::string, Value>> scope_;
  std::unique_ptr<std::map<const std::string*, Value>> longTexts_;  // textValue; most evaluations read none
  std::uint64_t visited_ = 0;        // macro elements, and what operations inside macros read: kMaxMacroElements
  std::uint64_t concatenated_ = 0;   // against kMaxConcatenatedSize
};

}  // namespace

Value evaluate(const ir::Expr& expr, const Environment& environment) {
  try {
    Evaluator evaluator(environment);
    return evaluator.eval(expr);
  } catch (const std::exception& error) {  // malformed IR (std::out_of_range) or allocation failure
    return Value::error(std::string("evaluation failed: ") + error.what());
  }
}

Value evaluateGuard(const ir::Expr& guard, const Environment& environment) {
  Value result = evaluate(guard, environment);
  if (result.is<bool>() || result.isError()) return result;
  return Value::error("guard is not a bool");
}

}  // namespace approval
