#include "sema/declaration_checks.h"

#include "sema/constant_checks.h"
#include "sema/expression_checks.h"
#include "sema/quorum_use.h"
#include "sema/type_checks.h"

#include <fmt/format.h>

#include <set>
#include <unordered_map>

namespace approval::sema {

std::string suggestion(DiagnosticSink& sink, const std::string& name, const std::vector<std::string>& candidates,
                       const std::string& fallback) {
  if (!sink.spendSuggestionComparisons(candidates.size())) return fallback;
  if (auto match = closestMatch(name, candidates)) return fmt::format("did you mean `{}`?", *match);
  return fallback;
}

namespace {

void checkRepeatedSections(const ast::Machine& machine, DiagnosticSink& sink) {
  // `transitions` and `routes` blocks may repeat and are concatenated; the rest are single.
  static const std::set<std::string> kRepeatable = {"transitions", "routes"};
  std::unordered_map<std::string, SourceSpan> first;
  for (const auto& mark : machine.sections) {
    if (kRepeatable.contains(mark.keyword)) continue;
    auto [found, inserted] = first.emplace(mark.keyword, mark.span);
    if (!inserted) {
      sink.report(DiagnosticCode::DuplicateSection, mark.span, fmt::format("`{}` is given twice", mark.keyword))
          .label("second one here")
          .secondary(found->second, "first given here")
          .help(fmt::format("keep one `{}`; only the first is used", mark.keyword));
    }
  }
}

void checkStates(const ast::Machine& machine, const MachineSymbols& symbols, DiagnosticSink& sink) {
  if (!machine.states) {
    sink.report(DiagnosticCode::MissingStates, machine.name.span,
                fmt::format("machine \"{}\" has no `states:` list", machine.name.value))
        .help("declare every state, e.g. `states: [DRAFT, SUBMITTED, APPROVED]`");
    return;
  }
  if (machine.states->states.empty()) {
    sink.report(DiagnosticCode::MissingStates, machine.states->span,
                fmt::format("machine \"{}\" declares no states", machine.name.value))
        .help("list the states inside the brackets");
  }
  for (const auto& name : machine.states->states) {
    const auto index = symbols.findState(name.text);
    if (index && symbols.states[*index] != &name) {
      sink.report(DiagnosticCode::DuplicateState, name.span, fmt::format("state `{}` is declared twice", name.text))
          .label("declared again here")
          .secondary(symbols.states[*index]->span, "first declared here")
          .help("remove one of them");
    }
  }
  const auto names = symbols.stateNames();
  if (!machine.initial) {
    sink.report(DiagnosticCode::MissingInitial, machine.name.span,
                fmt::format("machine \"{}\" has no initial state", machine.name.value))
        .help(names.empty() ? std::string("add `initial: STATE`")
                            : fmt::format("add `initial: {}` (or whichever state instances start in)", names.front()));
  } else if (!symbols.initial) {
    sink.report(DiagnosticCode::InitialNotDeclared, machine.initial->span,
                fmt::format("initial state `{}` is not declared in `states:`", machine.initial->text))
        .label("not a declared state")
        .helpFrom([&] { return suggestion(sink, machine.initial->text, names, fmt::format("add `{}` to `states:`", machine.initial->text)); });
  }
  if (machine.finals) {
    std::set<std::string> seen;
    for (const auto& name : machine.finals->states) {
      if (!symbols.findState(name.text)) {
        sink.report(DiagnosticCode::UnknownState, name.span,
                    fmt::format("final state `{}` is not declared in `states:`", name.text))
            .label("unknown state")
            .helpFrom([&] { return suggestion(sink, name.text, names, fmt::format("add `{}` to `states:`", name.text)); });
      } else if (!seen.insert(name.text).second) {
        sink.report(DiagnosticCode::DuplicateState, name.span, fmt::format("`{}` is listed twice in `final:`", name.text))
            .help("remove one of them");
      }
    }
  }
}

bool isScalarType(const std::string& name) {
  static const std::set<std::string> kScalars = {"bool", "int", "uint", "double", "string", "duration", "timestamp"};
  return kScalars.contains(name);
}

void checkType(const ast::TypeRef& type, DiagnosticSink& sink) {
  const std::string& name = type.name.text;
  if (isScalarType(name)) {
    if (!type.arguments.empty()) {
      sink.report(DiagnosticCode::UnknownType, type.span, fmt::format("`{}` takes no type arguments", name))
          .help(fmt::format("write `{}`", name));
    }
    return;
  }
  if (name == "list" || name == "map") {
    const std::size_t expected = name == "list" ? 1 : 2;
    if (type.arguments.size() != expected) {
      sink.report(DiagnosticCode::UnknownType, type.span,
                  fmt::format("`{}` takes {} type argument{}, not {}", name, expected, expected == 1 ? "" : "s",
                              type.arguments.size()))
          .help(name == "list" ? "write e.g. `list<string>`" : "write e.g. `map<string, int>`");
      return;
    }
    if (name == "map" && type.arguments[0].name.text != "string") {
      sink.report(DiagnosticCode::UnknownType, type.arguments[0].span, "map keys must be `string`")
          .help("write `map<string, ...>`");
    }
    for (const auto& argument : type.arguments) checkType(argument, sink);
    return;
  }
  static const std::vector<std::string> kTypeNames = {"bool", "int",       "uint", "double", "string",
                                                      "duration", "timestamp", "list", "map"};
  auto diagnostic = sink.report(DiagnosticCode::UnknownType, type.name.span, fmt::format("unknown type `{}`", name));
  diagnostic.label("not a type");
  if (name == "bytes") {
    diagnostic.help("bytes are not supported in approval machines; use `string`");
  } else {
    diagnostic.helpFrom([&] { return suggestion(sink, name, kTypeNames,
                               "types are bool, int, uint, double, string, duration, timestamp, list<T>, map<string, T>"); });
  }
}

/// A default is computed with no context, no event and no instance (when the machine is
/// loaded): it may read none of them, and it must compute.
void checkDefault(const ast::FieldDecl& field, const MachineSymbols& symbols, DiagnosticSink& sink) {
  const ExpressionScope scope{symbols, nullptr, false, true};
  const std::size_t errorsBefore = sink.errorCount();
  checkExpression(*field.defaultValue, scope, sink);
  checkAssignment(field.name.text, field.type, *field.defaultValue, scope, sink);
  if (sink.errorCount() == errorsBefore) checkDefaultComputes(field, sink);
}

void checkFields(const std::vector<ast::FieldDecl>& fields, const std::string& where, bool isPayload,
                 const MachineSymbols& symbols, DiagnosticSink& sink) {
  std::unordered_map<std::string, const ast::FieldDecl*> seen;
  for (const auto& field : fields) {
    if (!isPayload && field.name.text == "event") {
      sink.report(DiagnosticCode::DuplicateField, field.name.span, "`event` is a built-in name in guards")
          .label("would be hidden by the current event")
          .help("rename the context field; in a guard, `event` always means the event being applied");
    }
    if (isPayload && (field.name.text == "actor" || field.name.text == "id" || field.name.text == "time")) {
      sink.report(DiagnosticCode::DuplicateField, field.name.span,
                  fmt::format("`{}` is a built-in field of every event", field.name.text))
          .help("rename the payload field; `event.actor`, `event.id` and `event.time` always exist");
    }
    auto [found, inserted] = seen.emplace(field.name.text, &field);
    if (!inserted) {
      sink.report(DiagnosticCode::DuplicateField, field.name.span,
                  fmt::format("field `{}` is declared twice in {}", field.name.text, where))
          .label("declared again here")
          .secondary(found->second->name.span, "first declared here")
          .help("remove or rename one of them");
    }
    checkType(field.type, sink);
    if (field.defaultValue) checkDefault(field, symbols, sink);
  }
}

void checkEvents(const ast::Machine& machine, const MachineSymbols& symbols, DiagnosticSink& sink) {
  std::unordered_map<std::string, const ast::EventDecl*> seen;
  for (const auto& event : machine.events) {
    if (event.name.value.empty()) {
      sink.report(DiagnosticCode::EmptyName, event.name.span, "event name is empty").help("name the event");
    }
    auto [found, inserted] = seen.emplace(event.name.value, &event);
    if (!inserted) {
      sink.report(DiagnosticCode::DuplicateEvent, event.name.span,
                  fmt::format("event \"{}\" is declared twice", event.name.value))
          .label("declared again here")
          .secondary(found->second->name.span, "first declared here")
          .help("merge the payload fields into one declaration");
    }
    checkFields(event.fields, fmt::format("event \"{}\"", event.name.value), true, symbols, sink);
  }
}

/// A count or percentage that failed to decode has no value (E0109 already said why).
void checkQuorumValue(const ast::QuorumPolicy& policy, DiagnosticSink& sink) {
  if (!policy.value) return;
  const std::int64_t value = *policy.value;
  using Kind = ast::QuorumPolicy::Kind;
  if (policy.kind == Kind::Count && value < 1) {
    sink.report(DiagnosticCode::InvalidQuorum, policy.span, "a quorum of 0 votes would approve without anyone voting")
        .help("use a count of at least 1");
  }
  if (policy.kind == Kind::Percent && (value < 1 || value > 100)) {
    sink.report(DiagnosticCode::InvalidQuorum, policy.span,
                fmt::format("quorum percentage {}% is outside 1% to 100%", value))
        .help("write a percentage between 1 and 100");
  }
}

bool mentionsUnknownType(const Type& type) {
  if (type.kind == TypeKind::Error) return true;
  for (const auto& parameter : type.parameters) {
    if (mentionsUnknownType(parameter)) return true;
  }
  return false;
}

/// Voters are actors, and actors are strings: a list of anything else never holds one, so
/// the quorum could never be met. `defaultUse`: no `quorum:` line, the default majority
/// counts the field `reviewers`, and this `hasQuorum()` relies on it; null for a `quorum:` line.
void checkQuorumList(const ast::Name& fieldName, const ast::FieldDecl& field, const ast::Expr* defaultUse,
                     DiagnosticSink& sink) {
  const bool isDefault = defaultUse != nullptr;
  const std::string counts = isDefault ? "the default quorum (no `quorum:` line) counts" : "quorum counts";
  const std::string orPolicy = isDefault ? ", or write a `quorum:` line that does not count it (e.g. `quorum: 1`)" : "";
  if (field.type.name.text != "list") {
    auto diagnostic = sink.report(DiagnosticCode::InvalidQuorum, fieldName.span,
                                   fmt::format("{} `{}`, but it is not a list", counts, fieldName.text));
    diagnostic.secondary(field.type.span, "declared here");
    if (defaultUse) diagnostic.secondary(defaultUse->span, "the default quorum is used here");
    diagnostic.help(fmt::format("declare `{}` as `list<string>` of the reviewers' ids{}", fieldName.text, orPolicy));
    return;
  }
  const Type type = declaredType(field.type);
  // A misspelt type is already E0209; its placeholder says nothing about the voters.
  if (type.kind != TypeKind::List || type.parameters.empty() || mentionsUnknownType(type)) return;
  if (type.parameters.front().kind == TypeKind::String) return;
  auto diagnostic = sink.report(DiagnosticCode::InvalidQuorum, fieldName.span,
                                 fmt::format("{} `{}`, a `{}`, but voters are actors: it must be a `list<string>`",
                                             counts, fieldName.text, type.spelling()));
  diagnostic.label("never holds an actor").secondary(field.type.span, "declared here");
  if (defaultUse) diagnostic.secondary(defaultUse->span, "the default quorum is used here");
  diagnostic.help(fmt::format("declare `{}` as `list<string>` of the voters' ids{}", fieldName.text, orPolicy));
}

void checkQuorum(const ast::Machine& machine, const MachineSymbols& symbols, DiagnosticSink& sink) {
  if (!machine.quorum) {
    // The default is a majority of `reviewers` when it exists: held to what an explicit
    // `quorum: all of reviewers` would be, or `hasQuorum()` silently never holds. Only a
    // `hasQuorum()` reads it: a machine that never asks may use `reviewers` for anything.
    const ast::Expr* use = firstDefaultQuorumCall(machine);
    const auto index = symbols.findContextField("reviewers");
    if (use && index) {
      const ast::FieldDecl& field = *symbols.context[*index];
      checkQuorumList(field.name, field, use, sink);
    }
    return;
  }
  const auto& policy = *machine.quorum;
  checkQuorumValue(policy, sink);
  if (!policy.field) return;
  const auto index = symbols.findContextField(policy.field->text);
  if (!index) {
    sink.report(DiagnosticCode::UnknownField, policy.field->span,
                fmt::format("quorum counts `{}`, which is not a context field", policy.field->text))
        .label("unknown field")
        .helpFrom([&] { return suggestion(sink, policy.field->text, symbols.contextFieldNames(),
                         fmt::format("declare it: `context {{ {}: list<string> }}`", policy.field->text)); });
    return;
  }
  checkQuorumList(*policy.field, *symbols.context[*index], nullptr, sink);
}

}  // namespace

void checkDeclarations(const ast::Machine& machine, const MachineSymbols& symbols, DiagnosticSink& sink) {
  if (machine.name.value.empty()) {
    sink.report(DiagnosticCode::EmptyName, machine.name.span, "machine name is empty")
        .help("name the machine, e.g. `state machine \"expense\" { ... }`");
  }
  checkRepeatedSections(machine, sink);
  checkStates(machine, symbols, sink);
  checkFields(machine.context, "`context`", false, symbols, sink);
  checkEvents(machine, symbols, sink);
  checkQuorum(machine, symbols, sink);
}

}  // namespace approval::sema
