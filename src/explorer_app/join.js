// A live session's phone page (explorer/joinpage.py, explorer_app/participant.py): follow the session's stream
// and load the page again when its question or that question's state changes; a written answer being typed is
// kept across the reload. When streaming breaks (a proxy holding it back, a network cutting it), ask
// /join/state every 15 seconds instead. A tap on a choice sends it. Without this script, every form still works.
// The guest page (data-guest) loads again at once when asking opens or closes or another question is being answered
// ("guest" news), and for new questions and vote counts (data-guest-counts) every 20 to 30 s; never while a
// question is being written; the session's page when asking for the guest opens or closes (data-guest-open).
(function () {
  "use strict";
  var main = document.getElementById("hx-main");
  if (!main || !main.dataset.code) return;
  var guestPage = main.dataset.guest !== undefined;
  var shown = { question: main.dataset.question || "", state: main.dataset.state || "" };
  var ask = document.getElementById("hx-ask");
  var waiting = false;  // guest news came while a question was being written
  var draftKey = "hx-draft-" + main.dataset.code + "-" + shown.question;
  var box = document.getElementById("hx-answer");
  var reloading = false;

  if (box && window.sessionStorage) {  // a draft kept by the reload below, unless the page shows a newer answer
    var draft = sessionStorage.getItem(draftKey);
    if (draft !== null && box.value === box.defaultValue) box.value = draft;
    sessionStorage.removeItem(draftKey);
    box.form.addEventListener("submit", function () { sessionStorage.removeItem(draftKey); });
  }

  function reload() {
    if (reloading) return;
    reloading = true;
    if (box && box.value !== box.defaultValue && window.sessionStorage) sessionStorage.setItem(draftKey, box.value);
    window.location.replace(main.dataset.here);
  }

  // a page taken back from the browser's memory (Back, a tab woken up) may show an old question or an old choice
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) { reloading = false; reload(); }
  });

  function told(found) {
    if (!guestPage && found && (found.question !== shown.question || found.state !== shown.state)) reload();
  }

  function writing() { return ask && (ask.value !== "" || document.activeElement === ask); }
  // votes alone change the counts: the page shows new counts now and then, not at each of a hall's votes
  var COUNTS_EVERY = 20000, loaded = Date.now(), countsLater = null;
  function toldGuest(found) {
    if (!found) return;
    var changed = guestPage ? found.v !== main.dataset.guest : !!found.open !== (main.dataset.guestOpen === "1");
    if (!changed && guestPage && found.c && found.c !== main.dataset.guestCounts && !countsLater) {
      var wait = Math.max(0, loaded + COUNTS_EVERY - Date.now()) + Math.random() * COUNTS_EVERY / 2;
      countsLater = window.setTimeout(function () { countsLater = null; toldGuest({ v: "counts" }); }, wait);
      return;
    }
    if (!changed) return;
    if (writing() || (!guestPage && box && box.value !== box.defaultValue)) { waiting = true; return; }
    reload();
  }
  if (ask) ask.addEventListener("blur", function () { if (waiting && ask.value === "") reload(); });

  // a vote is sent in the background and its row updated in place (a hall's votes cost no page each); anything
  // unexpected, and the form is sent as it would be without this script
  document.querySelectorAll(".hx-phone-vote").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.fetch || !window.FormData) return;
      event.preventDefault();
      var button = form.querySelector("button");
      if (button.disabled) return;
      button.disabled = true;
      // sent as the form would be (URL-encoded: the server reads no multipart body)
      fetch(form.action, { method: "POST", body: new URLSearchParams(new FormData(form)), credentials: "same-origin",
                           headers: { "Accept": "application/json" } })
        .then(function (r) { return r.json(); })
        .then(function (found) {
          button.disabled = false;
          if (!found || found.error !== undefined || found.count === undefined) { form.submit(); return; }
          form.querySelector("input[name=up]").value = found.up;
          button.textContent = found.label;
          button.setAttribute("aria-pressed", found.mine ? "true" : "false");
          var row = form.closest(".hx-phone-qrow");
          var count = row && row.querySelector(".hx-phone-qvotes");
          if (count) count.textContent = found.count;
          var note = document.getElementById("hx-vote-note");
          if (note) note.textContent = found.note;
        }, function () { button.disabled = false; form.submit(); });
    });
  });

  // a choice is sent as soon as it is tapped (the Send button stays, for a keyboard and for no script)
  document.querySelectorAll(".hx-phone-answer input[type=radio]").forEach(function (radio) {
    radio.addEventListener("change", function () {
      if (radio.form.requestSubmit) radio.form.requestSubmit(); else radio.form.submit();
    });
  });

  var polling = null;
  function poll() {
    if (polling) return;
    polling = window.setInterval(function () {
      fetch(main.dataset.poll, { credentials: "same-origin", cache: "no-store" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (found) { told(found); toldGuest(found && found.guest); }, function () {});
    }, 15000);
  }

  if (!window.EventSource || !main.dataset.events) { poll(); return; }
  var source = new EventSource(main.dataset.events);
  var failures = 0;
  // the stream says where the phone is at once: nothing within 10 s means something holds it back
  var watchdog = window.setTimeout(function () { source.close(); poll(); }, 10000);
  source.addEventListener("state", function (event) {
    window.clearTimeout(watchdog);
    failures = 0;
    var found = null;
    try { found = JSON.parse(event.data); } catch (e) { return; /* a broken message: the next one will do */ }
    // a full hall's phones load the next question spread over a moment ("spread" ms), not all in one instant
    var wait = Math.random() * Math.min(Number(found.spread) || 0, 3000);
    if (wait > 0) window.setTimeout(function () { told(found); }, wait); else told(found);
  });
  source.addEventListener("guest", function (event) {
    window.clearTimeout(watchdog);
    var found = null;
    try { found = JSON.parse(event.data); } catch (e) { return; }
    var wait = Math.random() * Math.min(Number(found.spread) || 0, 3000);
    window.setTimeout(function () { toldGuest(found); }, wait);
  });
  source.addEventListener("error", function () {
    failures += 1;
    if (source.readyState === EventSource.CLOSED || failures >= 3) {
      window.clearTimeout(watchdog);
      source.close();
      poll();
    }
  });
})();
