#include "io/onnx/model_file.h"

#include <google/protobuf/io/coded_stream.h>

#include <climits>
#include <filesystem>
#include <fstream>
#include <new>

namespace eqw::onnximport {

Status readModelFile(const std::string& path, onnx::ModelProto& model) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return ioError(path + ": cannot read (" + ec.message() + ")");
  if (size == 0) return parseError(path + ": empty file, not an ONNX model");
  if (size > static_cast<uintmax_t>(INT_MAX))
    return unsupported(path + ": " + std::to_string(size) + " bytes is above protobuf's 2 GiB limit; use external data (not supported yet)");
  std::string bytes;
  try {
    bytes.resize(static_cast<size_t>(size));
  } catch (const std::bad_alloc&) {
    return ioError(path + ": out of memory reading " + std::to_string(size) + " bytes");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in.read(bytes.data(), static_cast<std::streamsize>(size)))
    return ioError(path + ": read failed after " + std::to_string(in.gcount()) + " of " + std::to_string(size) + " bytes");

  google::protobuf::io::CodedInputStream stream(reinterpret_cast<const uint8_t*>(bytes.data()), static_cast<int>(size));
  stream.SetTotalBytesLimit(static_cast<int>(size));
  if (!model.ParseFromCodedStream(&stream) || !stream.ConsumedEntireMessage())
    return parseError(path + ": not a valid ONNX model (protobuf parsing stopped at byte " +
                      std::to_string(stream.CurrentPosition()) + " of " + std::to_string(size) + "; truncated or not ONNX)");
  if (!model.has_graph() || (model.graph().node_size() == 0 && model.graph().output_size() == 0))
    return parseError(path + ": no graph in the file (not an ONNX model?)");
  return Status::ok();
}

}  // namespace eqw::onnximport
