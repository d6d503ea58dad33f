// "Others are currently reading": heartbeats from a visible tab, and the widget's refresh.
// No cookie, no storage. On this site the widget element carries the settings; on another
// site's page (embedded) the script's own address says where to send beats.
(function () {
  "use strict";
  var w = window, doc = document, nav = navigator;
  if (w.__broadsheetLive) return; // once per page, even if an SPA loads it again
  w.__broadsheetLive = 1;
  if (nav.webdriver || w._phantom || w.__nightmare || w.Cypress) return;

  var box = doc.getElementById("currently-reading");
  var set = (box && box.dataset.beat) ? box.dataset : {};
  var embedded = !set.beat;
  var base = embedded ? new URL(doc.currentScript.src).origin : "";
  var page = embedded ? location.origin + location.pathname : set.page;
  var beatUrl = set.beat || base + "/live/beat";
  var topUrl = (set.top || base + "/live/top.json") + "?page=" + encodeURIComponent(page);
  var period = (+set.period || 30) * 1000;
  var idle = (+set.idle || 1800) * 1000;
  var fields = embedded ? { uri: page } : { article_id: +set.article };
  var active = Date.now();
  var timer = 0;

  function send(leave) {
    fields.leave = leave || undefined;
    // A Blob without a type is sent with no Content-Type: no CORS preflight, and nothing for
    // the server to parse but the JSON itself.
    var body = new Blob([JSON.stringify(fields)]);
    if (leave && nav.sendBeacon && nav.sendBeacon(beatUrl, body)) return;
    fetch(beatUrl, { method: "POST", body: body, keepalive: true, credentials: "omit" })
      .catch(function () {});
  }

  function refresh() {
    if (!box) return;
    fetch(topUrl, { credentials: "omit" })
      .then(function (response) {
        if (!response.ok) throw response.status;
        return response.json();
      })
      .then(function (data) {
        box.innerHTML = data.html;
        box.hidden = !data.shown;
      })
      .catch(function () { box.hidden = true; });
  }

  function tick() {
    if (doc.visibilityState !== "visible" || Date.now() - active > idle) return stop();
    send(false);
    refresh();
  }

  function start() {
    if (timer || doc.prerendering || doc.visibilityState !== "visible") return;
    if (Date.now() - active > idle) return;
    timer = setInterval(tick, period);
    tick();
  }

  function stop() {
    if (!timer) return;
    clearInterval(timer);
    timer = 0;
    send(true); // the reader leaves at once rather than after the window
  }

  ["scroll", "keydown", "pointerdown", "pointermove", "touchstart", "focus"].forEach(
    function (name) {
      w.addEventListener(name, function () {
        active = Date.now();
        start();
      }, { passive: true, capture: true });
    }
  );
  doc.addEventListener("visibilitychange", function () {
    doc.visibilityState === "visible" ? start() : stop();
  });
  doc.addEventListener("prerenderingchange", start);
  w.addEventListener("pagehide", stop);
  w.addEventListener("pageshow", start);
  start();
})();
