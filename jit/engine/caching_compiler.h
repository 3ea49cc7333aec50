// The JIT's IR compiler: looks the module up in the object cache by its identifier first;
// on a miss runs the optimisation pipeline and LLVM's back end, then stores the object.
#pragma once

#include <memory>

#include <llvm/ExecutionEngine/Orc/IRCompileLayer.h>
#include <llvm/Target/TargetMachine.h>

#include "approval/jit.h"

namespace approval::jit {

class CachingCompiler final : public llvm::orc::IRCompileLayer::IRCompiler {
 public:
  /// `cache` may be null; `fromCache` is set when an object was loaded instead of compiled.
  CachingCompiler(std::unique_ptr<llvm::TargetMachine> target, unsigned level, ObjectCache* cache, bool* fromCache);
  llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> operator()(llvm::Module& module) override;

 private:
  std::unique_ptr<llvm::TargetMachine> target_;
  unsigned level_;
  ObjectCache* cache_;
  bool* fromCache_;
};

}  // namespace approval::jit
