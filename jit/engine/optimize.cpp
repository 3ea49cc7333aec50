#include "engine/optimize.h"

#include <mutex>

#include <llvm/Analysis/CGSCCPassManager.h>
#include <llvm/Analysis/LoopAnalysisManager.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Passes/StandardInstrumentations.h>
#include <llvm/Support/TargetSelect.h>

namespace approval::jit {

void optimizeModule(llvm::Module& module, llvm::TargetMachine& target, unsigned level) {
  llvm::LoopAnalysisManager loops;
  llvm::FunctionAnalysisManager functions;
  llvm::CGSCCAnalysisManager sccs;
  llvm::ModuleAnalysisManager modules;
  // Without this the new pass manager runs every pass on optnone functions too (the guards
  // whose macros nest past kOptimizedMacroDepth, whose loops the passes take too long over).
  llvm::PassInstrumentationCallbacks instrumentation;
  llvm::OptNoneInstrumentation skipOptNone(/*DebugLogging=*/false);
  skipOptNone.registerCallbacks(instrumentation);
  llvm::PassBuilder passes(&target, llvm::PipelineTuningOptions(), llvm::None, &instrumentation);
  passes.registerModuleAnalyses(modules);
  passes.registerCGSCCAnalyses(sccs);
  passes.registerFunctionAnalyses(functions);
  passes.registerLoopAnalyses(loops);
  passes.crossRegisterProxies(loops, functions, sccs, modules);
  if (level == 0) {
    passes.buildO0DefaultPipeline(llvm::OptimizationLevel::O0).run(module, modules);
    return;
  }
  const llvm::OptimizationLevel levels[] = {llvm::OptimizationLevel::O1, llvm::OptimizationLevel::O2,
                                            llvm::OptimizationLevel::O3};
  passes.buildPerModuleDefaultPipeline(levels[level > 3 ? 2 : level - 1]).run(module, modules);
}

void initializeNativeTarget() {
  static std::once_flag once;
  std::call_once(once, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
  });
}

}  // namespace approval::jit
