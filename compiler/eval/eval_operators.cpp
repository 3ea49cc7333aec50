// Operators of the reference interpreter (CEL langdef "Runtime Errors", "Overflow").
#include <cmath>
#include <cstdint>
#include <limits>

#include "approval/utf8.h"
#include "eval/eval_internal.h"

namespace approval::eval {

namespace {

using ast::BinaryOp;

Value overflow(const char* kind, BinaryOp op) {
  return Value::error(std::string(kind) + " overflow in `" + ast::spelling(op) + "`");
}

Value noOverload(BinaryOp op, const Value& left, const Value& right) {
  return Value::error(std::string("no such overload: ") + kindName(left) + " " + ast::spelling(op) + " " +
                      kindName(right));
}

// -1, 0, 1; nullopt when unordered (NaN).
std::optional<int> compareIntDouble(std::int64_t i, double d) {
  if (std::isnan(d)) return std::nullopt;
  if (d >= 9223372036854775808.0) return -1;
  if (d < -9223372036854775808.0) return 1;
  const double whole = std::trunc(d);
  const auto wholeInt = static_cast<std::int64_t>(whole);
  if (i != wholeInt) return i < wholeInt ? -1 : 1;
  if (d > whole) return -1;
  if (d < whole) return 1;
  return 0;
}

std::optional<int> compareUintDouble(std::uint64_t u, double d) {
  if (std::isnan(d)) return std::nullopt;
  if (d >= 18446744073709551616.0) return -1;
  if (d < 0) return 1;
  const double whole = std::trunc(d);
  const auto wholeUint = static_cast<std::uint64_t>(whole);
  if (u != wholeUint) return u < wholeUint ? -1 : 1;
  if (d > whole) return -1;
  return 0;
}

template <typename T>
int threeWay(const T& a, const T& b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

// nullopt: unordered (NaN); error set when the kinds cannot be ordered.
std::optional<int> compare(const Value& a, const Value& b, bool& comparable) {
  comparable = true;
  if (a.is<std::int64_t>() && b.is<std::int64_t>()) return threeWay(a.as<std::int64_t>(), b.as<std::int64_t>());
  if (a.is<std::uint64_t>() && b.is<std::uint64_t>()) return threeWay(a.as<std::uint64_t>(), b.as<std::uint64_t>());
  if (a.is<double>() && b.is<double>()) {
    const double x = a.as<double>();
    const double y = b.as<double>();
    if (std::isnan(x) || std::isnan(y)) return std::nullopt;
    return threeWay(x, y);
  }
  if (a.is<std::int64_t>() && b.is<std::uint64_t>()) {
    const auto i = a.as<std::int64_t>();
    if (i < 0) return -1;
    return threeWay(static_cast<std::uint64_t>(i), b.as<std::uint64_t>());
  }
  if (a.is<std::uint64_t>() && b.is<std::int64_t>()) {
    const auto i = b.as<std::int64_t>();
    if (i < 0) return 1;
    return threeWay(a.as<std::uint64_t>(), static_cast<std::uint64_t>(i));
  }
  if (a.is<std::int64_t>() && b.is<double>()) return compareIntDouble(a.as<std::int64_t>(), b.as<double>());
  if (a.is<double>() && b.is<std::int64_t>()) {
    auto r = compareIntDouble(b.as<std::int64_t>(), a.as<double>());
    return r ? std::optional<int>(-*r) : std::nullopt;
  }
  if (a.is<std::uint64_t>() && b.is<double>()) return compareUintDouble(a.as<std::uint64_t>(), b.as<double>());
  if (a.is<double>() && b.is<std::uint64_t>()) {
    auto r = compareUintDouble(b.as<std::uint64_t>(), a.as<double>());
    return r ? std::optional<int>(-*r) : std::nullopt;
  }
  if (a.is<bool>() && b.is<bool>()) return threeWay(a.as<bool>(), b.as<bool>());
  if (a.is<std::string>() && b.is<std::string>()) {
    const int c = a.as<std::string>().compare(b.as<std::string>());  // bytewise
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  if (a.is<DurationValue>() && b.is<DurationValue>()) {
    return threeWay(a.as<DurationValue>().nanoseconds, b.as<DurationValue>().nanoseconds);
  }
  if (a.is<TimestampValue>() && b.is<TimestampValue>()) {
    return threeWay(a.as<TimestampValue>().nanoseconds, b.as<TimestampValue>().nanoseconds);
  }
  comparable = false;
  return std::nullopt;
}

Value intArithmetic(BinaryOp op, std::int64_t a, std::int64_t b) {
  std::int64_t r = 0;
  switch (op) {
    case BinaryOp::Add:
      if (__builtin_add_overflow(a, b, &r)) return overflow("int", op);
      return r;
    case BinaryOp::Subtract:
      if (__builtin_sub_overflow(a, b, &r)) return overflow("int", op);
      return r;
    case BinaryOp::Multiply:
      if (__builtin_mul_overflow(a, b, &r)) return overflow("int", op);
      return r;
    case BinaryOp::Divide:
      if (b == 0) return Value::error("division by zero");
      if (a == std::numeric_limits<std::int64_t>::min() && b == -1) return overflow("int", op);
      return a / b;
    case BinaryOp::Modulo:
      if (b == 0) return Value::error("modulus by zero");
      if (a == std::numeric_limits<std::int64_t>::min() && b == -1) return overflow("int", op);
      return a % b;
    default: return Value::error("unsupported int operator");
  }
}

Value uintArithmetic(BinaryOp op, std::uint64_t a, std::uint64_t b) {
  std::uint64_t r = 0;
  switch (op) {
    case BinaryOp::Add:
      if (__builtin_add_overflow(a, b, &r)) return overflow("uint", op);
      return r;
    case BinaryOp::Subtract:
      if (__builtin_sub_overflow(a, b, &r)) return overflow("uint", op);
      return r;
    case BinaryOp::Multiply:
      if (__builtin_mul_overflow(a, b, &r)) return overflow("uint", op);
      return r;
    case BinaryOp::Divide:
      if (b == 0) return Value::error("division by zero");
      return a / b;
    case BinaryOp::Modulo:
      if (b == 0) return Value::error("modulus by zero");
      return a % b;
    default: return Value::error("unsupported uint operator");
  }
}

Value doubleArithmetic(BinaryOp op, double a, double b, const Value& left, const Value& right) {
  switch (op) {
    case BinaryOp::Add: return a + b;
    case BinaryOp::Subtract: return a - b;
    case BinaryOp::Multiply: return a * b;
    case BinaryOp::Divide: return a / b;
    default: return noOverload(op, left, right);
  }
}

Value arithmetic(BinaryOp op, const Value& left, const Value& right) {
  if (left.is<std::int64_t>() && right.is<std::int64_t>()) {
    return intArithmetic(op, left.as<std::int64_t>(), right.as<std::int64_t>());
  }
  if (left.is<std::uint64_t>() && right.is<std::uint64_t>()) {
    return uintArithmetic(op, left.as<std::uint64_t>(), right.as<std::uint64_t>());
  }
  if (left.is<double>() && right.is<double>()) {
    return doubleArithmetic(op, left.as<double>(), right.as<double>(), left, right);
  }
  if (op == BinaryOp::Add) {
    if (left.is<std::string>() && right.is<std::string>()) return left.as<std::string>() + right.as<std::string>();
    if (left.is<std::shared_ptr<const ValueList>>() && right.is<std::shared_ptr<const ValueList>>()) {
      ValueList joined = left.list();
      joined.insert(joined.end(), right.list().begin(), right.list().end());
      return joined;
    }
  }
  if (op == BinaryOp::Add || op == BinaryOp::Subtract) {
    std::int64_t r = 0;
    const bool add = op == BinaryOp::Add;
    auto combine = [&](std::int64_t a, std::int64_t b) {
      return add ? __builtin_add_overflow(a, b, &r) : __builtin_sub_overflow(a, b, &r);
    };
    if (left.is<DurationValue>() && right.is<DurationValue>()) {
      if (combine(left.as<DurationValue>().nanoseconds, right.as<DurationValue>().nanoseconds)) {
        return overflow("duration", op);
      }
      return DurationValue{r};
    }
    if (left.is<TimestampValue>() && right.is<DurationValue>()) {
      if (combine(left.as<TimestampValue>().nanoseconds, right.as<DurationValue>().nanoseconds)) {
        return overflow("timestamp", op);
      }
      return TimestampValue{r};
    }
    if (add && left.is<DurationValue>() && right.is<TimestampValue>()) {
      if (combine(left.as<DurationValue>().nanoseconds, right.as<TimestampValue>().nanoseconds)) {
        return overflow("timestamp", op);
      }
      return TimestampValue{r};
    }
    if (!add && left.is<TimestampValue>() && right.is<TimestampValue>()) {
      if (combine(left.as<TimestampValue>().nanoseconds, right.as<TimestampValue>().nanoseconds)) {
        return overflow("duration", op);
      }
      return DurationValue{r};
    }
  }
  return noOverload(op, left, right);
}

/// The numbers of the other numeric kinds equal to a number (CEL's heterogeneous equality:
/// 1 == 1u == 1.0), in the order ValueKeyLess sorts kinds: int, uint, double.
struct NumericTwins {
  Value values[2];
  int count = 0;

  explicit NumericTwins(const Value& number) {
    if (const auto* i = std::get_if<std::int64_t>(&number.data)) {
      if (*i >= 0) add(static_cast<std::uint64_t>(*i));
      const auto d = static_cast<double>(*i);
      if (d < 9223372036854775808.0 && static_cast<std::int64_t>(d) == *i) add(d);
    } else if (const auto* u = std::get_if<std::uint64_t>(&number.data)) {
      if (*u <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) add(static_cast<std::int64_t>(*u));
      const auto d = static_cast<double>(*u);
      if (d < 18446744073709551616.0 && static_cast<std::uint64_t>(d) == *u) add(d);
    } else if (const auto* d = std::get_if<double>(&number.data); d != nullptr && std::trunc(*d) == *d) {
      if (*d >= -9223372036854775808.0 && *d < 9223372036854775808.0) add(static_cast<std::int64_t>(*d));
      if (*d >= 0 && *d < 18446744073709551616.0) add(static_cast<std::uint64_t>(*d));
    }
  }
  void add(Value twin) { values[count++] = std::move(twin); }
};

/// The entry whose key equals `key`, numbers matching across kinds. Each kind is looked up
/// rather than the map scanned: inside a macro a scan would run once per element. The
/// first match in the map's order, as a scan would find.
const Value* findEntry(const ValueMap& map, const Value& key) {
  if (auto found = map.find(key); found != map.end()) return &found->second;
  const NumericTwins twins(key);
  for (int i = 0; i < twins.count; ++i) {
    if (auto found = map.find(twins.values[i]); found != map.end()) return &found->second;
  }
  return nullptr;
}

Value membership(const Value& element, const Value& container) {
  if (container.is<std::shared_ptr<const ValueList>>()) {
    for (const auto& candidate : container.list()) {
      if (candidate == element) return true;
    }
    return false;
  }
  if (container.is<std::shared_ptr<const ValueMap>>()) return findEntry(container.map(), element) != nullptr;
  return noOverload(BinaryOp::In, element, container);
}

}  // namespace

std::string kindName(const Value& value) { return std::string(valueKindName(value)); }

std::optional<std::string> mapKeyProblem(const ValueMap& entries, const Value& key) {
  const bool keyKind = key.is<std::int64_t>() || key.is<std::uint64_t>() || key.is<bool>() || key.is<std::string>();
  if (!keyKind) {
    return "a map key must be an int, uint, bool or string, not " + kindName(key) + " (" + describe(key) + ")";
  }
  if (findEntry(entries, key) != nullptr) return "duplicate map key " + describe(key);
  return std::nullopt;
}

std::string describe(const Value& value) {
  if (value.is<std::string>()) {
    const std::string_view text = value.text();
    if (text.size() <= kMessageExcerptBytes) return ast::quoteString(text);
    return ast::quoteString(utf8Prefix(text, kMessageExcerptBytes)) + "… (" + std::to_string(text.size()) + " bytes)";
  }
  return excerptForMessage(toJsonText(value));
}

Value applyBinary(BinaryOp op, const Value& left, const Value& right) {
  switch (op) {
    case BinaryOp::Equal: return left == right;
    case BinaryOp::NotEqual: return !(left == right);
    case BinaryOp::Less:
    case BinaryOp::LessEqual:
    case BinaryOp::Greater:
    case BinaryOp::GreaterEqual: {
      bool comparable = false;
      const auto order = compare(left, right, comparable);
      if (!comparable) return noOverload(op, left, right);
      if (!order) return false;
      if (op == BinaryOp::Less) return *order < 0;
      if (op == BinaryOp::LessEqual) return *order <= 0;
      if (op == BinaryOp::Greater) return *order > 0;
      return *order >= 0;
    }
    case BinaryOp::In: return membership(left, right);
    case BinaryOp::Add:
    case BinaryOp::Subtract:
    case BinaryOp::Multiply:
    case BinaryOp::Divide:
    case BinaryOp::Modulo: return arithmetic(op, left, right);
    case BinaryOp::And:
    case BinaryOp::Or: break;
  }
  return Value::error("logical operators are evaluated by the interpreter");
}

std::optional<Value> chargeConcatenation(ast::BinaryOp op, const Value& left, const Value& right,
                                         std::uint64_t& built) {
  if (op != BinaryOp::Add) return std::nullopt;
  std::uint64_t size = 0;
  if (left.is<std::string>() && right.is<std::string>()) {
    size = left.as<std::string>().size() + right.as<std::string>().size();
  } else if (left.is<std::shared_ptr<const ValueList>>() && right.is<std::shared_ptr<const ValueList>>()) {
    size = left.list().size() + right.list().size();
  } else {
    return std::nullopt;
  }
  built += size;
  if (built <= kMaxConcatenatedSize) return std::nullopt;
  static_assert(kMaxConcatenatedSize == 1'000'000, "the message names the bound");
  return Value::error(
      "`+` would take what this evaluation builds past 1,000,000 list elements and string bytes: a guard must stay "
      "cheap; compare sizes first (`size(a) < 100 && ...`) or move the work into a host action");
}

Value tooManyVisited(std::string_view what) {
  static_assert(kMaxMacroElements == 1'000'000, "the message names the bound");
  return Value::error("`" + std::string(what) +
                      "` would take this evaluation past 1,000,000 visited elements (those of macros, nested ones "
                      "included, and, inside a macro, what each comparison, `in`, index, call and map literal reads): "
                      "a guard must stay cheap; check sizes first (`size(items) < 1000 && ...`) or move the work into "
                      "a host action");
}

Value applyUnary(ast::UnaryOp op, const Value& operand) {
  if (op == ast::UnaryOp::Not) {
    if (operand.is<bool>()) return !operand.as<bool>();
    return Value::error("no such overload: !" + kindName(operand));
  }
  if (operand.is<std::int64_t>()) {
    const auto v = operand.as<std::int64_t>();
    if (v == std::numeric_limits<std::int64_t>::min()) return Value::error("int overflow in `-`");
    return -v;
  }
  if (operand.is<double>()) return -operand.as<double>();
  if (operand.is<DurationValue>()) {
    const auto v = operand.as<DurationValue>().nanoseconds;
    if (v == std::numeric_limits<std::int64_t>::min()) return Value::error("duration overflow in `-`");
    return DurationValue{-v};
  }
  return Value::error("no such overload: -" + kindName(operand));
}

Value applyIndex(const Value& container, const Value& key) {
  if (container.is<std::shared_ptr<const ValueList>>()) {
    const auto& list = container.list();
    std::int64_t index = 0;
    if (key.is<std::int64_t>()) {
      index = key.as<std::int64_t>();
    } else if (key.is<std::uint64_t>()) {
      const auto u = key.as<std::uint64_t>();
      index = u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())
                  ? std::numeric_limits<std::int64_t>::max()
                  : static_cast<std::int64_t>(u);
    } else if (key.is<double>() && std::trunc(key.as<double>()) == key.as<double>() &&
               std::abs(key.as<double>()) < 9.0e18) {
      index = static_cast<std::int64_t>(key.as<double>());
    } else {
      return Value::error("no such overload: list[" + kindName(key) + "]");
    }
    if (index < 0 || static_cast<std::uint64_t>(index) >= list.size()) {
      return Value::error("index " + describe(key) + " out of range (size " + std::to_string(list.size()) + ")");
    }
    return list[static_cast<std::size_t>(index)];
  }
  if (container.is<std::shared_ptr<const ValueMap>>()) {
    if (const Value* found = findEntry(container.map(), key)) return *found;
    return Value::error("no such key: " + describe(key));
  }
  return Value::error("no such overload: " + kindName(container) + "[" + kindName(key) + "]");
}

}  // namespace approval::eval
