// Renders the service's OpenAPI document, read from the same origin: the page is served with a
// Content-Security-Policy that allows no inline script and no other origin.
"use strict";
window.ui = SwaggerUIBundle({
  url: new URL("openapi.json", document.baseURI).href,
  dom_id: "#swagger-ui",
  deepLinking: true,
  // No badge from the public validator: the page must work with no network but the service's.
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout",
  // Tags start folded, with a filter box: with every one of the ~120 operations unfolded at once,
  // Swagger UI stops rendering part-way through the list.
  docExpansion: "none",
  filter: true,
});
