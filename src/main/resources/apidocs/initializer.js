// Points Swagger UI at Crater's own description. A file, not an inline script: the page's
// Content-Security-Policy runs scripts from this server only. No validator badge (it would load
// an image from another site) and no URL box (the reference describes this server, nothing else).
window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: "/api/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout"
  });
};
