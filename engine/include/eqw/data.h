// Datasets (image folders, class folders, list files) and image preprocessing into input tensors.
// The implementation uses OpenCV; no OpenCV type appears here.
#pragma once

#include <array>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "eqw/status.h"
#include "eqw/tensor.h"

namespace eqw {

// ---------------------------------------------------------------- datasets

// One image of a dataset. label is the class index, or -1 when the source has no labels.
struct Sample {
  std::string path;  // absolute or as given, already resolved against the list file's folder
  int label = -1;
};

// How a dataset source is laid out on disk.
enum class DatasetLayout {
  // A regular file is a ListFile. A folder whose top level holds no images but whose
  // subfolders do is ClassFolders; any other folder is Folder.
  Auto,
  // Every image under the folder, recursively; no labels.
  Folder,
  // root/<class>/<images, recursively>: label = index of <class> in the sorted folder names.
  ClassFolders,
  // A text file, one sample a line: `path [label]`. Blank lines and lines starting with '#' are
  // skipped; the label is the last whitespace-separated token, a non-negative integer, so a
  // labelled path may contain spaces. Relative paths are resolved against the list's folder.
  ListFile,
};

const char* toString(DatasetLayout layout);

// Image files are recognised by extension, case-insensitively: jpg, jpeg, png, bmp, webp.
// Names starting with '.' (hidden files, macOS "._x.jpg" forks) are skipped.
bool isImageFileName(std::string_view fileName);

struct Dataset {
  std::string source;       // the folder or list file it was opened from
  DatasetLayout layout = DatasetLayout::Folder;  // the layout actually used (never Auto)
  std::vector<Sample> samples;  // sorted by path for Folder / ClassFolders; file order for lists
  // ClassFolders: the sorted class folder names. ListFile: the lines of a classes.txt found in
  // the list's folder or its parent, if any. Folder: empty.
  std::vector<std::string> classNames;
  // Entries that were left out while opening (a listed file that does not exist, an empty class
  // folder, an unreadable folder); each names the file and, for lists, the line.
  Diagnostics diagnostics;
};

// Opens a dataset. Errors: NotFound (the source does not exist, or it yields no images at all),
// ParseError (a list line with a bad label: "list.txt:7: label 'cat' is not a non-negative
// integer"), IoError (the list cannot be read). Images are not decoded here: a file that exists
// but cannot be decoded is found when it is loaded (see forEachSample).
Result<Dataset> openDataset(const std::string& dirOrList, DatasetLayout layout = DatasetLayout::Auto);

// ---------------------------------------------------------------- preprocessing

enum class ResizeMode {
  Exact,                      // resize to width x height, ignoring the aspect ratio (ncnn2table)
  ShorterSideThenCenterCrop,  // shorter side to resizeShorter (keeping the aspect), then center crop
};

// Channel order of the tensor. The image is decoded as BGR (OpenCV's order) and reordered.
enum class PixelOrder { RGB, BGR, GRAY };

const char* toString(ResizeMode mode);
const char* toString(PixelOrder order);

// How an image file becomes a [1, C, H, W] float32 tensor, following ncnn2table with ncnn's own
// arithmetic (Mat::from_pixels_resize, substract_mean_normalize): decode -> resize (ncnn's 11-bit
// fixed-point bilinear, on the decoded BGR or gray pixels) -> channels (GRAY from BGR as
// (77 R + 150 G + 29 B) >> 8) -> y = fma(x, norm[c], -mean[c] * norm[c]), with x the 8-bit pixel
// value (0..255) and c the channel index after reordering (mean[0] is R for RGB, B for BGR). For
// GRAY only mean[0] and norm[0] are used.
struct Preprocess {
  int width = 224;   // tensor W, pixels
  int height = 224;  // tensor H, pixels
  ResizeMode mode = ResizeMode::Exact;
  int resizeShorter = 256;  // ShorterSideThenCenterCrop: the shorter side after resizing, pixels
  std::array<float, 3> mean = {0.f, 0.f, 0.f};
  std::array<float, 3> norm = {1.f, 1.f, 1.f};
  PixelOrder pixel = PixelOrder::BGR;

  int channels() const { return pixel == PixelOrder::GRAY ? 1 : 3; }
  Shape tensorShape() const { return {1, channels(), height, width}; }
};

// InvalidArgument when a size is not positive or too large (> 16384), or when the crop does not
// fit (ShorterSideThenCenterCrop needs resizeShorter >= max(width, height)).
Status validate(const Preprocess& p);

// Parses ncnn2table-style settings, whitespace-separated `key=value` tokens:
//   mean=[104,117,123]   per-channel mean, in tensor channel order (1 value: all channels)
//   norm=[0.017,0.017,0.017]  per-channel scale, same rules
//   shape=[w,h,c]        tensor width, height, channels (c: 1 or 3; shape=[w,h] leaves it to pixel)
//   pixel=RGB|BGR|GRAY   tensor channel order (default BGR, or GRAY when shape says c=1)
// and this project's own:
//   resize=exact|crop    resize mode (default exact, as ncnn2table)
//   resize_shorter=N     shorter side before the center crop; implies resize=crop
// Unknown keys, malformed numbers and contradictions (pixel=GRAY with c=3, three means for GRAY)
// are InvalidArgument naming the token. The result is validated.
Result<Preprocess> parsePreprocess(const std::vector<std::string>& tokens);
Result<Preprocess> parsePreprocess(const std::string& args);  // split on whitespace
// Whether `key` (the part before '=') is one parsePreprocess understands; lets a command line
// route ncnn2table's other keys (thread=, method=) elsewhere.
bool isPreprocessKey(std::string_view key);
// The canonical token string, e.g. "shape=[224,224,3] pixel=BGR mean=[104,117,123]
// norm=[0.017,0.017,0.017] resize=exact"; parsePreprocess(toString(p)) gives p back.
std::string toString(const Preprocess& p);

// Decodes one image file and preprocesses it into a [1, C, H, W] float32 tensor.
// Any channel count is accepted: grayscale is replicated for RGB/BGR; alpha is dropped (not
// composited); CMYK JPEGs are converted by the decoder; 16-bit images are scaled to 8 bit
// (v / 257). A JPEG's EXIF orientation is applied, as cv::imread does for ncnn2table. Errors: IoError naming the file and why (missing,
// empty, not an image, corrupt data), InvalidArgument for a bad Preprocess. Never throws.
Result<Tensor> loadImageTensor(const std::string& path, const Preprocess& p);

// Called once per sample that loaded; index is the sample's position in dataset.samples.
// Return false to stop early.
using SampleVisitor = std::function<bool(size_t index, const Sample& sample, const Tensor& input)>;

// Loads every sample in order and hands it to visit. An image that cannot be loaded is skipped
// and reported in diagnostics (Warning, naming the file and why) — never fatal. Returns
// Cancelled when visit returned false, InvalidArgument for a bad Preprocess, Ok otherwise
// (also when images were skipped).
Status forEachSample(const Dataset& dataset, const Preprocess& p, const SampleVisitor& visit,
                     Diagnostics& diagnostics);

}  // namespace eqw
