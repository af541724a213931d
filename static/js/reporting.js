/* The reporting form: mark empty and changed fields, compute a share from its two numbers,
   and ask before leaving the page with unsaved changes. No inline script: loaded from here. */
(function () {
  "use strict";

  var form = document.querySelector("form[data-reporting]");
  if (!form) {
    return;
  }
  // After a failed save, keyboard and screen-reader users start at the list of what to fix.
  var summary = document.getElementById("error-summary") || document.getElementById("warning-summary");
  if (summary) {
    summary.focus();
  }
  var counter = document.querySelector("[data-changed-count]");
  var submitting = false;

  // Numbers as Swedish reporters type them (the server reads them with indicators/numbers.py).
  function parse(text) {
    var cleaned = String(text).replace(/[\s\u00a0\u202f\u2009']/g, "").replace("\u2212", "-");
    cleaned = cleaned.replace(/%$/, "");
    if (cleaned === "") {
      return null;
    }
    if (cleaned.indexOf(",") >= 0 && cleaned.indexOf(".") >= 0) {
      return NaN;
    }
    cleaned = cleaned.replace(",", ".");
    if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(cleaned)) {
      return NaN;
    }
    return parseFloat(cleaned);
  }

  function savedFields(row) {
    return row.querySelectorAll("[data-saved]");
  }

  function valueField(row) {
    return row.querySelector("input[name$='-value']");
  }

  function update(row) {
    var changed = false;
    savedFields(row).forEach(function (field) {
      var isChanged = field.value.trim() !== field.getAttribute("data-saved").trim();
      field.classList.toggle("is-changed", isChanged);
      changed = changed || isChanged;
    });
    var value = valueField(row);
    row.classList.toggle("is-empty", Boolean(value) && value.value.trim() === "");
    row.classList.toggle("is-changed", changed);
  }

  function countChanged() {
    var changed = form.querySelectorAll("[data-row].is-changed").length;
    if (counter) {
      // The sentences come translated from the page (data-one, data-many).
      var sentence = counter.getAttribute(changed === 1 ? "data-one" : "data-many");
      counter.textContent = changed ? changed + " " + sentence : "";
    }
    return changed;
  }

  // A share typed as two numbers: fill in the value the server will compute.
  function compute(row) {
    var numerator = row.querySelector("input[name$='-numerator']");
    var denominator = row.querySelector("input[name$='-denominator']");
    var value = valueField(row);
    if (!numerator || !denominator || !value) {
      return;
    }
    var top = parse(numerator.value);
    var bottom = parse(denominator.value);
    if (top === null || bottom === null || isNaN(top) || isNaN(bottom) || bottom <= 0) {
      return;
    }
    var decimals = parseInt(row.getAttribute("data-decimals"), 10) || 0;
    var scale = parseFloat(row.getAttribute("data-scale")) || 1;
    // Written as the page's language writes numbers (the form reads both).
    var computed = (top / bottom * scale).toFixed(decimals);
    value.value = document.documentElement.lang === "en" ? computed : computed.replace(".", ",");
  }

  form.querySelectorAll("[data-row]").forEach(function (row) {
    row.addEventListener("input", function (event) {
      var name = event.target.name || "";
      if (/-(numerator|denominator)$/.test(name)) {
        compute(row);
      }
      update(row);
      countChanged();
    });
    row.addEventListener("change", function () {
      update(row);
      countChanged();
    });
    update(row);
  });
  countChanged();

  form.addEventListener("submit", function () {
    submitting = true;
  });

  window.addEventListener("beforeunload", function (event) {
    if (!submitting && countChanged() > 0) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
