#include "approval/ir_verify.h"

#include <fmt/format.h>

#include "approval/lower.h"
#include "approval/sema.h"
#include "ir/ir_source.h"
#include "pipeline/large_stack.h"

namespace approval {

namespace {

/// The first place two machines differ, as a JSON path into the given one and both values.
class FirstDifference {
 public:
  std::optional<std::string> of(const ir::Machine& given, const ir::Machine& compiled) {
    same("name", given.name, compiled.name) && same("version", given.version, compiled.version) &&
        fields("context", given.context, compiled.context) && events(given.events, compiled.events) &&
        states(given.states, compiled.states) && same("initial", given.initial, compiled.initial) &&
        quorum(given.quorum, compiled.quorum) && transitions(given.transitions, compiled.transitions) &&
        same("table", given.table == compiled.table, true) && same("routes", given.routes == compiled.routes, true) &&
        hostActions(given.hostActions, compiled.hostActions);
    return difference_;
  }

 private:
  template <typename T>
  bool same(const std::string& path, const T& given, const T& compiled) {
    if (given == compiled) return true;
    difference_ = fmt::format("{} is {}, but compiling gives {}", path, shown(given), shown(compiled));
    return false;
  }
  bool sameSize(const std::string& path, std::size_t given, std::size_t compiled) {
    if (given == compiled) return true;
    difference_ = fmt::format("{} has {} entries, but compiling gives {}", path, given, compiled);
    return false;
  }

  static std::string shown(const std::string& text) { return "\"" + text + "\""; }
  static std::string shown(bool value) { return value ? "true" : "false"; }
  template <typename T>
  static std::string shown(const T& value) {
    if constexpr (std::is_integral_v<T>) {
      return std::to_string(value);
    } else if constexpr (std::is_same_v<T, Type>) {
      return "\"" + value.spelling() + "\"";
    } else if constexpr (std::is_same_v<T, ast::LiteralValue>) {
      return ast::formatLiteral(value);
    } else if constexpr (std::is_same_v<T, std::optional<std::int64_t>> || std::is_same_v<T, std::optional<std::uint32_t>>) {
      return value ? std::to_string(*value) : std::string("none");
    } else {
      return "another value";
    }
  }

  bool fields(const std::string& path, const std::vector<ir::Field>& given, const std::vector<ir::Field>& compiled) {
    if (!sameSize(path, given.size(), compiled.size())) return false;
    for (std::size_t i = 0; i < given.size(); ++i) {
      const std::string at = fmt::format("{}[{}]", path, i);
      if (!same(at + ".name", given[i].name, compiled[i].name) || !same(at + ".type", given[i].type, compiled[i].type) ||
          !optionalExpr(at + ".defaultValue", given[i].defaultValue, compiled[i].defaultValue)) {
        return false;
      }
    }
    return true;
  }

  bool events(const std::vector<ir::Event>& given, const std::vector<ir::Event>& compiled) {
    if (!sameSize("events", given.size(), compiled.size())) return false;
    for (std::size_t i = 0; i < given.size(); ++i) {
      const std::string at = fmt::format("events[{}]", i);
      if (!same(at + ".name", given[i].name, compiled[i].name) ||
          !same(at + ".declared", given[i].declared, compiled[i].declared) ||
          !fields(at + ".payload", given[i].payload, compiled[i].payload)) {
        return false;
      }
    }
    return true;
  }

  bool states(const std::vector<ir::State>& given, const std::vector<ir::State>& compiled) {
    if (!sameSize("states", given.size(), compiled.size())) return false;
    for (std::size_t i = 0; i < given.size(); ++i) {
      const std::string at = fmt::format("states[{}]", i);
      if (!same(at + ".name", given[i].name, compiled[i].name) ||
          !same(at + ".isFinal", given[i].isFinal, compiled[i].isFinal)) {
        return false;
      }
    }
    return true;
  }

  bool quorum(const ir::Quorum& given, const ir::Quorum& compiled) {
    return same("quorum.kind", static_cast<int>(given.kind), static_cast<int>(compiled.kind)) &&
           same("quorum.value", given.value, compiled.value) && same("quorum.field", given.field, compiled.field) &&
           same("quorum.isDefault", given.isDefault, compiled.isDefault);
  }

  bool transitions(const std::vector<ir::Transition>& given, const std::vector<ir::Transition>& compiled) {
    if (!sameSize("transitions", given.size(), compiled.size())) return false;
    for (std::size_t i = 0; i < given.size(); ++i) {
      const std::string at = fmt::format("transitions[{}]", i);
      const ir::Transition& g = given[i];
      const ir::Transition& c = compiled[i];
      if (!same(at + ".source", g.source, c.source) || !same(at + ".target", g.target, c.target) ||
          !same(at + ".event", g.event ? std::optional<std::int64_t>(*g.event) : std::nullopt,
                c.event ? std::optional<std::int64_t>(*c.event) : std::nullopt) ||
          !same(at + ".delayMs", g.delayMs, c.delayMs) || !optionalExpr(at + ".guard", g.guard, c.guard) ||
          !actions(at + ".actions", g.actions, c.actions) || !same(at + ".declaration", g.declaration, c.declaration) ||
          !same(at + ".span", g.span == c.span, true)) {
        return false;
      }
    }
    return true;
  }

  bool actions(const std::string& path, const std::vector<ir::Action>& given, const std::vector<ir::Action>& compiled) {
    if (!sameSize(path, given.size(), compiled.size())) return false;
    for (std::size_t i = 0; i < given.size(); ++i) {
      const std::string at = fmt::format("{}[{}]", path, i);
      if (!call(at + ".call", given[i].call, compiled[i].call)) return false;
      if (!same(at + ".compensation", given[i].compensation.has_value(), compiled[i].compensation.has_value())) {
        return false;
      }
      if (given[i].compensation && !call(at + ".compensation", *given[i].compensation, *compiled[i].compensation)) {
        return false;
      }
    }
    return true;
  }

  bool call(const std::string& path, const ir::Call& given, const ir::Call& compiled) {
    if (!same(path + ".name", given.name, compiled.name) ||
        !same(path + ".kind", static_cast<int>(given.kind), static_cast<int>(compiled.kind)) ||
        !sameSize(path + ".arguments", given.arguments.size(), compiled.arguments.size())) {
      return false;
    }
    for (std::size_t i = 0; i < given.arguments.size(); ++i) {
      if (!expr(fmt::format("{}.arguments[{}]", path, i), given.arguments[i], compiled.arguments[i])) return false;
    }
    return true;
  }

  bool hostActions(const std::vector<ir::HostAction>& given, const std::vector<ir::HostAction>& compiled) {
    if (!sameSize("hostActions", given.size(), compiled.size())) return false;
    for (std::size_t i = 0; i < given.size(); ++i) {
      const std::string at = fmt::format("hostActions[{}]", i);
      if (!same(at + ".name", given[i].name, compiled[i].name) || !same(at + ".arity", given[i].arity, compiled[i].arity)) {
        return false;
      }
    }
    return true;
  }

  bool optionalExpr(const std::string& path, const std::optional<ir::Expr>& given, const std::optional<ir::Expr>& compiled) {
    if (!same(path, given.has_value() ? std::string("given") : std::string("absent"),
              compiled.has_value() ? std::string("given") : std::string("absent"))) {
      return false;
    }
    return !given || expr(path, *given, *compiled);
  }

  bool expr(const std::string& path, const ir::Expr& given, const ir::Expr& compiled) {
    if (!same(path + ".kind", static_cast<int>(given.kind), static_cast<int>(compiled.kind)) ||
        !same(path + ".type", given.type, compiled.type) || !same(path + ".name", given.name, compiled.name) ||
        !same(path + ".ref", given.ref, compiled.ref) || !same(path + ".literal", given.literal, compiled.literal) ||
        !same(path + ".receiverCall", given.receiverCall, compiled.receiverCall) ||
        !same(path + ".op", static_cast<int>(given.unaryOp) * 100 + static_cast<int>(given.binaryOp),
              static_cast<int>(compiled.unaryOp) * 100 + static_cast<int>(compiled.binaryOp)) ||
        !same(path + ".span", given.span == compiled.span, true) ||
        !sameSize(path + ".operands", given.operands.size(), compiled.operands.size())) {
      return false;
    }
    for (std::size_t i = 0; i < given.operands.size(); ++i) {
      if (!expr(fmt::format("{}.operands[{}]", path, i), given.operands[i], compiled.operands[i])) return false;
    }
    return true;
  }

  std::optional<std::string> difference_;
};

}  // namespace

std::optional<std::string> irCompileMismatch(const ir::Machine& machine) {
  std::optional<std::string> problem;
  pipeline::runWithLargeStack([&] {
    SourceManager sources;
    const FileId file = sources.add(machine.sourcePath, "");
    ast::File written{file, {}, true};
    written.machines.push_back(sourceOf(machine, file));
    DiagnosticSink diagnostics;
    if (!checkProgram({&written}, diagnostics)) {
      for (const auto& diagnostic : diagnostics.diagnostics()) {
        if (diagnostic.severity != Severity::Error) continue;
        problem = fmt::format("it does not compile: error[{}]: {}", diagnostic.code(), diagnostic.message);
        break;
      }
      return;
    }
    ir::Machine compiled = lowerMachine(written.machines.front(), sources);
    compiled.contentHash = machine.contentHash;
    problem = FirstDifference().of(machine, compiled);
  });
  return problem;
}

}  // namespace approval
