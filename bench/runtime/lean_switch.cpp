// GenSmall's switch plus the same contract as audited_switch.cpp (lock, Duplicate check, kept
// history), laid out as compactly as that contract allows, to see how low any implementation
// of it could go: 16-byte history entries in chunks bump-allocated from a per-thread arena
// (no malloc, no copying as a history grows, nothing freed until the pool goes), the id's
// bytes beside them, and actors interned per pool, so an entry names its actor in one byte.
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "baselines.h"
#include "store/spin_lock.h"

namespace approval::bench::runtime {

namespace {

/// 16 bytes: what an event leaves in the history besides its id's bytes.
struct LeanEntry {
  std::int64_t time = 0;
  std::uint32_t idHash = 0;  // the low half of the id's hash: ids are compared only when it matches
  std::uint8_t idSize = 0;
  std::uint8_t actor = 0;    // into the pool's actors
  std::uint8_t to = 0;       // the state after the event (GenSmall has 50)
  bool applied = false;
};
static_assert(sizeof(LeanEntry) == 16);

constexpr std::size_t kChunkEntries = 8;
constexpr std::size_t kIdBytes = 16;  // room for the benchmark's ids ("e1".."e16") in the chunk

/// Eight entries and their ids, linked to the instance's previous chunk.
struct LeanChunk {
  LeanChunk* previous = nullptr;
  std::uint32_t used = 0;
  LeanEntry entries[kChunkEntries];
  char ids[kChunkEntries][kIdBytes];
};

/// Bump allocation from 1 MiB blocks, one arena per thread: taking memory needs no lock and
/// no free list; blocks are released when the pool that asked for them goes.
struct Arena {
  std::vector<std::unique_ptr<char[]>> blocks;
  std::size_t left = 0;
  char* next = nullptr;

  void* take(std::size_t bytes) {
    if (bytes > left) {
      constexpr std::size_t kBlock = 1 << 20;
      blocks.push_back(std::make_unique_for_overwrite<char[]>(kBlock));
      next = blocks.back().get();
      left = kBlock;
    }
    void* taken = next;
    next += bytes;
    left -= bytes;
    return taken;
  }
};

struct LeanInstance {
  SwitchInstance machine;
  approval::runtime::SpinLock lock;
  LeanChunk* last = nullptr;
  std::uint32_t recorded = 0;
};

}  // namespace

struct LeanPool {
  std::unique_ptr<LeanInstance[]> instances;
  std::size_t count = 0;
  Arena arena;  // the benchmark fires from one thread; a service would keep one per thread
  std::vector<std::string> actors;

  std::uint8_t actorIndex(std::string_view actor) {
    for (std::size_t i = 0; i < actors.size(); ++i) {
      if (actors[i] == actor) return static_cast<std::uint8_t>(i);
    }
    actors.emplace_back(actor);
    return static_cast<std::uint8_t>(actors.size() - 1);
  }
};

namespace {

bool applied(const LeanInstance& instance, std::string_view id, std::uint32_t hash) {
  for (const LeanChunk* chunk = instance.last; chunk != nullptr; chunk = chunk->previous) {
    for (std::uint32_t i = 0; i < chunk->used; ++i) {
      const LeanEntry& entry = chunk->entries[i];
      if (entry.idHash == hash && entry.applied && entry.idSize == id.size() &&
          std::memcmp(chunk->ids[i], id.data(), id.size()) == 0) {
        return true;
      }
    }
  }
  return false;
}

}  // namespace

LeanPool* makeLeanPool(std::size_t count) {
  auto* pool = new LeanPool;
  pool->instances = std::make_unique<LeanInstance[]>(count);
  pool->count = count;
  return pool;
}

void destroy(LeanPool* pool) { delete pool; }

void restart(LeanPool* pool) {
  for (std::size_t i = 0; i < pool->count; ++i) {
    LeanInstance& instance = pool->instances[i];
    instance.machine = SwitchInstance{};
    instance.last = nullptr;  // the arena keeps the old chunks until the pool goes
    instance.recorded = 0;
  }
}

int fireLean(LeanPool* pool, std::size_t index, int event, std::string_view id, std::string_view actor,
             std::int64_t time) {
  if (id.size() > kIdBytes) return -1;  // the benchmark's ids fit; a real store would spill them
  const auto hash = static_cast<std::uint32_t>(std::hash<std::string_view>{}(id));
  LeanInstance& instance = pool->instances[index];
  instance.lock.lock();
  int answer = 3;
  if (!applied(instance, id, hash)) answer = switchGenSmall(instance.machine, event);
  if (instance.last == nullptr || instance.last->used == kChunkEntries) {
    auto* chunk = new (pool->arena.take(sizeof(LeanChunk))) LeanChunk;
    chunk->previous = instance.last;
    instance.last = chunk;
  }
  LeanChunk& chunk = *instance.last;
  LeanEntry& entry = chunk.entries[chunk.used];
  entry.time = time;
  entry.idHash = hash;
  entry.idSize = static_cast<std::uint8_t>(id.size());
  entry.actor = pool->actorIndex(actor);
  entry.to = static_cast<std::uint8_t>(instance.machine.state);
  entry.applied = answer == 1;
  std::memcpy(chunk.ids[chunk.used], id.data(), id.size());
  ++chunk.used;
  ++instance.recorded;
  instance.lock.unlock();
  return answer;
}

int state(const LeanPool* pool, std::size_t instance) { return pool->instances[instance].machine.state; }

std::size_t historySize(const LeanPool* pool, std::size_t instance) {
  return pool->instances[instance].recorded;
}

}  // namespace approval::bench::runtime
