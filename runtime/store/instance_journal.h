// One instance's audit history and the ids of the events it applied, kept compact: a
// direct row's entry holds only the event id, actor, time, vote count and step taken, and
// points at the engine's texts for the rest; other entries are kept whole. The applied ids are a
// flat index into the entries, so an id is stored once.
#pragma once

#include <absl/container/flat_hash_set.h>

#include <cstdint>
#include <memory>
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

  [[nodiscard]] bool applied(std::string_view eventId) const { return appliedIds_.contains(eventId); }
  /// `applied`: the entry's event id is a Duplicate from now on.
  void append(JournalEntry entry, bool applied);
  /// A direct row's entry (Transitioned, or Stayed when `step` is -1); `row` and its texts
  /// must outlive this journal.
  void appendDirect(const DirectEvent& event, std::int64_t votes, const DirectRow& row, int step);
  [[nodiscard]] std::vector<JournalEntry> entries() const;

 private:
  struct Entry {
    std::string eventId;
    std::string actor;
    TimestampValue time;
    std::int32_t votes = 0;
    std::int32_t step = -1;                 // a direct entry's step; -1: Stayed
    const DirectRow* direct = nullptr;      // set: a direct row's entry
    std::unique_ptr<JournalEntry> whole;        // set otherwise (its ids are in here)

    [[nodiscard]] std::string_view id() const { return whole ? std::string_view(whole->eventId) : eventId; }
  };

  /// Hashes and compares entry indices by their event ids, and looks ids up as themselves.
  struct IdHash {
    using is_transparent = void;
    const InstanceJournal* journal;
    std::size_t operator()(std::string_view id) const;
    std::size_t operator()(std::uint32_t entry) const { return (*this)(journal->entries_[entry].id()); }
  };
  struct IdEq {
    using is_transparent = void;
    const InstanceJournal* journal;
    [[nodiscard]] std::string_view idOf(std::string_view id) const { return id; }
    [[nodiscard]] std::string_view idOf(std::uint32_t entry) const { return journal->entries_[entry].id(); }
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      return idOf(a) == idOf(b);
    }
  };

  std::vector<Entry> entries_;
  absl::flat_hash_set<std::uint32_t, IdHash, IdEq> appliedIds_;
};

}  // namespace approval::runtime
