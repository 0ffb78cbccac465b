#include "issues_panel.h"

#include "document.h"

#include <QStyle>

namespace eqw::gui {

namespace {
constexpr int kLayerRole = Qt::UserRole + 1;
}

IssuesPanel::IssuesPanel(const Document* doc, QWidget* parent) : QListWidget(parent), doc_(doc) {
  setWordWrap(true);
  connect(this, &QListWidget::itemClicked, this, [this](QListWidgetItem* item) {
    const QString layer = layerOf(item);
    if (!layer.isEmpty()) Q_EMIT layerActivated(layer);
  });
}

QString IssuesPanel::layerOf(const QListWidgetItem* item) { return item ? item->data(kLayerRole).toString() : QString(); }

void IssuesPanel::refresh() {
  clear();
  for (const Diagnostic& d : doc_->diagnostics()) {
    QStyle::StandardPixmap icon = d.severity == Severity::Error     ? QStyle::SP_MessageBoxCritical
                                  : d.severity == Severity::Warning ? QStyle::SP_MessageBoxWarning
                                                                    : QStyle::SP_MessageBoxInformation;
    auto* item = new QListWidgetItem(style()->standardIcon(icon), QString::fromStdString(d.message), this);
    const QString layer = doc_->layerOf(d);
    item->setData(kLayerRole, layer);
    if (!layer.isEmpty()) item->setToolTip(tr("Click to select layer %1").arg(layer));
  }
  if (count() > 0) scrollToBottom();
}

}  // namespace eqw::gui
