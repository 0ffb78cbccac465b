// The layer table: one row per quantizable layer of a Session's canonical graph. Reads a snapshot
// (refresh() after every change and job) and never writes the Session: a precision edit is
// announced with precisionEditRequested, so the owner can make it undoable.
#pragma once

#include "layers/layer_rows.h"

#include <QAbstractTableModel>

#include <optional>

namespace eqw::widgets {

class LayerTableModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Column {
    Name, Type, OutputShape, Macs, PrecisionColumn, InputThreshold, InputScale, Method, WeightThresholds,
    IsolatedCosine, CumulativeCosine, Sqnr, ColumnCount
  };
  // Roles besides Qt's: a numeric value to sort by, and the layer's name on every column.
  enum Role { SortRole = Qt::UserRole + 1, LayerNameRole };
  static constexpr size_t kWorstHighlighted = 3;

  explicit LayerTableModel(QObject* parent = nullptr);

  // The session to show (nullptr: none); it must outlive the model or be replaced first.
  void setSession(const Session* session);
  // Re-reads the session; keeps rows (and the view's selection) when the layers are the same.
  void refresh();
  // Metric columns from `report`'s variant (cumulative / isolated cosine, SQNR); nullopt clears.
  void setEvalReport(std::optional<EvalReport> report, size_t variant = 0);

  const std::vector<LayerRow>& rows() const { return rows_; }
  int rowOf(const QString& layer) const;  // -1 when absent

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
  Qt::ItemFlags flags(const QModelIndex& index) const override;
  bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;

  // The precisions the Precision column offers, and their display names.
  static const std::vector<Precision>& editablePrecisions();
  static QString precisionName(Precision p);

 Q_SIGNALS:
  void precisionEditRequested(const QString& layer, eqw::Precision precision);

 private:
  QVariant display(const LayerRow& row, int column) const;
  QVariant sortValue(const LayerRow& row, int column) const;

  const Session* session_ = nullptr;
  std::vector<LayerRow> rows_;
  std::optional<EvalReport> report_;
  size_t variant_ = 0;
};

}  // namespace eqw::widgets
