// Caffe blobs (BlobProto) as our tensors, and the shape comparison Caffe itself applies when it
// copies trained weights (legacy 4-D shapes carry leading 1s: [1, 1, 1, 64] is [64]).
#pragma once

#include <eqw/status.h>
#include <eqw/tensor.h>

#include <string>

#include "io/caffe/caffe.pb.h"

namespace eqw::caffe {

// The blob's shape: `shape` when present, else the legacy num/channels/height/width.
Shape blobShape(const caffepb::BlobProto& blob);

// Same shape once leading 1s are dropped from both.
bool sameBlobShape(const Shape& a, const Shape& b);

// The blob's values (float `data` or `double_data`) as a float tensor of its own shape. The
// value count must match the shape; `what` prefixes errors ("net.caffemodel: layer 'conv1' blob 0").
Result<Tensor> blobTensor(const caffepb::BlobProto& blob, const std::string& what);

}  // namespace eqw::caffe
