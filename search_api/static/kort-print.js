// The match-kort's print button: shown only when JavaScript can print (else Ctrl+P).
(function () {
  "use strict";
  var button = document.getElementById("udskriv");
  if (!button || typeof window.print !== "function") return;
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
})();
