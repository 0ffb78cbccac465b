// Fingerprints of what cached statistics depend on, so a changed model file, image list or
// preprocessing invalidates them and nothing else does. 64-bit FNV-1a, as 16 hex digits: a cache
// key, not a security measure.
#pragma once

#include <eqw/calib.h>
#include <eqw/data.h>
#include <eqw/io.h>
#include <eqw/passes.h>

#include <string>

namespace eqw {

// The model file's bytes, the weights file's (ImportOptions::weights_path, or the one beside
// the model: x.param -> x.bin, x.prototxt -> x.caffemodel) when it exists, and the options.
std::string modelFingerprint(const std::string& modelPath, const ImportOptions& import,
                             const CanonicalizeOptions& canonicalize);

// The dataset's layout and samples (path relative to the source's folder, label, file size),
// the preprocessing, and the collection options that change the numbers (passes, max_images, a
// one-pass hist_stride other than 1; not threads, and not values: see Session::collectStatistics).
// A file replaced by another of the same size is not noticed (hashing every image would cost as
// much as decoding it).
std::string dataFingerprint(const Dataset& dataset, const Preprocess& preprocess, const CollectOptions& options);

}  // namespace eqw
