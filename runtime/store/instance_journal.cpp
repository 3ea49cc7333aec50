#include "store/instance_journal.h"

#include <absl/hash/hash.h>
#include <absl/strings/string_view.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <new>

#include "store/direct_entry.h"
#include "store/packed_entry.h"

namespace approval::runtime {

namespace {

/// The first block holds a few entries and their texts: most instances see a handful of
/// events, and then need one allocation in all.
constexpr std::size_t kFirstBlock = 160;
/// Up to this many entries, finding an id scans them (a few cache lines, no index to keep);
/// beyond, a hash index answers.
constexpr std::size_t kScanLimit = 32;

std::uint8_t tagOf(std::size_t hash) { return static_cast<std::uint8_t>(hash >> 56); }

template <typename Narrow>
bool fits(std::size_t value) {
  return value <= std::numeric_limits<Narrow>::max();
}

}  // namespace

InstanceJournal::~InstanceJournal() {
  if (block_ == nullptr) return;
  delete block_->extras;
  ::operator delete(block_);
}

std::size_t InstanceJournal::hashOf(std::string_view id) {
  return absl::Hash<absl::string_view>{}(absl::string_view(id.data(), id.size()));
}

std::string_view InstanceJournal::idOf(const Entry& entry) const {
  if (entry.held) return block_->extras->wholes[entry.text].eventId;
  if (entry.duplicate || entry.refused) return unpackUnchangedTexts(textsFrom(entry.text)).eventId;
  if (entry.direct == nullptr) return packedEventId(textsFrom(entry.text));
  return unpackDirectTexts(textsFrom(entry.text)).eventId;
}

InstanceJournal::Extras& InstanceJournal::extras() {
  if (block_->extras == nullptr) block_->extras = new Extras(this);
  return *block_->extras;
}

void InstanceJournal::makeRoom(std::size_t textBytes) {
  const std::size_t needed = (count() + 1) * sizeof(Entry) + this->textBytes() + textBytes;
  if (block_ != nullptr && needed <= block_->capacity) return;
  const std::size_t capacity =
      (std::max({needed, kFirstBlock, block_ == nullptr ? 0 : 2 * block_->capacity}) + 7) / 8 * 8;
  auto* grown = static_cast<Header*>(::operator new(sizeof(Header) + capacity));
  new (grown) Header{capacity, 0, 0, nullptr};
  if (block_ != nullptr) {
    *grown = *block_;
    grown->capacity = capacity;
    // Entries stay at the front, texts at the back (their offsets count from the end).
    std::memcpy(static_cast<void*>(grown + 1), entryData(), block_->count * sizeof(Entry));
    std::memcpy(reinterpret_cast<char*>(grown + 1) + capacity - block_->textBytes, blockEnd() - block_->textBytes,
                block_->textBytes);
    ::operator delete(block_);
  }
  block_ = grown;
}

InstanceJournal::Entry& InstanceJournal::addEntry(std::size_t textBytes, char*& text) {
  makeRoom(textBytes);
  block_->textBytes += textBytes;
  text = reinterpret_cast<char*>(block_ + 1) + block_->capacity - block_->textBytes;
  Entry* entry = new (entryData() + block_->count++) Entry{};
  entry->text = static_cast<std::uint32_t>(block_->textBytes);
  return *entry;
}

bool InstanceJournal::indexed() const { return count() > kScanLimit; }

bool InstanceJournal::applied(std::string_view eventId, std::size_t idHash) const {
  if (block_ == nullptr) return false;
  if (indexed()) return block_->extras->appliedIds.contains(eventId);
  const std::uint8_t tag = tagOf(idHash);
  return std::any_of(entryData(), entryData() + block_->count, [&](const Entry& entry) {
    return entry.idTag == tag && entry.applied && idOf(entry) == eventId;
  });
}

void InstanceJournal::added(std::size_t idHash, bool applied) {
  Entry& entry = entryData()[block_->count - 1];
  entry.idTag = tagOf(idHash);
  entry.applied = applied;
  if (!indexed()) return;
  auto& index = extras().appliedIds;
  if (block_->count == kScanLimit + 1) {  // the index starts with every applied entry so far
    index.reserve(2 * kScanLimit);
    for (std::uint32_t i = 0; i + 1 < block_->count; ++i) {
      if (entryAt(i).applied) index.insert(i);
    }
  }
  if (applied) index.insert(static_cast<std::uint32_t>(block_->count - 1));
}

void InstanceJournal::append(JournalEntry entry, bool applied) {
  const std::size_t idHash = hashOf(entry.eventId);
  const std::size_t size = packedSize(entry);
  char* text = nullptr;
  if (fits<std::uint32_t>(textBytes() + size)) {
    addEntry(size, text);
    packEntry(entry, text);
  } else {
    Entry& held = addEntry(0, text);
    auto& wholes = extras().wholes;
    held.text = static_cast<std::uint32_t>(wholes.size());
    held.held = true;
    wholes.push_back(std::move(entry));
  }
  this->added(idHash, applied);
}

void InstanceJournal::appendDirect(const DirectEvent& event, std::size_t idHash, std::int64_t votes,
                                   const DirectRow& row, int step) {
  // What does not fit the packed form (texts past 4 GiB, a negative vote count, a step past
  // int16) is kept whole, as the general path would record it.
  const DirectTexts texts{event.id, event.actor, static_cast<std::size_t>(std::max<std::int64_t>(votes, 0))};
  const std::size_t size = directTextsSize(texts);
  const bool packs = fits<std::uint32_t>(textBytes() + size) && votes >= 0 &&
                     fits<std::int16_t>(static_cast<std::size_t>(step + 1));
  if (!packs) {
    append(directJournalEntry(row, step, votes, event.time, event.id, event.actor), true);
    return;
  }
  char* text = nullptr;
  Entry& entry = addEntry(size, text);
  packDirectTexts(texts, text);
  entry.time = event.time;
  entry.direct = &row;
  entry.step = static_cast<std::int16_t>(step);
  added(idHash, true);
}

void InstanceJournal::appendDuplicate(const DirectEvent& event, std::size_t idHash) {
  appendUnchanged({event.id, event.name, event.actor, {}}, event.time, Unchanged::Duplicate, idHash,
                  [&] { return duplicateEntry(event); });
}

void InstanceJournal::appendRefusal(const DirectEvent& event, std::string_view reason) {
  // Not applied: its id is never compared, so it needs no hash.
  appendUnchanged({event.id, event.name, event.actor, reason}, event.time, Unchanged::Refused, 0,
                  [&] { return refusedEntry(event, reason); });
}

template <typename WholeEntry>
void InstanceJournal::appendUnchanged(const UnchangedTexts& texts, TimestampValue time, Unchanged kind,
                                      std::size_t idHash, const WholeEntry& whole) {
  const std::size_t size = unchangedTextsSize(texts);
  if (!fits<std::uint32_t>(textBytes() + size)) {
    append(whole(), false);
    return;
  }
  char* text = nullptr;
  Entry& entry = addEntry(size, text);
  packUnchangedTexts(texts, text);
  entry.time = time;
  entry.duplicate = kind == Unchanged::Duplicate;
  entry.refused = kind == Unchanged::Refused;
  added(idHash, false);
}

std::vector<JournalEntry> InstanceJournal::entries(std::size_t from, std::size_t limit) const {
  std::vector<JournalEntry> all;
  if (from >= count()) return all;
  const std::size_t end = from + std::min(limit, count() - from);
  all.reserve(end - from);
  for (std::size_t i = from; i < end; ++i) {
    const Entry& entry = entryAt(i);
    if (entry.held) {
      all.push_back(block_->extras->wholes[entry.text]);
    } else if (entry.duplicate) {
      const UnchangedTexts texts = unpackUnchangedTexts(textsFrom(entry.text));
      all.push_back(duplicateEntry(texts.eventId, texts.event, texts.actor, entry.time));
    } else if (entry.refused) {
      const UnchangedTexts texts = unpackUnchangedTexts(textsFrom(entry.text));
      all.push_back(refusedEntry(texts.eventId, texts.event, texts.actor, entry.time, texts.reason));
    } else if (entry.direct == nullptr) {
      all.push_back(unpackEntry(textsFrom(entry.text)));
    } else {
      const DirectTexts texts = unpackDirectTexts(textsFrom(entry.text));
      all.push_back(directJournalEntry(*entry.direct, entry.step, static_cast<std::int64_t>(texts.votes), entry.time,
                                       texts.eventId, texts.actor));
    }
  }
  return all;
}

}  // namespace approval::runtime
