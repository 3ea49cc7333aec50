// One instance's audit history and the ids of the events it applied, kept compact because
// an in-memory store keeps every instance's whole history: an entry is 32 bytes plus what it
// packs into one text buffer. A direct row's entry packs its event id and actor and points at
// the engine's texts for the rest; another entry packs all of itself (store/packed_entry.h).
// An id is stored once: a short journal finds an applied id by scanning its entries (each
// keeps a one-byte hash of its id), a long one through a hash index of entry numbers.
#pragma once

#include <absl/container/flat_hash_set.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "approval/store.h"

namespace approval::runtime {

class InstanceJournal {
 public:
  InstanceJournal();
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
  [[nodiscard]] std::vector<JournalEntry> entries() const;

 private:
  /// 32 bytes: a direct entry's id and actor are `texts_[text, text + idLength + actorLength)`;
  /// another (`direct` null) is packed at `texts_[text]`, or is `wholes_[text]` when `held`,
  /// and only its idTag and flags are used here.
  struct Entry {
    TimestampValue time;
    const DirectRow* direct = nullptr;
    std::uint32_t text = 0;
    std::uint16_t idLength = 0;
    std::uint16_t actorLength = 0;
    std::int32_t votes = 0;
    std::int16_t step = -1;  // a direct entry's step; -1: Stayed
    std::uint8_t idTag = 0;  // of the id's hash (Duplicate checks compare the id only when it matches)
    bool applied : 1 = false;  // its id is a Duplicate from now on
    bool held : 1 = false;     // kept as a struct in wholes_ (the text buffer is full)
  };
  static_assert(sizeof(Entry) == 32);

  [[nodiscard]] std::string_view idOf(const Entry& entry) const;
  [[nodiscard]] std::string_view actorOf(const Entry& entry) const;
  /// Records that the last entry was added; indexes it when its id counts as applied.
  void added(std::size_t idHash, bool applied);
  [[nodiscard]] bool indexed() const;
  /// Grows the text buffer for `bytes` more.
  void makeRoom(std::size_t bytes);

  /// Hashes and compares entry indices by their event ids, and looks ids up as themselves.
  struct IdHash {
    using is_transparent = void;
    const InstanceJournal* journal;
    std::size_t operator()(std::string_view id) const { return hashOf(id); }
    std::size_t operator()(std::uint32_t entry) const { return hashOf(journal->idOf(journal->entries_[entry])); }
  };
  struct IdEq {
    using is_transparent = void;
    const InstanceJournal* journal;
    [[nodiscard]] std::string_view idOf(std::string_view id) const { return id; }
    [[nodiscard]] std::string_view idOf(std::uint32_t entry) const { return journal->idOf(journal->entries_[entry]); }
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      return idOf(a) == idOf(b);
    }
  };

  std::vector<Entry> entries_;
  std::string texts_;                 // direct entries' ids and actors, and packed entries
  std::vector<JournalEntry> wholes_;  // entries past the text buffer's 4 GiB
  absl::flat_hash_set<std::uint32_t, IdHash, IdEq> appliedIds_;  // once indexed(): the applied entries
};

}  // namespace approval::runtime
