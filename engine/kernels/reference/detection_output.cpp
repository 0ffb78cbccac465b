// SSD DetectionOutput (Caffe / ncnn semantics). inputs: loc [N*4], conf [N*num_class] (already
// softmaxed, prior-major), priorbox [2, N*4] (boxes, variances) or [N*4] (params' variances).
//  1. decode each prior with CENTER_SIZE coding and the variances;
//  2. per class except background 0: keep scores > confidence_threshold, sort by score
//     (descending, stable), keep nms_top_k, greedy NMS at nms_threshold (IoU);
//  3. gather all classes, sort by score, keep keep_top_k.
// The row count depends on the data: the kernel replaces *out[0] with a new [1, n, 6] tensor
// of (label, score, xmin, ymin, xmax, ymax) rows on every run (n may be 0).
#include <algorithm>
#include <cmath>
#include <numeric>

#include "kernels/reference/ref_kernel.h"

namespace eqw::kernels::ref {

namespace {

struct Box {
  float xmin, ymin, xmax, ymax;
};

struct Detection {
  int label;
  float score;
  Box box;
};

float area(const Box& b) { return (b.xmax - b.xmin) * (b.ymax - b.ymin); }

float intersection(const Box& a, const Box& b) {
  if (a.xmin > b.xmax || a.xmax < b.xmin || a.ymin > b.ymax || a.ymax < b.ymin) return 0.f;
  return (std::min(a.xmax, b.xmax) - std::max(a.xmin, b.xmin)) * (std::min(a.ymax, b.ymax) - std::max(a.ymin, b.ymin));
}

void sortByScore(std::vector<Detection>& d) {
  std::stable_sort(d.begin(), d.end(), [](const Detection& a, const Detection& b) { return a.score > b.score; });
}

// Greedy NMS over detections sorted by score: keep one unless it overlaps a kept one by more
// than the threshold.
std::vector<Detection> nms(const std::vector<Detection>& sorted, float threshold) {
  std::vector<Detection> kept;
  for (const Detection& d : sorted) {
    bool keep = true;
    for (const Detection& k : kept) {
      const float inter = intersection(d.box, k.box);
      if (inter / (area(d.box) + area(k.box) - inter) > threshold) {
        keep = false;
        break;
      }
    }
    if (keep) kept.push_back(d);
  }
  return kept;
}

class DetectionOutputRef final : public RefKernel {
 public:
  DetectionOutputRef(const DetectionOutputParams& p, const Shapes& in, const Shapes& out)
      : RefKernel("f32_detectionoutput_ref", in, out), p_(p) {}

 protected:
  bool writesIntoOutputs() const override { return false; }

  Status compute(const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out, const ExecContext&) override {
    const std::vector<Box> boxes = decode(in[0]->f32(), in[2]->f32());
    const float* conf = in[1]->f32();
    const int64_t priors = static_cast<int64_t>(boxes.size());
    std::vector<Detection> all;
    for (int c = 1; c < p_.num_class; ++c) {
      std::vector<Detection> cls;
      for (int64_t i = 0; i < priors; ++i) {
        const float score = conf[i * p_.num_class + c];
        if (score > p_.confidence_threshold) cls.push_back({c, score, boxes[i]});
      }
      sortByScore(cls);
      if (p_.nms_top_k > 0 && static_cast<int64_t>(cls.size()) > p_.nms_top_k) cls.resize(p_.nms_top_k);
      for (const Detection& d : nms(cls, p_.nms_threshold)) all.push_back(d);
    }
    sortByScore(all);
    const int64_t limit = out_[0][1];
    if (static_cast<int64_t>(all.size()) > limit) all.resize(limit);
    Tensor result({1, static_cast<int64_t>(all.size()), 6});
    float* r = result.f32();
    for (const Detection& d : all) {
      *r++ = static_cast<float>(d.label);
      *r++ = d.score;
      *r++ = d.box.xmin;
      *r++ = d.box.ymin;
      *r++ = d.box.xmax;
      *r++ = d.box.ymax;
    }
    *out[0] = result;
    return Status::ok();
  }

 private:
  std::vector<Box> decode(const float* loc, const float* prior) const {
    const int64_t priors = in_[2].back() / 4;
    const bool hasVariances = product(in_[2]) == priors * 8;
    std::vector<Box> boxes(priors);
    for (int64_t i = 0; i < priors; ++i) {
      const float* pb = prior + i * 4;
      const float* var = hasVariances ? prior + priors * 4 + i * 4 : p_.variances;
      const float* l = loc + i * 4;
      const float pw = pb[2] - pb[0], ph = pb[3] - pb[1];
      const float pcx = (pb[0] + pb[2]) * 0.5f, pcy = (pb[1] + pb[3]) * 0.5f;
      const float cx = var[0] * l[0] * pw + pcx, cy = var[1] * l[1] * ph + pcy;
      const float bw = std::exp(var[2] * l[2]) * pw, bh = std::exp(var[3] * l[3]) * ph;
      boxes[i] = {cx - bw * 0.5f, cy - bh * 0.5f, cx + bw * 0.5f, cy + bh * 0.5f};
    }
    return boxes;
  }

  DetectionOutputParams p_;
};

}  // namespace

Result<KernelPtr> makeDetectionOutput(const Node& node, const Shapes& inShapes, const Shapes& outShapes) {
  return KernelPtr(new DetectionOutputRef(node.p<DetectionOutputParams>(), inShapes, outShapes));
}

}  // namespace eqw::kernels::ref
