#include "store/direct_entry.h"

#include <string>
#include <vector>

#include "approval/utf8.h"

namespace approval::runtime {

std::string duplicateReason(std::string_view eventId) {
  return "event `" + excerptForMessage(eventId) + "` was already applied";
}

JournalEntry duplicateEntry(std::string_view eventId, std::string_view event, std::string_view actor,
                            TimestampValue time) {
  return JournalEntry{std::string(eventId),
                      std::string(event),
                      std::string(actor),
                      time,
                      "Duplicate",
                      duplicateReason(eventId),
                      {},
                      {},
                      {},
                      0};
}

JournalEntry refusedEntry(std::string_view eventId, std::string_view event, std::string_view actor, TimestampValue time,
                          std::string_view reason) {
  return JournalEntry{std::string(eventId), std::string(event), std::string(actor), time, "Rejected",
                      std::string(reason), {},  {},  {},  0};
}

JournalEntry directJournalEntry(const DirectRow& row, int step, std::int64_t votes, TimestampValue time,
                                std::string_view eventId, std::string_view actor) {
  // The guards the engine evaluated: false up to the step taken (all of them when it
  // stayed), then the step's own true when it has a guard.
  const bool stayed = step < 0;
  const auto tried = stayed ? row.steps.size() : static_cast<std::size_t>(step);
  std::vector<std::string> guards;
  for (std::size_t i = 0; i < tried; ++i) guards.push_back(*row.steps[i].whenFalse);
  if (!stayed && row.steps[tried].whenTrue != nullptr) guards.push_back(*row.steps[tried].whenTrue);
  const DirectStep* taken = stayed ? nullptr : &row.steps[tried];
  const bool acts = taken != nullptr && taken->actions != nullptr;
  return JournalEntry{std::string(eventId),
                      *row.event,
                      std::string(actor),
                      time,
                      stayed ? "Stayed" : "Transitioned",
                      stayed ? *row.state : *taken->detail,
                      std::move(guards),
                      acts ? *taken->actions : std::vector<std::string>(),
                      acts ? *taken->emitted : std::vector<std::string>(),
                      votes};
}

}  // namespace approval::runtime
