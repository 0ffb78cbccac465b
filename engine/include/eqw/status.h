// Status, Result<T> and Diagnostic: how the engine reports what went wrong and where.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace eqw {

enum class StatusCode {
  Ok = 0,
  InvalidArgument,  // bad value from the caller or the command line
  NotFound,         // file, layer or tensor missing
  ParseError,       // malformed file content (the message names file and line / offset)
  Unsupported,      // an op or attribute combination the engine does not run
  ShapeError,       // shapes that do not fit together
  IoError,          // read / write failure
  Cancelled,        // a job was cancelled by the user
  Internal,         // a bug: an invariant did not hold
};

const char* toString(StatusCode code);

// A Status carries a code and a message that names the file, line or node and the bad value,
// e.g. "resnet50.param:12: layer 'conv1' (Convolution): kernel_w=0 must be positive".
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status ok() { return {}; }
  bool isOk() const { return code_ == StatusCode::Ok; }
  explicit operator bool() const { return isOk(); }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "ParseError: <message>" — for logs and the command line.
  std::string toString() const;
  // Prefixes the message with context ("while loading x.onnx: ...").
  Status withContext(const std::string& context) const;

 private:
  StatusCode code_ = StatusCode::Ok;
  std::string message_;
};

inline Status invalidArgument(std::string m) { return {StatusCode::InvalidArgument, std::move(m)}; }
inline Status notFound(std::string m) { return {StatusCode::NotFound, std::move(m)}; }
inline Status parseError(std::string m) { return {StatusCode::ParseError, std::move(m)}; }
inline Status unsupported(std::string m) { return {StatusCode::Unsupported, std::move(m)}; }
inline Status shapeError(std::string m) { return {StatusCode::ShapeError, std::move(m)}; }
inline Status ioError(std::string m) { return {StatusCode::IoError, std::move(m)}; }
inline Status internalError(std::string m) { return {StatusCode::Internal, std::move(m)}; }

// A value or the Status that explains why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(Status status) : v_(std::move(status)) { assert(!std::get<Status>(v_).isOk()); }

  bool isOk() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return isOk(); }
  const Status& status() const {
    static const Status okStatus;
    return isOk() ? okStatus : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

enum class Severity { Info, Warning, Error };

// Something worth telling the user that does not stop the work (a skipped image, a fused
// pattern, a layer kept in FP32). node is the graph node it concerns, or -1.
struct Diagnostic {
  Severity severity = Severity::Warning;
  std::string message;
  int node = -1;
};
using Diagnostics = std::vector<Diagnostic>;

}  // namespace eqw

#define EQW_RETURN_IF_ERROR(expr)            \
  do {                                       \
    ::eqw::Status eqw_status_ = (expr);      \
    if (!eqw_status_.isOk()) return eqw_status_; \
  } while (0)
