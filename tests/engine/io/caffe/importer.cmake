# Caffe importer tests.
