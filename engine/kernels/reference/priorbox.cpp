// SSD prior boxes in ncnn's (Caffe-style) order. For each feature position (row-major) and
// each min size: the min-size square, then the sqrt(min * max) square when max sizes are given,
// then per aspect ratio a box of min * sqrt(ar) x min / sqrt(ar) and, with flip, its transpose.
// Boxes are normalised by the image size; row 0 of the output holds boxes, row 1 variances.
#include <algorithm>
#include <cmath>

#include "kernels/reference/ref_kernel.h"

namespace eqw::kernels::ref {

namespace {

class PriorBoxRef final : public RefKernel {
 public:
  PriorBoxRef(const PriorBoxParams& p, const Shapes& in, const Shapes& out) : RefKernel("f32_priorbox_ref", in, out), p_(p) {}

 protected:
  // The output depends on shapes only, but is cheap enough to recompute every run.
  Status compute(const std::vector<const Tensor*>&, const std::vector<Tensor*>& out, const ExecContext&) override {
    const Shape& fs = in_[0];
    const int64_t h = fs[fs.size() - 2], w = fs.back();
    const double imageW = p_.image_w > 0 ? p_.image_w : static_cast<double>(in_[1].back());
    const double imageH = p_.image_h > 0 ? p_.image_h : static_cast<double>(in_[1][in_[1].size() - 2]);
    double stepW = p_.step_w > 0 ? p_.step_w : imageW / w;
    double stepH = p_.step_h > 0 ? p_.step_h : imageH / h;
    if (p_.step_mmdetection && p_.step_w <= 0) stepW = std::ceil(imageW / w);
    if (p_.step_mmdetection && p_.step_h <= 0) stepH = std::ceil(imageH / h);
    const int64_t len = out_[0].back();
    float* box = out[0]->f32();
    for (int64_t i = 0; i < h; ++i) {
      for (int64_t j = 0; j < w; ++j) {
        // mmdetection centres on (offset * (step - 1)) instead of (offset * step).
        const double cx = (p_.center_mmdetection ? p_.offset * (stepW - 1) : p_.offset * stepW) + j * stepW;
        const double cy = (p_.center_mmdetection ? p_.offset * (stepH - 1) : p_.offset * stepH) + i * stepH;
        auto emit = [&](double bw, double bh) {
          box[0] = static_cast<float>((cx - bw * 0.5) / imageW);
          box[1] = static_cast<float>((cy - bh * 0.5) / imageH);
          box[2] = static_cast<float>((cx + bw * 0.5) / imageW);
          box[3] = static_cast<float>((cy + bh * 0.5) / imageH);
          box += 4;
        };
        for (size_t k = 0; k < p_.min_sizes.size(); ++k) {
          const double minSize = p_.min_sizes[k];
          emit(minSize, minSize);
          if (!p_.max_sizes.empty()) {
            const double side = std::sqrt(minSize * p_.max_sizes[k]);
            emit(side, side);
          }
          for (float ar : p_.aspect_ratios) {
            const double r = std::sqrt(static_cast<double>(ar));
            emit(minSize * r, minSize / r);
            if (p_.flip) emit(minSize / r, minSize * r);
          }
        }
      }
    }
    float* boxes = out[0]->f32();
    if (p_.clip)
      for (int64_t i = 0; i < len; ++i) boxes[i] = std::clamp(boxes[i], 0.f, 1.f);
    float* var = boxes + len;
    for (int64_t i = 0; i < len; ++i) var[i] = p_.variances[i % 4];
    return Status::ok();
  }

 private:
  PriorBoxParams p_;
};

}  // namespace

Result<KernelPtr> makePriorBox(const Node& node, const Shapes& inShapes, const Shapes& outShapes) {
  return KernelPtr(new PriorBoxRef(node.p<PriorBoxParams>(), inShapes, outShapes));
}

}  // namespace eqw::kernels::ref
