// openDataset on the fixture folders: folder, class-folder and list-file layouts.
#include <gtest/gtest.h>

#include <algorithm>

#include "engine/data/fixtures.h"
#include "eqw/data.h"

namespace eqw {
namespace {

using test::contains;
using test::imageFixture;

std::string fileNameOf(const std::string& path) { return path.substr(path.find_last_of('/') + 1); }

bool anyDiagnosticContains(const Diagnostics& diags, const std::string& text) {
  return std::any_of(diags.begin(), diags.end(), [&](const Diagnostic& d) { return contains(d.message, text); });
}

TEST(Dataset, ImageFileNamesAreRecognisedCaseInsensitively) {
  EXPECT_TRUE(isImageFileName("a.jpg"));
  EXPECT_TRUE(isImageFileName("a.JPEG"));
  EXPECT_TRUE(isImageFileName("a.b.PnG"));
  EXPECT_TRUE(isImageFileName("x.webp"));
  EXPECT_TRUE(isImageFileName("x.Bmp"));
  EXPECT_FALSE(isImageFileName("notes.txt"));
  EXPECT_FALSE(isImageFileName("jpg"));
  EXPECT_FALSE(isImageFileName("._fork.jpg"));
  EXPECT_FALSE(isImageFileName(".hidden.png"));
  EXPECT_FALSE(isImageFileName("a.tiff"));
}

TEST(Dataset, FolderIsRecursiveSortedAndSkipsHiddenAndOtherFiles) {
  Result<Dataset> ds = openDataset(imageFixture("decode"));
  ASSERT_TRUE(ds.isOk()) << ds.status().toString();
  EXPECT_EQ(ds->layout, DatasetLayout::Folder);
  std::vector<std::string> names;
  for (const Sample& s : ds->samples) {
    names.push_back(fileNameOf(s.path));
    EXPECT_EQ(s.label, -1);
  }
  const std::vector<std::string> expected = {"cmyk.jpg", "gray.png", "gray_alpha.png", "GRAY.JPEG",
                                             "rgb.bmp",  "rgb16.png", "rgba.png"};
  EXPECT_EQ(names, expected);  // sorted by full path: decode/nested/... sorts between gray_alpha and rgb
  EXPECT_TRUE(ds->classNames.empty());
  EXPECT_TRUE(ds->diagnostics.empty());
}

TEST(Dataset, ClassFoldersGiveLabelsInSortedFolderOrder) {
  Result<Dataset> ds = openDataset(imageFixture("classes"));
  ASSERT_TRUE(ds.isOk()) << ds.status().toString();
  EXPECT_EQ(ds->layout, DatasetLayout::ClassFolders);
  const std::vector<std::string> classes = {"bird", "cat", "dog", "empty"};
  EXPECT_EQ(ds->classNames, classes);
  ASSERT_EQ(ds->samples.size(), 4u);
  EXPECT_EQ(fileNameOf(ds->samples[0].path), "b1.png");
  EXPECT_EQ(ds->samples[0].label, 0);
  EXPECT_EQ(fileNameOf(ds->samples[1].path), "c1.bmp");
  EXPECT_EQ(ds->samples[1].label, 1);
  EXPECT_EQ(fileNameOf(ds->samples[2].path), "c2.PNG");
  EXPECT_EQ(ds->samples[2].label, 1);
  EXPECT_EQ(fileNameOf(ds->samples[3].path), "d1.jpg");
  EXPECT_EQ(ds->samples[3].label, 2);
  EXPECT_TRUE(anyDiagnosticContains(ds->diagnostics, "empty: class folder has no images"));
}

TEST(Dataset, ClassFolderRootCanBeReadAsAPlainFolder) {
  Result<Dataset> ds = openDataset(imageFixture("classes"), DatasetLayout::Folder);
  ASSERT_TRUE(ds.isOk()) << ds.status().toString();
  EXPECT_EQ(ds->samples.size(), 4u);
  EXPECT_EQ(ds->samples[0].label, -1);
}

TEST(Dataset, ListFileResolvesPathsLabelsAndComments) {
  const std::string list = imageFixture("lists/good.txt");
  Result<Dataset> ds = openDataset(list);
  ASSERT_TRUE(ds.isOk()) << ds.status().toString();
  EXPECT_EQ(ds->layout, DatasetLayout::ListFile);
  struct Expect { const char* name; int label; };
  const std::vector<Expect> expected = {{"gray.png", 3}, {"rgba.png", 1}, {"GRAY.JPEG", -1},
                                        {"with space.png", 2}, {"with space.png", -1}, {"c1.bmp", 0}};
  ASSERT_EQ(ds->samples.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(fileNameOf(ds->samples[i].path), expected[i].name) << i;
    EXPECT_EQ(ds->samples[i].label, expected[i].label) << i;
  }
  EXPECT_EQ(ds->samples[0].path, imageFixture("decode/gray.png"));  // "lists/../decode" normalised
  const std::vector<std::string> classes = {"zero", "one", "two"};
  EXPECT_EQ(ds->classNames, classes);
  // line 7 names a missing file; line 2's label 3 is past the three class names
  EXPECT_TRUE(anyDiagnosticContains(ds->diagnostics, "good.txt:7: '"));
  EXPECT_TRUE(anyDiagnosticContains(ds->diagnostics, "missing.png' does not exist"));
  EXPECT_TRUE(anyDiagnosticContains(ds->diagnostics, "good.txt:2: label 3 is beyond the 3 names"));
  EXPECT_EQ(ds->diagnostics.size(), 2u);
}

TEST(Dataset, ListFileWithABadLabelNamesFileLineAndToken) {
  Result<Dataset> ds = openDataset(imageFixture("lists/bad_label.txt"));
  ASSERT_FALSE(ds.isOk());
  EXPECT_EQ(ds.status().code(), StatusCode::ParseError);
  EXPECT_TRUE(contains(ds.status().message(), "bad_label.txt:3: label 'cat'")) << ds.status().message();
}

TEST(Dataset, MissingSourceIsNotFound) {
  Result<Dataset> ds = openDataset(imageFixture("no/such/folder"));
  ASSERT_FALSE(ds.isOk());
  EXPECT_EQ(ds.status().code(), StatusCode::NotFound);
  EXPECT_TRUE(contains(ds.status().message(), "no/such/folder"));
}

TEST(Dataset, FolderWithoutImagesIsNotFound) {
  Result<Dataset> ds = openDataset(imageFixture("classes/empty"));
  ASSERT_FALSE(ds.isOk());
  EXPECT_EQ(ds.status().code(), StatusCode::NotFound);
  EXPECT_TRUE(contains(ds.status().message(), "no images found")) << ds.status().message();
}

TEST(Dataset, AnImageIsNotAListFile) {
  Result<Dataset> ds = openDataset(imageFixture("decode/gray.png"));
  ASSERT_FALSE(ds.isOk());
  EXPECT_EQ(ds.status().code(), StatusCode::InvalidArgument);
  EXPECT_TRUE(contains(ds.status().message(), "gray.png: this is an image")) << ds.status().message();
}

TEST(Dataset, WrongKindOfSourceIsAnErrorNotACrash) {
  Result<Dataset> ds = openDataset(imageFixture("broken/truncated.png"), DatasetLayout::ListFile);
  EXPECT_FALSE(ds.isOk());
  Result<Dataset> folder = openDataset(imageFixture("decode"), DatasetLayout::ListFile);
  EXPECT_EQ(folder.status().code(), StatusCode::InvalidArgument);
  EXPECT_TRUE(contains(folder.status().message(), "is a folder, not a list file"));
  Result<Dataset> notAFolder = openDataset(imageFixture("lists/good.txt"), DatasetLayout::Folder);
  EXPECT_EQ(notAFolder.status().code(), StatusCode::NotFound);
  Result<Dataset> empty = openDataset("", DatasetLayout::Folder);
  EXPECT_EQ(empty.status().code(), StatusCode::InvalidArgument);
}

TEST(Dataset, ForEachSampleSkipsAndNamesBrokenImages) {
  Result<Dataset> ds = openDataset(imageFixture("broken"));
  ASSERT_TRUE(ds.isOk()) << ds.status().toString();
  ASSERT_EQ(ds->samples.size(), 5u);  // broken.jpg empty.png good.png text.jpg truncated.png
  Preprocess p;
  p.width = 6;
  p.height = 4;
  p.pixel = PixelOrder::GRAY;
  std::vector<std::string> loaded;
  Diagnostics diags;
  Status st = forEachSample(*ds, p, [&](size_t index, const Sample& s, const Tensor& t) {
    EXPECT_EQ(&ds->samples[index], &s);
    EXPECT_EQ(t.shape(), (Shape{1, 1, 4, 6}));
    loaded.push_back(fileNameOf(s.path));
    return true;
  }, diags);
  EXPECT_TRUE(st.isOk()) << st.toString();
  EXPECT_EQ(loaded, std::vector<std::string>{"good.png"});
  ASSERT_EQ(diags.size(), 4u);
  for (const char* name : {"broken.jpg", "empty.png", "text.jpg", "truncated.png"})
    EXPECT_TRUE(anyDiagnosticContains(diags, std::string("/broken/") + name + ": cannot load image")) << name;
  for (const Diagnostic& d : diags) EXPECT_EQ(d.severity, Severity::Warning);
}

TEST(Dataset, ForEachSampleStopsWhenTheVisitorSaysSo) {
  Result<Dataset> ds = openDataset(imageFixture("decode"));
  ASSERT_TRUE(ds.isOk());
  Preprocess p;
  p.width = p.height = 8;
  int calls = 0;
  Diagnostics diags;
  Status st = forEachSample(*ds, p, [&](size_t, const Sample&, const Tensor&) { return ++calls < 2; }, diags);
  EXPECT_EQ(st.code(), StatusCode::Cancelled);
  EXPECT_EQ(calls, 2);
}

}  // namespace
}  // namespace eqw
