// Synthetic data for the calibration tests: seeded samples from known distributions.
#pragma once

#include <eqw/calib.h>

#include <cstdint>
#include <vector>

namespace eqw::testing {

std::vector<float> uniformSamples(int64_t n, float lo, float hi, uint32_t seed);
std::vector<float> gaussianSamples(int64_t n, float sigma, uint32_t seed);
std::vector<float> laplaceSamples(int64_t n, float b, uint32_t seed);
// Gaussian N(0, 1) plus `outliers` values of +-magnitude.
std::vector<float> spikeSamples(int64_t n, int outliers, float magnitude, uint32_t seed);

// Quantize-dequantize (ALGORITHMS.md §1) and its mean squared error over the samples.
double quantMse(const std::vector<float>& x, double threshold, int qmax);

float methodThreshold(const std::string& method, const TensorStats& stats, int bits);

}  // namespace eqw::testing
