// Seeded weights for model files that come without them (ncnn's benchmark params, a prototxt
// alone). Conv / fc weights are He-scaled N(0, 2 / fan_in) so a ReLU network keeps its
// activations' variance layer after layer; normalisation layers are identity-like with a little
// noise, so per-channel code paths (BN folding, per-channel scales) see distinct channels.
#include <eqw/io.h>

#include <cmath>
#include <cstdint>
#include <string>

namespace eqw {

namespace {

// splitmix64: a tiny, well-mixed generator; deterministic on every platform (unlike the
// std:: distributions, whose output is implementation-defined).
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Box-Muller on one 64-bit draw (two 24-bit uniforms in (0, 1)), in float: fast enough for
  // vgg16's 138 M weights, tails out to 5.9 sigma.
  float normal() {
    if (hasSpare_) {
      hasSpare_ = false;
      return spare_;
    }
    const uint64_t bits = next();
    const float u1 = (static_cast<float>(bits >> 40) + 0.5f) * (1.f / 16777216.f);
    const float u2 = (static_cast<float>(bits & 0xFFFFFF) + 0.5f) * (1.f / 16777216.f);
    const float r = std::sqrt(-2.f * std::log(u1)), a = 6.2831853f * u2;
    spare_ = r * std::sin(a);
    hasSpare_ = true;
    return r * std::cos(a);
  }

 private:
  uint64_t state_;
  float spare_ = 0.f;
  bool hasSpare_ = false;
};

uint64_t hashName(const std::string& s) {
  uint64_t h = 0xcbf29ce484222325ull;  // FNV-1a
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ull;
  return h;
}

// Each weight tensor of a node gets its own stream: changing one tensor's size does not shift
// the values of the others.
Rng streamFor(uint64_t seed, const Node& node, size_t index) {
  Rng mix(seed ^ hashName(node.name) ^ (0x632BE59BD9B4E019ull * (index + 1)));
  return Rng(mix.next());
}

void fillNormal(Tensor& t, Rng rng, float mean, float stddev) {
  float* p = t.f32();
  for (int64_t i = 0, n = t.numel(); i < n; ++i) p[i] = mean + stddev * rng.normal();
}

void fillConstant(Tensor& t, float v) {
  if (!t.empty()) t.fill(v);
}

bool present(const Node& n, size_t i) { return i < n.weights.size() && !n.weights[i].empty() && n.weights[i].numel() > 0; }

// He: N(0, 2 / fan_in).
void fillHe(Node& n, size_t i, uint64_t seed, int64_t fanIn) {
  if (!present(n, i)) return;
  fillNormal(n.weights[i], streamFor(seed, n, i), 0.f, static_cast<float>(std::sqrt(2.0 / static_cast<double>(fanIn > 0 ? fanIn : 1))));
}

void fillSmall(Node& n, size_t i, uint64_t seed, float mean, float stddev) {
  if (present(n, i)) fillNormal(n.weights[i], streamFor(seed, n, i), mean, stddev);
}

// Biases: small, so that they do not dominate a layer whose inputs are O(1).
constexpr float kBiasStd = 0.01f;

// A bias tensor the params ask for but the caller did not allocate.
void ensureBias(Node& n, bool bias, int64_t count) {
  if (!bias || count <= 0) return;
  if (n.weights.size() < 2) n.weights.resize(2);
  if (n.weights[1].empty()) n.weights[1] = Tensor(Shape{count});
}

// A conv / fc with a fused sigmoid is a squeeze-excite gate (efficientnet, mnasnet): a gate at
// 0.5 would halve the signal in every block, so it starts mostly open, sigmoid(2) = 0.88.
float biasMean(const Activation& act) {
  return act.kind == ActKind::Sigmoid || act.kind == ActKind::HardSigmoid ? 2.f : 0.f;
}

void generateConv(Node& n, uint64_t seed) {
  const ConvParams& p = n.p<ConvParams>();
  ensureBias(n, p.bias, p.num_output);
  if (!present(n, 0)) return;
  const Shape& w = n.weights[0].shape();
  if (w.size() != 4) return;
  int64_t fanIn = w[1] * w[2] * w[3];                            // Convolution [O, I/g, kh, kw]
  if (n.kind == OpKind::Deconvolution)                          // [I, O/g, kh, kw]: each output
    fanIn = (w[0] / std::max(p.group, 1)) * w[2] * w[3] /        // sums (I/g) * kh*kw / stride^2 terms
            std::max<int64_t>(int64_t{p.stride_h} * p.stride_w, 1);
  fillHe(n, 0, seed, fanIn);
  fillSmall(n, 1, seed, biasMean(p.act), kBiasStd);
}

void generateInnerProduct(Node& n, uint64_t seed) {
  const InnerProductParams& p = n.p<InnerProductParams>();
  ensureBias(n, p.bias, p.num_output);
  if (present(n, 0) && n.weights[0].rank() == 2) fillHe(n, 0, seed, n.weights[0].dim(1));
  fillSmall(n, 1, seed, biasMean(p.act), kBiasStd);
}

void generateMatMul(Node& n, uint64_t seed) {
  if (present(n, 0) && n.weights[0].rank() >= 2) fillHe(n, 0, seed, n.weights[0].dim(-2));
  fillSmall(n, 1, seed, 0.f, kBiasStd);
}

// Identity-like: slope ~1, mean ~0, var ~1 (always positive), bias ~0.
void generateBatchNorm(Node& n, uint64_t seed) {
  fillSmall(n, 0, seed, 1.f, 0.05f);
  fillSmall(n, 1, seed, 0.f, 0.05f);
  if (present(n, 2)) {
    fillSmall(n, 2, seed, 0.f, 0.1f);
    float* v = n.weights[2].f32();
    for (int64_t i = 0; i < n.weights[2].numel(); ++i) v[i] = std::exp(v[i]);
  }
  fillSmall(n, 3, seed, 0.f, 0.05f);
}

void generateBinary(Node& n, uint64_t seed) {
  if (!present(n, 0)) return;
  switch (n.p<BinaryParams>().op) {
    case BinaryOpKind::Mul:
    case BinaryOpKind::Div:
    case BinaryOpKind::RDiv:
    case BinaryOpKind::Pow: fillSmall(n, 0, seed, 1.f, 0.05f); break;  // near 1: keeps magnitudes
    default: fillSmall(n, 0, seed, 0.f, 0.05f); break;                  // near 0: a small shift
  }
}

// SSD's Normalize makes each position's channel vector unit length, so every element is about
// 1/sqrt(C); a per-channel scale of sqrt(C) brings it back to O(1) (trained SSDs use ~20 for
// C = 512).
void generateNormalize(Node& n) {
  if (!present(n, 0)) return;
  const int64_t c = n.weights[0].numel();
  fillConstant(n.weights[0], c > 1 ? static_cast<float>(std::sqrt(static_cast<double>(c))) : 20.f);
}

}  // namespace

void generateWeights(Node& node, uint64_t seed) {
  switch (node.kind) {
    case OpKind::Convolution:
    case OpKind::Deconvolution: generateConv(node, seed); break;
    case OpKind::InnerProduct: generateInnerProduct(node, seed); break;
    case OpKind::MatMul: generateMatMul(node, seed); break;
    case OpKind::BatchNorm: generateBatchNorm(node, seed); break;
    case OpKind::Scale:
      fillSmall(node, 0, seed, 1.f, 0.05f);
      fillSmall(node, 1, seed, 0.f, kBiasStd);
      break;
    case OpKind::PReLU:
      if (present(node, 0)) fillConstant(node.weights[0], 0.25f);  // PyTorch's initial slope
      break;
    case OpKind::Normalize: generateNormalize(node); break;
    case OpKind::LayerNorm:
      fillSmall(node, 0, seed, 1.f, 0.05f);
      fillSmall(node, 1, seed, 0.f, kBiasStd);
      break;
    case OpKind::Binary: generateBinary(node, seed); break;
    default: break;
  }
}

}  // namespace eqw
