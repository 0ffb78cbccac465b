// The `path [label]` list-file layout.
#pragma once

#include <filesystem>

#include "eqw/data.h"

namespace eqw {

// Fills dataset.samples (and classNames from a nearby classes.txt) from a list file.
Status readListFile(const std::filesystem::path& listPath, Dataset& dataset);

}  // namespace eqw
