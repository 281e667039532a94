"""Index backends, one module each; `index.registry` loads them by name."""
