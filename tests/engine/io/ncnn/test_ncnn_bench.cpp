// The 21 architectures of ncnn's benchmark (shared/models/ncnn-bench): every one loads with
// generated weights, every inferred blob shape equals the shape ncnnoptimize wrote into the
// file (-23330 hints), and the MAC totals match the numbers published for these networks.
#include <eqw/io.h>

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "ncnn_test_util.h"

namespace eqw {
namespace {

const char* const kModels[] = {
    "efficientnet_b0", "googlenet",    "googlenet_int8",     "mnasnet",       "mobilenet",        "mobilenet_int8",
    "mobilenet_ssd",   "mobilenet_ssd_int8", "mobilenet_v2", "mobilenet_v3", "resnet18",          "resnet18_int8",
    "resnet50",        "resnet50_int8", "shufflenet_v2",     "squeezenet",    "squeezenet_int8",  "squeezenet_ssd",
    "squeezenet_ssd_int8", "vgg16",     "vgg16_int8"};

class NcnnBench : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    if (test::ncnnBenchDir().empty()) GTEST_SKIP() << "shared models absent: " << EQW_SHARED_DIR << "/models/ncnn-bench";
    path_ = test::ncnnBenchDir() + "/" + GetParam() + ".param";
  }
  // Loads with generated weights.
  Graph load(Diagnostics* diags) {
    Result<Graph> g = loadModel(path_, {}, diags);
    EXPECT_TRUE(g.isOk()) << g.status().toString();
    return g ? std::move(g.value()) : Graph{};
  }
  std::string path_;
};

TEST_P(NcnnBench, LoadsWithGeneratedWeightsAndInfoDiagnostic) {
  Diagnostics diags;
  Graph g = load(&diags);
  ASSERT_FALSE(g.nodes.empty());
  bool generatedNote = false;
  for (const Diagnostic& d : diags) {
    EXPECT_NE(d.severity, Severity::Error) << d.message;
    if (d.severity == Severity::Info && d.message.find("weights were generated") != std::string::npos) generatedNote = true;
  }
  EXPECT_TRUE(generatedNote);
  ASSERT_EQ(g.inputs.size(), 1u);
  EXPECT_EQ(g.nodes[0].kind, OpKind::Input);
  EXPECT_FALSE(g.outputs.empty());
  // Every weighted layer got every tensor its params ask for, with values in it.
  for (const Node& n : g.nodes) {
    if (n.kind != OpKind::Convolution && n.kind != OpKind::InnerProduct) continue;
    ASSERT_FALSE(n.weights.empty()) << n.name;
    const Tensor& w = n.weights[0];
    double sq = 0;
    for (int64_t i = 0; i < w.numel(); ++i) sq += double(w.f32()[i]) * w.f32()[i];
    EXPECT_GT(sq, 0.0) << n.name << ": generated weights are all zero";
  }
}

TEST_P(NcnnBench, InferredShapesEqualTheFileHints) {
  const auto hints = test::readShapeHints(path_);
  ASSERT_GT(hints.size(), 5u) << "the bench files carry -23330 hints on (almost) every layer";
  Graph g = load(nullptr);
  int checked = 0;
  for (const auto& [blob, hint] : hints) {
    int v = g.findValue(blob);
    ASSERT_GE(v, 0) << "blob '" << blob << "' missing from the graph";
    EXPECT_EQ(toString(g.values[v].shape), toString(test::hintToShape(hint)))
        << GetParam() << ".param:" << hint.line << ": blob '" << blob << "'";
    ++checked;
  }
  EXPECT_EQ(checked, static_cast<int>(hints.size()));
}

INSTANTIATE_TEST_SUITE_P(All, NcnnBench, ::testing::ValuesIn(kModels),
                         [](const ::testing::TestParamInfo<const char*>& i) { return std::string(i.param); });

// Multiply-accumulates of the direct algorithm (conv + fc), against published counts. The int8
// variants are the same networks and must give the same totals.
struct MacCase {
  const char* model;
  double gmac;
  double tolerance;  // relative
  const char* source;
};

const MacCase kMacs[] = {
    // He et al. 2015 (ResNet paper, Table 1): 3.8e9 FLOPs (multiply-adds) for ResNet-50; the Caffe
    // model (stride on the first 1x1 of each stage) that ncnn converts is the 3.86 G usually quoted.
    {"resnet50", 3.86, 0.03, "ResNet paper / Caffe ResNet-50"},
    {"resnet50_int8", 3.86, 0.03, "same network"},
    // He et al. 2015, Table 1: ResNet-18 1.8e9 FLOPs (multiply-adds); 1.82 G by common counters.
    {"resnet18", 1.82, 0.03, "ResNet paper"},
    {"resnet18_int8", 1.82, 0.03, "same network"},
    // Howard et al. 2017 (MobileNets, Table 8): 1.0 MobileNet-224: 569 M mult-adds.
    {"mobilenet", 0.569, 0.02, "MobileNet v1 paper"},
    {"mobilenet_int8", 0.569, 0.02, "same network"},
    // Sandler et al. 2018 (MobileNetV2, Table 4): 300 M multiply-adds (300.8 M with the fc, as
    // counted for torchvision's model). The Caffe port that ncnn converts (shicai/MobileNet-Caffe)
    // keeps a 1x1 "expand" conv in the first (t = 1) block, 32 -> 32 at 112x112: +12.85 M.
    {"mobilenet_v2", 0.3008 + 0.01285, 0.01, "MobileNetV2 paper + the Caffe port's extra expand conv"},
    // Simonyan & Zisserman / widely quoted: VGG-16 at 224: 15.5 G multiply-adds.
    {"vgg16", 15.5, 0.02, "VGG-16 commonly quoted"},
    {"vgg16_int8", 15.5, 0.02, "same network"},
    // SqueezeNet v1.1 (Iandola et al., v1.1 architecture of the DeepScale repository): the quoted
    // 0.35 G is at 224x224 with floor pooling (maps 111/55/27/13). ncnn's Caffe model runs at
    // 227x227 with Caffe's ceil-mode pooling (maps 113/56/28/14) and conv10's pad 1 (16x16 out);
    // the v1.1 table counted at those sizes: conv1 113^2*64*27 = 22.06 M, fire2-3 73.86 M,
    // fire4-5 73.86 M, fire6-9 117.61 M, conv10 16^2*1000*512 = 131.07 M -> 0.418 G.
    {"squeezenet", 0.418, 0.02, "SqueezeNet v1.1 architecture at 227x227, ceil-mode pools"},
    {"squeezenet_int8", 0.418, 0.02, "same network"},
    // Ma et al. 2018 (ShuffleNet V2 paper, Table 5): ShuffleNet V2 1x: 146 M FLOPs (mult-adds).
    {"shufflenet_v2", 0.146, 0.03, "ShuffleNet V2 paper"},
    // Tan & Le 2019 (EfficientNet paper, Table 2): EfficientNet-B0 0.39 B FLOPs (mult-adds).
    {"efficientnet_b0", 0.39, 0.03, "EfficientNet paper"},
    // Szegedy et al. 2014 (GoogLeNet): "1.5 billion multiply-adds" at inference.
    {"googlenet", 1.5, 0.06, "GoogLeNet paper"},
    {"googlenet_int8", 1.5, 0.06, "same network"},
};

class NcnnMacs : public ::testing::TestWithParam<MacCase> {};

TEST_P(NcnnMacs, TotalMatchesPublishedCount) {
  const MacCase& c = GetParam();
  if (test::ncnnBenchDir().empty()) GTEST_SKIP() << "shared models absent";
  Result<Graph> g = loadModel(test::ncnnBenchDir() + "/" + c.model + ".param");
  ASSERT_TRUE(g.isOk()) << g.status().toString();
  const double gmac = static_cast<double>(g->totalCost().macs) / 1e9;
  EXPECT_NEAR(gmac, c.gmac, c.gmac * c.tolerance) << c.model << " (" << c.source << ")";
}

INSTANTIATE_TEST_SUITE_P(Published, NcnnMacs, ::testing::ValuesIn(kMacs),
                         [](const ::testing::TestParamInfo<MacCase>& i) { return std::string(i.param.model); });

}  // namespace
}  // namespace eqw
