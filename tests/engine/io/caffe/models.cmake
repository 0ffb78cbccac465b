# Generated Caffe deploy models vs OpenCV DNN.
