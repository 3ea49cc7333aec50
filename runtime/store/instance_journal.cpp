#include "store/instance_journal.h"

#include <absl/hash/hash.h>
#include <absl/strings/string_view.h>

#include <algorithm>
#include <limits>

#include "store/direct_entry.h"
#include "store/packed_entry.h"

namespace approval::runtime {

namespace {

/// Most instances see a handful of events: one allocation each for the first few.
constexpr std::size_t kFirstEntries = 4;
constexpr std::size_t kFirstTexts = 128;
/// Up to this many entries, finding an id scans them (a few cache lines, no index to keep);
/// beyond, a hash index answers.
constexpr std::size_t kScanLimit = 32;

std::uint8_t tagOf(std::size_t hash) { return static_cast<std::uint8_t>(hash >> 56); }

template <typename Narrow>
bool fits(std::size_t value) {
  return value <= std::numeric_limits<Narrow>::max();
}

}  // namespace

InstanceJournal::InstanceJournal() : appliedIds_(0, IdHash{this}, IdEq{this}) {
  entries_.reserve(kFirstEntries);
}

std::size_t InstanceJournal::hashOf(std::string_view id) {
  return absl::Hash<absl::string_view>{}(absl::string_view(id.data(), id.size()));
}

std::string_view InstanceJournal::idOf(const Entry& entry) const {
  if (entry.held) return wholes_[entry.text].eventId;
  if (entry.direct == nullptr) return packedEventId(std::string_view(texts_).substr(entry.text));
  return {texts_.data() + entry.text, entry.idLength};
}

std::string_view InstanceJournal::actorOf(const Entry& entry) const {
  return {texts_.data() + entry.text + entry.idLength, entry.actorLength};
}

void InstanceJournal::makeRoom(std::size_t bytes) {
  // Doubling, but from kFirstTexts rather than from the string's inline capacity.
  const std::size_t needed = texts_.size() + bytes;
  if (needed > texts_.capacity()) texts_.reserve(std::max({needed, kFirstTexts, 2 * texts_.capacity()}));
}

bool InstanceJournal::indexed() const { return entries_.size() > kScanLimit; }

bool InstanceJournal::applied(std::string_view eventId, std::size_t idHash) const {
  if (indexed()) return appliedIds_.contains(eventId);
  const std::uint8_t tag = tagOf(idHash);
  return std::any_of(entries_.begin(), entries_.end(), [&](const Entry& entry) {
    return entry.idTag == tag && entry.applied && idOf(entry) == eventId;
  });
}

void InstanceJournal::added(std::size_t idHash, bool applied) {
  Entry& entry = entries_.back();
  entry.idTag = tagOf(idHash);
  entry.applied = applied;
  if (!indexed()) return;
  if (entries_.size() == kScanLimit + 1) {  // the index starts with every applied entry so far
    appliedIds_.reserve(2 * kScanLimit);
    for (std::uint32_t i = 0; i + 1 < entries_.size(); ++i) {
      if (entries_[i].applied) appliedIds_.insert(i);
    }
  }
  if (applied) appliedIds_.insert(static_cast<std::uint32_t>(entries_.size() - 1));
}

void InstanceJournal::append(JournalEntry entry, bool applied) {
  const std::size_t idHash = hashOf(entry.eventId);
  Entry& added = entries_.emplace_back();
  const std::size_t size = packedSize(entry);
  if (fits<std::uint32_t>(texts_.size() + size)) {
    makeRoom(size);
    added.text = static_cast<std::uint32_t>(texts_.size());
    packEntry(entry, texts_);
  } else {
    added.text = static_cast<std::uint32_t>(wholes_.size());
    added.held = true;
    wholes_.push_back(std::move(entry));
  }
  this->added(idHash, applied);
}

void InstanceJournal::appendDirect(const DirectEvent& event, std::size_t idHash, std::int64_t votes,
                                   const DirectRow& row, int step) {
  // What does not fit the packed form (ids or actors of 64 KiB and more, 4 GiB of texts,
  // counts beyond 32 bits) is kept whole, as the general path would record it.
  const bool packs = fits<std::uint16_t>(event.id.size()) && fits<std::uint16_t>(event.actor.size()) &&
                     fits<std::uint32_t>(texts_.size() + event.id.size() + event.actor.size()) && votes >= 0 &&
                     fits<std::int32_t>(static_cast<std::size_t>(votes)) &&
                     fits<std::int16_t>(static_cast<std::size_t>(step + 1));
  if (!packs) {
    append(directJournalEntry(row, step, votes, event.time, event.id, event.actor), true);
    return;
  }
  makeRoom(event.id.size() + event.actor.size());
  const auto text = static_cast<std::uint32_t>(texts_.size());
  texts_.append(event.id);
  texts_.append(event.actor);
  entries_.push_back(Entry{event.time, &row, text, static_cast<std::uint16_t>(event.id.size()),
                           static_cast<std::uint16_t>(event.actor.size()), static_cast<std::int32_t>(votes),
                           static_cast<std::int16_t>(step)});
  added(idHash, true);
}

std::vector<JournalEntry> InstanceJournal::entries() const {
  std::vector<JournalEntry> all;
  all.reserve(entries_.size());
  for (const auto& entry : entries_) {
    if (entry.held) {
      all.push_back(wholes_[entry.text]);
    } else if (entry.direct == nullptr) {
      all.push_back(unpackEntry(std::string_view(texts_).substr(entry.text)));
    } else {
      all.push_back(directJournalEntry(*entry.direct, entry.step, entry.votes, entry.time, idOf(entry), actorOf(entry)));
    }
  }
  return all;
}

}  // namespace approval::runtime
