#include "dataset/preprocess_form.h"

#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QVariant>

namespace eqw::widgets {

namespace {

// "104, 117 ,123" or "[104,117,123]" -> "104,117,123" (the engine reads the list).
QString listText(QString text) {
  text = text.trimmed();
  if (text.startsWith(QLatin1Char('[')) && text.endsWith(QLatin1Char(']'))) text = text.mid(1, text.size() - 2);
  return text.remove(QLatin1Char(' ')).remove(QLatin1Char('\t'));
}

QString joinValues(const std::array<float, 3>& v, int n) {
  QStringList parts;
  for (int c = 0; c < n; ++c) parts << QString::number(v[c], 'g', 9);
  return parts.join(QStringLiteral(", "));
}

QSpinBox* sideBox(QWidget* parent, const char* name) {
  auto* box = new QSpinBox(parent);
  box->setObjectName(QLatin1String(name));
  box->setRange(0, 100000);  // the engine says which sizes are allowed
  return box;
}

}  // namespace

PreprocessForm::PreprocessForm(QWidget* parent)
    : QWidget(parent),
      width_(sideBox(this, "width")),
      height_(sideBox(this, "height")),
      mode_(new QComboBox(this)),
      shorter_(sideBox(this, "resizeShorter")),
      pixel_(new QComboBox(this)),
      mean_(new QLineEdit(this)),
      norm_(new QLineEdit(this)),
      args_(new QLineEdit(this)),
      errorLabel_(new QLabel(this)) {
  mode_->setObjectName(QStringLiteral("mode"));
  mode_->addItem(tr("Resize to W x H (stretch)"), static_cast<int>(ResizeMode::Exact));
  mode_->addItem(tr("Shorter side, then center crop"), static_cast<int>(ResizeMode::ShorterSideThenCenterCrop));
  pixel_->setObjectName(QStringLiteral("pixel"));
  for (PixelOrder o : {PixelOrder::RGB, PixelOrder::BGR, PixelOrder::GRAY})
    pixel_->addItem(QString::fromLatin1(toString(o)), static_cast<int>(o));
  mean_->setObjectName(QStringLiteral("mean"));
  norm_->setObjectName(QStringLiteral("norm"));
  mean_->setToolTip(tr("One value for all channels, or one per channel in tensor order"));
  norm_->setToolTip(tr("One value for all channels, or one per channel in tensor order; y = (x - mean) * norm"));
  args_->setReadOnly(true);
  args_->setToolTip(tr("The same settings as ncnn2table arguments"));
  errorLabel_->setWordWrap(true);
  errorLabel_->setStyleSheet(QStringLiteral("color: #b00020"));

  auto* size = new QHBoxLayout;
  size->addWidget(width_);
  size->addWidget(new QLabel(QStringLiteral("×"), this));
  size->addWidget(height_);
  auto* form = new QFormLayout(this);
  form->addRow(tr("Size (W × H)"), size);
  form->addRow(tr("Resize"), mode_);
  form->addRow(tr("Shorter side"), shorter_);
  form->addRow(tr("Pixel order"), pixel_);
  form->addRow(tr("Mean"), mean_);
  form->addRow(tr("Norm"), norm_);
  form->addRow(tr("ncnn2table"), args_);
  form->addRow(errorLabel_);

  for (QSpinBox* box : {width_, height_, shorter_})
    connect(box, qOverload<int>(&QSpinBox::valueChanged), this, &PreprocessForm::onFieldChanged);
  connect(mode_, qOverload<int>(&QComboBox::currentIndexChanged), this, &PreprocessForm::onFieldChanged);
  connect(pixel_, qOverload<int>(&QComboBox::currentIndexChanged), this, &PreprocessForm::onPixelChanged);
  for (QLineEdit* edit : {mean_, norm_}) connect(edit, &QLineEdit::textChanged, this, &PreprocessForm::onFieldChanged);
  setPreprocess(Preprocess{});
}

void PreprocessForm::setPreprocess(const Preprocess& p) {
  filling_ = true;
  width_->setValue(p.width);
  height_->setValue(p.height);
  mode_->setCurrentIndex(mode_->findData(static_cast<int>(p.mode)));
  shorter_->setValue(p.resizeShorter);
  pixel_->setCurrentIndex(pixel_->findData(static_cast<int>(p.pixel)));
  mean_->setText(joinValues(p.mean, p.channels()));
  norm_->setText(joinValues(p.norm, p.channels()));
  filling_ = false;
  (void)preprocess();  // refreshes the marks and the ncnn2table line
}

std::vector<std::string> PreprocessForm::tokens() const {
  const auto pixel = static_cast<PixelOrder>(pixel_->currentData().toInt());
  const int channels = pixel == PixelOrder::GRAY ? 1 : 3;
  std::vector<std::string> t;
  t.push_back(QStringLiteral("shape=[%1,%2,%3]").arg(width_->value()).arg(height_->value()).arg(channels).toStdString());
  t.push_back(std::string("pixel=") + toString(pixel));
  t.push_back(QStringLiteral("mean=[%1]").arg(listText(mean_->text())).toStdString());
  t.push_back(QStringLiteral("norm=[%1]").arg(listText(norm_->text())).toStdString());
  if (static_cast<ResizeMode>(mode_->currentData().toInt()) == ResizeMode::Exact) {
    t.push_back("resize=exact");
  } else {
    t.push_back("resize=crop");
    t.push_back("resize_shorter=" + std::to_string(shorter_->value()));
  }
  return t;
}

Result<Preprocess> PreprocessForm::preprocess() {
  Result<Preprocess> p = parsePreprocess(tokens());
  error_ = p ? QString() : QString::fromStdString(p.status().message());
  errorLabel_->setText(error_);
  markFields(error_);
  args_->setText(p ? QString::fromStdString(toString(*p)) : QString());
  return p;
}

void PreprocessForm::showError(const QString& message) {
  error_ = message;
  errorLabel_->setText(message);
}

void PreprocessForm::onFieldChanged() {
  if (filling_) return;
  shorter_->setEnabled(static_cast<ResizeMode>(mode_->currentData().toInt()) != ResizeMode::Exact);
  (void)preprocess();
  Q_EMIT edited();
}

void PreprocessForm::onPixelChanged() {
  // Three means make no sense for one channel: keep the first of each list.
  if (!filling_ && static_cast<PixelOrder>(pixel_->currentData().toInt()) == PixelOrder::GRAY) {
    filling_ = true;
    for (QLineEdit* edit : {mean_, norm_}) edit->setText(listText(edit->text()).section(QLatin1Char(','), 0, 0));
    filling_ = false;
  }
  onFieldChanged();
}

void PreprocessForm::setInvalid(QWidget* field, bool invalid) {
  field->setProperty("invalid", invalid);
  field->setStyleSheet(invalid ? QStringLiteral("background-color: #ffd6d6") : QString());
}

// Which field the engine's message is about, from the key it names.
void PreprocessForm::markFields(const QString& message) {
  const bool sizeBad = message.contains(QLatin1String("preprocess: size ")) || message.contains(QLatin1String("shape"));
  const auto sideBad = [](int v) { return v < 1 || v > 16384; };
  const bool both = !sideBad(width_->value()) && !sideBad(height_->value());
  setInvalid(width_, sizeBad && (both || sideBad(width_->value())));
  setInvalid(height_, sizeBad && (both || sideBad(height_->value())));
  setInvalid(shorter_, message.contains(QLatin1String("resize_shorter")));
  setInvalid(mean_, message.contains(QLatin1String("mean")));
  setInvalid(norm_, message.contains(QLatin1String("norm")));
  setInvalid(pixel_, message.contains(QLatin1String("pixel")) && !sizeBad);
}

QStringList PreprocessForm::invalidFields() const {
  QStringList out;
  for (QWidget* w : std::initializer_list<QWidget*>{width_, height_, shorter_, pixel_, mean_, norm_})
    if (w->property("invalid").toBool()) out << w->objectName();
  return out;
}

}  // namespace eqw::widgets
