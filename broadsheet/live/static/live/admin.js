// The editors' live view: fetch the table again every 5 seconds while the tab is visible.
(function () {
  "use strict";
  var box = document.getElementById("live-rows");
  if (!box) return;
  setInterval(function () {
    if (document.visibilityState !== "visible") return;
    fetch(box.dataset.url, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw response.status;
        return response.text();
      })
      .then(function (html) { box.innerHTML = html; })
      .catch(function () {});
  }, 5000);
})();
