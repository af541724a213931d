// Progressive enhancement of the member search: choosing a name from the list of suggestions
// opens its page. Typing never navigates ("Mark" is also the start of "Markaryd"): the form
// submits on Enter to /sok/, which finds the member on the server, with or without JavaScript.
(function () {
  "use strict";
  var input = document.getElementById("member-search");
  if (!input || !input.dataset.searchTargets) {
    return;
  }
  var list = document.getElementById(input.dataset.searchTargets);
  input.addEventListener("input", function (event) {
    // A suggestion chosen from the <datalist> arrives as a plain Event (Chromium, Safari) or as
    // an InputEvent of type "insertReplacementText" (Firefox); typed and pasted text has an
    // inputType such as "insertText" or "insertFromPaste".
    if (event.inputType && event.inputType !== "insertReplacementText") {
      return;
    }
    var wanted = input.value.trim().toLowerCase();
    var match = Array.prototype.find.call(list.options, function (option) {
      return option.value.toLowerCase() === wanted;
    });
    if (match && match.dataset.url) {
      window.location.assign(match.dataset.url);
    }
  });
})();
