<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>QObject</name>
    <message>
        <source>PNG image (*.png);;PDF document (*.pdf);;SVG image (*.svg)</source>
        <translation>PNG 图像 (*.png);;PDF 文档 (*.pdf);;SVG 图像 (*.svg)</translation>
    </message>
    <message>
        <source>%1: unsupported plot format &apos;%2&apos; (use .png, .pdf or .svg)</source>
        <translation>%1：不支持的图表格式“%2”（请使用 .png、.pdf 或 .svg）</translation>
    </message>
    <message>
        <source>%1: could not write the plot</source>
        <translation>%1：无法写入图表</translation>
    </message>
    <message>
        <source>Save plot as…</source>
        <translation>图表另存为…</translation>
    </message>
    <message>
        <source>Save plot</source>
        <translation>保存图表</translation>
    </message>
</context>
<context>
    <name>eqw::gui::Document</name>
    <message>
        <source>Use calibration images %1</source>
        <translation>使用校准图像 %1</translation>
    </message>
    <message>
        <source>Use evaluation images %1</source>
        <translation>使用评估图像 %1</translation>
    </message>
    <message>
        <source>a job is running: wait for it or cancel it first</source>
        <translation>有任务正在运行：请等待其完成或先取消</translation>
    </message>
    <message>
        <source>no evaluation or calibration images: choose a folder first</source>
        <translation>没有评估或校准图像：请先选择文件夹</translation>
    </message>
    <message>
        <source>Set %1 to %2</source>
        <translation>将 %1 设为 %2</translation>
    </message>
    <message>
        <source>Set the input threshold of %1 to %2</source>
        <translation>将 %1 的输入阈值设为 %2</translation>
    </message>
</context>
<context>
    <name>eqw::gui::IssuesPanel</name>
    <message>
        <source>Click to select layer %1</source>
        <translation>点击选中层 %1</translation>
    </message>
</context>
<context>
    <name>eqw::gui::JobRunner</name>
    <message>
        <source>Calibrating</source>
        <translation>正在校准</translation>
    </message>
    <message>
        <source>Evaluating</source>
        <translation>正在评估</translation>
    </message>
    <message>
        <source>EasyQuant</source>
        <translation>EasyQuant</translation>
    </message>
    <message>
        <source>Benchmarking</source>
        <translation>正在测速</translation>
    </message>
</context>
<context>
    <name>eqw::gui::MainWindow</name>
    <message>
        <source>Histogram</source>
        <translation>直方图</translation>
    </message>
    <message>
        <source>Issues</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Select a layer after calibration to see its histogram</source>
        <translation>校准后选择一个层以查看其直方图</translation>
    </message>
    <message>
        <source>Model: %1</source>
        <translation>模型：%1</translation>
    </message>
    <message>
        <source>No model</source>
        <translation>无模型</translation>
    </message>
    <message>
        <source>Calibration: %1</source>
        <translation>校准集：%1</translation>
    </message>
    <message>
        <source>No calibration set</source>
        <translation>无校准集</translation>
    </message>
    <message>
        <source>Threads: %1</source>
        <translation>线程：%1</translation>
    </message>
    <message>
        <source>ISA: %1</source>
        <translation>指令集：%1</translation>
    </message>
    <message>
        <source>untitled</source>
        <translation>未命名</translation>
    </message>
    <message>
        <source>%1[*] — EQ Workbench</source>
        <translation>%1[*] — EQ Workbench</translation>
    </message>
    <message>
        <source>Calibration folder</source>
        <translation>校准文件夹</translation>
    </message>
    <message>
        <source>Open a model before dropping an image folder.</source>
        <translation>请先打开模型，再拖入图像文件夹。</translation>
    </message>
    <message>
        <source>Calibrate</source>
        <translation>校准</translation>
    </message>
    <message>
        <source>Open a model and choose a calibration folder first.</source>
        <translation>请先打开模型并选择校准文件夹。</translation>
    </message>
    <message>
        <source>Evaluate</source>
        <translation>评估</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>Job failed</source>
        <translation>任务失败</translation>
    </message>
    <message>
        <source>No statistics for %1 yet: calibrate first</source>
        <translation>%1 尚无统计数据：请先校准</translation>
    </message>
    <message>
        <source>%1: input threshold %2 (release to apply)</source>
        <translation>%1：输入阈值 %2（松开以应用）</translation>
    </message>
    <message>
        <source>Set precision</source>
        <translation>设置精度</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>Open &amp;model…</source>
        <translation>打开模型(&amp;M)…</translation>
    </message>
    <message>
        <source>Open &amp;project…</source>
        <translation>打开工程(&amp;P)…</translation>
    </message>
    <message>
        <source>Ctrl+Shift+O</source>
        <translation>Ctrl+Shift+O</translation>
    </message>
    <message>
        <source>&amp;Recent files</source>
        <translation>最近的文件(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Save project</source>
        <translation>保存工程(&amp;S)</translation>
    </message>
    <message>
        <source>Save project &amp;as…</source>
        <translation>工程另存为(&amp;A)…</translation>
    </message>
    <message>
        <source>&amp;Export ncnn table…</source>
        <translation>导出 ncnn 量化表(&amp;E)…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>撤销(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>重做(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Calibrate</source>
        <translation>校准(&amp;C)</translation>
    </message>
    <message>
        <source>Choose calibration &amp;folder…</source>
        <translation>选择校准文件夹(&amp;F)…</translation>
    </message>
    <message>
        <source>Ctrl+R</source>
        <translation>Ctrl+R</translation>
    </message>
    <message>
        <source>&amp;Evaluate FP32 / INT8 / INT7</source>
        <translation>评估 FP32 / INT8 / INT7(&amp;E)</translation>
    </message>
    <message>
        <source>Ctrl+E</source>
        <translation>Ctrl+E</translation>
    </message>
    <message>
        <source>Method </source>
        <translation>方法 </translation>
    </message>
    <message>
        <source> Bits </source>
        <translation> 位宽 </translation>
    </message>
    <message>
        <source>INT8</source>
        <translation>INT8</translation>
    </message>
    <message>
        <source>INT7</source>
        <translation>INT7</translation>
    </message>
    <message>
        <source>Open model</source>
        <translation>打开模型</translation>
    </message>
    <message>
        <source>Open project</source>
        <translation>打开工程</translation>
    </message>
    <message>
        <source>Save project</source>
        <translation>保存工程</translation>
    </message>
    <message>
        <source>Models (*.onnx *.param *.prototxt);;All files (*)</source>
        <translation>模型 (*.onnx *.param *.prototxt);;所有文件 (*)</translation>
    </message>
    <message>
        <source>EQ Workbench projects (*.eqw)</source>
        <translation>EQ Workbench 工程 (*.eqw)</translation>
    </message>
    <message>
        <source>Export ncnn table</source>
        <translation>导出 ncnn 量化表</translation>
    </message>
    <message>
        <source>ncnn scale tables (*.table)</source>
        <translation>ncnn 量化表 (*.table)</translation>
    </message>
    <message>
        <source>Wrote %1</source>
        <translation>已写入 %1</translation>
    </message>
    <message>
        <source>Choose calibration folder</source>
        <translation>选择校准文件夹</translation>
    </message>
    <message>
        <source>Preprocessing</source>
        <translation>预处理</translation>
    </message>
    <message>
        <source>How images become the model&apos;s input (shape, pixel, mean, norm, resize):</source>
        <translation>图像如何变成模型输入（shape、pixel、mean、norm、resize）：</translation>
    </message>
    <message>
        <source>, about %1 s left</source>
        <translation>，约剩 %1 秒</translation>
    </message>
    <message>
        <source>Running the FP32 network for %1…</source>
        <translation>正在为 %1 运行 FP32 网络…</translation>
    </message>
    <message>
        <source>Compare</source>
        <translation>对比</translation>
    </message>
    <message>
        <source>Calibration set</source>
        <translation>校准集</translation>
    </message>
    <message>
        <source>EasyQuant and weights</source>
        <translation>EasyQuant 与权重</translation>
    </message>
    <message>
        <source>No calibration set: drop an image folder on the window or use Calibrate › Choose calibration folder</source>
        <translation>没有校准集：将图像文件夹拖到窗口上，或使用“校准 › 选择校准文件夹”</translation>
    </message>
    <message>
        <source>no calibration set, or a job is running</source>
        <translation>没有校准集，或有任务正在运行</translation>
    </message>
    <message>
        <source>Set preprocessing to %1</source>
        <translation>将预处理设为 %1</translation>
    </message>
    <message>
        <source>EasyQuant has not run yet: calibrate, then run EasyQuant</source>
        <translation>尚未运行 EasyQuant：请先校准，再运行 EasyQuant</translation>
    </message>
    <message>
        <source>Select a convolution or fully connected layer to see its weight ranges</source>
        <translation>选择卷积层或全连接层以查看其权重范围</translation>
    </message>
    <message>
        <source>EasyQuant did not search %1 (FP32 or not quantizable)</source>
        <translation>EasyQuant 未搜索 %1（FP32 或不可量化）</translation>
    </message>
    <message>
        <source>Unsaved changes</source>
        <translation>未保存的更改</translation>
    </message>
    <message>
        <source>The project has unsaved changes. Save them before closing?</source>
        <translation>工程有未保存的更改。关闭前保存吗？</translation>
    </message>
    <message>
        <source>EasyQuant</source>
        <translation>EasyQuant</translation>
    </message>
    <message>
        <source>Calibrate first: EasyQuant refines the current spec.</source>
        <translation>请先校准：EasyQuant 在当前量化方案上细化。</translation>
    </message>
    <message>
        <source>Benchmark</source>
        <translation>测速</translation>
    </message>
    <message>
        <source>Open a model first.</source>
        <translation>请先打开模型。</translation>
    </message>
    <message>
        <source>Refine with Easy&amp;Quant</source>
        <translation>用 EasyQuant 细化(&amp;Q)</translation>
    </message>
    <message>
        <source>Ctrl+Shift+Q</source>
        <translation>Ctrl+Shift+Q</translation>
    </message>
    <message>
        <source>&amp;Benchmark latency</source>
        <translation>测量延迟(&amp;B)</translation>
    </message>
    <message>
        <source>Ctrl+B</source>
        <translation>Ctrl+B</translation>
    </message>
    <message>
        <source>Recover project</source>
        <translation>恢复工程</translation>
    </message>
    <message>
        <source>%1 has an autosave newer than the file itself. Recover the autosaved state?</source>
        <translation>%1 有一个比文件本身更新的自动保存。恢复自动保存的状态吗？</translation>
    </message>
    <message>
        <source>Choose e&amp;valuation folder…</source>
        <translation>选择评估文件夹(&amp;V)…</translation>
    </message>
    <message>
        <source>Choose evaluation &amp;list (with labels)…</source>
        <translation>选择评估列表（带标签）(&amp;L)…</translation>
    </message>
    <message>
        <source>Choose evaluation list</source>
        <translation>选择评估列表</translation>
    </message>
    <message>
        <source>Image lists: path label per line (*.txt);;All files (*)</source>
        <translation>图像列表：每行 路径 标签 (*.txt);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Choose evaluation folder</source>
        <translation>选择评估文件夹</translation>
    </message>
    <message>
        <source>Evaluation images</source>
        <translation>评估图像</translation>
    </message>
    <message>
        <source>live: %1 / %2 images</source>
        <translation>实时：%1 / %2 张图像</translation>
    </message>
    <message>
        <source> (range pass; the histogram follows in the second pass)</source>
        <translation>（范围统计阶段；直方图在第二遍中收集）</translation>
    </message>
    <message>
        <source>No statistics for %1 yet</source>
        <translation>%1 尚无统计数据</translation>
    </message>
    <message>
        <source>%1: |x| up to %2 so far; its histogram is collected in the second pass</source>
        <translation>%1：目前 |x| 最大为 %2；其直方图在第二遍中收集</translation>
    </message>
    <message>
        <source>The histogram of %1 is shown when the job has finished</source>
        <translation>%1 的直方图将在任务完成后显示</translation>
    </message>
</context>
<context>
    <name>eqw::gui::ProbeController</name>
    <message>
        <source>%1 has no quantized input in the spec: nothing to probe</source>
        <translation>%1 在量化方案中没有量化的输入：无可探测</translation>
    </message>
    <message>
        <source>No images to probe %1 with: choose a calibration folder</source>
        <translation>没有可用于探测 %1 的图像：请选择校准文件夹</translation>
    </message>
</context>
<context>
    <name>eqw::widgets::CompareModel</name>
    <message>
        <source>—</source>
        <translation>—</translation>
    </message>
    <message>
        <source>The evaluation images have no labels</source>
        <translation>评估图像没有标签</translation>
    </message>
    <message>
        <source>Top-1</source>
        <translation>Top-1 准确率</translation>
    </message>
    <message>
        <source>Agreement with FP32</source>
        <translation>与 FP32 一致率</translation>
    </message>
    <message>
        <source>Output cosine</source>
        <translation>输出余弦相似度</translation>
    </message>
    <message>
        <source>Median latency</source>
        <translation>延迟中位数</translation>
    </message>
    <message>
        <source>Not measured: run Benchmark</source>
        <translation>未测量：请运行测速</translation>
    </message>
    <message>
        <source>Not evaluated: run Evaluate</source>
        <translation>未评估：请运行评估</translation>
    </message>
    <message>
        <source>Median of %1 runs, %2 thread(s), %3 kernels</source>
        <translation>%1 次运行的中位数，%2 个线程，%3 内核</translation>
    </message>
</context>
<context>
    <name>eqw::widgets::CompareView</name>
    <message>
        <source>Quantizable layer (graph order)</source>
        <translation>可量化层（按图顺序）</translation>
    </message>
    <message>
        <source>Cumulative cosine</source>
        <translation>累积余弦相似度</translation>
    </message>
    <message>
        <source>Median latency (ms)</source>
        <translation>延迟中位数（毫秒）</translation>
    </message>
    <message>
        <source>Latency not measured: run Benchmark</source>
        <translation>尚未测量延迟：请运行测速</translation>
    </message>
</context>
<context>
    <name>eqw::widgets::DatasetPanel</name>
    <message>
        <source>Apply</source>
        <translation>应用</translation>
    </message>
    <message>
        <source>Revert</source>
        <translation>还原</translation>
    </message>
    <message>
        <source>Preprocessing</source>
        <translation>预处理</translation>
    </message>
    <message>
        <source>Model input preview</source>
        <translation>模型输入预览</translation>
    </message>
    <message>
        <source>No calibration set: drop an image folder on the window or use Calibrate › Choose calibration folder</source>
        <translation>没有校准集：将图像文件夹拖到窗口上，或使用“校准 › 选择校准文件夹”</translation>
    </message>
    <message>
        <source>Select an image to preview the model&apos;s input</source>
        <translation>选择一张图像以预览模型输入</translation>
    </message>
    <message>
        <source>no calibration set to apply the preprocessing to</source>
        <translation>没有可应用预处理的校准集</translation>
    </message>
    <message numerus="yes">
        <source>%n image(s) in %1</source>
        <translation>
            <numerusform>%1 中有 %n 张图像</numerusform>
        </translation>
    </message>
    <message>
        <source> — loading thumbnails %1 / %2</source>
        <translation> — 正在加载缩略图 %1 / %2</translation>
    </message>
    <message numerus="yes">
        <source> — %n unreadable</source>
        <translation>
            <numerusform> — %n 个无法读取</numerusform>
        </translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
</context>
<context>
    <name>eqw::widgets::EasyQuantCurveView</name>
    <message>
        <source>EasyQuant has not run yet: calibrate, then run EasyQuant</source>
        <translation>尚未运行 EasyQuant：请先校准，再运行 EasyQuant</translation>
    </message>
    <message>
        <source>input scale of %1 (INT%2)</source>
        <translation>%1 的输入缩放因子（INT%2）</translation>
    </message>
    <message>
        <source>mean cosine</source>
        <translation>平均余弦相似度</translation>
    </message>
    <message numerus="yes">
        <source>chosen scale %1 (T = %2), objective %3 → %4 in %n round(s)</source>
        <translation>
            <numerusform>选定缩放因子 %1（T = %2），目标 %3 → %4，共 %n 轮</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>eqw::widgets::HistogramView</name>
    <message>
        <source>Select a layer after calibration to see its histogram</source>
        <translation>校准后选择一个层以查看其直方图</translation>
    </message>
    <message>
        <source>|x| of %1</source>
        <translation>%1 的 |x|</translation>
    </message>
    <message>
        <source>log10(1 + count)</source>
        <translation>log10(1 + 计数)</translation>
    </message>
    <message>
        <source>histogram</source>
        <translation>直方图</translation>
    </message>
    <message>
        <source>threshold</source>
        <translation>阈值</translation>
    </message>
    <message>
        <source>threshold %1, clipped %2 %</source>
        <translation>阈值 %1，截断 %2 %</translation>
    </message>
</context>
<context>
    <name>eqw::widgets::LayerTableModel</name>
    <message>
        <source>One of the %1 layers with the lowest isolated cosine</source>
        <translation>独立余弦相似度最低的 %1 个层之一</translation>
    </message>
    <message>
        <source>Precision set by hand</source>
        <translation>手动设置的精度</translation>
    </message>
    <message>
        <source>Layer</source>
        <translation>层</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Output shape</source>
        <translation>输出形状</translation>
    </message>
    <message>
        <source>MACs</source>
        <translation>乘加数</translation>
    </message>
    <message>
        <source>Precision</source>
        <translation>精度</translation>
    </message>
    <message>
        <source>Input threshold</source>
        <translation>输入阈值</translation>
    </message>
    <message>
        <source>Input scale</source>
        <translation>输入缩放</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>方法</translation>
    </message>
    <message>
        <source>Weight thresholds</source>
        <translation>权重阈值</translation>
    </message>
    <message>
        <source>Isolated cosine</source>
        <translation>独立余弦</translation>
    </message>
    <message>
        <source>Cumulative cosine</source>
        <translation>累积余弦</translation>
    </message>
    <message>
        <source>SQNR (dB)</source>
        <translation>SQNR (dB)</translation>
    </message>
</context>
<context>
    <name>eqw::widgets::LayerTableView</name>
    <message>
        <source>Filter layers (name, type, method…)</source>
        <translation>筛选层（名称、类型、方法…）</translation>
    </message>
</context>
<context>
    <name>eqw::widgets::PreprocessForm</name>
    <message>
        <source>Resize to W x H (stretch)</source>
        <translation>缩放到 W x H（拉伸）</translation>
    </message>
    <message>
        <source>Shorter side, then center crop</source>
        <translation>先缩放短边，再中心裁剪</translation>
    </message>
    <message>
        <source>One value for all channels, or one per channel in tensor order</source>
        <translation>所有通道一个值，或按张量通道顺序每通道一个值</translation>
    </message>
    <message>
        <source>One value for all channels, or one per channel in tensor order; y = (x - mean) * norm</source>
        <translation>所有通道一个值，或按张量通道顺序每通道一个值；y = (x - mean) * norm</translation>
    </message>
    <message>
        <source>The same settings as ncnn2table arguments</source>
        <translation>同样的设置，写成 ncnn2table 参数</translation>
    </message>
    <message>
        <source>Size (W × H)</source>
        <translation>尺寸（W × H）</translation>
    </message>
    <message>
        <source>Resize</source>
        <translation>缩放</translation>
    </message>
    <message>
        <source>Shorter side</source>
        <translation>短边</translation>
    </message>
    <message>
        <source>Pixel order</source>
        <translation>像素顺序</translation>
    </message>
    <message>
        <source>Mean</source>
        <translation>均值</translation>
    </message>
    <message>
        <source>Norm</source>
        <translation>归一化系数</translation>
    </message>
    <message>
        <source>ncnn2table</source>
        <translation>ncnn2table</translation>
    </message>
</context>
<context>
    <name>eqw::widgets::ProbeMetricsView</name>
    <message>
        <source>At threshold</source>
        <translation>当前阈值</translation>
    </message>
    <message>
        <source>At spec</source>
        <translation>方案阈值</translation>
    </message>
    <message>
        <source>Cosine</source>
        <translation>余弦相似度</translation>
    </message>
    <message>
        <source>MSE</source>
        <translation>均方误差</translation>
    </message>
    <message>
        <source>Max |error|</source>
        <translation>最大 |误差|</translation>
    </message>
    <message>
        <source>T = %1</source>
        <translation>T = %1</translation>
    </message>
    <message>
        <source>Spec T = %1</source>
        <translation>方案 T = %1</translation>
    </message>
    <message numerus="yes">
        <source>Isolated metrics of this layer over %n image(s)</source>
        <translation>
            <numerusform>该层在 %n 张图像上的独立指标</numerusform>
        </translation>
    </message>
    <message>
        <source>Drag the threshold to see this layer&apos;s isolated metrics</source>
        <translation>拖动阈值以查看该层的独立指标</translation>
    </message>
    <message>
        <source>SQNR (dB)</source>
        <translation>SQNR (dB)</translation>
    </message>
</context>
<context>
    <name>eqw::widgets::TensorPreviewView</name>
    <message>
        <source>Select an image to preview the model&apos;s input</source>
        <translation>选择一张图像以预览模型输入</translation>
    </message>
    <message>
        <source>%1: %2 … %3</source>
        <translation>%1：%2 … %3</translation>
    </message>
    <message>
        <source>%1 → tensor [1, %2, %3, %4]</source>
        <translation>%1 → 张量 [1, %2, %3, %4]</translation>
    </message>
</context>
<context>
    <name>eqw::widgets::WeightRangeView</name>
    <message>
        <source>Select a convolution or fully connected layer to see its weight ranges</source>
        <translation>选择卷积层或全连接层以查看其权重范围</translation>
    </message>
    <message>
        <source>output channel of %1 — bars: weight min … max</source>
        <translation>%1 的输出通道 — 条：权重最小值 … 最大值</translation>
    </message>
    <message>
        <source>output channel of %1 — bars: weight min … max, +: ±T (%2, %3)</source>
        <translation>%1 的输出通道 — 条：权重最小值 … 最大值，+：±T（%2，%3）</translation>
    </message>
    <message>
        <source>weight</source>
        <translation>权重</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Post-training quantization workbench for CNNs</source>
        <translation>CNN 训练后量化工作台</translation>
    </message>
    <message>
        <source>Render the main window to a PNG and exit.</source>
        <translation>将主窗口渲染为 PNG 后退出。</translation>
    </message>
    <message>
        <source>FILE</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>A model or a project (.eqw) to open.</source>
        <translation>要打开的模型或工程 (.eqw)。</translation>
    </message>
    <message>
        <source>Trigger these menu actions in order (%1), then exit.</source>
        <translation>按顺序触发这些菜单操作（%1），然后退出。</translation>
    </message>
    <message>
        <source>STEPS</source>
        <translation>步骤</translation>
    </message>
    <message>
        <source>With --run: a PNG of the window after each step.</source>
        <translation>与 --run 一起使用：每一步之后保存窗口的 PNG。</translation>
    </message>
    <message>
        <source>DIR</source>
        <translation>目录</translation>
    </message>
</context>
</TS>
