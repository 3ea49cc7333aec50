// One instance's audit history and the ids of the events it applied, kept compact because
// an in-memory store keeps every instance's whole history. The journal is one pointer until
// the first event; then one allocation holds everything: a header, the 24-byte entries from
// the front, and the texts they pack from the back. A direct row's entry packs its event id
// and actor and points at the engine's texts for the rest; another entry packs all of itself
// (store/packed_entry.h). An id is stored once: a short journal finds an applied id by
// scanning its entries (each keeps a one-byte hash of its id), a long one through a hash
// index of entry numbers.
#pragma once

#include <absl/container/flat_hash_set.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "approval/store.h"
#include "store/packed_entry.h"

namespace approval::runtime {

class InstanceJournal {
 public:
  InstanceJournal() = default;
  ~InstanceJournal();
  InstanceJournal(const InstanceJournal&) = delete;  // the index points at this object
  InstanceJournal& operator=(const InstanceJournal&) = delete;

  /// The hash `applied` and `appendDirect` take (one hash of the id per event).
  [[nodiscard]] static std::size_t hashOf(std::string_view eventId);
  [[nodiscard]] bool applied(std::string_view eventId) const { return applied(eventId, hashOf(eventId)); }
  [[nodiscard]] bool applied(std::string_view eventId, std::size_t idHash) const;
  /// `applied`: the entry's event id is a Duplicate from now on.
  void append(JournalEntry entry, bool applied);
  /// A direct row's entry (Transitioned, or Stayed when `step` is -1); `row` and its texts
  /// must outlive this journal.
  void appendDirect(const DirectEvent& event, std::size_t idHash, std::int64_t votes, const DirectRow& row, int step);
  /// The entry of an event whose id was applied already (duplicateEntry(event)), kept as its
  /// id, event and actor.
  void appendDuplicate(const DirectEvent& event, std::size_t idHash);
  /// The entry of a refused event (refusedEntry(event, reason)), kept as its id, event, actor
  /// and reason; its id stays free.
  void appendRefusal(const DirectEvent& event, std::string_view reason);
  [[nodiscard]] std::vector<JournalEntry> entries() const { return entries(0, count()); }
  /// At most `limit` entries from the `from`th on.
  [[nodiscard]] std::vector<JournalEntry> entries(std::size_t from, std::size_t limit) const;

 private:
  /// 24 bytes. A direct entry's event id, actor and votes are packed at `text`
  /// (DirectTexts), a Duplicate's or a refusal's id, event, actor and reason (UnchangedTexts,
  /// `duplicate` or `refused` set);
  /// another (`direct` null) is packed whole at `text`, or is `wholes[text]` of the extras
  /// when `held`, and only its idTag and flags are used here. Text offsets
  /// count back from the block's end, so growing the block moves no offset.
  struct Entry {
    TimestampValue time;
    const DirectRow* direct = nullptr;
    std::uint32_t text = 0;
    std::int16_t step = -1;  // a direct entry's step; -1: Stayed
    std::uint8_t idTag = 0;  // of the id's hash (Duplicate checks compare the id only when it matches)
    bool applied : 1 = false;  // its id is a Duplicate from now on
    bool held : 1 = false;     // kept as a struct in the extras' wholes (4 GiB of texts reached)
    bool duplicate : 1 = false;  // a Duplicate's entry: its texts are UnchangedTexts
    bool refused : 1 = false;    // a refusal's entry: its texts are UnchangedTexts
  };
  static_assert(sizeof(Entry) == 24);

  /// Hashes and compares entry indices by their event ids, and looks ids up as themselves.
  struct IdHash {
    using is_transparent = void;
    const InstanceJournal* journal;
    std::size_t operator()(std::string_view id) const { return hashOf(id); }
    std::size_t operator()(std::uint32_t entry) const { return hashOf(journal->idOf(journal->entryAt(entry))); }
  };
  struct IdEq {
    using is_transparent = void;
    const InstanceJournal* journal;
    [[nodiscard]] std::string_view idOf(std::string_view id) const { return id; }
    [[nodiscard]] std::string_view idOf(std::uint32_t entry) const { return journal->idOf(journal->entryAt(entry)); }
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      return idOf(a) == idOf(b);
    }
  };

  /// What only a long history needs: the index of applied ids past the scanned length, and
  /// entries kept whole once the texts reach 4 GiB.
  struct Extras {
    explicit Extras(const InstanceJournal* journal) : appliedIds(0, IdHash{journal}, IdEq{journal}) {}
    std::vector<JournalEntry> wholes;
    absl::flat_hash_set<std::uint32_t, IdHash, IdEq> appliedIds;
  };

  /// The start of the one allocation; the entries follow it, the texts end the block.
  struct Header {
    std::size_t capacity = 0;   // bytes after the header
    std::size_t count = 0;      // entries
    std::size_t textBytes = 0;  // at the block's end
    Extras* extras = nullptr;   // owned; null until needed
  };

  [[nodiscard]] std::size_t count() const { return block_ == nullptr ? 0 : block_->count; }
  [[nodiscard]] std::size_t textBytes() const { return block_ == nullptr ? 0 : block_->textBytes; }
  [[nodiscard]] Entry* entryData() const { return reinterpret_cast<Entry*>(block_ + 1); }
  [[nodiscard]] const Entry& entryAt(std::size_t index) const { return entryData()[index]; }
  [[nodiscard]] const char* blockEnd() const { return reinterpret_cast<const char*>(block_ + 1) + block_->capacity; }
  /// The texts from `offset` (counted back from the block's end) to the end: a packed
  /// record and the older ones after it.
  [[nodiscard]] std::string_view textsFrom(std::size_t offset) const { return {blockEnd() - offset, offset}; }
  [[nodiscard]] std::string_view idOf(const Entry& entry) const;
  [[nodiscard]] Extras& extras();
  /// Room for one more entry and `textBytes` more text bytes.
  void makeRoom(std::size_t textBytes);
  enum class Unchanged { Duplicate, Refused };
  /// An entry that changed nothing, packed as `texts`; `whole()` builds it whole for the
  /// extras once the texts reach 4 GiB.
  template <typename WholeEntry>
  void appendUnchanged(const UnchangedTexts& texts, TimestampValue time, Unchanged kind, std::size_t idHash,
                       const WholeEntry& whole);
  /// Adds one entry with room for `textBytes` at `text`, its `text`.
  Entry& addEntry(std::size_t textBytes, char*& text);
  /// Records that the last entry was added; indexes it when its id counts as applied.
  void added(std::size_t idHash, bool applied);
  [[nodiscard]] bool indexed() const;

  Header* block_ = nullptr;
};

}  // namespace approval::runtime
