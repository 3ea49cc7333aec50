#include "engine/machine_registry.h"

#include <atomic>
#include <mutex>

namespace approval::runtime {

namespace {

std::uint64_t nextSerial() {
  static std::atomic<std::uint64_t> counter{0};
  return ++counter;
}

}  // namespace

MachineRegistry::MachineRegistry() : serial_(nextSerial()) {}

void MachineRegistry::add(std::shared_ptr<const LoadedMachine> machine) {
  const auto& ir = machine->ir;
  std::unique_lock lock(mutex_);
  auto latest = latestByName_.find(ir.name);
  if (latest == latestByName_.end() || latest->second->ir.version <= ir.version) latestByName_[ir.name] = machine;
  byHash_.emplace(ir.contentHash, std::move(machine));
}

std::shared_ptr<const LoadedMachine> MachineRegistry::byHash(std::string_view hash) const {
  std::shared_lock lock(mutex_);
  auto found = byHash_.find(hash);
  return found == byHash_.end() ? nullptr : found->second;
}

std::shared_ptr<const LoadedMachine> MachineRegistry::byHashOrName(std::string_view machine) const {
  std::shared_lock lock(mutex_);
  if (auto found = byHash_.find(machine); found != byHash_.end()) return found->second;
  auto found = latestByName_.find(machine);
  return found == latestByName_.end() ? nullptr : found->second;
}

const LoadedMachine* MachineRegistry::cached(std::string_view hash) const {
  struct LastUsed {
    std::uint64_t registry = 0;
    std::string hash;
    const LoadedMachine* machine = nullptr;
  };
  thread_local LastUsed last;
  if (last.registry == serial_ && last.hash == hash) return last.machine;
  auto machine = byHash(hash);
  if (!machine) return nullptr;
  last = {serial_, std::string(hash), machine.get()};
  return machine.get();
}

}  // namespace approval::runtime
