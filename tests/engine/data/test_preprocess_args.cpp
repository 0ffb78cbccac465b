// parsePreprocess: ncnn2table's key=value strings and this project's resize flags.
#include <gtest/gtest.h>

#include "engine/data/fixtures.h"
#include "eqw/data.h"

namespace eqw {
namespace {

using test::contains;

Preprocess parseOk(const std::string& args) {
  Result<Preprocess> p = parsePreprocess(args);
  EXPECT_TRUE(p.isOk()) << args << " -> " << p.status().toString();
  return p.isOk() ? *p : Preprocess{};
}

void expectRejected(const std::string& args, const std::string& mentions) {
  Result<Preprocess> p = parsePreprocess(args);
  ASSERT_FALSE(p.isOk()) << args;
  EXPECT_EQ(p.status().code(), StatusCode::InvalidArgument);
  EXPECT_TRUE(contains(p.status().message(), mentions)) << args << " -> " << p.status().message();
}

TEST(PreprocessArgs, Ncnn2tableImagenetLine) {
  const Preprocess p = parseOk("mean=[104,117,123] norm=[0.017,0.017,0.017] shape=[224,200,3] pixel=BGR");
  EXPECT_EQ(p.width, 224);  // ncnn2table's shape is [w,h,c]
  EXPECT_EQ(p.height, 200);
  EXPECT_EQ(p.pixel, PixelOrder::BGR);
  EXPECT_EQ(p.mean, (std::array<float, 3>{104.f, 117.f, 123.f}));
  EXPECT_EQ(p.norm, (std::array<float, 3>{0.017f, 0.017f, 0.017f}));
  EXPECT_EQ(p.mode, ResizeMode::Exact);
  EXPECT_EQ(p.tensorShape(), (Shape{1, 3, 200, 224}));
}

TEST(PreprocessArgs, OneChannelShapeMeansGrayAndOneValueBroadcasts) {
  const Preprocess g = parseOk("shape=[28,28,1] mean=[0] norm=[0.00392157]");
  EXPECT_EQ(g.pixel, PixelOrder::GRAY);
  EXPECT_FLOAT_EQ(g.norm[0], 0.00392157f);
  const Preprocess c = parseOk("pixel=RGB mean=[127.5] norm=[0.0078125]");
  EXPECT_EQ(c.mean, (std::array<float, 3>{127.5f, 127.5f, 127.5f}));
  EXPECT_EQ(c.norm[2], 0.0078125f);
}

TEST(PreprocessArgs, SpacesInsideBracketsAndTokenVector) {
  const Preprocess p = parseOk("  mean=[1, 2, 3]\tshape=[32, 16] pixel=rgb ");
  EXPECT_EQ(p.mean, (std::array<float, 3>{1.f, 2.f, 3.f}));
  EXPECT_EQ(p.width, 32);
  EXPECT_EQ(p.height, 16);
  Result<Preprocess> v = parsePreprocess(std::vector<std::string>{"shape=[8,8,3]", "pixel=RGB"});
  ASSERT_TRUE(v.isOk());
  EXPECT_EQ(v->pixel, PixelOrder::RGB);
}

TEST(PreprocessArgs, ResizeFlags) {
  const Preprocess a = parseOk("shape=[224,224,3] resize_shorter=256");
  EXPECT_EQ(a.mode, ResizeMode::ShorterSideThenCenterCrop);
  EXPECT_EQ(a.resizeShorter, 256);
  const Preprocess b = parseOk("shape=[224,224,3] resize=crop");
  EXPECT_EQ(b.mode, ResizeMode::ShorterSideThenCenterCrop);
  EXPECT_EQ(b.resizeShorter, 256);  // 224 / 0.875
  EXPECT_EQ(parseOk("resize=exact").mode, ResizeMode::Exact);
}

TEST(PreprocessArgs, ErrorsNameTheToken) {
  expectRejected("thread=4", "'thread=4': unknown key");
  expectRejected("mean=[1,x,3]", "'x' is not a number");
  expectRejected("mean", "expected key=value");
  expectRejected("pixel=YUV", "pixel must be RGB, BGR or GRAY");
  expectRejected("pixel=GRAY mean=[1,2,3]", "mean has 3 values; expected 1 or 1");
  expectRejected("pixel=RGB norm=[1,2]", "norm has 2 values");
  expectRejected("shape=[224,224,1] pixel=RGB", "shape says 1 channel(s) but pixel=RGB has 3");
  expectRejected("shape=[224,224,4]", "channels 4 must be 1 or 3");
  expectRejected("shape=[224]", "shape needs [w,h]");
  expectRejected("shape=[0,224,3]", "size 0x224");
  expectRejected("shape=[224,224,3] resize_shorter=100", "resize_shorter=100 must be at least the crop size 224");
  expectRejected("resize=exact resize_shorter=300", "contradicts");
  expectRejected("resize=fit", "resize must be exact or crop");
  expectRejected("mean=[1] mean=[2]", "given twice");
  expectRejected("mean=[1,2,3,4]", "at most 3 values");
  expectRejected("norm=[nan]", "finite");
  expectRejected("shape=[99999999999,2]", "is not a number");
}

TEST(PreprocessArgs, KnownKeys) {
  EXPECT_TRUE(isPreprocessKey("mean"));
  EXPECT_TRUE(isPreprocessKey("resize_shorter"));
  EXPECT_FALSE(isPreprocessKey("thread"));
  EXPECT_FALSE(isPreprocessKey("method"));
}

TEST(PreprocessArgs, ToStringRoundTrips) {
  for (const char* args : {"mean=[104,117,123] norm=[0.017,0.017,0.017] shape=[224,224,3] pixel=BGR",
                           "shape=[28,28,1] norm=[0.003921569]",
                           "pixel=RGB shape=[299,299] resize_shorter=342 mean=[123.675,116.28,103.53]"}) {
    const Preprocess p = parseOk(args);
    const std::string text = toString(p);
    const Preprocess q = parseOk(text);
    EXPECT_EQ(toString(q), text);
    EXPECT_EQ(q.width, p.width);
    EXPECT_EQ(q.height, p.height);
    EXPECT_EQ(q.pixel, p.pixel);
    EXPECT_EQ(q.mode, p.mode);
    EXPECT_EQ(q.resizeShorter, p.resizeShorter);
    for (int c = 0; c < p.channels(); ++c) {
      EXPECT_EQ(q.mean[c], p.mean[c]) << text;
      EXPECT_EQ(q.norm[c], p.norm[c]) << text;
    }
  }
  EXPECT_EQ(toString(parseOk("shape=[28,28,1] norm=[0.5]")),
            "shape=[28,28,1] pixel=GRAY mean=[0] norm=[0.5] resize=exact");
}

}  // namespace
}  // namespace eqw
