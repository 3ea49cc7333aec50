// approval/record_json.h: what a store keeps outside this process comes back as it went in,
// every kind of value included, and text it did not write is a located Error, never a crash.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "approval/record_json.h"
#include "support/forwarding_store.h"
#include "support/store_conformance.h"

using namespace approval;
using namespace approval::runtime;

namespace {

std::vector<Value> roundTrip(const std::vector<Value>& values) {
  auto text = valuesToJson(values);
  REQUIRE(text.ok());
  auto back = valuesFromJson(text.value());
  REQUIRE_MESSAGE(back.ok(), back.error().message);
  return std::move(back).value();
}

std::string textOf(const std::vector<Value>& values) {
  auto text = valuesToJson(values);
  REQUIRE(text.ok());
  return text.value();
}

std::string decodingError(const std::string& text) {
  auto values = valuesFromJson(text);
  REQUIRE_FALSE(values.ok());
  return values.error().message;
}

Value mapOf(std::vector<std::pair<Value, Value>> pairs) {
  ValueMap map;
  for (auto& [key, value] : pairs) map.emplace(std::move(key), std::move(value));
  return Value(std::move(map));
}

/// Passes everything the Store contract carries through the codec on its way in and out, as
/// a store keeping records in a database's JSON columns would.
class JsonColumnsStore : public approval::test::ForwardingStore {
 public:
  Result<std::optional<InstanceRecord>> load(std::string_view id) override {
    auto loaded = inner_->load(id);
    if (loaded.ok() && loaded.value()) throughJson(*loaded.value());
    return loaded;
  }
  Result<CommitStatus> commit(Commit&& commit) override {
    throughJson(commit.instance);
    if (commit.journal) commit.journal = throughJson(*commit.journal);
    return inner_->commit(std::move(commit));
  }
  Result<bool> record(std::string_view id, const JournalEntry& entry) override {
    return inner_->record(id, throughJson(entry));
  }
  Result<std::vector<JournalEntry>> journal(std::string_view id) override {
    auto entries = inner_->journal(id);
    if (entries.ok()) {
      for (auto& entry : entries.value()) entry = throughJson(entry);
    }
    return entries;
  }

 private:
  static void throughJson(InstanceRecord& record) {
    record.context = valuesFromJson(valuesToJson(record.context).value()).value();
    record.votes = votesFromJson(votesToJson(record.votes).value()).value();
    record.saga = sagaFromJson(sagaToJson(record.saga).value()).value();
  }
  static JournalEntry throughJson(const JournalEntry& entry) {
    return journalEntryFromJson(journalEntryToJson(entry)).value();
  }
};

}  // namespace

TEST_CASE("record json: every kind of value comes back as it went in") {
  constexpr auto kMinInt = std::numeric_limits<std::int64_t>::min();
  constexpr auto kMaxInt = std::numeric_limits<std::int64_t>::max();
  ValueList nested{Value("deepest")};
  for (int level = 0; level < 1'000; ++level) nested = ValueList{Value(std::move(nested))};
  const std::vector<Value> values = {
      Value(NullValue{}), Value(true), Value(false), Value(kMinInt), Value(kMaxInt), Value(std::int64_t{0}),
      Value(std::uint64_t{0}), Value(std::numeric_limits<std::uint64_t>::max()), Value(0.1), Value(-1e308),
      Value(5e-324), Value(std::numeric_limits<double>::infinity()), Value(-std::numeric_limits<double>::infinity()),
      Value(""), Value("ε ✓ \"quoted\" \\ \n"), Value(std::string("a\0b", 3)), Value(std::string(10'000, 'x')),
      Value(DurationValue{kMinInt}), Value(DurationValue{kMaxInt}), Value(TimestampValue{-1}),
      Value(TimestampValue{1'700'000'000'123'456'789}), Value(ValueList{}),
      Value(ValueList{Value(std::int64_t{1}), Value("a"), Value(ValueList{Value(NullValue{})})}),
      mapOf({{Value("k"), Value(std::int64_t{1})},
             {Value(std::int64_t{-2}), mapOf({{Value(true), Value(DurationValue{5})}})},
             {Value(std::uint64_t{3}), Value(ValueList{})},
             {Value(false), Value(std::uint64_t{4})}}),
      mapOf({}), Value::error("division by zero"), Value(std::move(nested))};
  CHECK(roundTrip(values) == values);
  CHECK(roundTrip({}).empty());

  // Equality does not see these: -0.0 == 0.0, and NaN equals nothing.
  const auto zero = roundTrip({Value(-0.0)});
  REQUIRE(zero.at(0).is<double>());
  CHECK(std::signbit(zero.at(0).as<double>()));
  const auto nan = roundTrip({Value(std::nan(""))});
  REQUIRE(nan.at(0).is<double>());
  CHECK(std::isnan(nan.at(0).as<double>()));
}

TEST_CASE("record json: plain JSON where it is unambiguous, a tag where it is not") {
  CHECK(textOf({Value(std::int64_t{1}), Value("a"), Value(true), Value(NullValue{}),
                      Value(ValueList{Value(std::int64_t{-2})})}) == R"([1,"a",true,null,[-2]])");
  CHECK(textOf({Value(std::uint64_t{1}), Value(1.0), Value(DurationValue{60}), Value(TimestampValue{7}),
                mapOf({{Value(std::int64_t{1}), Value("one")}}), Value::error("bad")}) ==
        R"([{"uint":1},{"double":1.0},{"duration":60},{"timestamp":7},{"map":[[1,"one"]]},{"error":"bad"}])");
  CHECK(textOf({Value(std::numeric_limits<double>::quiet_NaN())}) == R"([{"double":"nan"}])");
  CHECK(votesToJson({{"approve", {"ann", "bob"}}}).value() == R"([["approve",["ann","bob"]]])");
  CHECK(sagaToJson({{"refund", {Value(std::int64_t{12})}}}).value() == R"([{"action":"refund","arguments":[12]}])");
}

TEST_CASE("record json: text it did not write is an Error that says where and what") {
  CHECK(decodingError("not json").starts_with("stored values cannot be read as JSON: parse error"));
  CHECK(decodingError(R"({"a": 1})") == "stored values must be a JSON array");
  CHECK(decodingError("[1, 1.5]") ==
        R"(stored values at /1: a double is written {"double": x}; a plain number is an int)");
  CHECK(decodingError("[9223372036854775808]") ==
        R"(stored values at /0: an int is out of range (64-bit signed; a uint is {"uint": n}))");
  CHECK(decodingError(R"([{"uint": -1}])") == "stored values at /0: a uint is a non-negative JSON integer");
  CHECK(decodingError(R"([[0, {"map": [[1, 2], [1, 3]]}]])") == "stored values at /0/1/map/1: a map key repeats");
  CHECK(decodingError(R"([{"map": [[1]]}])") == "stored values at /0/map/0: a map entry is a [key, value] pair");
  CHECK(decodingError(R"([{"map": [[[1.5], 2]]}])") ==
        R"(stored values at /0/map/0/0/0: a double is written {"double": x}; a plain number is an int)");
  CHECK(decodingError(R"([{"duration": "1h"}])") == "stored values at /0: a duration's nanoseconds must be a JSON integer");
  CHECK(decodingError(R"([{"double": "NaN"}])") ==
        R"(stored values at /0: a double is a number, "nan", "inf" or "-inf")");
  CHECK(decodingError(R"([{"when": 1}])") ==
        "stored values at /0: `when` is not a tag (uint, double, duration, timestamp, map, error)");
  CHECK(decodingError(R"([{"uint": 1, "double": 2.0}])") ==
        "stored values at /0: a tagged value is an object with one of uint, double, duration, timestamp, map, error");
  CHECK(decodingError(R"([{"error": 5}])") == "stored values at /0: an error value's message is a string");
  // Deeper than anything it writes: refused while parsing, not by overflowing the stack.
  const std::string deep = std::string(100'000, '[') + std::string(100'000, ']');
  CHECK(decodingError(deep).find("nest deeper than 4096 levels") != std::string::npos);
}

TEST_CASE("record json: damaged text never crashes, and what it reads back writes the same again") {
  // Seeded mutations of real texts: bytes changed, dropped and repeated. Whatever decodes
  // must encode to a text that decodes to the same values (NaN aside, which equals nothing).
  const std::string samples[] = {
      textOf({Value(std::int64_t{-3}), Value("ε"), Value(std::uint64_t{7}), Value(2.5), Value(DurationValue{9}),
              mapOf({{Value("k"), Value(ValueList{Value(TimestampValue{4}), Value::error("e")})}})}),
      votesToJson({{"approve", {"ann", "bob"}}}).value(),
      sagaToJson({{"refund", {Value(std::int64_t{12}), Value(NullValue{})}}}).value(),
  };
  const char alphabet[] = "[]{}\",:0123456789-.eE\\ntruefalsnul{\"uint\"}{\"map\"}\xff\x00";
  std::mt19937 random(20261128);
  int decoded = 0;
  for (int round = 0; round < 20'000; ++round) {
    std::string text = samples[round % std::size(samples)];
    const int edits = 1 + static_cast<int>(random() % 4);
    for (int e = 0; e < edits && !text.empty(); ++e) {
      const std::size_t at = random() % text.size();
      switch (random() % 3) {
        case 0: text[at] = alphabet[random() % (sizeof alphabet - 1)]; break;
        case 1: text.erase(at, 1 + random() % 3); break;
        default: text.insert(at, text.substr(at, 1 + random() % 8)); break;
      }
    }
    CAPTURE(text);
    if (auto values = valuesFromJson(text); values.ok()) {
      ++decoded;
      auto again = valuesFromJson(valuesToJson(values.value()).value());
      REQUIRE(again.ok());
      CHECK(valuesToJson(again.value()).value() == valuesToJson(values.value()).value());
    }
    if (auto votes = votesFromJson(text); votes.ok()) CHECK(votesFromJson(votesToJson(votes.value()).value()).value() == votes.value());
    if (auto saga = sagaFromJson(text); saga.ok()) {
      CHECK(sagaToJson(sagaFromJson(sagaToJson(saga.value()).value()).value()).value() == sagaToJson(saga.value()).value());
    }
    (void)journalEntryFromJson(text);
  }
  CHECK(decoded > 100);  // the mutations left enough texts readable to test the round trip
}

TEST_CASE("record json: votes and sagas round-trip, and say what is wrong with damaged text") {
  const decltype(InstanceRecord::votes) votes = {{"approve", {"ann", "bob"}}, {"reject", {}}, {"", {"ε"}}};
  CHECK(votesFromJson(votesToJson(votes).value()).value() == votes);
  const std::vector<SagaStep> saga = {{"refund", {Value(std::int64_t{12}), Value("EUR"), Value(std::uint64_t{1})}},
                                      {"unlock", {}}};
  CHECK(sagaFromJson(sagaToJson(saga).value()).value() == saga);

  CHECK(votesFromJson("{}").error().message == "stored votes must be a JSON array of [event, [actors]] pairs");
  CHECK(votesFromJson(R"([["a", ["x", 1]]])").error().message ==
        "stored votes at /0/1/1: each element must be a string");
  CHECK(votesFromJson(R"([["a"]])").error().message == "stored votes at /0: each element is an [event, [actors]] pair");
  CHECK(sagaFromJson(R"([{"action": "a"}])").error().message ==
        R"(a stored saga at /0: each step is {"action": name, "arguments": [values]})");
  CHECK(sagaFromJson(R"([{"action": "a", "arguments": [1.5]}])").error().message ==
        R"(a stored saga at /0/arguments/0: a double is written {"double": x}; a plain number is an int)");
  CHECK(sagaFromJson(R"([{"action": 3, "arguments": []}])").error().message ==
        "a stored saga at /0/action: the action must be a string");
}

TEST_CASE("record json: journal entries round-trip; bad UTF-8 from a host is replaced, not refused") {
  const JournalEntry entry{"e1",
                           "submit",
                           "ann",
                           TimestampValue{std::numeric_limits<std::int64_t>::min()},
                           "Failed",
                           "charge: card declined",
                           {"transition 1 → B: true"},
                           {"charge", "refund"},
                           {"onApproved"},
                           std::numeric_limits<std::int64_t>::max()};
  auto back = journalEntryFromJson(journalEntryToJson(entry));
  REQUIRE(back.ok());
  CHECK(back.value().eventId == entry.eventId);
  CHECK(back.value().time == entry.time);
  CHECK(back.value().detail == entry.detail);
  CHECK(back.value().guards == entry.guards);
  CHECK(back.value().actions == entry.actions);
  CHECK(back.value().emitted == entry.emitted);
  CHECK(back.value().votes == entry.votes);

  JournalEntry badBytes = entry;
  badBytes.detail = "charge: \xff\xfe";
  auto replaced = journalEntryFromJson(journalEntryToJson(badBytes));
  REQUIRE(replaced.ok());
  CHECK(replaced.value().detail == "charge: \xEF\xBF\xBD\xEF\xBF\xBD");  // two U+FFFD

  CHECK(journalEntryFromJson("[]").error().message == "a stored journal entry must be a JSON object");
  CHECK(journalEntryFromJson(R"({"eventId": "e"})").error().message == "a stored journal entry has no `event`");
  std::string wrongTime = journalEntryToJson(entry);
  wrongTime.replace(wrongTime.find("\"time\":") + 7, 20, "\"noon\"");
  CHECK(journalEntryFromJson(wrongTime).error().message ==
        "a stored journal entry at /time: the value must be a JSON integer");
}

TEST_CASE("record json: a store keeping its records as these texts keeps the Store contract") {
  const auto failures =
      approval::test::storeConformanceFailures([] { return std::make_unique<JsonColumnsStore>(); });
  for (const auto& failure : failures) MESSAGE(failure.check << ": " << failure.what);
  CHECK(failures.empty());
}

TEST_CASE("record json: votes that votesToJson never writes are refused, not counted wrong") {
  // The engine counts an event's voters as its list's length and looks an actor up by binary
  // search: read back, ["ann", "ann"] was two votes from one actor (hasQuorum(2) held), an
  // unsorted list counted a repeated vote again, and a second list of one event was ignored.
  CHECK(votesFromJson(R"([["approve", ["ann", "ann"]]])").error().message ==
        "stored votes at /0/1/1: the actors must be distinct and sorted: this one does not come after the one before");
  CHECK(votesFromJson(R"([["approve", ["bob", "ann", "cy"]]])").error().message ==
        "stored votes at /0/1/1: the actors must be distinct and sorted: this one does not come after the one before");
  CHECK(votesFromJson(R"([["approve", ["ann"]], ["reject", []], ["approve", ["bob"]]])").error().message ==
        "stored votes at /2/0: the event's votes are listed earlier already");
  const decltype(InstanceRecord::votes) written = {{"approve", {"ann", "bob", "cy"}}, {"reject", {"ann"}}};
  CHECK(votesFromJson(votesToJson(written).value()).value() == written);
}
