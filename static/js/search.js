// Progressive enhancement of the member search: choosing a name from the list opens its page.
// Without JavaScript the form submits to /sok/, which does the same on the server.
(function () {
  "use strict";
  var input = document.getElementById("member-search");
  if (!input || !input.dataset.searchTargets) {
    return;
  }
  var list = document.getElementById(input.dataset.searchTargets);
  input.addEventListener("input", function () {
    var wanted = input.value.trim().toLowerCase();
    var match = Array.prototype.find.call(list.options, function (option) {
      return option.value.toLowerCase() === wanted;
    });
    if (match && match.dataset.url) {
      window.location.assign(match.dataset.url);
    }
  });
})();
