// The export screen's "Markera alla" box: checks or clears every column box.
// (django-import-export wires it with an inline onchange attribute, which the site's
// Content-Security-Policy blocks; this file replaces that.)
(function () {
  "use strict";
  function ready() {
    var toggles = document.querySelectorAll("input.select-toggle");
    Array.prototype.forEach.call(toggles, function (toggle) {
      toggle.addEventListener("change", function () {
        var boxes = document.querySelectorAll(
          '.selectable-field-export-row input[type="checkbox"]'
        );
        Array.prototype.forEach.call(boxes, function (box) {
          box.checked = toggle.checked;
        });
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
