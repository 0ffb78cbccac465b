// The preprocessing editor: tensor size, resize / crop mode, mean and norm per channel, pixel order.
// The fields are turned into ncnn2table-style tokens and read back by the engine
// (eqw::parsePreprocess, which validates), so every rule and every message is the engine's; the
// field a message is about is marked. edited() fires on every change; nothing is applied here.
#pragma once

#include <eqw/data.h>

#include <QStringList>
#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace eqw::widgets {

class PreprocessForm : public QWidget {
  Q_OBJECT

 public:
  explicit PreprocessForm(QWidget* parent = nullptr);

  // Fills the fields (no edited() signal) and clears the error marks.
  void setPreprocess(const Preprocess& p);
  // The fields as the engine reads them; the engine's error when they do not make a valid
  // preprocessing. Also updates the error text and the marks.
  Result<Preprocess> preprocess();
  // The tokens the fields make, e.g. {"shape=[28,28,1]", "pixel=GRAY", "mean=[0]", ...}.
  std::vector<std::string> tokens() const;

  const QString& errorText() const { return error_; }
  // Shows a message that is not about one field (applying the settings failed).
  void showError(const QString& message);
  // objectNames of the fields marked invalid ("width", "height", "resizeShorter", "mean", "norm", "pixel").
  QStringList invalidFields() const;

  QSpinBox* widthBox() const { return width_; }
  QSpinBox* heightBox() const { return height_; }
  QComboBox* modeBox() const { return mode_; }
  QSpinBox* shorterBox() const { return shorter_; }
  QComboBox* pixelBox() const { return pixel_; }
  QLineEdit* meanEdit() const { return mean_; }
  QLineEdit* normEdit() const { return norm_; }

 Q_SIGNALS:
  void edited();

 private:
  void onFieldChanged();
  void onPixelChanged();
  void markFields(const QString& message);
  void setInvalid(QWidget* field, bool invalid);

  QSpinBox* width_;
  QSpinBox* height_;
  QComboBox* mode_;
  QSpinBox* shorter_;
  QComboBox* pixel_;
  QLineEdit* mean_;
  QLineEdit* norm_;
  QLineEdit* args_;   // the same settings in ncnn2table's words (read-only, to copy)
  QLabel* errorLabel_;
  QString error_;
  bool filling_ = false;
};

}  // namespace eqw::widgets
