// LLVM's standard optimisation pipeline (new pass manager) at a level 0..3.
#pragma once

#include <llvm/IR/Module.h>
#include <llvm/Target/TargetMachine.h>

namespace approval::jit {

void optimizeModule(llvm::Module& module, llvm::TargetMachine& target, unsigned level);

/// Native target set-up, once per process.
void initializeNativeTarget();

}  // namespace approval::jit
