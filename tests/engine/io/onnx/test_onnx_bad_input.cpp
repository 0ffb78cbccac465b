// Broken and hostile files: each must end in a Status naming the file (and the node where there
// is one), never a crash, an abort or a hang.
#include <eqw/io.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "onnx_test_util.h"

namespace eqw::onnxtest {

namespace {

namespace fs = std::filesystem;

std::string writeBytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

std::string readBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// A real exporter-written model from the project's fixtures.
std::string fixtureModel() { return std::string(EQW_SOURCE_DIR) + "/tests/data/onnx/models/torch_small_cnn_opset14/model.onnx"; }

// A one-node model x -> op -> y.
ModelBuilder oneNode(const std::string& op, const std::string& nodeName, const std::string& domain = "") {
  ModelBuilder b(13);
  b.input("x", {1, 3, 8, 8});
  auto& n = b.node(op, {"x"}, {"y"}, nodeName);
  n.set_domain(domain);
  b.output("y");
  return b;
}

void expectError(const Result<Graph>& g, StatusCode code, const std::vector<std::string>& mentions) {
  ASSERT_FALSE(g.isOk()) << "the import should have failed";
  EXPECT_EQ(g.status().code(), code) << g.status().toString();
  for (const auto& m : mentions) EXPECT_NE(g.status().message().find(m), std::string::npos) << "'" << m << "' missing from: " << g.status().message();
}

}  // namespace

TEST(OnnxBadInput, EmptyFile) {
  std::string path = writeBytes(scratchDir("empty") + "/empty.onnx", "");
  expectError(loadModel(path), StatusCode::ParseError, {"empty.onnx", "empty"});
}

TEST(OnnxBadInput, GarbageBytes) {
  const std::string dir = scratchDir("garbage");
  std::vector<float> noise = randomValues(1000, 7);
  std::string bytes(reinterpret_cast<const char*>(noise.data()), noise.size() * sizeof(float));
  std::string path = writeBytes(dir + "/garbage.onnx", bytes);
  expectError(loadModel(path), StatusCode::ParseError, {"garbage.onnx"});
  // Text that is not protobuf at all.
  path = writeBytes(dir + "/text.onnx", "7767517\n3 3\nInput data 0 1 data 0=224\n");
  Result<Graph> g = loadModel(path);
  ASSERT_FALSE(g.isOk());
  EXPECT_NE(g.status().message().find("text.onnx"), std::string::npos) << g.status().message();
}

TEST(OnnxBadInput, TruncatedModelAtEveryCut) {
  const std::string whole = readBytes(fixtureModel());
  ASSERT_GT(whole.size(), 1000u) << fixtureModel();
  const std::string path = scratchDir("truncated") + "/cut.onnx";
  // Half the file, then cuts spread over the whole file: each must fail cleanly.
  std::vector<size_t> cuts = {whole.size() / 2};
  for (size_t k = 1; k < 64; ++k) cuts.push_back(whole.size() * k / 64);
  for (size_t cut : cuts) {
    writeBytes(path, whole.substr(0, cut));
    Result<Graph> g = loadModel(path);
    EXPECT_FALSE(g.isOk()) << "a model cut at byte " << cut << " of " << whole.size() << " imported";
    if (!g.isOk()) {
      EXPECT_NE(g.status().message().find("cut.onnx"), std::string::npos) << g.status().message();
    }
  }
}

TEST(OnnxBadInput, CorruptedBytesNeverCrash) {
  const std::string whole = readBytes(fixtureModel());
  ASSERT_GT(whole.size(), 1000u) << fixtureModel();
  const std::string path = scratchDir("corrupt") + "/corrupt.onnx";
  std::vector<float> r = randomValues(600, 99, 0.f, 1.f);
  int failures = 0;
  for (size_t k = 0; k + 1 < r.size(); k += 2) {
    std::string bytes = whole;
    const size_t at = static_cast<size_t>(r[k] * static_cast<float>(bytes.size() - 1));
    bytes[at] = static_cast<char>(static_cast<int>(r[k + 1] * 256.f));
    writeBytes(path, bytes);
    Result<Graph> g = loadModel(path);  // any outcome but a crash; an error must name the file
    if (!g.isOk()) {
      ++failures;
      EXPECT_NE(g.status().message().find("corrupt.onnx"), std::string::npos) << g.status().message();
    }
  }
  RecordProperty("rejected", failures);
}

TEST(OnnxBadInput, UnsupportedOpNamesOpNodeAndFile) {
  const std::string dir = scratchDir("unsupported_op");
  std::string path = oneNode("LSTM", "encoder_lstm").write(dir + "/lstm.onnx");
  expectError(loadModel(path), StatusCode::Unsupported, {"lstm.onnx", "LSTM", "'encoder_lstm'", "unsupported"});
  path = oneNode("FrobnicateNd", "frob1").write(dir + "/madeup.onnx");
  expectError(loadModel(path), StatusCode::Unsupported, {"madeup.onnx", "FrobnicateNd", "'frob1'"});
}

TEST(OnnxBadInput, NonDefaultDomain) {
  std::string path = oneNode("Relu", "fused_relu", "com.microsoft").write(scratchDir("domain") + "/domain.onnx");
  expectError(loadModel(path), StatusCode::Unsupported, {"domain.onnx", "'fused_relu'", "com.microsoft"});
}

TEST(OnnxBadInput, ExternalData) {
  ModelBuilder b(13);
  b.input("x", {1, 3, 8, 8});
  onnx::TensorProto w;
  w.set_name("conv.weight");
  w.set_data_type(onnx::TensorProto::FLOAT);
  for (int64_t d : {4, 3, 3, 3}) w.add_dims(d);
  w.set_data_location(onnx::TensorProto::EXTERNAL);
  auto* loc = w.add_external_data();
  loc->set_key("location");
  loc->set_value("weights.bin");
  *b.graph().add_initializer() = w;
  b.node("Conv", {"x", "conv.weight"}, {"y"}, "conv1");
  b.output("y");
  std::string path = b.write(scratchDir("external") + "/external.onnx");
  expectError(loadModel(path), StatusCode::Unsupported, {"external.onnx", "'conv.weight'", "external data", "weights.bin"});
}

TEST(OnnxBadInput, InconsistentOrHugeTensors) {
  const std::string dir = scratchDir("tensors");
  ModelBuilder b(13);
  b.input("x", {1, 3, 8, 8});
  b.initializer("w", {4, 3, 3, 3}, std::vector<float>(10, 1.f));  // 10 values for 108
  b.node("Conv", {"x", "w"}, {"y"}, "conv1");
  b.output("y");
  expectError(loadModel(b.write(dir + "/short.onnx")), StatusCode::ParseError, {"short.onnx", "'w'", "raw_data"});

  ModelBuilder h(13);
  h.input("x", {1, 3, 8, 8});
  onnx::TensorProto big;
  big.set_name("big");
  big.set_data_type(onnx::TensorProto::FLOAT);
  for (int64_t d : {int64_t{1} << 20, int64_t{1} << 20, int64_t{1} << 20}) big.add_dims(d);
  *h.graph().add_initializer() = big;
  h.node("Conv", {"x", "big"}, {"y"}, "conv1");
  h.output("y");
  expectError(loadModel(h.write(dir + "/huge.onnx")), StatusCode::ParseError, {"huge.onnx", "'big'"});
}

TEST(OnnxBadInput, WrongAttributeType) {
  ModelBuilder b(13);
  b.input("x", {1, 3, 8, 8});
  b.initializer("w", {4, 3, 3, 3}, std::vector<float>(108, 0.5f));
  auto& conv = b.node("Conv", {"x", "w"}, {"y"}, "conv1");
  setFloat(conv, "group", 1.f);
  b.output("y");
  std::string path = b.write(scratchDir("attr") + "/attr.onnx");
  expectError(loadModel(path), StatusCode::ParseError, {"attr.onnx", "'conv1'", "'group'"});
}

TEST(OnnxBadInput, ThreeDimensionalConvIsRefusedClearly) {
  ModelBuilder b(13);
  b.input("x", {1, 3, 4, 8, 8});
  b.initializer("w", {4, 3, 3, 3, 3}, std::vector<float>(324, 0.5f));
  b.node("Conv", {"x", "w"}, {"y"}, "conv3d");
  b.output("y");
  std::string path = b.write(scratchDir("conv3d") + "/conv3d.onnx");
  expectError(loadModel(path), StatusCode::Unsupported, {"conv3d.onnx", "'conv3d'", "kernel rank=3"});
}

// A 1-D kernel is lifted to 2-D only on [N, C, L] data.
TEST(OnnxBadInput, OneDimensionalConvOnImageDataIsNamed) {
  ModelBuilder b(13);
  b.input("x", {1, 3, 16, 16});
  b.initializer("w", {4, 3, 3}, std::vector<float>(36, 0.5f));
  b.node("Conv", {"x", "w"}, {"y"}, "conv1d");
  b.output("y");
  std::string path = b.write(scratchDir("conv1d") + "/conv1d.onnx");
  expectError(loadModel(path), StatusCode::ParseError, {"conv1d.onnx", "'conv1d'", "[N, C, L]", "[1, 3, 16, 16]"});
}

TEST(OnnxBadInput, DynamicWeightsAreNamed) {
  ModelBuilder b(13);
  b.input("x", {1, 3, 8, 8});
  b.input("w", {4, 3, 3, 3});
  b.node("Conv", {"x", "w"}, {"y"}, "conv1");
  b.output("y");
  std::string path = b.write(scratchDir("dynw") + "/dynw.onnx");
  expectError(loadModel(path), StatusCode::Unsupported, {"dynw.onnx", "'conv1'", "'w'", "not a constant"});
}

TEST(OnnxBadInput, GraphEdges) {
  const std::string dir = scratchDir("edges");
  // An output nobody produces.
  ModelBuilder a = oneNode("Relu", "relu");
  a.output("ghost");
  expectError(loadModel(a.write(dir + "/ghost.onnx")), StatusCode::ParseError, {"ghost.onnx", "'ghost'"});
  // A non-float input.
  ModelBuilder i(13);
  i.input("ids", {1, 16}, onnx::TensorProto::INT64);
  i.node("Relu", {"ids"}, {"y"}, "relu");
  i.output("y");
  expectError(loadModel(i.write(dir + "/ints.onnx")), StatusCode::Unsupported, {"ints.onnx", "'ids'", "INT64"});
  // An opset newer than the importer knows.
  ModelBuilder o(18);
  o.input("x", {1, 3, 8, 8});
  o.node("Relu", {"x"}, {"y"}, "relu");
  o.output("y");
  expectError(loadModel(o.write(dir + "/opset18.onnx")), StatusCode::Unsupported, {"opset18.onnx", "opset 18"});
  // A symbolic spatial dim without an input shape.
  ModelBuilder s(13);
  s.input("x", {1, 3, -1, 8});
  s.node("Relu", {"x"}, {"y"}, "relu");
  s.output("y");
  expectError(loadModel(s.write(dir + "/symbolic.onnx")), StatusCode::Unsupported, {"symbolic.onnx", "'x'", "dimension 2"});
}

TEST(OnnxBadInput, GraphWithACycle) {
  ModelBuilder b(13);
  b.input("x", {1, 4});
  b.node("Add", {"x", "b"}, {"a"}, "first");
  b.node("Relu", {"a"}, {"b"}, "second");
  b.output("b");
  Result<Graph> g = loadModel(b.write(scratchDir("cycle") + "/cycle.onnx"));
  ASSERT_FALSE(g.isOk());
  EXPECT_NE(g.status().message().find("cycle.onnx"), std::string::npos) << g.status().message();
}

}  // namespace eqw::onnxtest
