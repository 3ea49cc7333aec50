// GenSmall's switch plus, by hand, what every Engine::fire must do besides choosing the
// transition (baselines.h): lock the instance, answer a seen id as a Duplicate, record the
// event. Written plainly, with nothing the engine's contract does not ask for: no answer
// texts, no routes, no timers, no clock, no machine lookup, no virtual calls.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "baselines.h"
#include "store/spin_lock.h"

namespace approval::bench::runtime {

namespace {

/// 24 bytes, as the engine's journal entry. The id and actor are at `text` in the texts.
struct AuditEntry {
  std::int64_t time = 0;
  std::uint32_t text = 0;
  std::uint16_t from = 0;
  std::uint16_t to = 0;
  std::uint8_t idTag = 0;  // of the id's hash: the Duplicate check compares ids only when it matches
  std::uint8_t idSize = 0;
  std::uint8_t actorSize = 0;
  bool applied = false;
};

struct AuditedInstance {
  SwitchInstance machine;
  approval::runtime::SpinLock lock;  // the memory store's instance lock
  std::vector<AuditEntry> history;
  std::string texts;  // ids and actors, in history order

  /// Histories stay short here (16 events), so a scan is the cheapest check.
  bool applied(std::string_view id, std::uint8_t tag) const {
    for (const AuditEntry& entry : history) {
      if (entry.idTag == tag && entry.applied && std::string_view(texts).substr(entry.text, entry.idSize) == id) {
        return true;
      }
    }
    return false;
  }
  void record(std::string_view id, std::string_view actor, std::int64_t time, std::uint8_t tag, int from,
              bool applied) {
    AuditEntry entry;
    entry.time = time;
    entry.text = static_cast<std::uint32_t>(texts.size());
    entry.from = static_cast<std::uint16_t>(from);
    entry.to = static_cast<std::uint16_t>(machine.state);
    entry.idTag = tag;
    entry.idSize = static_cast<std::uint8_t>(id.size());
    entry.actorSize = static_cast<std::uint8_t>(actor.size());
    entry.applied = applied;
    if (history.empty()) {  // room for a few events at once, then doubling (as the engine's journal grows)
      history.reserve(4);
      texts.reserve(64);
    }
    texts.append(id).append(actor);
    history.push_back(entry);
  }
};

}  // namespace

struct AuditedPool {
  std::unique_ptr<AuditedInstance[]> instances;
  std::size_t count = 0;
};

AuditedPool* makeAuditedPool(std::size_t count) {
  auto* pool = new AuditedPool;
  pool->instances = std::make_unique<AuditedInstance[]>(count);
  pool->count = count;
  return pool;
}

void destroy(AuditedPool* pool) { delete pool; }

void restart(AuditedPool* pool) {
  for (std::size_t i = 0; i < pool->count; ++i) {
    AuditedInstance& instance = pool->instances[i];
    instance.machine = SwitchInstance{};
    instance.history = {};
    instance.texts = {};
  }
}

int fireAudited(AuditedPool* pool, std::size_t index, int event, std::string_view id, std::string_view actor,
                std::int64_t time) {
  const auto tag = static_cast<std::uint8_t>(std::hash<std::string_view>{}(id) >> 56);
  AuditedInstance& instance = pool->instances[index];
  instance.lock.lock();
  const int from = instance.machine.state;
  int answer = 3;
  if (!instance.applied(id, tag)) answer = switchGenSmall(instance.machine, event);
  instance.record(id, actor, time, tag, from, answer == 1);
  instance.lock.unlock();
  return answer;
}

int state(const AuditedPool* pool, std::size_t instance) { return pool->instances[instance].machine.state; }

std::size_t historySize(const AuditedPool* pool, std::size_t instance) {
  return pool->instances[instance].history.size();
}

}  // namespace approval::bench::runtime
