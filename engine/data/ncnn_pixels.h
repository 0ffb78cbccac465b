// ncnn's pixel arithmetic (Mat::from_pixels_resize and its colour conversions), reproduced so
// that a calibration set preprocessed here gives the tensors ncnn2table gives: its bilinear
// resize is 11-bit fixed point with its own truncations, not OpenCV's INTER_LINEAR, and its
// gray conversion is (77 R + 150 G + 29 B) >> 8. A pixel one level off moves activations, and
// through them KL's chosen bin.
#pragma once

#include <cstdint>

namespace eqw::data {

// src: srch rows of srcw pixels of `channels` interleaved bytes; dst: h rows of w pixels.
// Needs srcw >= 2 and srch >= 2 (ncnn reads past a one-pixel row or column).
void resizeBilinearNcnn(const uint8_t* src, int srcw, int srch, int channels, uint8_t* dst, int w, int h);

// n BGR pixels to gray, ncnn's PIXEL_BGR2GRAY.
void bgrToGrayNcnn(const uint8_t* bgr, int64_t n, uint8_t* gray);

}  // namespace eqw::data
