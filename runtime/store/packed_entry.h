// A whole journal entry (one the general path recorded) as bytes in a journal's texts:
// a few dozen bytes where the struct and its strings take several hundred, because an
// in-memory store keeps every entry of every instance.
//
// Layout: the time (8 bytes, host order); the event id, event and actor, each as a LEB128
// length and its bytes; the votes (zigzag LEB128); the answer as one byte (its index among
// the five the engine writes, or 0xFF followed by the text); the detail as a text; then the
// guards, actions and emitted events, each list as a LEB128 count and its texts.
#pragma once

#include <string>
#include <string_view>

#include "approval/store.h"

namespace approval::runtime {

/// How many bytes `packEntry` writes for `entry`.
[[nodiscard]] std::size_t packedSize(const JournalEntry& entry);
/// Writes `packedSize(entry)` bytes at `out`.
void packEntry(const JournalEntry& entry, char* out);
/// The entry packed at the start of `bytes`.
[[nodiscard]] JournalEntry unpackEntry(std::string_view bytes);
/// Its event id alone (what Duplicate checks compare).
[[nodiscard]] std::string_view packedEventId(std::string_view bytes);

/// A direct row's entry keeps only these texts (the rest comes from its row): the event id
/// and the actor, each a LEB128 length and its bytes, then the votes as a LEB128.
struct DirectTexts {
  std::string_view eventId;
  std::string_view actor;
  std::size_t votes = 0;
};
[[nodiscard]] std::size_t directTextsSize(const DirectTexts& texts);
/// Writes `directTextsSize(texts)` bytes at `out`.
void packDirectTexts(const DirectTexts& texts, char* out);
/// The texts packed at the start of `bytes`.
[[nodiscard]] DirectTexts unpackDirectTexts(std::string_view bytes);

/// An entry that changed nothing keeps only these (duplicateEntry() and refusedEntry() word
/// the rest): the event id, the event, the actor and, for a refusal, its reason (empty for a
/// Duplicate, whose reason follows from its id), each a LEB128 length and its bytes.
struct UnchangedTexts {
  std::string_view eventId;
  std::string_view event;
  std::string_view actor;
  std::string_view reason;
};
[[nodiscard]] std::size_t unchangedTextsSize(const UnchangedTexts& texts);
/// Writes `unchangedTextsSize(texts)` bytes at `out`.
void packUnchangedTexts(const UnchangedTexts& texts, char* out);
/// The texts packed at the start of `bytes`.
[[nodiscard]] UnchangedTexts unpackUnchangedTexts(std::string_view bytes);

}  // namespace approval::runtime
