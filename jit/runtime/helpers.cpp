// The runtime helpers behind generated code. Everything that is not plain scalar
// arithmetic goes through the reference interpreter's own operator and function
// implementations (compiler/eval), so the JIT cannot drift from the interpreter's
// semantics or messages. Helpers never throw into generated code: a failure becomes an
// error value in the frame.
#include "runtime/helpers.h"

#include <bit>
#include <cstdint>
#include <cstring>
#include <exception>
#include <string>
#include <utility>

#include "eval/eval_internal.h"
#include "eval/regex_cache.h"
#include "runtime/frame.h"

namespace approval::jit {

namespace {

const Value* fail(JitFrame* frame, Value error) {
  frame->outcome->error = scratchOf(frame).keep(std::move(error));
  return nullptr;
}

const Value* failWith(JitFrame* frame, std::string message) { return fail(frame, Value::error(std::move(message))); }

/// Returns `value`, or null with frame.error set when it is an error.
const Value* keepResult(JitFrame* frame, Value value) {
  if (value.isError()) return fail(frame, std::move(value));
  return scratchOf(frame).keep(std::move(value));
}

std::int32_t boolStatus(JitFrame* frame, Value value) {
  if (value.isError()) {
    fail(frame, std::move(value));
    return kStatusError;
  }
  if (!value.is<bool>()) {
    failWith(frame, "expected a bool, got " + eval::kindName(value));
    return kStatusError;
  }
  return value.as<bool>() ? 1 : 0;
}

const std::string& text(const Value* constant) { return constant->as<std::string>(); }

/// Byte equality of two ranges of `size` bytes. Guards compare short texts (tags, org
/// prefixes, actors): a loop that stops at the first difference beats a call of memcmp,
/// which for these sizes costs more than the comparison.
inline bool sameBytes(const char* a, const char* b, std::size_t size) noexcept {
  if (size > 32) return std::memcmp(a, b, size) == 0;
  for (std::size_t i = 0; i < size; ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

/// Runs a helper body; an exception (allocation failure) becomes an error in the frame.
template <typename Body>
auto guarded(JitFrame* frame, Body body) noexcept -> decltype(body()) {
  try {
    return body();
  } catch (const std::exception& error) {
    try {
      failWith(frame, std::string("evaluation failed: ") + error.what());
    } catch (...) {  // no memory even for the message: the entry reports a generic failure
      frame->outcome->error = nullptr;
    }
    if constexpr (std::is_same_v<decltype(body()), std::int32_t>) {
      return kStatusError;
    } else {
      return nullptr;
    }
  }
}

}  // namespace

extern "C" {

// ---- boxing: native values to Values in the call's scratch -------------------------------
static const Value* approval_jit_box_bool(JitFrame* f, std::int32_t v) {
  return guarded(f, [&]() -> const Value* { return scratchOf(f).keep(Value(v != 0)); });
}
static const Value* approval_jit_box_int(JitFrame* f, std::int64_t v) {
  return guarded(f, [&]() -> const Value* { return scratchOf(f).keep(Value(v)); });
}
static const Value* approval_jit_box_uint(JitFrame* f, std::int64_t v) {
  return guarded(f, [&]() -> const Value* { return scratchOf(f).keep(Value(static_cast<std::uint64_t>(v))); });
}
static const Value* approval_jit_box_double(JitFrame* f, double v) {
  return guarded(f, [&]() -> const Value* { return scratchOf(f).keep(Value(v)); });
}
static const Value* approval_jit_box_duration(JitFrame* f, std::int64_t v) {
  return guarded(f, [&]() -> const Value* { return scratchOf(f).keep(Value(DurationValue{v})); });
}
static const Value* approval_jit_box_timestamp(JitFrame* f, std::int64_t v) {
  return guarded(f, [&]() -> const Value* { return scratchOf(f).keep(Value(TimestampValue{v})); });
}

/// Reads a native kind out of a Value: 1 and *out set, or 2 with the error in the frame.
static std::int32_t approval_jit_unbox(JitFrame* f, const Value* v, std::int32_t kind, std::int64_t* out) {
  switch (static_cast<NativeKind>(kind)) {
    case NativeKind::Bool:
      if (v->is<bool>()) return *out = v->as<bool>() ? 1 : 0, 1;
      break;
    case NativeKind::Int:
      if (v->is<std::int64_t>()) return *out = v->as<std::int64_t>(), 1;
      break;
    case NativeKind::Uint:
      if (v->is<std::uint64_t>()) return *out = static_cast<std::int64_t>(v->as<std::uint64_t>()), 1;
      break;
    case NativeKind::Double:
      if (v->is<double>()) return *out = std::bit_cast<std::int64_t>(v->as<double>()), 1;
      break;
    case NativeKind::Duration:
      if (v->is<DurationValue>()) return *out = v->as<DurationValue>().nanoseconds, 1;
      break;
    case NativeKind::Timestamp:
      if (v->is<TimestampValue>()) return *out = v->as<TimestampValue>().nanoseconds, 1;
      break;
  }
  return guarded(f, [&]() -> std::int32_t {
    failWith(f, "internal error: compiled code expected another kind than " + eval::kindName(*v));
    return kStatusError;
  });
}

// ---- operators and functions of the interpreter -------------------------------------------
static const Value* approval_jit_binary(JitFrame* f, std::int32_t op, const Value* a, const Value* b) {
  return guarded(f, [&] {
    const auto binary = static_cast<ast::BinaryOp>(op);
    if (auto tooLarge = eval::chargeConcatenation(binary, *a, *b, scratchOf(f).concatenated)) {
      return fail(f, std::move(*tooLarge));
    }
    return keepResult(f, eval::applyBinary(binary, *a, *b));
  });
}
static std::int32_t approval_jit_binary_bool(JitFrame* f, std::int32_t op, const Value* a, const Value* b) {
  return guarded(f, [&] { return boolStatus(f, eval::applyBinary(static_cast<ast::BinaryOp>(op), *a, *b)); });
}
static const Value* approval_jit_unary(JitFrame* f, std::int32_t op, const Value* a) {
  return guarded(f, [&] { return keepResult(f, eval::applyUnary(static_cast<ast::UnaryOp>(op), *a)); });
}
static const Value* approval_jit_index(JitFrame* f, const Value* container, const Value* key) {
  return guarded(f, [&] { return keepResult(f, eval::applyIndex(*container, *key)); });
}
static const Value* approval_jit_select(JitFrame* f, const Value* target, const Value* name) {
  return guarded(f, [&]() -> const Value* {
    if (!target->is<std::shared_ptr<const ValueMap>>()) {
      return failWith(f, "no such field `" + text(name) + "` on " + eval::kindName(*target));
    }
    return keepResult(f, eval::applyIndex(*target, *name));
  });
}
static std::int32_t approval_jit_has_field(JitFrame* f, const Value* target, const Value* name) {
  return guarded(f, [&]() -> std::int32_t {
    if (!target->is<std::shared_ptr<const ValueMap>>()) {
      failWith(f, "no such overload: has() on " + eval::kindName(*target));
      return kStatusError;
    }
    return target->map().count(*name) != 0 ? 1 : 0;
  });
}
static const Value* approval_jit_call(JitFrame* f, const Value* name, const Value* const* args, std::int32_t count) {
  return guarded(f, [&] {
    std::vector<Value> arguments;
    arguments.reserve(static_cast<std::size_t>(count));
    for (std::int32_t i = 0; i < count; ++i) arguments.push_back(*args[i]);
    const Environment environment{{}, nullptr, f->state};
    return keepResult(f, eval::callFunction(text(name), arguments, environment));
  });
}
// The reporting halves of hasQuorum(), hasQuorum(n) and the string tests: generated code
// calls them only when the frame-free fast helper below could not decide (no instance state,
// an operand of another kind, an exception), so they go through the stdlib table, which
// gives the interpreter's answer or error.
static std::int32_t approval_jit_has_quorum(JitFrame* f) {
  return guarded(f, [&] { return boolStatus(f, eval::callFunction("hasQuorum", {}, Environment{{}, nullptr, f->state})); });
}
static std::int32_t approval_jit_has_quorum_n(JitFrame* f, std::int64_t n) {
  return guarded(
      f, [&] { return boolStatus(f, eval::callFunction("hasQuorum", {Value(n)}, Environment{{}, nullptr, f->state})); });
}
static std::int32_t approval_jit_string_test(JitFrame* f, const Value* receiver, std::int32_t which,
                                             const Value* part) {
  static constexpr const char* kNames[] = {"contains", "startsWith", "endsWith"};
  return guarded(f, [&] { return boolStatus(f, eval::callFunction(kNames[which], {*receiver, *part}, Environment{})); });
}
// Frame-free fast paths: 0/1, or kStatusError when they cannot decide (no state, a value
// of an unexpected kind, an exception), and generated code then calls the reporting helper
// above. No frame has to be built for them. The quorum rule restates
// stdlib/approval_functions.cpp (kept in step by unit.random_expressions_test and
// unit.jit_test): going through the table doubled the quorum guard's cost.
static std::int32_t approval_jit_quorum_reached(const ApprovalState* state) noexcept {
  if (state == nullptr) return kStatusError;
  try {
    return state->quorumVotes() >= state->quorumRequired() ? 1 : 0;
  } catch (...) {
    return kStatusError;
  }
}
static std::int32_t approval_jit_votes_reach(const ApprovalState* state, std::int64_t n) noexcept {
  if (state == nullptr) return kStatusError;
  try {
    return state->currentEventVotes() >= n ? 1 : 0;
  } catch (...) {
    return kStatusError;
  }
}
static std::int32_t approval_jit_text_test(const Value* receiver, std::int32_t which, const Value* part) noexcept {
  const auto* s = receiver->textIf();
  const auto* p = part->textIf();
  if (s == nullptr || p == nullptr) return kStatusError;
  if (which == 0) return eval::containsText(*s, *p) ? 1 : 0;
  if (p->size() > s->size()) return 0;
  const char* start = which == 1 ? s->data() : s->data() + (s->size() - p->size());
  return sameBytes(start, p->data(), p->size()) ? 1 : 0;
}
static std::int32_t approval_jit_text_matches(const Value* text, const Value* pattern) noexcept {
  const auto* s = text->textIf();
  const auto* p = pattern->textIf();
  if (s == nullptr || p == nullptr) return kStatusError;
  try {
    const auto re = eval::compiledRegex(*p);
    if (!re->ok()) return kStatusError;
    return RE2::PartialMatch(*s, *re) ? 1 : 0;
  } catch (...) {
    return kStatusError;
  }
}
/// `needle in list` for a list whose static type is closed: CEL equality per element, with
/// the common same-kind cases compared directly. kStatusError when `list` is not a list
/// after all (IR whose annotations lie): the generic operator then reports it.
static std::int32_t approval_jit_list_contains(const Value* needle, const Value* list) noexcept {
  const auto* elements = std::get_if<std::shared_ptr<const ValueList>>(&list->data);
  if (elements == nullptr || *elements == nullptr) return kStatusError;
  const auto* text = needle->textIf();
  const auto* number = std::get_if<std::int64_t>(&needle->data);
  for (const auto& element : **elements) {
    if (text != nullptr) {
      if (const auto* other = element.textIf()) {
        if (other->size() == text->size() && sameBytes(other->data(), text->data(), text->size())) return 1;
        continue;
      }
    } else if (number != nullptr) {
      if (const auto* other = std::get_if<std::int64_t>(&element.data)) {
        if (*other == *number) return 1;
        continue;
      }
    }
    if (element == *needle) return 1;  // other kinds: CEL equality, numbers across kinds
  }
  return 0;
}

/// which: 0 contains, 1 startsWith, 2 endsWith.
static const Value* approval_jit_list(JitFrame* f, const Value* const* elements, std::int32_t count) {
  return guarded(f, [&] {
    ValueList list;
    list.reserve(static_cast<std::size_t>(count));
    for (std::int32_t i = 0; i < count; ++i) list.push_back(*elements[i]);
    return scratchOf(f).keep(Value(std::move(list)));
  });
}
static const Value* approval_jit_map(JitFrame* f, const Value* const* entries, std::int32_t count) {
  return guarded(f, [&]() -> const Value* {
    ValueMap map;
    for (std::int32_t i = 0; i < count; ++i) {
      if (auto problem = eval::mapKeyProblem(map, *entries[2 * i])) return failWith(f, std::move(*problem));
      map.emplace(*entries[2 * i], *entries[2 * i + 1]);
    }
    return scratchOf(f).keep(Value(std::move(map)));
  });
}

// ---- control flow support --------------------------------------------------------------------
/// 0 false, 1 true, 2 not a bool.
static std::int32_t approval_jit_bool_kind(const Value* v) {
  if (!v->is<bool>()) return 2;
  return v->as<bool>() ? 1 : 0;
}
/// Each side is an outcome: kind 0 false, 1 true, 3 the non-bool value `a` / `b`.
static const Value* approval_jit_logic_no_overload(JitFrame* f, std::int32_t op, std::int32_t aKind, const Value* a,
                                                   std::int32_t bKind, const Value* b) {
  return guarded(f, [&] {
    const std::string left = aKind == 3 ? eval::kindName(*a) : "bool";
    const std::string right = bKind == 3 ? eval::kindName(*b) : "bool";
    return failWith(f, "no such overload: " + left + " " + ast::spelling(static_cast<ast::BinaryOp>(op)) + " " + right);
  });
}
static const Value* approval_jit_conditional_no_overload(JitFrame* f, const Value* condition) {
  return guarded(f, [&] { return failWith(f, "no such overload: " + eval::kindName(*condition) + " ? _ : _"); });
}
/// The list a macro iterates: the range itself, or a map's keys.
static const Value* approval_jit_range(JitFrame* f, const Value* range, const Value* macro) {
  return guarded(f, [&]() -> const Value* {
    if (range->is<std::shared_ptr<const ValueList>>()) return range;
    if (range->is<std::shared_ptr<const ValueMap>>()) {
      ValueList keys;
      keys.reserve(range->map().size());
      for (const auto& entry : range->map()) keys.push_back(entry.first);
      return scratchOf(f).keep(Value(std::move(keys)));
    }
    return failWith(f, "no such overload: " + eval::kindName(*range) + "." + text(macro) + "()");
  });
}
// What an operation inside a macro counts as visited for the operands it reads: the
// interpreter's own parts (eval::readCost and the others), added up by generated code.
static std::int64_t approval_jit_read_cost(const Value* value) noexcept {
  return static_cast<std::int64_t>(eval::readCost(*value));
}
static std::int64_t approval_jit_text_cost(const Value* value) noexcept {
  return static_cast<std::int64_t>(eval::textCost(*value));
}
static std::int64_t approval_jit_list_cost(const Value* value) noexcept {
  return static_cast<std::int64_t>(eval::listCost(*value));
}
static std::int64_t approval_jit_range_cost(const Value* value) noexcept {
  return static_cast<std::int64_t>(eval::rangeCost(*value));
}
static std::int64_t approval_jit_list_size(const Value* list) {
  return static_cast<std::int64_t>(list->list().size());
}
static const Value* approval_jit_list_at(const Value* list, std::int64_t index) {
  return &list->list()[static_cast<std::size_t>(index)];
}
static const Value* approval_jit_predicate_not_bool(JitFrame* f, const Value* macro) {
  return guarded(f, [&] { return failWith(f, "predicate of `" + text(macro) + "` is not a bool"); });
}
static const Value** approval_jit_scratch_array(JitFrame* f, std::int64_t count) {
  try {
    auto& arrays = scratchOf(f).arrays;
    arrays.push_back(std::make_unique<const Value*[]>(static_cast<std::size_t>(count)));
    return arrays.back().get();
  } catch (const std::exception&) {
    return nullptr;  // generated code checks: an allocation failure is an error
  }
}
static ValueList* approval_jit_builder_new(JitFrame* f) {
  try {
    scratchOf(f).builders.push_back(std::make_unique<ValueList>());
    return scratchOf(f).builders.back().get();
  } catch (const std::exception&) {
    return nullptr;  // generated code checks: an allocation failure is an error
  }
}
static std::int32_t approval_jit_builder_push(JitFrame* f, ValueList* builder, const Value* element) {
  return guarded(f, [&]() -> std::int32_t {
    builder->push_back(*element);
    return 1;
  });
}
static const Value* approval_jit_builder_finish(JitFrame* f, ValueList* builder) {
  return guarded(f, [&] { return scratchOf(f).keep(Value(std::move(*builder))); });
}
/// Returns its error argument after storing it as the frame's error.
static const Value* approval_jit_error(JitFrame* f, const Value* message) {
  return guarded(f, [&] { return failWith(f, text(message)); });
}
/// The whole event as a map (the variable `event`); `names` lists the payload fields.
static const Value* approval_jit_event_map(JitFrame* f, const Value* names) {
  return guarded(f, [&]() -> const Value* {
    ValueMap fields;
    const auto& list = names->list();
    for (std::size_t i = 0; i < list.size(); ++i) {
      const Value* field = f->event[kEventPayloadSlot + i].value;
      if (field != nullptr) fields.emplace(list[i], *field);
    }
    fields[Value("actor")] = *f->event[kEventActorSlot].value;
    fields[Value("id")] = *f->event[kEventIdSlot].value;
    fields[Value("time")] = *f->event[kEventTimeSlot].value;
    return scratchOf(f).keep(Value(std::move(fields)));
  });
}
/// A guard's verdict from a boxed result: 0/1, or 2 with "guard is not a bool".
static std::int32_t approval_jit_guard_verdict(JitFrame* f, const Value* v) {
  if (v->is<bool>()) return v->as<bool>() ? 1 : 0;
  return guarded(f, [&]() -> std::int32_t {
    failWith(f, "guard is not a bool");
    return kStatusError;
  });
}

}  // extern "C"

std::span<const HelperSymbol> runtimeHelpers() {
  static const HelperSymbol helpers[] = {
      {"approval_jit_box_bool", reinterpret_cast<const void*>(&approval_jit_box_bool), "p:pi"},
      {"approval_jit_box_int", reinterpret_cast<const void*>(&approval_jit_box_int), "p:pl"},
      {"approval_jit_box_uint", reinterpret_cast<const void*>(&approval_jit_box_uint), "p:pl"},
      {"approval_jit_box_double", reinterpret_cast<const void*>(&approval_jit_box_double), "p:pd"},
      {"approval_jit_box_duration", reinterpret_cast<const void*>(&approval_jit_box_duration), "p:pl"},
      {"approval_jit_box_timestamp", reinterpret_cast<const void*>(&approval_jit_box_timestamp), "p:pl"},
      {"approval_jit_unbox", reinterpret_cast<const void*>(&approval_jit_unbox), "i:ppip"},
      {"approval_jit_binary", reinterpret_cast<const void*>(&approval_jit_binary), "p:pipp"},
      {"approval_jit_binary_bool", reinterpret_cast<const void*>(&approval_jit_binary_bool), "i:pipp"},
      {"approval_jit_unary", reinterpret_cast<const void*>(&approval_jit_unary), "p:pip"},
      {"approval_jit_index", reinterpret_cast<const void*>(&approval_jit_index), "p:ppp"},
      {"approval_jit_select", reinterpret_cast<const void*>(&approval_jit_select), "p:ppp"},
      {"approval_jit_has_field", reinterpret_cast<const void*>(&approval_jit_has_field), "i:ppp"},
      {"approval_jit_call", reinterpret_cast<const void*>(&approval_jit_call), "p:pppi"},
      {"approval_jit_has_quorum", reinterpret_cast<const void*>(&approval_jit_has_quorum), "i:p"},
      {"approval_jit_has_quorum_n", reinterpret_cast<const void*>(&approval_jit_has_quorum_n), "i:pl"},
      {"approval_jit_quorum_reached", reinterpret_cast<const void*>(&approval_jit_quorum_reached), "i:p"},
      {"approval_jit_votes_reach", reinterpret_cast<const void*>(&approval_jit_votes_reach), "i:pl"},
      {"approval_jit_text_test", reinterpret_cast<const void*>(&approval_jit_text_test), "i:pip"},
      {"approval_jit_text_matches", reinterpret_cast<const void*>(&approval_jit_text_matches), "i:pp"},
      {"approval_jit_list_contains", reinterpret_cast<const void*>(&approval_jit_list_contains), "i:pp"},
      {"approval_jit_string_test", reinterpret_cast<const void*>(&approval_jit_string_test), "i:ppip"},
      {"approval_jit_list", reinterpret_cast<const void*>(&approval_jit_list), "p:ppi"},
      {"approval_jit_map", reinterpret_cast<const void*>(&approval_jit_map), "p:ppi"},
      {"approval_jit_bool_kind", reinterpret_cast<const void*>(&approval_jit_bool_kind), "i:p"},
      {"approval_jit_logic_no_overload", reinterpret_cast<const void*>(&approval_jit_logic_no_overload), "p:piipip"},
      {"approval_jit_conditional_no_overload", reinterpret_cast<const void*>(&approval_jit_conditional_no_overload),
       "p:pp"},
      {"approval_jit_range", reinterpret_cast<const void*>(&approval_jit_range), "p:ppp"},
      {"approval_jit_list_size", reinterpret_cast<const void*>(&approval_jit_list_size), "l:p"},
      {"approval_jit_read_cost", reinterpret_cast<const void*>(&approval_jit_read_cost), "l:p"},
      {"approval_jit_text_cost", reinterpret_cast<const void*>(&approval_jit_text_cost), "l:p"},
      {"approval_jit_list_cost", reinterpret_cast<const void*>(&approval_jit_list_cost), "l:p"},
      {"approval_jit_range_cost", reinterpret_cast<const void*>(&approval_jit_range_cost), "l:p"},
      {"approval_jit_list_at", reinterpret_cast<const void*>(&approval_jit_list_at), "p:pl"},
      {"approval_jit_predicate_not_bool", reinterpret_cast<const void*>(&approval_jit_predicate_not_bool), "p:pp"},
      {"approval_jit_scratch_array", reinterpret_cast<const void*>(&approval_jit_scratch_array), "p:pl"},
      {"approval_jit_builder_new", reinterpret_cast<const void*>(&approval_jit_builder_new), "p:p"},
      {"approval_jit_builder_push", reinterpret_cast<const void*>(&approval_jit_builder_push), "i:ppp"},
      {"approval_jit_builder_finish", reinterpret_cast<const void*>(&approval_jit_builder_finish), "p:pp"},
      {"approval_jit_error", reinterpret_cast<const void*>(&approval_jit_error), "p:pp"},
      {"approval_jit_event_map", reinterpret_cast<const void*>(&approval_jit_event_map), "p:pp"},
      {"approval_jit_guard_verdict", reinterpret_cast<const void*>(&approval_jit_guard_verdict), "i:pp"},
  };
  return helpers;
}

}  // namespace approval::jit
