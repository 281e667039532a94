// Starts Swagger UI on /docs (its files from /static/vendor, see scripts/bootstrap): a script
// file, not inline, so the page keeps a strict Content-Security-Policy.
(function () {
  "use strict";
  var box = document.getElementById("swagger-ui");
  if (!box || typeof window.SwaggerUIBundle === "undefined") return;
  window.ui = window.SwaggerUIBundle({
    url: box.getAttribute("data-openapi-url"),
    dom_id: "#swagger-ui",
    layout: "BaseLayout",
    deepLinking: true,
    showExtensions: true,
    showCommonExtensions: true,
    validatorUrl: null, // no badge fetched from swagger.io
    presets: [window.SwaggerUIBundle.presets.apis]
  });
})();
