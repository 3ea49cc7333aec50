// The Store contract (approval/store.h, docs/RUNTIME.md "Writing a store") as checks any store
// can be run through: give a factory of empty stores, get back every way the store departs
// from the contract. Not tied to a test framework, so the tests of a store of one's own
// (SQLite, PostgreSQL) can call it as the memory store's tests do. The direct path (`slot`,
// `applyDirect`) is not checked: it is optional, and only for stores in this process's memory.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "approval/store.h"

namespace approval::test {

/// Makes an empty store; called once per check.
using StoreFactory = std::function<std::unique_ptr<runtime::Store>()>;

struct ConformanceFailure {
  std::string check;  // its name, as storeConformanceChecks() lists it
  std::string what;   // what the store did, against what the contract says
};

/// The names of the checks, in the order they run.
[[nodiscard]] std::vector<std::string> storeConformanceChecks();

/// Runs every check, each on a store of its own; empty when the store keeps the contract. A
/// check stops at its first failure (later ones would only follow from it); a store that
/// throws or returns an Error fails the check it was in.
[[nodiscard]] std::vector<ConformanceFailure> storeConformanceFailures(const StoreFactory& makeStore);

}  // namespace approval::test
