// Applies the colour mode before the first paint of the app: the stored choice, else the system's.
// Returns the mode in effect, which chart callbacks use to pick their Plotly template.
// dcc.Store keeps its value as JSON in localStorage under the store's id.
window.beaconApplyTheme = function (mode) {
  if (mode !== "light" && mode !== "dark") {
    mode = window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  }
  document.documentElement.setAttribute("data-bs-theme", mode);
  return mode;
};
(function () {
  let stored = null;
  try {
    stored = JSON.parse(window.localStorage.getItem("shell-theme"));
  } catch (error) {
    stored = null;
  }
  window.beaconApplyTheme(stored);
})();
