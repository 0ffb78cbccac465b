<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>QObject</name>
    <message>
        <source>PNG image (*.png);;PDF document (*.pdf);;SVG image (*.svg)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: unsupported plot format &apos;%2&apos; (use .png, .pdf or .svg)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: could not write the plot</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save plot as…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save plot</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>eqw::gui::Document</name>
    <message>
        <source>Use calibration images %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Use evaluation images %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a job is running: wait for it or cancel it first</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no evaluation or calibration images: choose a folder first</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Set %1 to %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Set the input threshold of %1 to %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>eqw::gui::IssuesPanel</name>
    <message>
        <source>Click to select layer %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>eqw::gui::JobRunner</name>
    <message>
        <source>Calibrating</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Evaluating</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>EasyQuant</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Benchmarking</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>eqw::gui::MainWindow</name>
    <message>
        <source>Histogram</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Issues</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select a layer after calibration to see its histogram</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Model: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Calibration: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No calibration set</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Threads: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ISA: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>untitled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1[*] — EQ Workbench</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Calibration folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open a model before dropping an image folder.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Calibrate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open a model and choose a calibration folder first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Evaluate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Done</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Job failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No statistics for %1 yet: calibrate first</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: input threshold %2 (release to apply)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Set precision</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open &amp;model…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open &amp;project…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ctrl+Shift+O</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Recent files</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Save project</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save project &amp;as…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Export ncnn table…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Calibrate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose calibration &amp;folder…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ctrl+R</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Evaluate FP32 / INT8 / INT7</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ctrl+E</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Method </source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> Bits </source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>INT8</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>INT7</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open project</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save project</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Models (*.onnx *.param *.prototxt);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>EQ Workbench projects (*.eqw)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export ncnn table</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ncnn scale tables (*.table)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Wrote %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose calibration folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Preprocessing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>How images become the model&apos;s input (shape, pixel, mean, norm, resize):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>, about %1 s left</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Running the FP32 network for %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Compare</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Calibration set</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>EasyQuant and weights</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No calibration set: drop an image folder on the window or use Calibrate › Choose calibration folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no calibration set, or a job is running</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Set preprocessing to %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>EasyQuant has not run yet: calibrate, then run EasyQuant</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select a convolution or fully connected layer to see its weight ranges</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>EasyQuant did not search %1 (FP32 or not quantizable)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unsaved changes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The project has unsaved changes. Save them before closing?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>EasyQuant</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Calibrate first: EasyQuant refines the current spec.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Benchmark</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open a model first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refine with Easy&amp;Quant</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ctrl+Shift+Q</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Benchmark latency</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ctrl+B</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Recover project</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 has an autosave newer than the file itself. Recover the autosaved state?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose e&amp;valuation folder…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose evaluation &amp;list (with labels)…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose evaluation list</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Image lists: path label per line (*.txt);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose evaluation folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Evaluation images</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>live: %1 / %2 images</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> (range pass; the histogram follows in the second pass)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No statistics for %1 yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: |x| up to %2 so far; its histogram is collected in the second pass</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The histogram of %1 is shown when the job has finished</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>eqw::gui::ProbeController</name>
    <message>
        <source>%1 has no quantized input in the spec: nothing to probe</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No images to probe %1 with: choose a calibration folder</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>eqw::widgets::CompareModel</name>
    <message>
        <source>—</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The evaluation images have no labels</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Top-1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Agreement with FP32</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Output cosine</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Median latency</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not measured: run Benchmark</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not evaluated: run Evaluate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Median of %1 runs, %2 thread(s), %3 kernels</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>eqw::widgets::CompareView</name>
    <message>
        <source>Quantizable layer (graph order)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cumulative cosine</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Median latency (ms)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Latency not measured: run Benchmark</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>eqw::widgets::DatasetPanel</name>
    <message>
        <source>Apply</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Revert</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Preprocessing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Model input preview</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No calibration set: drop an image folder on the window or use Calibrate › Choose calibration folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select an image to preview the model&apos;s input</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no calibration set to apply the preprocessing to</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n image(s) in %1</source>
        <translation>
            <numerusform>%n image in %1</numerusform>
            <numerusform>%n images in %1</numerusform>
        </translation>
    </message>
    <message>
        <source> — loading thumbnails %1 / %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source> — %n unreadable</source>
        <translation>
            <numerusform> — %n unreadable</numerusform>
            <numerusform> — %n unreadable</numerusform>
        </translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>eqw::widgets::EasyQuantCurveView</name>
    <message>
        <source>EasyQuant has not run yet: calibrate, then run EasyQuant</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>input scale of %1 (INT%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>mean cosine</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>chosen scale %1 (T = %2), objective %3 → %4 in %n round(s)</source>
        <translation>
            <numerusform>chosen scale %1 (T = %2), objective %3 → %4 in %n round</numerusform>
            <numerusform>chosen scale %1 (T = %2), objective %3 → %4 in %n rounds</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>eqw::widgets::HistogramView</name>
    <message>
        <source>Select a layer after calibration to see its histogram</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>|x| of %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>log10(1 + count)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>histogram</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>threshold</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>threshold %1, clipped %2 %</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>eqw::widgets::LayerTableModel</name>
    <message>
        <source>One of the %1 layers with the lowest isolated cosine</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Precision set by hand</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Output shape</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>MACs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Precision</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Input threshold</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Input scale</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Method</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Weight thresholds</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Isolated cosine</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cumulative cosine</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SQNR (dB)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>eqw::widgets::LayerTableView</name>
    <message>
        <source>Filter layers (name, type, method…)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>eqw::widgets::PreprocessForm</name>
    <message>
        <source>Resize to W x H (stretch)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Shorter side, then center crop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>One value for all channels, or one per channel in tensor order</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>One value for all channels, or one per channel in tensor order; y = (x - mean) * norm</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The same settings as ncnn2table arguments</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Size (W × H)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resize</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Shorter side</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pixel order</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mean</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Norm</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ncnn2table</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>eqw::widgets::ProbeMetricsView</name>
    <message>
        <source>At threshold</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>At spec</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cosine</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>MSE</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Max |error|</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>T = %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Spec T = %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Isolated metrics of this layer over %n image(s)</source>
        <translation>
            <numerusform>Isolated metrics of this layer over %n image</numerusform>
            <numerusform>Isolated metrics of this layer over %n images</numerusform>
        </translation>
    </message>
    <message>
        <source>Drag the threshold to see this layer&apos;s isolated metrics</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SQNR (dB)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>eqw::widgets::TensorPreviewView</name>
    <message>
        <source>Select an image to preview the model&apos;s input</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: %2 … %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 → tensor [1, %2, %3, %4]</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>eqw::widgets::WeightRangeView</name>
    <message>
        <source>Select a convolution or fully connected layer to see its weight ranges</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>output channel of %1 — bars: weight min … max</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>output channel of %1 — bars: weight min … max, +: ±T (%2, %3)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>weight</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Post-training quantization workbench for CNNs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Render the main window to a PNG and exit.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>FILE</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A model or a project (.eqw) to open.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Trigger these menu actions in order (%1), then exit.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>STEPS</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>With --run: a PNG of the window after each step.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>DIR</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
