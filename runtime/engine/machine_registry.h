// The machines an engine has loaded: by content hash (what instances are pinned to) and by
// name (its highest version). Machines are never unloaded while the engine lives, which is
// what lets `cached` hand out plain pointers.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>

#include "engine/loaded_machine.h"

namespace approval::runtime {

class MachineRegistry {
 public:
  MachineRegistry();

  void add(std::shared_ptr<const LoadedMachine> machine);
  [[nodiscard]] std::shared_ptr<const LoadedMachine> byHash(std::string_view hash) const;
  /// A content hash, or a name (its highest loaded version).
  [[nodiscard]] std::shared_ptr<const LoadedMachine> byHashOrName(std::string_view machine) const;
  /// `byHash` without the lock and the map lookup for the machine this thread used last.
  [[nodiscard]] const LoadedMachine* cached(std::string_view hash) const;

 private:
  const std::uint64_t serial_;  // tells registries apart in the per-thread cache
  mutable std::shared_mutex mutex_;
  std::map<std::string, std::shared_ptr<const LoadedMachine>, std::less<>> byHash_;
  std::map<std::string, std::shared_ptr<const LoadedMachine>, std::less<>> latestByName_;
};

}  // namespace approval::runtime
