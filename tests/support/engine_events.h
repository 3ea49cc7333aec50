// Events for tests that drive an approval::runtime::Engine.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "approval/engine.h"

namespace approval::test {

/// An event with `id`, `name`, `actor` and `payload`, at the engine clock's time.
inline runtime::Event event(std::string id, std::string name, std::string actor,
                            std::map<std::string, Value> payload = {}) {
  return runtime::Event{std::move(id), std::move(name), std::move(actor), std::nullopt, std::move(payload)};
}

}  // namespace approval::test
