# Caffe importer tests: fixture folders under tests/data/caffe/ (net.prototxt, weights.pbtxt
# turned into a binary caffemodel at test time with the generated protobuf classes).
eqw_add_test(test_caffe_import
  ${CMAKE_CURRENT_SOURCE_DIR}/caffe_test_util.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/test_caffe_bad_input.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/test_caffe_layers.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/test_caffe_net.cpp)
target_link_libraries(test_caffe_import PRIVATE eqw_caffe_proto)
