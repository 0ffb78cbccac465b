// LayerTableModel on the fashion-mnist sample: one row per quantizable layer, values from the
// spec, edits announced (not applied), metrics and the worst layers from a real evaluation,
// numeric sorting and filtering through LayerTableView.
#include "layers/layer_table_model.h"
#include "layers/layer_table_view.h"
#include "widgets/sample_session.h"

#include <QComboBox>
#include <QLineEdit>
#include <QTableView>

#include <algorithm>
#include <cmath>
#include <memory>
#include <set>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTest>

using namespace eqw;
using eqw::widgets::LayerTableModel;

class LayerTableModelTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() {
    Status s = testing::prepareSample(session_);
    QVERIFY2(s.isOk(), s.message().c_str());
  }

  void rowsAreTheQuantizableLayers() {
    LayerTableModel model;
    model.setSession(&session_);
    std::vector<std::string> expected;
    for (const Node& n : session_.canonicalGraph().nodes)
      if (isQuantizable(n)) expected.push_back(n.name);
    QVERIFY(expected.size() > 5);
    QCOMPARE(model.rowCount(), static_cast<int>(expected.size()));
    QCOMPARE(model.columnCount(), static_cast<int>(LayerTableModel::ColumnCount));
    for (size_t i = 0; i < expected.size(); ++i)
      QCOMPARE(model.index(static_cast<int>(i), LayerTableModel::Name).data().toString().toStdString(), expected[i]);
  }

  void valuesComeFromTheSpec() {
    LayerTableModel model;
    model.setSession(&session_);
    const QuantSpec& spec = *session_.spec();
    for (int r = 0; r < model.rowCount(); ++r) {
      const LayerQuant* lq = spec.find(model.index(r, LayerTableModel::Name).data().toString().toStdString());
      QVERIFY(lq);
      QCOMPARE(model.index(r, LayerTableModel::PrecisionColumn).data(Qt::EditRole).toString(), QStringLiteral("INT8"));
      const double t = model.index(r, LayerTableModel::InputThreshold).data(LayerTableModel::SortRole).toDouble();
      QCOMPARE(static_cast<float>(t), lq->input.value);
      const double scale = model.index(r, LayerTableModel::InputScale).data(LayerTableModel::SortRole).toDouble();
      QVERIFY(std::abs(scale - qmax(8, lq->unsigned_input) / lq->input.value) < 1e-3 * scale);
      QCOMPARE(model.index(r, LayerTableModel::Method).data().toString().toStdString(), lq->input.method);
      const double wmax = model.index(r, LayerTableModel::WeightThresholds).data(LayerTableModel::SortRole).toDouble();
      QCOMPARE(static_cast<float>(wmax), *std::max_element(lq->weight_thresholds.begin(), lq->weight_thresholds.end()));
      const int node = session_.canonicalGraph().findNode(lq->layer);
      QCOMPARE(model.index(r, LayerTableModel::Macs).data(LayerTableModel::SortRole).toLongLong(),
               static_cast<qlonglong>(session_.canonicalGraph().cost(node).macs));
    }
  }

  void precisionEditIsAnnouncedNotApplied() {
    LayerTableModel model;
    model.setSession(&session_);
    QSignalSpy spy(&model, &LayerTableModel::precisionEditRequested);
    const QModelIndex cell = model.index(1, LayerTableModel::PrecisionColumn);
    QVERIFY(model.flags(cell) & Qt::ItemIsEditable);
    QVERIFY(!(model.flags(model.index(1, LayerTableModel::Name)) & Qt::ItemIsEditable));
    QVERIFY(model.setData(cell, QStringLiteral("INT7")));
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(0).toString(), model.index(1, LayerTableModel::Name).data().toString());
    QCOMPARE(spy.at(0).at(1).value<Precision>(), Precision::Int7);
    QVERIFY(session_.overrides().empty());  // the owner applies it
    QVERIFY(!model.setData(cell, QStringLiteral("INT3")));
    QVERIFY(!model.setData(cell, QStringLiteral("INT8")));  // unchanged: nothing to announce
    QCOMPARE(spy.count(), 1);
  }

  void metricsAndWorstLayersFromAnEvaluation() {
    Status s = session_.setDataset(DatasetRole::Evaluation, testing::sampleTest(), testing::samplePreprocess());
    QVERIFY2(s.isOk(), s.message().c_str());
    EvalOptions options;
    options.per_layer = true;
    options.max_images = 40;
    Diagnostics diags;
    auto report = session_.evaluate({Precision::Int8}, options, {}, diags);
    QVERIFY2(report.isOk(), report.status().message().c_str());
    LayerTableModel model;
    model.setSession(&session_);
    model.setEvalReport(*report);
    const VariantEval& v = report->variants[0];
    std::set<std::string> worst;
    for (const LayerEval& l : worstLayers(v, RankBy::Isolated, LayerTableModel::kWorstHighlighted)) worst.insert(l.layer);
    QCOMPARE(worst.size(), LayerTableModel::kWorstHighlighted);
    int highlighted = 0;
    for (int r = 0; r < model.rowCount(); ++r) {
      const std::string name = model.index(r, 0).data().toString().toStdString();
      auto it = std::find_if(v.layers.begin(), v.layers.end(), [&](const LayerEval& l) { return l.layer == name; });
      QVERIFY(it != v.layers.end());
      QCOMPARE(model.index(r, LayerTableModel::IsolatedCosine).data(LayerTableModel::SortRole).toDouble(), it->isolated.cosine);
      QCOMPARE(model.index(r, LayerTableModel::CumulativeCosine).data(LayerTableModel::SortRole).toDouble(), it->cumulative.cosine);
      QCOMPARE(model.index(r, LayerTableModel::Sqnr).data(LayerTableModel::SortRole).toDouble(), it->cumulative.sqnr_db);
      const bool isWorst = model.index(r, LayerTableModel::Name).data(Qt::BackgroundRole).isValid();
      QCOMPARE(isWorst, worst.count(name) == 1);
      highlighted += isWorst;
    }
    QCOMPARE(highlighted, static_cast<int>(LayerTableModel::kWorstHighlighted));

    // Sorting by isolated cosine puts the worst layer first (numeric, not text, order).
    widgets::LayerTableView view(&model);
    view.proxy()->sort(LayerTableModel::IsolatedCosine, Qt::AscendingOrder);
    const std::string first = view.proxy()->index(0, 0).data().toString().toStdString();
    QCOMPARE(first, worstLayers(v, RankBy::Isolated, 1)[0].layer);
    model.setEvalReport(std::nullopt);
    QVERIFY(!model.index(0, LayerTableModel::IsolatedCosine).data().isValid());
  }

  void precisionComboDelegate() {
    LayerTableModel model;
    model.setSession(&session_);
    widgets::LayerTableView view(&model);
    QSignalSpy spy(&model, &LayerTableModel::precisionEditRequested);
    const QModelIndex cell = view.proxy()->index(0, LayerTableModel::PrecisionColumn);
    QAbstractItemDelegate* delegate = view.table()->itemDelegateForColumn(LayerTableModel::PrecisionColumn);
    QVERIFY(delegate);
    QWidget parent;
    std::unique_ptr<QWidget> editor(delegate->createEditor(&parent, QStyleOptionViewItem(), cell));
    auto* combo = qobject_cast<QComboBox*>(editor.get());
    QVERIFY(combo);
    QCOMPARE(combo->count(), 3);
    QCOMPARE(combo->itemText(0), QStringLiteral("FP32"));
    delegate->setEditorData(combo, cell);
    QCOMPARE(combo->currentText(), QStringLiteral("INT8"));
    combo->setCurrentText(QStringLiteral("FP32"));
    delegate->setModelData(combo, view.proxy(), cell);
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(1).value<Precision>(), Precision::Fp32);
    QCOMPARE(spy.at(0).at(0).toString(), cell.data(LayerTableModel::LayerNameRole).toString());
  }

  void filterAndSelect() {
    LayerTableModel model;
    model.setSession(&session_);
    widgets::LayerTableView view(&model);
    const QString name = model.index(2, 0).data().toString();
    view.filterEdit()->setText(name);
    QVERIFY(view.proxy()->rowCount() >= 1);
    QVERIFY(view.proxy()->rowCount() < model.rowCount());
    for (int r = 0; r < view.proxy()->rowCount(); ++r)
      QVERIFY(view.proxy()->index(r, 0).data().toString().contains(name) ||
              view.proxy()->index(r, LayerTableModel::Type).data().toString().contains(name, Qt::CaseInsensitive));
    view.filterEdit()->setText(QStringLiteral("no-such-layer"));
    QCOMPARE(view.proxy()->rowCount(), 0);
    QSignalSpy spy(&view, &widgets::LayerTableView::layerSelected);
    QVERIFY(view.selectLayer(name));  // clears the filter that hides it
    QCOMPARE(view.selectedLayer(), name);
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(0).toString(), name);
    QVERIFY(!view.selectLayer(QStringLiteral("no-such-layer")));
  }

 private:
  Session session_;
};

QTEST_MAIN(LayerTableModelTest)
#include "test_layer_table_model.moc"
