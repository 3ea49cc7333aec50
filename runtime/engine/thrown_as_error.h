// Calls into code the engine does not own (a Store, a Clock) where what it throws must become
// an error value: the engine's answer to the host (a store error is a Rejected answer, not an
// exception out of `fire`), and on the timer thread, where nobody could catch it at all.
#pragma once

#include <exception>
#include <string>
#include <string_view>
#include <type_traits>

#include "approval/result.h"

namespace approval::runtime {

/// What the exception being handled says: "threw: <what()>", or that it was no std::exception
/// (a host's own types, `throw 42`). Call it only inside a catch block.
inline std::string describeThrown() {
  try {
    throw;
  } catch (const std::exception& error) {
    return std::string("threw: ") + error.what();
  } catch (...) {
    return "threw something that is not a std::exception";
  }
}

template <typename T>
struct AsResult {
  using type = Result<T>;
};
template <typename T>
struct AsResult<Result<T>> {
  using type = Result<T>;
};

/// `call()` as a Result (its own, when it returns one); what it throws becomes the Error
/// "`what` threw: ...". An error it returns is kept as it is.
template <typename Call>
auto thrownAsError(std::string_view what, Call&& call) -> typename AsResult<std::invoke_result_t<Call&>>::type {
  try {
    return call();
  } catch (...) {
    return Error{std::string(what) + " " + describeThrown()};
  }
}

}  // namespace approval::runtime
