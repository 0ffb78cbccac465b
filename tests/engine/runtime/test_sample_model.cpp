// The bundled Fashion-MNIST sample against two independent oracles: OpenCV DNN's FP32 output for
// the same ONNX file (logits to 1e-4 relative) and the top-1 PyTorch reported at export.
#include <eqw/data.h>
#include <eqw/io.h>
#include <eqw/runtime.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <onnx/onnx_pb.h>
#include <opencv2/dnn.hpp>

namespace eqw {
namespace {

const std::string kSample = std::string(EQW_SOURCE_DIR) + "/samples/fashion-mnist";

int argmax(const float* v, int n) { return static_cast<int>(std::max_element(v, v + n) - v); }

// OpenCV 4.6 reads Clip's bounds only from opset-10 attributes, while the sample (opset 13, as
// PyTorch exports ReLU6) passes them as constant inputs. Rewrite those Clips to the attribute
// form and declare opset 10 — the same network, so OpenCV stays an independent oracle.
std::string clipAsAttributes(const std::string& path) {
  onnx::ModelProto model;
  std::ifstream in(path, std::ios::binary);
  if (!model.ParseFromIstream(&in)) return {};
  onnx::GraphProto* g = model.mutable_graph();
  std::map<std::string, float> scalars;
  for (const auto& t : g->initializer())
    if (t.data_type() == onnx::TensorProto::FLOAT && t.raw_data().size() == 4)
      scalars[t.name()] = *reinterpret_cast<const float*>(t.raw_data().data());
  for (const auto& n : g->node())
    if (n.op_type() == "Constant" && n.attribute_size() == 1 && n.attribute(0).t().raw_data().size() == 4)
      scalars[n.output(0)] = *reinterpret_cast<const float*>(n.attribute(0).t().raw_data().data());
  for (auto& n : *g->mutable_node()) {
    if (n.op_type() != "Clip") continue;
    const char* names[] = {"", "min", "max"};
    for (int i = 1; i < n.input_size(); ++i) {
      if (n.input(i).empty()) continue;
      if (!scalars.count(n.input(i))) return {};
      auto* a = n.add_attribute();
      a->set_name(names[i]);
      a->set_type(onnx::AttributeProto::FLOAT);
      a->set_f(scalars[n.input(i)]);
    }
    while (n.input_size() > 1) n.mutable_input()->RemoveLast();
  }
  for (auto& op : *model.mutable_opset_import())
    if (op.domain().empty()) op.set_version(10);
  return model.SerializeAsString();
}

TEST(SampleModel, MatchesOpenCvDnnAndPyTorchTop1) {
  std::ifstream metaFile(kSample + "/meta.json");
  ASSERT_TRUE(metaFile.good()) << "the sample's meta.json is missing: run samples/fashion-mnist/train.py";
  const nlohmann::json meta = nlohmann::json::parse(metaFile);
  const double torchTop1 = meta.at("top1_fp32_test500").get<double>();

  auto graph = loadModel(kSample + "/model.onnx");
  ASSERT_TRUE(graph.isOk()) << graph.status().toString();
  auto exec = Executor::create(*graph);
  ASSERT_TRUE(exec.isOk()) << exec.status().toString();
  auto dataset = openDataset(kSample + "/test/labels.txt");
  ASSERT_TRUE(dataset.isOk()) << dataset.status().toString();
  ASSERT_EQ(dataset->samples.size(), 500u);
  auto pre = parsePreprocess(meta.at("preprocess").at("eqw_flags").get<std::string>());
  ASSERT_TRUE(pre.isOk()) << pre.status().toString();

  const std::string opset10 = clipAsAttributes(kSample + "/model.onnx");
  ASSERT_FALSE(opset10.empty()) << "could not rewrite the sample's Clip nodes for OpenCV";
  cv::dnn::Net net = cv::dnn::readNetFromONNX(opset10.data(), opset10.size());
  ASSERT_FALSE(net.empty());

  int correct = 0, agree = 0, images = 0;
  double worstRel = 0.0;
  Diagnostics diags;
  Status s = forEachSample(*dataset, *pre, [&](size_t, const Sample& sample, const Tensor& input) {
    Status r = (*exec)->run({input});
    EXPECT_TRUE(r.isOk()) << r.toString();
    if (!r.isOk()) return false;
    const Tensor& ours = (*exec)->output(0);
    const int dims[] = {1, 1, 28, 28};
    cv::Mat blob(4, dims, CV_32F, const_cast<float*>(input.f32()));
    net.setInput(blob);
    cv::Mat theirs = net.forward().reshape(1, 1);
    const int n = static_cast<int>(ours.numel());
    EXPECT_EQ(n, theirs.cols);
    double maxAbs = 0.0, maxDiff = 0.0;
    for (int i = 0; i < n; ++i) {
      maxAbs = std::max(maxAbs, std::abs(static_cast<double>(theirs.at<float>(i))));
      maxDiff = std::max(maxDiff, std::abs(static_cast<double>(ours.f32()[i]) - theirs.at<float>(i)));
    }
    worstRel = std::max(worstRel, maxDiff / std::max(maxAbs, 1e-6));
    const int pred = argmax(ours.f32(), n);
    correct += pred == sample.label;
    agree += pred == argmax(theirs.ptr<float>(), n);
    ++images;
    return true;
  }, diags);
  ASSERT_TRUE(s.isOk()) << s.toString();
  EXPECT_TRUE(diags.empty());
  EXPECT_EQ(images, 500);
  EXPECT_LE(worstRel, 1e-4) << "largest logit difference from OpenCV DNN, relative to the largest logit";
  EXPECT_EQ(agree, images);
  const double top1 = static_cast<double>(correct) / images;
  EXPECT_NEAR(top1, torchTop1, 0.002) << "ours " << top1 << ", PyTorch at export " << torchTop1;
  EXPECT_GE(top1, 0.90);
}

}  // namespace
}  // namespace eqw
