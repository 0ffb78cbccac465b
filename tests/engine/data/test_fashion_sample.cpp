// The project's own Fashion-MNIST sample (samples/fashion-mnist, made by train.py there) opens
// as a labelled list-file dataset and loads to the model's input shape.
#include <gtest/gtest.h>

#include <filesystem>

#include <opencv2/imgcodecs.hpp>

#include "eqw/data.h"

namespace eqw {
namespace {

std::string sampleFile(const std::string& rel) {
  return std::string(EQW_SOURCE_DIR) + "/samples/fashion-mnist/" + rel;
}

TEST(FashionSample, TestListHasFiftyImagesPerClass) {
  if (!std::filesystem::exists(sampleFile("test/labels.txt")))
    GTEST_SKIP() << "samples/fashion-mnist has not been generated (run train.py there)";
  Result<Dataset> ds = openDataset(sampleFile("test/labels.txt"));
  ASSERT_TRUE(ds.isOk()) << ds.status().toString();
  EXPECT_EQ(ds->layout, DatasetLayout::ListFile);
  ASSERT_EQ(ds->classNames.size(), 10u);  // from samples/fashion-mnist/classes.txt
  EXPECT_EQ(ds->classNames[0], "T-shirt/top");
  EXPECT_EQ(ds->classNames[9], "Ankle boot");
  ASSERT_EQ(ds->samples.size(), 500u);
  std::vector<int> perClass(10, 0);
  for (const Sample& s : ds->samples) {
    ASSERT_GE(s.label, 0);
    ASSERT_LT(s.label, 10);
    ++perClass[s.label];
  }
  for (int n : perClass) EXPECT_EQ(n, 50);
  EXPECT_TRUE(ds->diagnostics.empty());
}

TEST(FashionSample, ImagesLoadAsScaledGray28x28) {
  if (!std::filesystem::exists(sampleFile("calib/labels.txt")))
    GTEST_SKIP() << "samples/fashion-mnist has not been generated (run train.py there)";
  Result<Dataset> ds = openDataset(sampleFile("calib"));
  ASSERT_TRUE(ds.isOk()) << ds.status().toString();
  ASSERT_EQ(ds->samples.size(), 200u);
  Result<Preprocess> p = parsePreprocess("shape=[28,28,1] mean=[0] norm=[0.003921569]");
  ASSERT_TRUE(p.isOk());
  Diagnostics diags;
  size_t n = 0;
  Status st = forEachSample(*ds, *p, [&](size_t, const Sample& s, const Tensor& t) {
    EXPECT_EQ(t.shape(), (Shape{1, 1, 28, 28}));
    if (n++ % 50 == 0) {  // a few against an independent decode
      const cv::Mat img = cv::imread(s.path, cv::IMREAD_GRAYSCALE);
      for (int i = 0; i < 28 * 28; i += 37)
        EXPECT_FLOAT_EQ(t.f32()[i], img.data[i] * 0.003921569f) << s.path << " pixel " << i;
    }
    return true;
  }, diags);
  EXPECT_TRUE(st.isOk());
  EXPECT_EQ(n, 200u);
  EXPECT_TRUE(diags.empty());
}

}  // namespace
}  // namespace eqw
