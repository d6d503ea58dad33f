// Progressive extras for the comment thread: inline replies and "more" links.
// Everything works without this script; it only saves page loads.
(function () {
  "use strict";
  var form = document.querySelector("#respond form");
  var home = document.getElementById("respond");
  if (!form || !home) return;
  var parentField = form.querySelector("input[name=parent]");
  var tokenField = form.querySelector("input[name=token]");
  var note = form.querySelector(".replying-to");
  var asking = null;

  // The page is the same for every reader, so it holds no form time: ask for one when the
  // reader starts on the form. Without it (no script) the comment is taken all the same.
  function askForToken() {
    if (tokenField.value || asking) return asking;
    asking = fetch(form.dataset.tokenUrl, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : {}; })
      .then(function (data) { if (data.token) tokenField.value = data.token; })
      .catch(function () {});
    return asking;
  }

  form.addEventListener("focusin", askForToken);
  form.addEventListener("input", askForToken);
  form.addEventListener("submit", function (event) {
    if (tokenField.value) return;
    // Sent before the answer came (or with no focus at all): wait for it, then send.
    event.preventDefault();
    askForToken().then(function () { form.submit(); });
  });

  function replyTo(link) {
    var item = document.getElementById("comment-" + link.dataset.replyTo);
    item.querySelector("article").after(home);
    parentField.value = link.dataset.replyTo;
    note.hidden = false;
    // A function, not a string: a name holding "$&" or "$'" is shown as written.
    note.querySelector(".replying-name").textContent =
      note.dataset.template.replace("%(name)s", function () { return link.dataset.replyName; });
    form.querySelector("textarea").focus();
  }

  function cancelReply() {
    document.querySelector(".comments").after(home);
    parentField.value = "";
    note.hidden = true;
  }

  function loadInto(url, target, replace) {
    fetch(url, { headers: { Accept: "text/html" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.text();
      })
      .then(function (html) {
        var holder = document.createElement("ol");
        holder.innerHTML = html;
        var items = Array.prototype.slice.call(holder.children);
        items.forEach(function (item) { target.appendChild(item); });
        replace.remove();
      })
      .catch(function () { window.location.href = replace.querySelector("a").href; });
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a");
    if (!link) return;
    if (link.dataset.replyTo) {
      event.preventDefault();
      replyTo(link);
    } else if (link.classList.contains("cancel-reply")) {
      event.preventDefault();
      cancelReply();
    } else if (link.dataset.moreComments) {
      event.preventDefault();
      var list = document.querySelector(".comments .comment-list");
      loadInto(link.dataset.moreComments, list, link.closest(".more-comments"));
    } else if (link.dataset.moreReplies) {
      event.preventDefault();
      var root = document.getElementById("comment-" + link.dataset.moreReplies);
      var holder = link.closest(".more-replies");
      fetch(link.href + "?fragment=1", { credentials: "same-origin" })
        .then(function (response) { return response.text(); })
        .then(function (html) {
          var box = document.createElement("ol");
          box.innerHTML = html;
          root.replaceWith(box.firstElementChild);
        })
        .catch(function () { window.location.href = link.href; });
      holder.setAttribute("aria-busy", "true");
    }
  });
})();
