// A store that passes the general path (load, commit, record, ...) to another store, a memory
// store by default, and keeps Store's defaults for the direct path: through it, every event
// takes the general path. Tests derive from it to break or watch one call.
#pragma once

#include <memory>

#include "approval/store.h"

namespace approval::test {

class ForwardingStore : public runtime::Store {
 public:
  /// `inner` may be shared with other engines, as they would share a durable store.
  explicit ForwardingStore(std::shared_ptr<runtime::Store> inner = runtime::makeMemoryStore())
      : inner_(std::move(inner)) {}
  Result<std::optional<runtime::InstanceRecord>> load(std::string_view id) override { return inner_->load(id); }
  Result<runtime::CommitStatus> commit(runtime::Commit&& commit) override { return inner_->commit(std::move(commit)); }
  Result<bool> record(std::string_view id, const runtime::JournalEntry& entry) override {
    return inner_->record(id, entry);
  }
  Result<bool> applied(std::string_view id, std::string_view event) override { return inner_->applied(id, event); }
  Result<std::vector<runtime::JournalEntry>> journal(std::string_view id) override { return inner_->journal(id); }
  Result<std::vector<runtime::JournalEntry>> journalPage(std::string_view id, std::size_t from,
                                                         std::size_t limit) override {
    return inner_->journalPage(id, from, limit);
  }
  Result<std::vector<runtime::TimerRecord>> dueTimers(TimestampValue now, std::size_t limit) override {
    return inner_->dueTimers(now, limit);
  }
  Result<std::vector<runtime::TimerRecord>> claimDueTimers(TimestampValue now, std::size_t limit,
                                                           std::string_view claimant, TimestampValue until) override {
    return inner_->claimDueTimers(now, limit, claimant, until);
  }
  Result<std::vector<runtime::TimerRecord>> dueTimers(std::string_view id, TimestampValue now) override {
    return inner_->dueTimers(id, now);
  }
  Result<std::optional<TimestampValue>> nextTimer() override { return inner_->nextTimer(); }
  Result<std::size_t> instanceCount() override { return inner_->instanceCount(); }

 protected:
  std::shared_ptr<runtime::Store> inner_;
};

}  // namespace approval::test
