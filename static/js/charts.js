// Draws every chart on the page from its json_script spec with the vendored Plotly bundle.
(function () {
  "use strict";
  function draw() {
    if (typeof window.Plotly === "undefined") {
      return;
    }
    document.querySelectorAll("[data-chart]").forEach(function (element) {
      var source = document.getElementById(element.dataset.chart);
      if (!source) {
        return;
      }
      var spec = JSON.parse(source.textContent);
      // A spec may carry its own config (the printed report: fixed size, no toolbar).
      var config = Object.assign(
        {
          displaylogo: false,
          responsive: true,
          modeBarButtonsToRemove: ["lasso2d", "select2d", "zoom2d", "pan2d", "autoScale2d"],
        },
        spec.config || {}
      );
      window.Plotly.newPlot(element, spec.data, spec.layout, config).then(function () {
        element.setAttribute("data-drawn", "true");
        var waiting = document.querySelectorAll("[data-chart]:not([data-drawn])").length;
        if (waiting === 0) {
          document.documentElement.setAttribute("data-charts-drawn", "true");
        }
      });
    });
    document.querySelectorAll(".print-button").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        window.print();
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
