#include "io/caffe/net_reader.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/io/zero_copy_stream_impl.h>
#include <google/protobuf/text_format.h>

#include <climits>
#include <filesystem>
#include <fstream>
#include <new>
#include <sstream>

namespace eqw::caffe {

namespace {

namespace pb = google::protobuf;

// Deploy prototxts are a few hundred KiB; caffemodels stay below protobuf's 2 GiB message cap.
constexpr uintmax_t kMaxPrototxtBytes = 64u << 20;
constexpr uintmax_t kMaxCaffemodelBytes = uintmax_t{INT_MAX};

// Keeps the first error: later ones usually follow from it.
class FirstError final : public pb::io::ErrorCollector {
 public:
  explicit FirstError(std::string path) : path_(std::move(path)) {}
  void AddError(int line, pb::io::ColumnNumber column, const std::string& message) override {
    if (!message_.empty()) return;
    message_ = path_ + ":" + std::to_string(line + 1) + ":" + std::to_string(column + 1) + ": " + message;
  }
  void AddWarning(int line, pb::io::ColumnNumber column, const std::string& message) override {
    warnings_.push_back(path_ + ":" + std::to_string(line + 1) + ":" + std::to_string(column + 1) + ": " + message);
  }
  const std::string& message() const { return message_; }
  std::vector<std::string>& warnings() { return warnings_; }

 private:
  std::string path_;
  std::string message_;
  std::vector<std::string> warnings_;
};

Result<uintmax_t> fileSize(const std::string& path, uintmax_t limit, const char* what) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return notFound(path + ": no such file");
  const uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec) return ioError(path + ": cannot read: " + ec.message());
  if (size > limit)
    return parseError(path + ": " + std::to_string(size) + " bytes is too large for a " + what + " (limit " + std::to_string(limit) + ")");
  return size;
}

}  // namespace

Status readPrototxt(const std::string& path, caffepb::NetParameter* net, PrototxtInfo* info) {
  Result<uintmax_t> size = fileSize(path, kMaxPrototxtBytes, "Caffe prototxt");
  if (!size) return size.status();
  std::ifstream in(path, std::ios::binary);
  if (!in) return ioError(path + ": cannot open for reading");
  std::ostringstream text;
  text << in.rdbuf();
  const std::string s = text.str();
  if (s.find('\0') != std::string::npos)
    return parseError(path + ": contains NUL bytes: a binary file, not a prototxt (a .caffemodel given as the model?)");
  FirstError errors(path);
  pb::TextFormat::Parser parser;
  pb::TextFormat::ParseInfoTree locations;
  parser.RecordErrorsTo(&errors);
  parser.WriteLocationsTo(&locations);
  // Forks add fields (and train_val files data-layer settings) that deploy-time import does not
  // need; they are skipped with a warning rather than failing the whole file.
  parser.AllowUnknownField(true);
  try {
    if (!parser.ParseFromString(s, net))
      return parseError(errors.message().empty() ? path + ": not a valid Caffe prototxt" : errors.message());
  } catch (const std::bad_alloc&) {
    return internalError(path + ": out of memory while parsing");
  }
  if (info) {
    const bool v1 = net->layer_size() == 0;
    const pb::FieldDescriptor* field = caffepb::NetParameter::descriptor()->FindFieldByName(v1 ? "layers" : "layer");
    const int n = v1 ? net->layers_size() : net->layer_size();
    info->layer_lines.clear();
    for (int i = 0; i < n; ++i) info->layer_lines.push_back(locations.GetLocation(field, i).line + 1);
    info->unknown_fields = std::move(errors.warnings());
  }
  return Status::ok();
}

Status readCaffemodel(const std::string& path, caffepb::NetParameter* net) {
  Result<uintmax_t> size = fileSize(path, kMaxCaffemodelBytes, "caffemodel");
  if (!size) return size.status();
  if (*size == 0) return parseError(path + ": empty file: not a caffemodel");
  std::ifstream in(path, std::ios::binary);
  if (!in) return ioError(path + ": cannot open for reading");
  pb::io::IstreamInputStream raw(&in);
  pb::io::CodedInputStream coded(&raw);
  coded.SetTotalBytesLimit(INT_MAX);
  try {
    if (!net->ParseFromCodedStream(&coded) || !coded.ConsumedEntireMessage())
      return parseError(path + ": not a valid caffemodel (truncated or not a Caffe NetParameter; " + std::to_string(*size) +
                        " bytes)");
  } catch (const std::bad_alloc&) {
    return internalError(path + ": out of memory while parsing the caffemodel");
  }
  if (net->layer_size() == 0 && net->layers_size() == 0)
    return parseError(path + ": the caffemodel holds no layers (" + std::to_string(*size) + " bytes; not a caffemodel?)");
  return Status::ok();
}

std::string v1TypeName(caffepb::V1LayerParameter::LayerType type) {
  using T = caffepb::V1LayerParameter;
  switch (type) {
    case T::ABSVAL: return "AbsVal";
    case T::ACCURACY: return "Accuracy";
    case T::ARGMAX: return "ArgMax";
    case T::BNLL: return "BNLL";
    case T::CONCAT: return "Concat";
    case T::CONTRASTIVE_LOSS: return "ContrastiveLoss";
    case T::CONVOLUTION: return "Convolution";
    case T::DATA: return "Data";
    case T::DECONVOLUTION: return "Deconvolution";
    case T::DROPOUT: return "Dropout";
    case T::DUMMY_DATA: return "DummyData";
    case T::EUCLIDEAN_LOSS: return "EuclideanLoss";
    case T::ELTWISE: return "Eltwise";
    case T::EXP: return "Exp";
    case T::FLATTEN: return "Flatten";
    case T::HDF5_DATA: return "HDF5Data";
    case T::HDF5_OUTPUT: return "HDF5Output";
    case T::HINGE_LOSS: return "HingeLoss";
    case T::IM2COL: return "Im2col";
    case T::IMAGE_DATA: return "ImageData";
    case T::INFOGAIN_LOSS: return "InfogainLoss";
    case T::INNER_PRODUCT: return "InnerProduct";
    case T::LRN: return "LRN";
    case T::MEMORY_DATA: return "MemoryData";
    case T::MULTINOMIAL_LOGISTIC_LOSS: return "MultinomialLogisticLoss";
    case T::MVN: return "MVN";
    case T::POOLING: return "Pooling";
    case T::POWER: return "Power";
    case T::RELU: return "ReLU";
    case T::SIGMOID: return "Sigmoid";
    case T::SIGMOID_CROSS_ENTROPY_LOSS: return "SigmoidCrossEntropyLoss";
    case T::SILENCE: return "Silence";
    case T::SOFTMAX: return "Softmax";
    case T::SOFTMAX_LOSS: return "SoftmaxWithLoss";
    case T::SPLIT: return "Split";
    case T::SLICE: return "Slice";
    case T::TANH: return "TanH";
    case T::WINDOW_DATA: return "WindowData";
    case T::THRESHOLD: return "Threshold";
    default: return "";
  }
}

namespace {

// Field-by-field copy of what a V1 layer can carry (Caffe's UpgradeV1LayerParameter).
void upgradeOne(const caffepb::V1LayerParameter& v1, const std::string& type, caffepb::LayerParameter* l) {
  l->set_name(v1.name());
  l->set_type(type);
  for (const auto& b : v1.bottom()) l->add_bottom(b);
  for (const auto& t : v1.top()) l->add_top(t);
  *l->mutable_include() = v1.include();
  *l->mutable_exclude() = v1.exclude();
  *l->mutable_blobs() = v1.blobs();
  if (v1.has_concat_param()) *l->mutable_concat_param() = v1.concat_param();
  if (v1.has_convolution_param()) *l->mutable_convolution_param() = v1.convolution_param();
  if (v1.has_dropout_param()) *l->mutable_dropout_param() = v1.dropout_param();
  if (v1.has_eltwise_param()) *l->mutable_eltwise_param() = v1.eltwise_param();
  if (v1.has_inner_product_param()) *l->mutable_inner_product_param() = v1.inner_product_param();
  if (v1.has_lrn_param()) *l->mutable_lrn_param() = v1.lrn_param();
  if (v1.has_pooling_param()) *l->mutable_pooling_param() = v1.pooling_param();
  if (v1.has_power_param()) *l->mutable_power_param() = v1.power_param();
  if (v1.has_relu_param()) *l->mutable_relu_param() = v1.relu_param();
  if (v1.has_sigmoid_param()) *l->mutable_sigmoid_param() = v1.sigmoid_param();
  if (v1.has_softmax_param()) *l->mutable_softmax_param() = v1.softmax_param();
  if (v1.has_slice_param()) *l->mutable_slice_param() = v1.slice_param();
  if (v1.has_tanh_param()) *l->mutable_tanh_param() = v1.tanh_param();
}

}  // namespace

Status upgradeV1Layers(const std::string& path, caffepb::NetParameter* net) {
  if (net->layers_size() == 0) return Status::ok();
  if (net->layer_size() > 0)
    return parseError(path + ": mixes new-format `layer` (" + std::to_string(net->layer_size()) + ") and V1 `layers` (" +
                      std::to_string(net->layers_size()) + ") entries");
  for (const caffepb::V1LayerParameter& v1 : net->layers()) {
    // NONE (a caffemodel entry may omit the type) stays empty: an unknown type if mapped.
    upgradeOne(v1, v1TypeName(v1.type()), net->add_layer());
  }
  net->clear_layers();
  return Status::ok();
}

}  // namespace eqw::caffe
