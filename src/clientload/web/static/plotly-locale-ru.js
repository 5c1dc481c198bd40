// Russian for the charts' own words: the toolbar, the hints, and the number and date formats.
// Registered with Plotly's locale mechanism; app.js draws every chart with the page's language.
(function () {
  "use strict";
  if (!window.Plotly) { return; }
  window.Plotly.register({
    moduleType: "locale",
    name: "ru",
    dictionary: {
      "Autoscale": "Автомасштаб",
      "Box Select": "Выделить прямоугольником",
      "Click to enter Colorscale title": "Щёлкните, чтобы ввести название шкалы",
      "Click to enter Plot title": "Щёлкните, чтобы ввести название графика",
      "Click to enter X axis title": "Щёлкните, чтобы ввести название оси X",
      "Click to enter Y axis title": "Щёлкните, чтобы ввести название оси Y",
      "Compare data on hover": "Сравнивать данные при наведении",
      "Double-click on legend to isolate one trace": "Двойной щелчок по легенде оставит одну линию",
      "Double-click to zoom back out": "Двойной щелчок вернёт масштаб",
      "Download plot": "Скачать график",
      "Download plot as a PNG": "Скачать график в PNG",
      "Download plot as a png": "Скачать график в PNG",
      "Download plot as JSON": "Скачать график в JSON",
      "Image download succeeded": "Изображение скачано",
      "JSON download succeeded": "JSON скачан",
      "Lasso Select": "Выделить лассо",
      "Pan": "Сдвиг",
      "Reset": "Сбросить",
      "Reset axes": "Сбросить оси",
      "Reset view": "Сбросить вид",
      "Reset views": "Сбросить виды",
      "Share": "Поделиться",
      "Share chart": "Поделиться графиком",
      "Share chart...": "Поделиться графиком…",
      "Show closest data on hover": "Показывать ближайшие данные при наведении",
      "Snapshot succeeded": "Снимок готов",
      "Sorry, there was a problem downloading your image!": "Не удалось скачать изображение.",
      "Sorry, there was a problem downloading your JSON file!": "Не удалось скачать файл JSON.",
      "Taking snapshot - this may take a few seconds": "Делаем снимок — это может занять несколько секунд",
      "Toggle Spike Lines": "Линии-указатели",
      "Toggle show closest data on hover": "Показывать ближайшие данные при наведении",
      "Zoom": "Масштаб",
      "Zoom in": "Увеличить",
      "Zoom out": "Уменьшить",
      "new text": "новый текст",
      "trace": "ряд"
    },
    format: {
      days: ["воскресенье", "понедельник", "вторник", "среда", "четверг", "пятница", "суббота"],
      shortDays: ["вс", "пн", "вт", "ср", "чт", "пт", "сб"],
      months: ["январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август",
               "сентябрь", "октябрь", "ноябрь", "декабрь"],
      shortMonths: ["янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт",
                    "ноя", "дек"],
      date: "%d.%m.%Y",
      decimal: ",",
      thousands: "\u00a0"
    }
  });
})();
