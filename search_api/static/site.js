// After a posted search, take keyboard focus to what the page answered: the list of
// problems to fix, or the results' heading.
(function () {
  "use strict";
  var target = document.getElementById("fejl") || document.getElementById("resultater-titel");
  if (target) { target.focus(); }
})();
