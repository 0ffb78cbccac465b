// Reading an .onnx file into a ModelProto with bounded memory and errors that name the file.
#pragma once

#include <eqw/status.h>

#include <onnx/onnx_pb.h>

#include <string>

namespace eqw::onnximport {

// Files above protobuf's 2 GiB message limit are refused before reading; a parse failure is
// a ParseError naming the file and the byte offset where parsing stopped.
Status readModelFile(const std::string& path, onnx::ModelProto& model);

}  // namespace eqw::onnximport
