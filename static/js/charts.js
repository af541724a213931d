// Draws the page's charts from their json_script specs (those marked data-chart-lazy when
// they come near the viewport) with the vendored Plotly bundle,
// and wires the buttons that switch optional series (county average, targets, older
// definition) on and off: real buttons outside the plot, so keyboards and screen readers
// reach them (Plotly's legend items are neither focusable nor announced).
(function () {
  "use strict";

  // The Swedish locale, if the page loaded it (templates/indicators/_chart_scripts.html).
  function registerLocale() {
    var holder = window.module;
    if (holder && holder.exports && holder.exports.moduleType === "locale") {
      window.Plotly.register(holder.exports);
      try {
        delete window.module;
      } catch (error) {
        window.module = undefined;
      }
      return holder.exports.name;
    }
    return "en";
  }

  function wireToggles(element) {
    var group = document.querySelector('[data-toggles-for="' + element.id + '"]');
    if (!group) {
      return;
    }
    group.querySelectorAll("button[data-traces]").forEach(function (button) {
      var traces = button.dataset.traces.split(",").map(Number);
      button.addEventListener("click", function () {
        var pressed = button.getAttribute("aria-pressed") !== "true";
        button.setAttribute("aria-pressed", pressed ? "true" : "false");
        window.Plotly.restyle(element, { visible: pressed ? true : "legendonly" }, traces);
      });
    });
    group.hidden = false;
  }

  // A chart drawn at a fixed size (the printed report's, the width of an A4 page) is scaled
  // down to fit a narrower screen instead of being cut off; paper always gets the full size
  // (static/css/report.css resets the zoom for print).
  function fitFixedSize(element, layout) {
    if (layout.autosize !== false || !layout.width) {
      return;
    }
    function fit() {
      var available = element.parentElement.clientWidth;
      element.style.zoom = available && available < layout.width ? String(available / layout.width) : "";
    }
    fit();
    window.addEventListener("resize", fit);
  }

  // "Spara diagrammet som bild": what Plotly's toolbar offered, as a button outside the chart.
  function wireImage(element) {
    var button = document.querySelector('[data-image-for="' + element.id + '"]');
    if (!button) {
      return;
    }
    // Plotly's own downloadImage loads a blob: image, which the Content-Security-Policy blocks;
    // the SVG as a data: URL (allowed) is drawn onto a canvas here instead.
    button.addEventListener("click", function () {
      var width = element.offsetWidth;
      var height = element.offsetHeight;
      window.Plotly.toImage(element, { format: "svg", width: width, height: height }).then(
        function (svg) {
          var image = new Image();
          image.onload = function () {
            var canvas = document.createElement("canvas");
            canvas.width = width * 2;
            canvas.height = height * 2;
            var context = canvas.getContext("2d");
            context.fillStyle = "#ffffff";
            context.fillRect(0, 0, canvas.width, canvas.height);
            context.drawImage(image, 0, 0, canvas.width, canvas.height);
            var link = document.createElement("a");
            link.href = canvas.toDataURL("image/png");
            link.download = (button.dataset.filename || "diagram") + ".png";
            document.body.appendChild(link);
            link.click();
            link.remove();
          };
          image.src = svg;
        }
      );
    });
    button.parentElement.hidden = false;
  }

  var locale = null;
  var pending = 0;

  // A page whose charts are all drawn when seen (the member page) does not load Plotly with
  // the page: parsing the bundle was most of a phone's main-thread time at load, often for no
  // chart at all. charts.js's own script tag names the bundle (and the Swedish locale, loaded
  // after it in this order) in data-plotly; they are loaded when the first chart is needed.
  var ownScript = document.currentScript || document.querySelector("script[data-plotly]");
  var plotlyFiles = ownScript && ownScript.dataset.plotly ? ownScript.dataset.plotly.split(" ") : [];
  var waiting = null;

  function withPlotly(callback) {
    if (typeof window.Plotly !== "undefined") {
      if (locale === null) {
        locale = registerLocale();
      }
      callback();
      return;
    }
    if (!plotlyFiles.length) {
      return;
    }
    if (waiting) {
      waiting.push(callback);
      return;
    }
    waiting = [callback];
    var last = null;
    plotlyFiles.forEach(function (file) {
      var script = document.createElement("script");
      script.src = file;
      script.async = false; // run in the order given: the bundle, the locale shim, the locale
      document.head.appendChild(script);
      last = script;
    });
    last.addEventListener("load", function () {
      var callbacks = waiting;
      waiting = [];
      callbacks.forEach(withPlotly);
    });
  }

  function markIfAllDrawn() {
    if (pending === 0 && document.querySelectorAll("[data-chart]:not([data-drawn])").length === 0) {
      document.documentElement.setAttribute("data-charts-drawn", "true");
    }
  }

  function drawChart(element) {
    if (element.hasAttribute("data-drawing")) {
      return;
    }
    if (typeof window.Plotly === "undefined" || locale === null) {
      withPlotly(function () {
        drawChart(element);
      });
      return;
    }
    var source = document.getElementById(element.dataset.chart);
    if (!source) {
      return;
    }
    element.setAttribute("data-drawing", "true");
    pending += 1;
    var spec = JSON.parse(source.textContent);
    // No toolbar: the axes are fixed, the data is downloadable as CSV/XLSX, and buttons
    // inside the chart's role="img" box would be unreachable for screen readers. No cloud
    // links of any kind. A spec may carry its own config (the printed report).
    var config = Object.assign(
      {
        locale: locale,
        displayModeBar: false,
        displaylogo: false,
        showLink: false,
        showSendToCloud: false,
        showEditInChartStudio: false,
        showTips: false,
        doubleClick: false,
        responsive: true,
      },
      spec.config || {}
    );
    window.Plotly.newPlot(element, spec.data, spec.layout, config).then(function () {
      pending -= 1;
      element.setAttribute("data-drawn", "true");
      wireToggles(element);
      wireImage(element);
      fitFixedSize(element, spec.layout || {});
      markIfAllDrawn();
    });
  }

  // A page of many charts (the member page: 14-42) draws each one only when it comes near the
  // viewport (data-chart-lazy): drawing them all at once kept a phone's main thread busy for
  // seconds. The table and the verdict beside each chart are in the HTML, so nothing is
  // missing before a chart is drawn, or without JavaScript.
  function drawWhenSeen(elements) {
    if (!elements.length) {
      return;
    }
    if (typeof window.IntersectionObserver === "undefined") {
      elements.forEach(drawChart);
      return;
    }
    var observer = new window.IntersectionObserver(
      function (entries) {
        entries.forEach(function (entry) {
          if (entry.isIntersecting) {
            observer.unobserve(entry.target);
            drawChart(entry.target);
          }
        });
      },
      { rootMargin: "200px 0px" }
    );
    elements.forEach(function (element) {
      observer.observe(element);
    });
    function drawAll() {
      observer.disconnect();
      elements.forEach(drawChart);
    }
    // Paper gets every chart: the browser announces printing before it lays out the pages.
    window.addEventListener("beforeprint", drawAll);
    if (window.matchMedia) {
      var print = window.matchMedia("print");
      var onPrint = function (query) {
        if (query.matches) {
          drawAll();
        }
      };
      if (print.addEventListener) {
        print.addEventListener("change", onPrint);
      } else if (print.addListener) {
        print.addListener(onPrint);
      }
    }
    // A keyboard user reaching a figure's links or buttons gets its chart at once, even if
    // the browser scrolled it only just into view.
    document.addEventListener("focusin", function (event) {
      var block = event.target.closest && event.target.closest(".chart-block");
      var chart = block && block.querySelector("[data-chart-lazy]");
      if (chart) {
        observer.unobserve(chart);
        drawChart(chart);
      }
    });
  }

  function draw() {
    if (typeof window.Plotly === "undefined" && !plotlyFiles.length) {
      return;
    }
    var lazy = [];
    document.querySelectorAll("[data-chart]").forEach(function (element) {
      if (element.hasAttribute("data-chart-lazy")) {
        lazy.push(element);
      } else {
        drawChart(element);
      }
    });
    drawWhenSeen(lazy);
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
