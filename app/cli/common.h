// Helpers shared by the subcommands: model loading with diagnostics, number formatting.
#pragma once

#include <eqw/data.h>
#include <eqw/graph.h>
#include <eqw/io.h>
#include <eqw/passes.h>
#include <eqw/status.h>

#include <cstdint>
#include <string>

namespace eqw::cli {

class Args;

// Loads MODEL with the common options (--weights, --input-shape) and prints the importer's
// warnings to stderr.
Result<Graph> loadModelFromArgs(const std::string& path, const Args& args);
// The import options those flags give.
Result<ImportOptions> importOptionsFromArgs(const Args& args);

// "3.86 G", "569.6 M", "12.3 k".
std::string humanCount(double value);
// "[1, 3, 224, 224]" without the batch 1: "3x224x224".
std::string shapeText(const Shape& shape);
// Parses "1,3,224,224" into a shape.
Result<Shape> parseShape(const std::string& text);

// loadModelFromArgs for the quantization commands: the model must have one input, and it is
// canonicalized (BatchNorm folded, activations fused) as ncnn would run it.
Result<Graph> loadCanonicalModel(const std::string& path, const Args& args, const std::string& command,
                                 CanonicalizeReport* report = nullptr);

// Options every model-loading command accepts, for --help texts.
extern const char* kModelOptionsHelp;

// The image preprocessing options (--size, --resize-shorter, --mean, --norm, --pixel) as a
// Preprocess for a model whose input has this shape; and their --help text.
Result<Preprocess> preprocessFromArgs(const Args& args, const Shape& inputShape);
extern const char* kPreprocessHelp;
// The option names preprocessFromArgs reads, for Args::parse.
extern const char* const kPreprocessOptions[5];

}  // namespace eqw::cli
