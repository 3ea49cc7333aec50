// JSON texts of what a store keeps outside this process (a SQLite TEXT column, PostgreSQL
// jsonb): an instance's context, votes and saga, and a journal entry. Every kind of value
// comes back as it went in, which plain JSON cannot do alone (an int and a uint, a double
// and an int, durations and timestamps, maps with non-string keys), so values of those
// kinds are tagged, and the rest stay plain JSON that a database's JSON functions can read:
//
//   null, true/false, an int (a JSON integer), a string, a list (an array) as themselves;
//   {"uint": 18446744073709551615}  {"double": 0.5} or {"double": "nan" | "inf" | "-inf"}
//   {"duration": nanoseconds}  {"timestamp": nanoseconds since 1970-01-01T00:00:00Z}
//   {"map": [[key, value], ...]}  {"error": "message"}
//
// Decoding takes text from storage, which may have been damaged or edited: anything these
// functions did not write is an Error saying where and what, never a crash.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "approval/result.h"
#include "approval/store.h"
#include "approval/value.h"

namespace approval::runtime {

/// How deep decoded text may nest (arrays and objects): a value nests at most some hundreds
/// of levels (contexts come from JSON nested up to 256, `set` builds from expressions nested
/// up to 512), and each map level takes three.
inline constexpr int kMaxRecordJsonNesting = 4096;

/// A JSON array of the values. An Error only for a string that is not valid UTF-8, which a
/// value the engine made never holds.
[[nodiscard]] Result<std::string> valuesToJson(std::span<const Value> values);
[[nodiscard]] Result<std::vector<Value>> valuesFromJson(std::string_view json);

/// `[["approve", ["ann", "bob"]], ...]`: each event's distinct voters, in the record's order.
[[nodiscard]] Result<std::string> votesToJson(const decltype(InstanceRecord::votes)& votes);
[[nodiscard]] Result<decltype(InstanceRecord::votes)> votesFromJson(std::string_view json);

/// `[{"action": "refund", "arguments": [values]}, ...]`, oldest first.
[[nodiscard]] Result<std::string> sagaToJson(const std::vector<SagaStep>& saga);
[[nodiscard]] Result<std::vector<SagaStep>> sagaFromJson(std::string_view json);

/// An object with every field of the entry, named as in JournalEntry ("time" in nanoseconds).
/// Texts that are not valid UTF-8 (a host action's error message may hold any bytes) have
/// each bad byte replaced by U+FFFD, so an entry can always be kept.
[[nodiscard]] std::string journalEntryToJson(const JournalEntry& entry);
[[nodiscard]] Result<JournalEntry> journalEntryFromJson(std::string_view json);

}  // namespace approval::runtime
