// Model exporters: write an imported graph back out in another framework's format.
#pragma once

#include <eqw/graph.h>
#include <eqw/status.h>

#include <string>

namespace eqw {

// Writes the graph as an ncnn FP32 model: .param text and .bin weights (float32, tagged where
// ncnn's load_model expects a tag). Layer and blob names are kept (whitespace becomes '_');
// values read by several layers get an ncnn Split. The graph must be validated and
// shape-inferred (loadModel does both). Ops ncnn cannot express are Unsupported, naming the
// node; an unwritable path is an IoError naming it.
Status exportNcnn(const Graph& graph, const std::string& paramPath, const std::string& binPath);

}  // namespace eqw
