// Decoding an image file into an 8-bit OpenCV matrix with 1 (gray) or 3 (BGR) channels.
#pragma once

#include <string>

#include <opencv2/core/mat.hpp>

#include "eqw/status.h"

namespace eqw {

// Reads and decodes path with IMREAD_UNCHANGED, then converts explicitly: 16 bit -> 8 bit
// (v / 257), gray+alpha -> gray, BGRA -> BGR. CMYK JPEGs arrive as BGR from the decoder.
// IoError naming the file and why on any failure; never throws.
Result<cv::Mat> decodeImage8(const std::string& path);

}  // namespace eqw
