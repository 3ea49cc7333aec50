#include "store/instance_journal.h"

#include <absl/hash/hash.h>
#include <absl/strings/string_view.h>

namespace approval::runtime {

/// Most instances see a handful of events: one allocation for the first several.
constexpr std::size_t kFirstEntries = 8;

InstanceJournal::InstanceJournal() : appliedIds_(kFirstEntries, IdHash{this}, IdEq{this}) {
  entries_.reserve(kFirstEntries);
}

std::size_t InstanceJournal::IdHash::operator()(std::string_view id) const {
  return absl::Hash<absl::string_view>{}(absl::string_view(id.data(), id.size()));
}

void InstanceJournal::append(JournalEntry entry, bool applied) {
  Entry& added = entries_.emplace_back();
  added.whole = std::make_unique<JournalEntry>(std::move(entry));
  if (applied) appliedIds_.insert(static_cast<std::uint32_t>(entries_.size() - 1));
}

void InstanceJournal::appendDirect(const DirectEvent& event, std::int64_t votes, const DirectTransition& transition) {
  entries_.push_back(Entry{std::string(event.id), std::string(event.actor), event.time, votes, &transition, nullptr});
  appliedIds_.insert(static_cast<std::uint32_t>(entries_.size() - 1));
}

std::vector<JournalEntry> InstanceJournal::entries() const {
  std::vector<JournalEntry> all;
  all.reserve(entries_.size());
  for (const auto& entry : entries_) {
    if (entry.whole) {
      all.push_back(*entry.whole);
    } else {
      all.push_back(JournalEntry{entry.eventId, *entry.direct->event, entry.actor, entry.time, "Transitioned",
                                 *entry.direct->detail, {}, {}, {}, entry.votes});
    }
  }
  return all;
}

}  // namespace approval::runtime
