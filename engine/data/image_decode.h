// Decoding an image file into an 8-bit BGR OpenCV matrix.
#pragma once

#include <string>

#include <opencv2/core/mat.hpp>

#include "eqw/status.h"

namespace eqw {

// Reads and decodes path as cv::imread(path, IMREAD_COLOR) does (what ncnn2table reads): 8-bit
// BGR, gray as three equal channels, alpha dropped, 16-bit samples cut to their high byte, JPEGs
// turned by their EXIF orientation, CMYK JPEGs converted by the decoder. IoError naming the file
// and why on any failure; never throws.
Result<cv::Mat> decodeImage8(const std::string& path);

}  // namespace eqw
