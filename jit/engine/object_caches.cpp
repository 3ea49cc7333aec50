// The two object caches of jit.h: in memory, and as files in a directory.
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <atomic>
#include <thread>

#include <unistd.h>

#include "approval/jit.h"

namespace approval::jit {

struct MemoryObjectCache::State {
  mutable std::mutex mutex;
  std::map<std::string, std::string, std::less<>> objects;
};

MemoryObjectCache::MemoryObjectCache() : state_(std::make_unique<State>()) {}
MemoryObjectCache::~MemoryObjectCache() = default;

std::optional<std::string> MemoryObjectCache::load(std::string_view key) {
  std::lock_guard lock(state_->mutex);
  auto found = state_->objects.find(key);
  if (found == state_->objects.end()) return std::nullopt;
  return found->second;
}

void MemoryObjectCache::store(std::string_view key, std::string_view object) {
  std::lock_guard lock(state_->mutex);
  state_->objects.insert_or_assign(std::string(key), std::string(object));
}

std::size_t MemoryObjectCache::size() const {
  std::lock_guard lock(state_->mutex);
  return state_->objects.size();
}

DirectoryObjectCache::DirectoryObjectCache(std::string directory) : directory_(std::move(directory)) {}

std::optional<std::string> DirectoryObjectCache::load(std::string_view key) {
  std::ifstream file(std::filesystem::path(directory_) / (std::string(key) + ".o"), std::ios::binary);
  if (!file) return std::nullopt;
  std::ostringstream contents;
  contents << file.rdbuf();
  if (!file && !file.eof()) return std::nullopt;
  return std::move(contents).str();
}

void DirectoryObjectCache::store(std::string_view key, std::string_view object) {
  std::error_code ignored;
  const std::filesystem::path directory(directory_);
  std::filesystem::create_directories(directory, ignored);
  // Write then rename, so a concurrent reader never sees half an object.
  const auto final = directory / (std::string(key) + ".o");
  auto temporary = final;
  static std::atomic<unsigned> counter{0};
  temporary += ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++);
  {
    std::ofstream file(temporary, std::ios::binary | std::ios::trunc);
    if (!file) return;
    file.write(object.data(), static_cast<std::streamsize>(object.size()));
    if (!file) {
      file.close();
      std::filesystem::remove(temporary, ignored);
      return;
    }
  }
  std::filesystem::rename(temporary, final, ignored);
  if (ignored) std::filesystem::remove(temporary, ignored);
}

}  // namespace approval::jit
