// The vendored Plotly locale (static/vendor/plotly-locales/sv.js) is a CommonJS module that
// assigns module.exports; give it an object to fill. Loaded after the Plotly bundle (whose
// UMD wrapper would otherwise export into it) and before charts.js, which registers the locale
// and removes this global again.
window.module = { exports: {} };
