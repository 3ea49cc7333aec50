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

void InstanceJournal::appendDirect(const DirectEvent& event, std::int64_t votes, const DirectRow& row, int step) {
  entries_.push_back(Entry{std::string(event.id), std::string(event.actor), event.time,
                           static_cast<std::int32_t>(votes), static_cast<std::int32_t>(step), &row, nullptr});
  appliedIds_.insert(static_cast<std::uint32_t>(entries_.size() - 1));
}

std::vector<JournalEntry> InstanceJournal::entries() const {
  std::vector<JournalEntry> all;
  all.reserve(entries_.size());
  for (const auto& entry : entries_) {
    if (entry.whole) {
      all.push_back(*entry.whole);
      continue;
    }
    // The guards the engine evaluated: false up to the step taken (all of them when it
    // stayed), then the step's own true when it has a guard.
    const DirectRow& row = *entry.direct;
    const bool stayed = entry.step < 0;
    const auto tried = stayed ? row.steps.size() : static_cast<std::size_t>(entry.step);
    std::vector<std::string> guards;
    for (std::size_t i = 0; i < tried; ++i) guards.push_back(*row.steps[i].whenFalse);
    if (!stayed && row.steps[tried].whenTrue != nullptr) guards.push_back(*row.steps[tried].whenTrue);
    all.push_back(JournalEntry{entry.eventId, *row.event, entry.actor, entry.time, stayed ? "Stayed" : "Transitioned",
                               stayed ? *row.state : *row.steps[tried].detail, std::move(guards), {}, {},
                               entry.votes});
  }
  return all;
}

}  // namespace approval::runtime
