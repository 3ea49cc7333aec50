// The IR's versioned JSON form (docs/IR.md). The writer is total (any IR value serialises and
// the result always dumps, even with invalid UTF-8 inside); the reader trusts nothing: every
// key, type and index is checked, and a failure names the JSON path of the first problem.
#include "approval/ir_json.h"
#include "approval/json_input.h"
#include "approval/syntax.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <exception>
#include <initializer_list>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

namespace approval {
namespace {

using nlohmann::json;

constexpr std::string_view kFormatName = "approval-ir";
/// Deeper expressions are refused on load so that the recursive reader (and everything that
/// walks a loaded IR afterwards) has a bounded stack. The parser's own limit is far lower.
constexpr int kMaxExprDepth = static_cast<int>(kMaxSupportedNesting);
/// The JSON nesting an IR document may have: each expression level is two (its object and
/// its `operands` array), below at most ten of the document around the deepest root (an
/// action argument: document, machines, machine, transitions, transition, actions, action,
/// call, arguments) and above a leaf's `span` or `value`. The generic limit for instance
/// data (kMaxJsonNesting, 256) would refuse expressions past about 123 levels, which the
/// compiler writes (--max-nesting up to 512).
constexpr int kMaxIrJsonNesting = 2 * (kMaxExprDepth + 1) + 16;

// ---------------------------------------------------------------------------------------------
// Spellings shared by the writer and the reader, indexed by the enum's value. They are part of
// the file format, so they live here rather than being borrowed from ast::spelling.

constexpr std::array<std::string_view, 12> kExprKindNames = {
    "literal", "contextField", "eventField", "select", "call",        "index",
    "list",    "map",          "unary",      "binary", "conditional", "variable"};
constexpr std::array<std::string_view, 2> kUnaryOpNames = {"!", "-"};
constexpr std::array<std::string_view, 14> kBinaryOpNames = {
    "||", "&&", "<", "<=", ">", ">=", "==", "!=", "in", "+", "-", "*", "/", "%"};
constexpr std::array<std::string_view, 4> kCallKindNames = {"emit", "set", "compensate", "host"};
constexpr std::array<std::string_view, 4> kQuorumKindNames = {"count", "percent", "all",
                                                              "majority"};

template <typename Enum, std::size_t N>
std::string nameOf(const std::array<std::string_view, N>& names, Enum value) {
  const auto index = static_cast<std::size_t>(value);
  return index < N ? std::string(names[index]) : fmt::format("<invalid {}>", index);
}

/// The expression keys whose presence depends on the kind. A kind's own keys are always
/// written and required on load; the others appear only when not at their default value.
enum class ExprKey { Value, Name, Ref, UnaryOp, BinaryOp, Operands };

bool kindUses(ir::ExprKind kind, ExprKey key) {
  using K = ir::ExprKind;
  switch (key) {
    case ExprKey::Value: return kind == K::Literal;
    case ExprKey::Name:
      return kind == K::EventField || kind == K::Select || kind == K::Call || kind == K::Variable;
    case ExprKey::Ref: return kind == K::ContextField;
    case ExprKey::UnaryOp: return kind == K::Unary;
    case ExprKey::BinaryOp: return kind == K::Binary;
    case ExprKey::Operands:
      return kind != K::Literal && kind != K::ContextField && kind != K::EventField &&
             kind != K::Variable;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Text helpers.

/// Strict UTF-8 (no overlongs, surrogates or code points past U+10FFFF): exactly what
/// nlohmann::json::dump accepts without throwing.
bool isValidUtf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    if (lead < 0x80) {
      ++i;
      continue;
    }
    std::size_t length = 0;
    unsigned char min = 0x80;
    unsigned char max = 0xBF;  // allowed range of the second byte
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      if (lead == 0xE0) min = 0xA0;
      if (lead == 0xED) max = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      if (lead == 0xF0) min = 0x90;
      if (lead == 0xF4) max = 0x8F;
    } else {
      return false;
    }
    if (i + length > text.size()) return false;
    const auto second = static_cast<unsigned char>(text[i + 1]);
    if (second < min || second > max) return false;
    for (std::size_t k = 2; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if (next < 0x80 || next > 0xBF) return false;
    }
    i += length;
  }
  return true;
}

/// Names and paths come from validated UTF-8 sources, but a hand-built IR (or a file name on
/// a Linux disk) may not be; replacing bad bytes keeps dump() from throwing.
std::string utf8Safe(std::string_view text) {
  if (isValidUtf8(text)) return std::string(text);
  std::string out;
  for (char c : text) {
    if (static_cast<unsigned char>(c) < 0x80) {
      out += c;
    } else {
      out += "\xEF\xBF\xBD";  // U+FFFD, one per byte: lossy, but only for broken input
    }
  }
  return out;
}

constexpr std::string_view kBase64Alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64Encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    std::uint32_t chunk = static_cast<unsigned char>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) chunk |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    if (i + 2 < bytes.size()) chunk |= static_cast<unsigned char>(bytes[i + 2]);
    out += kBase64Alphabet[(chunk >> 18) & 63];
    out += kBase64Alphabet[(chunk >> 12) & 63];
    out += i + 1 < bytes.size() ? kBase64Alphabet[(chunk >> 6) & 63] : '=';
    out += i + 2 < bytes.size() ? kBase64Alphabet[chunk & 63] : '=';
  }
  return out;
}

/// Strict decoding: padded, canonical alphabet, no whitespace.
std::optional<std::string> base64Decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out;
  for (std::size_t i = 0; i < text.size(); i += 4) {
    std::uint32_t chunk = 0;
    int padding = 0;
    for (std::size_t k = 0; k < 4; ++k) {
      const char c = text[i + k];
      const bool last = i + 4 == text.size();
      if (c == '=' && last && k >= 2 && (k == 3 || text[i + 3] == '=')) {
        ++padding;
        chunk <<= 6;
        continue;
      }
      const auto position = kBase64Alphabet.find(c);
      if (position == std::string_view::npos || padding > 0) return std::nullopt;
      chunk = (chunk << 6) | static_cast<std::uint32_t>(position);
    }
    out += static_cast<char>((chunk >> 16) & 0xFF);
    if (padding < 2) out += static_cast<char>((chunk >> 8) & 0xFF);
    if (padding < 1) out += static_cast<char>(chunk & 0xFF);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Writer.

class Writer {
 public:
  explicit Writer(const IrJsonOptions& options) : options_(options) {}

  json machine(const ir::Machine& m) const {
    json out = json::object();
    out["name"] = utf8Safe(m.name);
    out["version"] = m.version;
    if (options_.includeHash && !m.contentHash.empty())
      out["contentHash"] = utf8Safe(m.contentHash);
    if (!m.sourcePath.empty()) out["sourcePath"] = utf8Safe(m.sourcePath);
    out["context"] = list(m.context, [this](const ir::Field& f) { return field(f); });
    out["events"] = list(m.events, [this](const ir::Event& e) { return event(e); });
    out["states"] = list(m.states, [](const ir::State& s) {
      return json{{"name", utf8Safe(s.name)}, {"isFinal", s.isFinal}};
    });
    out["initial"] = m.initial;
    out["quorum"] = quorum(m.quorum);
    out["transitions"] =
        list(m.transitions, [this](const ir::Transition& t) { return transition(t); });
    out["table"] = list(m.table, [](const ir::StateTable& row) { return stateTable(row); });
    out["routes"] = list(m.routes, [](const ir::Route& r) {
      return json{{"event", r.event}, {"targets", strings(r.targets)}};
    });
    out["hostActions"] = list(m.hostActions, [](const ir::HostAction& h) {
      return json{{"name", utf8Safe(h.name)}, {"arity", h.arity}};
    });
    return out;
  }

 private:
  template <typename T, typename Convert>
  static json list(const std::vector<T>& items, Convert convert) {
    json out = json::array();
    for (const auto& item : items) out.push_back(convert(item));
    return out;
  }

  static json strings(const std::vector<std::string>& items) {
    return list(items, [](const std::string& s) { return json(utf8Safe(s)); });
  }

  void addSpan(json& out, const SourceSpan& span) const {
    const bool empty =
        span.line == 0 && span.column == 0 && span.endLine == 0 && span.endColumn == 0;
    if (options_.includeSpans && !empty) {
      out["span"] = json::array({span.line, span.column, span.endLine, span.endColumn});
    }
  }

  static json literal(const ast::LiteralValue& value) {
    struct Visitor {
      json operator()(const ast::NullValue&) const { return nullptr; }
      json operator()(bool b) const { return b; }
      json operator()(std::int64_t i) const { return i; }
      // Tagged: a bare JSON number would come back as int64 (or fail to fit).
      json operator()(std::uint64_t u) const { return json{{"uint", std::to_string(u)}}; }
      json operator()(double d) const {
        if (std::isnan(d)) return json{{"double", "nan"}};
        if (std::isinf(d)) return json{{"double", d > 0 ? "inf" : "-inf"}};
        return d;  // dump() always writes a '.' or exponent, so it re-reads as a float
      }
      json operator()(const std::string& s) const {
        if (isValidUtf8(s)) return s;
        return json{{"stringBase64", base64Encode(s)}};
      }
      json operator()(const ast::Bytes& b) const { return json{{"bytes", base64Encode(b.value)}}; }
      json operator()(const ast::Duration& d) const { return json{{"durationMs", d.milliseconds}}; }
    };
    return std::visit(Visitor{}, value);
  }

  /// A key is written when the node's kind uses it, or when it holds something other than
  /// its default (so that even a hand-built oddity round-trips exactly).
  json expr(const ir::Expr& e) const {
    const auto wanted = [&](ExprKey key, bool isDefault) {
      return kindUses(e.kind, key) || !isDefault;
    };
    json out = json::object();
    out["kind"] = nameOf(kExprKindNames, e.kind);
    if (wanted(ExprKey::Value, std::holds_alternative<ast::NullValue>(e.literal))) {
      out["value"] = literal(e.literal);
    }
    if (wanted(ExprKey::Name, e.name.empty())) out["name"] = utf8Safe(e.name);
    if (wanted(ExprKey::Ref, e.ref == 0)) out["ref"] = e.ref;
    if (e.receiverCall) out["receiverCall"] = true;
    if (wanted(ExprKey::UnaryOp, e.unaryOp == ast::UnaryOp::Not)) {
      out["unaryOp"] = nameOf(kUnaryOpNames, e.unaryOp);
    }
    if (wanted(ExprKey::BinaryOp, e.binaryOp == ast::BinaryOp::Or)) {
      out["binaryOp"] = nameOf(kBinaryOpNames, e.binaryOp);
    }
    if (wanted(ExprKey::Operands, e.operands.empty())) {
      out["operands"] = list(e.operands, [this](const ir::Expr& o) { return expr(o); });
    }
    if (!(e.type == Type::of(TypeKind::Dyn))) out["type"] = e.type.spelling();
    addSpan(out, e.span);
    return out;
  }

  json field(const ir::Field& f) const {
    json out = {{"name", utf8Safe(f.name)}, {"type", utf8Safe(f.type)}};
    if (f.defaultValue) out["defaultValue"] = expr(*f.defaultValue);
    return out;
  }

  json event(const ir::Event& e) const {
    return json{{"name", utf8Safe(e.name)},
                {"declared", e.declared},
                {"payload", list(e.payload, [this](const ir::Field& f) { return field(f); })}};
  }

  json call(const ir::Call& c) const {
    return json{{"kind", nameOf(kCallKindNames, c.kind)},
                {"name", utf8Safe(c.name)},
                {"arguments", list(c.arguments, [this](const ir::Expr& a) { return expr(a); })}};
  }

  json transition(const ir::Transition& t) const {
    json out = {{"source", t.source}, {"target", t.target}, {"declaration", t.declaration}};
    if (t.event) out["event"] = *t.event;
    if (t.delayMs) out["delayMs"] = *t.delayMs;
    if (t.guard) out["guard"] = expr(*t.guard);
    out["actions"] = list(t.actions, [this](const ir::Action& a) {
      json action = {{"call", call(a.call)}};
      if (a.compensation) action["compensation"] = call(*a.compensation);
      return action;
    });
    addSpan(out, t.span);
    return out;
  }

  static json stateTable(const ir::StateTable& row) {
    return json{{"events", list(row.events,
                                [](const ir::EventRow& r) {
                                  return json{{"event", r.event}, {"transitions", r.transitions}};
                                })},
                {"timers", row.timers}};
  }

  static json quorum(const ir::Quorum& q) {
    json out = {
        {"kind", nameOf(kQuorumKindNames, q.kind)}, {"value", q.value}, {"isDefault", q.isDefault}};
    if (q.field) out["field"] = *q.field;
    return out;
  }

  IrJsonOptions options_;
};

// ---------------------------------------------------------------------------------------------
// Reader. Problems are thrown as LoadError inside this file only and turned into an Error at
// the API boundary; exceptions keep every check a one-liner.

struct LoadError {
  std::string message;
};

[[noreturn]] void fail(const std::string& path, std::string_view message) {
  throw LoadError{fmt::format("{}: {}", path.empty() ? "<root>" : path, message)};
}

std::string child(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : fmt::format("{}.{}", path, key);
}

std::string element(const std::string& path, std::size_t index) {
  return fmt::format("{}[{}]", path, index);
}

std::string typeName(const json& value) {
  if (value.is_number_float()) return "float";
  if (value.is_number()) return "integer";
  return value.type_name();
}

[[noreturn]] void wrongType(const json& value, const std::string& path, std::string_view expected) {
  fail(path, fmt::format("expected {}, got {}", expected, typeName(value)));
}

/// The sizes of a machine's tables, known before its elements are read, for index checks.
struct MachineShape {
  std::size_t contextFields = 0;
  std::size_t events = 0;
  std::size_t states = 0;
  std::size_t transitions = 0;
  std::vector<std::optional<Type>> contextTypes;  // by field, once read; nothing where the type is unreadable
};

/// Whether a literal's value is what its annotated type says. The evaluators pick operations
/// by the annotation, so a literal that contradicts it would make the JIT and the
/// interpreter disagree.
bool literalFits(const ast::LiteralValue& value, const Type& type) {
  switch (type.kind) {
    case TypeKind::Error:
    case TypeKind::Dyn: return true;
    case TypeKind::Null: return std::holds_alternative<ast::NullValue>(value);
    case TypeKind::Bool: return std::holds_alternative<bool>(value);
    case TypeKind::Int: return std::holds_alternative<std::int64_t>(value);
    case TypeKind::Uint: return std::holds_alternative<std::uint64_t>(value);
    case TypeKind::Double: return std::holds_alternative<double>(value);
    case TypeKind::String: return std::holds_alternative<std::string>(value);
    case TypeKind::Bytes: return std::holds_alternative<ast::Bytes>(value);
    case TypeKind::Duration: return std::holds_alternative<ast::Duration>(value);
    default: return false;  // no literal is a timestamp, list or map
  }
}

class Reader {
 public:
  ir::Program program(const json& root) {
    const std::string path;
    if (!root.is_object()) wrongType(root, path, "object");
    // Format and version first: a file from another version should say so, not trip over
    // a key this version does not know.
    const json& format = member(root, path, "format");
    if (!format.is_string()) wrongType(format, "format", "string");
    if (format.get_ref<const std::string&>() != kFormatName) {
      fail("format", fmt::format("expected \"{}\", got \"{}\"", kFormatName,
                                 utf8Safe(format.get_ref<const std::string&>().substr(0, 80))));
    }
    const auto version = integer(member(root, path, "version"), "version");
    if (version != ir::kFormatVersion) {
      fail("version", fmt::format("unsupported IR version {} (this build reads version {})",
                                  version, ir::kFormatVersion));
    }
    onlyKeys(root, path, {"format", "version", "machines"});
    ir::Program result;
    const std::string machinesPath = "machines";
    const json& machines = array(member(root, path, "machines"), machinesPath);
    for (std::size_t i = 0; i < machines.size(); ++i) {
      result.machines.push_back(machine(machines[i], element(machinesPath, i)));
    }
    return result;
  }

 private:
  // --- Generic accessors ----------------------------------------------------------------------

  static const json& member(const json& object, const std::string& path, std::string_view key) {
    const auto found = object.find(key);
    if (found == object.end()) fail(child(path, key), "missing required key");
    return *found;
  }

  static const json* optionalMember(const json& object, std::string_view key) {
    const auto found = object.find(key);
    return found == object.end() ? nullptr : &*found;
  }

  static void object(const json& value, const std::string& path,
                     std::initializer_list<std::string_view> allowed) {
    if (!value.is_object()) wrongType(value, path, "object");
    onlyKeys(value, path, allowed);
  }

  static void onlyKeys(const json& value, const std::string& path,
                       std::initializer_list<std::string_view> allowed) {
    for (auto it = value.begin(); it != value.end(); ++it) {
      bool known = false;
      for (std::string_view name : allowed) known = known || it.key() == name;
      if (!known) fail(child(path, it.key()), "unknown key");
    }
  }

  static const json& array(const json& value, const std::string& path) {
    if (!value.is_array()) wrongType(value, path, "array");
    return value;
  }

  static std::string string(const json& value, const std::string& path) {
    if (!value.is_string()) wrongType(value, path, "string");
    return value.get<std::string>();
  }

  static bool boolean(const json& value, const std::string& path) {
    if (!value.is_boolean()) wrongType(value, path, "boolean");
    return value.get<bool>();
  }

  static std::int64_t integer(const json& value, const std::string& path) {
    if (value.is_number_unsigned()) {
      const auto u = value.get<std::uint64_t>();
      if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        fail(path, fmt::format("{} does not fit a 64-bit signed integer", u));
      }
      return static_cast<std::int64_t>(u);
    }
    if (!value.is_number_integer()) wrongType(value, path, "integer");
    return value.get<std::int64_t>();
  }

  static std::uint32_t uint32(const json& value, const std::string& path) {
    const auto i = integer(value, path);
    if (i < 0 || i > std::numeric_limits<std::uint32_t>::max()) {
      fail(path, fmt::format("{} is not in 0..{}", i, std::numeric_limits<std::uint32_t>::max()));
    }
    return static_cast<std::uint32_t>(i);
  }

  /// An index into one of the machine's tables; `what` is the table's plural noun.
  static std::uint32_t index(const json& value, const std::string& path, std::size_t count,
                             std::string_view what) {
    const auto i = uint32(value, path);
    if (i >= count) {
      fail(path, fmt::format("index {} out of range (machine has {} {})", i, count, what));
    }
    return i;
  }

  template <typename Enum, std::size_t N>
  static Enum enumeration(const json& value, const std::string& path,
                          const std::array<std::string_view, N>& names) {
    const std::string text = string(value, path);
    for (std::size_t i = 0; i < N; ++i) {
      if (names[i] == text) return static_cast<Enum>(i);
    }
    std::string expected;
    for (std::size_t i = 0; i < N; ++i) {
      expected += fmt::format("{}\"{}\"", i == 0 ? "" : ", ", names[i]);
    }
    fail(path, fmt::format("unknown value \"{}\" (expected one of {})", text, expected));
  }

  static SourceSpan span(const json& object, const std::string& path) {
    SourceSpan result;
    const json* value = optionalMember(object, "span");
    if (value == nullptr) return result;
    const std::string spanPath = child(path, "span");
    if (!value->is_array() || value->size() != 4) {
      fail(spanPath, "expected [line, column, endLine, endColumn]");
    }
    result.line = uint32((*value)[0], element(spanPath, 0));
    result.column = uint32((*value)[1], element(spanPath, 1));
    result.endLine = uint32((*value)[2], element(spanPath, 2));
    result.endColumn = uint32((*value)[3], element(spanPath, 3));
    return result;
  }

  template <typename T, typename ReadOne>
  static std::vector<T> list(const json& value, const std::string& path, ReadOne readOne) {
    std::vector<T> out;
    array(value, path);
    out.reserve(value.size());
    for (std::size_t i = 0; i < value.size(); ++i)
      out.push_back(readOne(value[i], element(path, i)));
    return out;
  }

  // --- Literals and expressions ---------------------------------------------------------------

  static ast::LiteralValue literal(const json& value, const std::string& path) {
    if (value.is_null()) return ast::NullValue{};
    if (value.is_boolean()) return value.get<bool>();
    if (value.is_number_float()) return value.get<double>();
    if (value.is_number()) return integer(value, path);
    if (value.is_string()) return value.get<std::string>();
    if (!value.is_object() || value.size() != 1) {
      fail(path,
           "expected null, boolean, number, string, or an object with one of "
           "\"uint\", \"double\", \"bytes\", \"durationMs\", \"stringBase64\"");
    }
    const std::string tag = value.begin().key();
    const json& payload = value.begin().value();
    const std::string payloadPath = child(path, tag);
    if (tag == "uint") {
      const std::string digits = string(payload, payloadPath);
      std::uint64_t u = 0;
      const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), u);
      if (digits.empty() || error != std::errc{} || end != digits.data() + digits.size()) {
        fail(payloadPath, fmt::format("\"{}\" is not a 64-bit unsigned decimal", digits));
      }
      return u;
    }
    if (tag == "double") {
      const std::string text = string(payload, payloadPath);
      if (text == "inf") return std::numeric_limits<double>::infinity();
      if (text == "-inf") return -std::numeric_limits<double>::infinity();
      if (text == "nan") return std::numeric_limits<double>::quiet_NaN();
      fail(payloadPath, fmt::format("expected \"inf\", \"-inf\" or \"nan\", got \"{}\"", text));
    }
    if (tag == "bytes" || tag == "stringBase64") {
      auto decoded = base64Decode(string(payload, payloadPath));
      if (!decoded) fail(payloadPath, "not valid padded base64");
      if (tag == "bytes") return ast::Bytes{std::move(*decoded)};
      return std::move(*decoded);
    }
    if (tag == "durationMs") {
      // The compiler's bound: guards hold durations as int64 nanoseconds, and a literal past
      // it would be an error on every evaluation instead of a refusal now.
      const std::int64_t milliseconds = integer(payload, payloadPath);
      if (milliseconds > ast::Duration::kMaxMilliseconds || milliseconds < -ast::Duration::kMaxMilliseconds) {
        fail(payloadPath, fmt::format("a duration is at most {} ms either way (about 292 years of nanoseconds)",
                                      ast::Duration::kMaxMilliseconds));
      }
      return ast::Duration{milliseconds};
    }
    fail(payloadPath, "unknown literal tag");
  }

  static void checkOperandCount(ir::ExprKind kind, bool receiverCall, std::size_t actual,
                                const std::string& path) {
    using K = ir::ExprKind;
    std::optional<std::size_t> exact;
    switch (kind) {
      case K::Select:
      case K::Unary: exact = 1; break;
      case K::Index:
      case K::Binary: exact = 2; break;
      case K::Conditional: exact = 3; break;
      case K::Map:
        if (actual % 2 != 0)
          fail(path, fmt::format("a map needs key/value pairs, got {} operands", actual));
        break;
      case K::Call:
        if (receiverCall && actual == 0)
          fail(path, "a receiver call needs its receiver as operand 0");
        break;
      default: break;
    }
    if (exact && actual != *exact) {
      fail(path, fmt::format("a {} expression takes {} operand{}, got {}",
                             kExprKindNames[static_cast<std::size_t>(kind)], *exact,
                             *exact == 1 ? "" : "s", actual));
    }
  }

  ir::Expr expr(const json& value, const std::string& path, int depth = 0) {
    if (depth > kMaxExprDepth)
      fail(path, fmt::format("expression nested deeper than {}", kMaxExprDepth));
    object(value, path,
           {"kind", "value", "name", "ref", "receiverCall", "unaryOp", "binaryOp", "operands",
            "span", "type"});
    ir::Expr e;
    e.kind =
        enumeration<ir::ExprKind>(member(value, path, "kind"), child(path, "kind"), kExprKindNames);
    // The kind's own keys are required; any other key is read if present (see kindUses).
    const auto find = [&](std::string_view name, ExprKey key) -> const json* {
      return kindUses(e.kind, key) ? &member(value, path, name) : optionalMember(value, name);
    };
    if (const json* v = find("value", ExprKey::Value))
      e.literal = literal(*v, child(path, "value"));
    if (const json* v = find("name", ExprKey::Name)) {
      e.name = string(*v, child(path, "name"));
      if (kindUses(e.kind, ExprKey::Name) && e.name.empty()) {
        fail(child(path, "name"), "must not be empty");
      }
    }
    if (const json* v = find("ref", ExprKey::Ref)) {
      e.ref = kindUses(e.kind, ExprKey::Ref)
                  ? index(*v, child(path, "ref"), shape_.contextFields, "context fields")
                  : uint32(*v, child(path, "ref"));
    }
    if (const json* v = optionalMember(value, "receiverCall")) {
      e.receiverCall = boolean(*v, child(path, "receiverCall"));
    }
    if (const json* v = find("unaryOp", ExprKey::UnaryOp)) {
      e.unaryOp = enumeration<ast::UnaryOp>(*v, child(path, "unaryOp"), kUnaryOpNames);
    }
    if (const json* v = find("binaryOp", ExprKey::BinaryOp)) {
      e.binaryOp = enumeration<ast::BinaryOp>(*v, child(path, "binaryOp"), kBinaryOpNames);
    }
    const std::string operandsPath = child(path, "operands");
    if (const json* v = find("operands", ExprKey::Operands)) {
      e.operands = list<ir::Expr>(*v, operandsPath, [&](const json& o, const std::string& p) {
        return expr(o, p, depth + 1);
      });
    }
    checkOperandCount(e.kind, e.receiverCall, e.operands.size(), operandsPath);
    if (const json* v = optionalMember(value, "type")) {
      const std::string typePath = child(path, "type");
      const auto type = parseType(string(*v, typePath));
      if (!type || type->is(TypeKind::Parameter)) fail(typePath, "not a type");
      e.type = *type;
      checkLeafType(e, typePath);
    }
    e.span = span(value, path);
    return e;
  }

  /// A literal's value and a context field's declared type must be the node's type: what the
  /// compiler writes, and what the evaluators rely on.
  void checkLeafType(const ir::Expr& e, const std::string& typePath) const {
    if (e.kind == ir::ExprKind::Literal && !literalFits(e.literal, e.type)) {
      const std::string spelled = e.type.spelling();
      fail(typePath, fmt::format("the literal's value is not {} {}", spelled.starts_with("int") ? "an" : "a", spelled));
    }
    if (e.kind == ir::ExprKind::ContextField && e.ref < shape_.contextTypes.size()) {
      const auto& declared = shape_.contextTypes[e.ref];
      if (declared && !declared->isOpen() && !e.type.isOpen() && !(*declared == e.type)) {
        fail(typePath, fmt::format("context field {} is declared {}, not {}", e.ref, declared->spelling(),
                                   e.type.spelling()));
      }
    }
  }

  // --- Machine parts --------------------------------------------------------------------------

  ir::Field field(const json& value, const std::string& path) {
    object(value, path, {"name", "type", "defaultValue"});
    ir::Field f;
    f.name = string(member(value, path, "name"), child(path, "name"));
    f.type = string(member(value, path, "type"), child(path, "type"));
    const auto type = parseType(f.type);
    if (!type || type->is(TypeKind::Parameter)) fail(child(path, "type"), "not a type");
    if (const json* v = optionalMember(value, "defaultValue"))
      f.defaultValue = expr(*v, child(path, "defaultValue"));
    return f;
  }

  ir::Event event(const json& value, const std::string& path) {
    object(value, path, {"name", "declared", "payload"});
    ir::Event e;
    e.name = string(member(value, path, "name"), child(path, "name"));
    e.declared = boolean(member(value, path, "declared"), child(path, "declared"));
    e.payload =
        list<ir::Field>(member(value, path, "payload"), child(path, "payload"),
                        [this](const json& f, const std::string& p) { return field(f, p); });
    return e;
  }

  static ir::State state(const json& value, const std::string& path) {
    object(value, path, {"name", "isFinal"});
    ir::State s;
    s.name = string(member(value, path, "name"), child(path, "name"));
    s.isFinal = boolean(member(value, path, "isFinal"), child(path, "isFinal"));
    return s;
  }

  ir::Call call(const json& value, const std::string& path) {
    object(value, path, {"kind", "name", "arguments"});
    ir::Call c;
    c.kind = enumeration<ir::Call::Kind>(member(value, path, "kind"), child(path, "kind"),
                                         kCallKindNames);
    c.name = string(member(value, path, "name"), child(path, "name"));
    c.arguments =
        list<ir::Expr>(member(value, path, "arguments"), child(path, "arguments"),
                       [this](const json& a, const std::string& p) { return expr(a, p); });
    return c;
  }

  ir::Action action(const json& value, const std::string& path) {
    object(value, path, {"call", "compensation"});
    ir::Action a;
    a.call = call(member(value, path, "call"), child(path, "call"));
    if (const json* v = optionalMember(value, "compensation"))
      a.compensation = call(*v, child(path, "compensation"));
    return a;
  }

  ir::Transition transition(const json& value, const std::string& path) {
    object(value, path,
           {"source", "target", "event", "delayMs", "guard", "actions", "declaration", "span"});
    ir::Transition t;
    t.source = index(member(value, path, "source"), child(path, "source"), shape_.states, "states");
    t.target = index(member(value, path, "target"), child(path, "target"), shape_.states, "states");
    const json* eventValue = optionalMember(value, "event");
    const json* delayValue = optionalMember(value, "delayMs");
    if ((eventValue == nullptr) == (delayValue == nullptr)) {
      fail(path, "a transition needs exactly one of \"event\" and \"delayMs\"");
    }
    if (eventValue != nullptr)
      t.event = index(*eventValue, child(path, "event"), shape_.events, "events");
    if (delayValue != nullptr) {
      t.delayMs = integer(*delayValue, child(path, "delayMs"));
      if (*t.delayMs < 0) fail(child(path, "delayMs"), "a delay cannot be negative");
      // The runtime arms a timer in nanoseconds: a longer delay would overflow.
      if (*t.delayMs > ast::Duration::kMaxMilliseconds) {
        fail(child(path, "delayMs"), fmt::format("a delay is at most {} ms (about 292 years of nanoseconds)",
                                                 ast::Duration::kMaxMilliseconds));
      }
    }
    if (const json* v = optionalMember(value, "guard")) t.guard = expr(*v, child(path, "guard"));
    t.actions =
        list<ir::Action>(member(value, path, "actions"), child(path, "actions"),
                         [this](const json& a, const std::string& p) { return action(a, p); });
    t.declaration = uint32(member(value, path, "declaration"), child(path, "declaration"));
    t.span = span(value, path);
    return t;
  }

  ir::Quorum quorum(const json& value, const std::string& path) const {
    object(value, path, {"kind", "value", "field", "isDefault"});
    ir::Quorum q;
    using Kind = ir::QuorumKind;
    q.kind = enumeration<Kind>(member(value, path, "kind"), child(path, "kind"), kQuorumKindNames);
    const std::string kindName(kQuorumKindNames[static_cast<std::size_t>(q.kind)]);
    q.value = integer(member(value, path, "value"), child(path, "value"));
    if (q.value < 0 || (q.kind == Kind::Percent && (q.value < 1 || q.value > 100))) {
      fail(child(path, "value"), fmt::format("{} is not a valid {} quorum", q.value, kindName));
    }
    if (const json* v = optionalMember(value, "field")) {
      q.field = index(*v, child(path, "field"), shape_.contextFields, "context fields");
    } else if (q.kind != Kind::Count) {
      // The runtime counts voters against this list; without it the policy means nothing.
      fail(child(path, "field"), fmt::format("a {} quorum needs the voter list field", kindName));
    }
    q.isDefault = boolean(member(value, path, "isDefault"), child(path, "isDefault"));
    return q;
  }

  ir::Route route(const json& value, const std::string& path) const {
    object(value, path, {"event", "targets"});
    ir::Route r;
    r.event = index(member(value, path, "event"), child(path, "event"), shape_.events, "events");
    r.targets = list<std::string>(member(value, path, "targets"), child(path, "targets"),
                                  [](const json& s, const std::string& p) { return string(s, p); });
    return r;
  }

  static ir::HostAction hostAction(const json& value, const std::string& path) {
    object(value, path, {"name", "arity"});
    ir::HostAction h;
    h.name = string(member(value, path, "name"), child(path, "name"));
    h.arity = uint32(member(value, path, "arity"), child(path, "arity"));
    return h;
  }

  std::vector<ir::TransitionIndex> transitionIndices(const json& value,
                                                     const std::string& path) const {
    return list<ir::TransitionIndex>(value, path, [this](const json& i, const std::string& p) {
      return index(i, p, shape_.transitions, "transitions");
    });
  }

  ir::StateTable stateTable(const json& value, const std::string& path) const {
    object(value, path, {"events", "timers"});
    ir::StateTable row;
    row.events = list<ir::EventRow>(
        member(value, path, "events"), child(path, "events"),
        [this](const json& r, const std::string& p) {
          object(r, p, {"event", "transitions"});
          ir::EventRow eventRow;
          eventRow.event = index(member(r, p, "event"), child(p, "event"), shape_.events, "events");
          eventRow.transitions =
              transitionIndices(member(r, p, "transitions"), child(p, "transitions"));
          return eventRow;
        });
    row.timers = transitionIndices(member(value, path, "timers"), child(path, "timers"));
    return row;
  }

  /// The dispatch table must agree with the transitions it points at, or the runtime would
  /// fire an edge from the wrong state or on the wrong trigger.
  static void checkTable(const ir::Machine& m, const std::string& path) {
    const std::string tablePath = child(path, "table");
    if (m.table.size() != m.states.size()) {
      fail(tablePath, fmt::format("has {} rows, expected one per state ({})", m.table.size(),
                                  m.states.size()));
    }
    std::vector<bool> listed(m.transitions.size(), false);
    const auto claim = [&](ir::TransitionIndex t, const std::string& at) {
      if (listed[t]) fail(at, fmt::format("transition {} is listed twice in the table", t));
      listed[t] = true;
    };
    for (std::size_t s = 0; s < m.table.size(); ++s) {
      const std::string rowPath = element(tablePath, s);
      const auto& row = m.table[s];
      for (std::size_t r = 0; r < row.events.size(); ++r) {
        const std::string eventRowPath = element(child(rowPath, "events"), r);
        const auto& eventRow = row.events[r];
        if (r > 0 && row.events[r - 1].event >= eventRow.event) {
          fail(child(eventRowPath, "event"),
               "event rows must be sorted by event index, without repeats");
        }
        for (std::size_t k = 0; k < eventRow.transitions.size(); ++k) {
          const std::string at = element(child(eventRowPath, "transitions"), k);
          const auto t = eventRow.transitions[k];
          const auto& transition = m.transitions[t];
          if (transition.source != s || transition.event != eventRow.event) {
            fail(at, fmt::format("transition {} is not from state {} on event {}", t, s,
                                 eventRow.event));
          }
          claim(t, at);
        }
      }
      for (std::size_t k = 0; k < row.timers.size(); ++k) {
        const std::string at = element(child(rowPath, "timers"), k);
        const auto t = row.timers[k];
        const auto& transition = m.transitions[t];
        if (transition.source != s || !transition.delayMs) {
          fail(at, fmt::format("transition {} is not a timer of state {}", t, s));
        }
        if (k > 0 && *m.transitions[row.timers[k - 1]].delayMs > *transition.delayMs) {
          fail(at, "timers must be sorted by delay");
        }
        claim(t, at);
      }
    }
  }

  ir::Machine machine(const json& value, const std::string& path) {
    object(value, path,
           {"name", "version", "contentHash", "sourcePath", "context", "events", "states",
            "initial", "quorum", "transitions", "table", "routes", "hostActions"});
    // Sizes first, so that references anywhere (even a default value) can be range-checked.
    shape_.contextFields = array(member(value, path, "context"), child(path, "context")).size();
    shape_.events = array(member(value, path, "events"), child(path, "events")).size();
    shape_.states = array(member(value, path, "states"), child(path, "states")).size();
    shape_.transitions =
        array(member(value, path, "transitions"), child(path, "transitions")).size();
    shape_.contextTypes.clear();  // known once the context is read: what guards and actions are checked against

    ir::Machine m;
    m.name = string(member(value, path, "name"), child(path, "name"));
    m.version = integer(member(value, path, "version"), child(path, "version"));
    if (const json* v = optionalMember(value, "contentHash"))
      m.contentHash = string(*v, child(path, "contentHash"));
    if (const json* v = optionalMember(value, "sourcePath"))
      m.sourcePath = string(*v, child(path, "sourcePath"));
    m.context =
        list<ir::Field>(member(value, path, "context"), child(path, "context"),
                        [this](const json& f, const std::string& p) { return field(f, p); });
    for (const auto& field : m.context) shape_.contextTypes.push_back(parseType(field.type));
    m.events = list<ir::Event>(member(value, path, "events"), child(path, "events"),
                               [this](const json& e, const std::string& p) { return event(e, p); });
    m.states = list<ir::State>(member(value, path, "states"), child(path, "states"), state);
    m.initial =
        index(member(value, path, "initial"), child(path, "initial"), shape_.states, "states");
    m.quorum = quorum(member(value, path, "quorum"), child(path, "quorum"));
    m.transitions = list<ir::Transition>(
        member(value, path, "transitions"), child(path, "transitions"),
        [this](const json& t, const std::string& p) { return transition(t, p); });
    m.table = list<ir::StateTable>(
        member(value, path, "table"), child(path, "table"),
        [this](const json& t, const std::string& p) { return stateTable(t, p); });
    m.routes = list<ir::Route>(member(value, path, "routes"), child(path, "routes"),
                               [this](const json& r, const std::string& p) { return route(r, p); });
    m.hostActions = list<ir::HostAction>(member(value, path, "hostActions"),
                                         child(path, "hostActions"), hostAction);
    checkTable(m, path);
    checkRouteTargets(m, path);
    return m;
  }

  /// Each target once per event, across the routes: the runtime delivers an event once per
  /// target it lists (the compiler reports a repeat as E0214).
  static void checkRouteTargets(const ir::Machine& m, const std::string& path) {
    std::set<std::pair<ir::EventIndex, std::string>> seen;
    for (std::size_t r = 0; r < m.routes.size(); ++r) {
      const std::string routePath = element(child(path, "routes"), r);
      for (std::size_t k = 0; k < m.routes[r].targets.size(); ++k) {
        if (!seen.emplace(m.routes[r].event, m.routes[r].targets[k]).second) {
          fail(element(child(routePath, "targets"), k),
               fmt::format("target \"{}\" is named twice for one event", m.routes[r].targets[k]));
        }
      }
    }
  }

  MachineShape shape_;
};

}  // namespace

json toJson(const ir::Program& program, const IrJsonOptions& options) {
  json machines = json::array();
  const Writer writer(options);
  for (const auto& machine : program.machines) machines.push_back(writer.machine(machine));
  return json{{"format", std::string(kFormatName)},
              {"version", ir::kFormatVersion},
              {"machines", std::move(machines)}};
}

json toJson(const ir::Machine& machine, const IrJsonOptions& options) {
  return Writer(options).machine(machine);
}

Result<ir::Program> programFromJson(const json& document) {
  try {
    return Reader().program(document);
  } catch (const LoadError& error) {
    return Error{"invalid IR: " + error.message};
  } catch (const std::exception& error) {
    // Not expected (every access is checked first), but the API promises not to throw.
    return Error{std::string("invalid IR: ") + jsonErrorMessage(error)};
  }
}

Result<ir::Program> parseIr(std::string_view text) {
  auto document = parseJsonInput(text, kMaxIrJsonNesting);
  if (!document) return Error{"IR is not valid JSON: " + document.error().message};
  return programFromJson(document.value());
}

}  // namespace approval
