#include <eqw/status.h>

namespace eqw {

const char* toString(StatusCode code) {
  switch (code) {
    case StatusCode::Ok: return "Ok";
    case StatusCode::InvalidArgument: return "InvalidArgument";
    case StatusCode::NotFound: return "NotFound";
    case StatusCode::ParseError: return "ParseError";
    case StatusCode::Unsupported: return "Unsupported";
    case StatusCode::ShapeError: return "ShapeError";
    case StatusCode::IoError: return "IoError";
    case StatusCode::Cancelled: return "Cancelled";
    case StatusCode::Internal: return "Internal";
  }
  return "Unknown";
}

std::string Status::toString() const {
  if (isOk()) return "Ok";
  return std::string(eqw::toString(code_)) + ": " + message_;
}

Status Status::withContext(const std::string& context) const {
  if (isOk()) return *this;
  return Status(code_, context + ": " + message_);
}

}  // namespace eqw
