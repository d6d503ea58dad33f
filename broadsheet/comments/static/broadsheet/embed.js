/* Broadsheet comments for any page: <script src="https://news.example/static/broadsheet/embed.js"
   data-broadsheet-uri="/post/1/" defer></script>. Renders into #broadsheet-comments (or
   data-broadsheet-target), inside a shadow root so the page's CSS and ours leave each other
   alone. Every word shown comes translated from the API; the JSON API does the rest. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !window.fetch || !Element.prototype.attachShadow) return;
  var data = script.dataset;
  var api = new URL(script.src).origin + "/api";
  var page = new URL(data.broadsheetUri || location.pathname, location.href);
  var uri = page.origin + page.pathname;
  var storeKey = "broadsheet-key:" + api;
  var host = document.querySelector(data.broadsheetTarget || "#broadsheet-comments");
  if (!host) {
    host = document.createElement("div");
    script.parentNode.insertBefore(host, script.nextSibling);
  }
  var form, t, dates, root, list, status, more, composer, errorBox, parentField, replyNote;
  var started;  // when the form's token was issued, near enough

  var CSS =
    ":host{all:initial;display:block;font:1rem/1.5 system-ui,sans-serif;color:#1a1a1a}" +
    "*{box-sizing:border-box}h2{font-size:1.3rem;margin:0 0 1rem}" +
    "ol{list-style:none;margin:0;padding:0}ol ol{margin-left:1.25rem;padding-left:1rem;border-left:2px solid #ddd}" +
    "article{margin:0 0 1rem}.meta{font-size:.9rem;color:#555}.author{font-weight:600;color:#1a1a1a}" +
    ".body p{margin:.3rem 0}.body pre{overflow:auto}.pending{font-style:italic;color:#7a4b00;margin:.2rem 0}" +
    "button{font:inherit;cursor:pointer;border:1px solid #888;border-radius:4px;background:#f4f4f4;padding:.2rem .7rem;margin-right:.4rem;color:#1a1a1a}" +
    "button.link{border:0;background:none;padding:0;color:#0645ad;text-decoration:underline}" +
    "button:focus-visible,a:focus-visible,input:focus-visible,textarea:focus-visible{outline:3px solid #1a73e8;outline-offset:2px}" +
    "a{color:#0645ad}label{display:block;font-weight:600;margin:.6rem 0 .2rem}" +
    "input,textarea{font:inherit;width:100%;max-width:36rem;padding:.4rem;border:1px solid #888;border-radius:4px;background:#fff;color:#1a1a1a}" +
    ".help,.notice{font-size:.85rem;color:#555}.error{color:#a00;font-weight:600}" +
    ".trap{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}" +
    ".sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}" +
    "form{margin:1rem 0}.actions{margin:.3rem 0}";

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === "text") node.textContent = attrs[name];
      else if (name === "html") node.innerHTML = attrs[name]; // sanitised by the server
      else if (name.slice(0, 2) === "on") node.addEventListener(name.slice(2), attrs[name]);
      else node.setAttribute(name, attrs[name]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }

  function call(method, path, body) {
    var headers = {};
    var key = localStorage.getItem(storeKey);
    if (key) headers["X-Broadsheet-Key"] = key;
    if (body) headers["Content-Type"] = "application/json";
    return fetch(api + path, {
      method: method, headers: headers, credentials: "omit",
      body: body ? JSON.stringify(body) : undefined
    }).then(function (response) {
      if (response.status === 204) return {};
      return response.json().then(function (json) {
        if (!response.ok) throw json;
        return json;
      });
    });
  }

  function announce(text) {
    status.textContent = "";
    setTimeout(function () { status.textContent = text; }, 50);
  }

  function fmt(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, name) { return values[name]; });
  }

  function remember(answer) {
    if (answer.key) localStorage.setItem(storeKey, answer.key);
  }

  function renderComment(c) {
    var id = "bs-comment-" + c.id;
    var author = c.website
      ? el("a", { href: c.website, rel: "nofollow ugc noopener noreferrer", text: c.author })
      : el("span", { text: c.author });
    author.className = "author";
    author.id = id + "-author";
    var created = new Date(c.created);
    var body = el("div", { class: "body", html: c.html });
    var actions = el("p", { class: "actions" });
    var article = el("article", { "aria-labelledby": author.id }, [
      el("p", { class: "meta" }, [
        author, document.createTextNode(" · "),
        el("time", { datetime: c.created, text: dates.format(created) }),
        c.edited ? document.createTextNode(" " + t.edited) : null
      ]),
      c.pending ? el("p", { class: "pending", text: t.pending }) : null,
      body, actions
    ]);
    var item = el("li", { id: id, tabindex: "-1" }, [article]);
    item.bsComment = c;
    if (!c.pending && c.depth + 1 < form.max_depth) {
      actions.appendChild(el("button", {
        type: "button", class: "link", "aria-expanded": "false",
        text: t.reply, "aria-label": fmt(t.reply_to, { name: c.author }),
        onclick: function (event) { openReply(item, event.currentTarget); }
      }));
    }
    if (c.editable) {
      actions.appendChild(el("button", { type: "button", class: "link", text: t.edit,
        onclick: function () { openEdit(item, body, actions); } }));
      actions.appendChild(el("button", { type: "button", class: "link", text: t["delete"],
        onclick: function () { remove(item); } }));
    }
    if (c.replies.length) {
      var replies = el("ol");
      c.replies.forEach(function (reply) { replies.appendChild(renderComment(reply)); });
      item.appendChild(replies);
    }
    if (c.more_replies) addMoreReplies(item, c.id, c.replies_cursor, c.more_replies);
    return item;
  }

  function repliesOf(item) {
    var replies = item.querySelector(":scope > ol");
    if (!replies) {
      replies = el("ol");
      var button = item.querySelector(":scope > .more");
      item.insertBefore(replies, button);
    }
    return replies;
  }

  function addMoreReplies(item, rootId, cursor, count) {
    var button = el("button", { type: "button", class: "more",
      text: t.more_replies + " (" + count.toLocaleString(form.language) + ")" });
    button.addEventListener("click", function () {
      button.disabled = true;
      call("GET", "/comments/" + rootId + "/replies?cursor=" + encodeURIComponent(cursor || ""))
        .then(function (answer) {
          answer.comments.forEach(function (reply) {
            var parent = root.getElementById("bs-comment-" + reply.parent) || item;
            repliesOf(parent).appendChild(renderComment(reply));
          });
          if (answer.next) { cursor = answer.next; button.disabled = false; } else button.remove();
        }, failed);
    });
    item.appendChild(button);
  }

  function showPage(answer) {
    answer.comments.forEach(function (c) { list.appendChild(renderComment(c)); });
    more.hidden = !answer.next;
    more.bsCursor = answer.next;
    if (!list.children.length) list.appendChild(el("li", { class: "empty", text: t.empty }));
  }

  function loadPage() {
    var query = "?uri=" + encodeURIComponent(uri) +
      (more.bsCursor ? "&cursor=" + encodeURIComponent(more.bsCursor) : "");
    return call("GET", "/threads" + query).then(showPage);
  }

  function failed(error) {
    var message = (error && error.message) || t.failed;
    errorBox.textContent = message;
    announce(message);
  }

  function field(name, label, attrs, help) {
    var id = "bs-" + name;
    var input = el(attrs.rows ? "textarea" : "input", Object.assign({ id: id, name: name }, attrs));
    var nodes = [el("label", { for: id, text: label }), input];
    if (help) {
      input.setAttribute("aria-describedby", id + "-help");
      nodes.push(el("p", { class: "help", id: id + "-help", text: help }));
    }
    return el("div", {}, nodes);
  }

  function buildComposer(thread) {
    if (thread.closed) return el("p", { text: t.closed });
    parentField = el("input", { type: "hidden", name: "parent" });
    replyNote = el("p", { hidden: "" });
    errorBox = el("p", { class: "error", role: "alert" });
    var trap = el("div", { class: "trap", "aria-hidden": "true" }, [
      field("homepage", t.trap, { type: "text", tabindex: "-1", autocomplete: "off" })
    ]);
    composer = el("form", { novalidate: "", onsubmit: submit }, [
      replyNote,
      field("content", t.comment, { rows: "6", required: "", maxlength: String(form.max_length) }, t.markdown),
      field("name", t.name, { type: "text", required: "", maxlength: "100", autocomplete: "name" }),
      field("email", t.email, { type: "email", maxlength: "254", autocomplete: "email" }, t.email_help),
      field("website", t.website, { type: "url", maxlength: "300", autocomplete: "url" }),
      trap, parentField, errorBox,
      el("div", { class: "notice", html: form.notice_html }),
      el("button", { type: "submit", text: t.submit })
    ]);
    return composer;
  }

  function openReply(item, button) {
    var c = item.bsComment;
    parentField.value = c.id;
    replyNote.hidden = false;
    replyNote.textContent = "";
    replyNote.appendChild(document.createTextNode(fmt(t.reply_to, { name: c.author }) + " "));
    replyNote.appendChild(el("button", { type: "button", class: "link", text: t.cancel,
      onclick: function () { closeReply(button); } }));
    item.querySelector(":scope > article").after(composer);
    button.setAttribute("aria-expanded", "true");
    composer.elements.content.focus();
  }

  function closeReply(button) {
    parentField.value = "";
    replyNote.hidden = true;
    list.parentNode.appendChild(composer);
    if (button) { button.setAttribute("aria-expanded", "false"); button.focus(); }
  }

  function submit(event) {
    event.preventDefault();
    var fields = composer.elements;
    var button = composer.querySelector("button[type=submit]");
    errorBox.textContent = "";
    button.disabled = true;
    button.textContent = t.sending;
    var body = {
      uri: uri, title: data.broadsheetTitle || document.title, token: form.token,
      content: fields.content.value, name: fields.name.value, email: fields.email.value,
      website: fields.website.value, homepage: fields.homepage.value,
      parent: fields.parent.value ? Number(fields.parent.value) : null
    };
    // The server refuses forms sent sooner than min_seconds after they appeared (robots are
    // quick); a quick person's comment waits out the rest instead, with a little to spare.
    var wait = Math.max(0, form.min_seconds * 1000 + 300 - (Date.now() - started));
    new Promise(function (resolve) { setTimeout(resolve, wait); })
      .then(function () { return call("POST", "/comments", body); })
      .then(function (answer) {
        remember(answer);
        var item = renderComment(answer.comment);
        var parent = answer.comment.parent && root.getElementById("bs-comment-" + answer.comment.parent);
        var empty = list.querySelector(".empty");
        if (empty) empty.remove();
        (parent ? repliesOf(parent) : list).appendChild(item);
        fields.content.value = "";
        closeReply(null);
        announce(answer.message);
        item.focus();
      }, function (error) {
        failed(error);
        fields.content.focus();
      })
      .then(function () { button.disabled = false; button.textContent = t.submit; });
  }

  function openEdit(item, body, actions) {
    var c = item.bsComment;
    var area = el("textarea", { id: "bs-edit-" + c.id, rows: "5", "aria-label": t.edit, maxlength: String(form.max_length) });
    var editor;
    area.value = c.source;
    function close() { editor.remove(); body.hidden = false; actions.hidden = false; }
    editor = el("div", {}, [area, el("p", {}, [
      el("button", { type: "button", text: t.save, onclick: function () {
        call("PUT", "/comments/" + c.id, { content: area.value }).then(function (answer) {
          remember(answer);
          item.replaceWith(renderComment(Object.assign(answer.comment, { replies: [], more_replies: 0 })));
          announce(t.saved);
        }, failed);
      } }),
      el("button", { type: "button", text: t.cancel, onclick: function () { close(); actions.querySelector("button").focus(); } })
    ])]);
    body.hidden = true;
    actions.hidden = true;
    body.after(editor);
    area.focus();
  }

  function remove(item) {
    if (!window.confirm(t.delete_confirm)) return;
    call("DELETE", "/comments/" + item.bsComment.id).then(function () {
      item.remove();
      announce(t.deleted);
    }, failed);
  }

  Promise.all([call("GET", "/form"), call("GET", "/threads?uri=" + encodeURIComponent(uri))])
    .then(function (answers) {
      form = answers[0];
      started = Date.now();
      t = form.texts;
      dates = new Intl.DateTimeFormat(form.language, { dateStyle: "medium", timeStyle: "short" });
      var thread = answers[1];
      root = host.shadowRoot || host.attachShadow({ mode: "open" });
      status = el("div", { class: "sr", role: "status", "aria-live": "polite" });
      list = el("ol");
      more = el("button", { type: "button", hidden: "", text: t.more_comments, onclick: function () {
        more.disabled = true;
        loadPage().then(function () { more.disabled = false; }, failed);
      } });
      var section = el("section", { "aria-labelledby": "bs-heading" }, [
        el("h2", { id: "bs-heading", text: t.heading + " (" + thread.count.toLocaleString(form.language) + ")" }),
        status, list, more
      ]);
      section.appendChild(buildComposer(thread));
      root.replaceChildren(el("style", { text: CSS }), section);
      showPage(thread);
    }, function () { /* the page's own fallback link stays */ });
})();
