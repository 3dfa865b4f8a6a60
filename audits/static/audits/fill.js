// Filling a grid: each answer is sent as soon as it is given (a radio chosen, a comment or a
// photo changed, the date typed), with the page's CSRF token. An answer that cannot leave
// (no connection) is kept in this device's localStorage and sent when the connection returns;
// each criterion says « Enregistré » or « Pas encore envoyé » in its own live region.
// Without this script the form still saves every answer at once.
(function () {
  "use strict";
  var forget = document.querySelector("[data-forget-answers]");
  if (forget) {
    try { window.localStorage.removeItem(forget.dataset.forgetAnswers); } catch (error) { /* private mode */ }
  }
  var form = document.querySelector("form.fill[data-answer-url]");
  if (!form || !window.fetch || !window.FormData) {
    return;
  }
  var key = form.dataset.storageKey;
  var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var DATE = "date";
  var WAITING = "Pas encore envoyé : gardé sur cet appareil, envoyé au retour de la connexion.";

  function pending() {
    try { return JSON.parse(window.localStorage.getItem(key) || "{}"); } catch (error) { return {}; }
  }
  function keep(entries) {
    try { window.localStorage.setItem(key, JSON.stringify(entries)); } catch (error) { /* full or private */ }
  }
  function forgetEntry(id, stamp) {
    var entries = pending();
    if (entries[id] && entries[id].stamp === stamp) {
      delete entries[id];
      keep(entries);
    }
  }
  function show(block, text, state) {
    var status = block.querySelector("[data-status]");
    status.dataset.state = state;
    status.textContent = text;
  }
  function criterionBlock(id) {
    return id === DATE ? form.querySelector("[data-date]") : form.querySelector('fieldset[data-criterion="' + id + '"]');
  }
  function read(block) {
    var prefix = block.dataset.prefix;
    var checked = block.querySelector('input[name="' + prefix + '-rating"]:checked');
    var comment = block.querySelector('textarea[name="' + prefix + '-comment"]');
    return { rating: checked ? checked.value : "", comment: comment ? comment.value : "" };
  }
  function apply(block, entry) {
    var prefix = block.dataset.prefix;
    var radio = block.querySelector('input[name="' + prefix + '-rating"][value="' + entry.rating + '"]');
    if (radio) { radio.checked = true; }
    var comment = block.querySelector('textarea[name="' + prefix + '-comment"]');
    if (comment) { comment.value = entry.comment; }
  }
  function body(id, entry, photo) {
    var data = new FormData();
    if (id === DATE) {
      data.append("checked_on", entry.checked_on);
      return data;
    }
    var prefix = criterionBlock(id).dataset.prefix;
    data.append("criterion", id);
    data.append(prefix + "-rating", entry.rating);
    data.append(prefix + "-comment", entry.comment);
    if (photo) { data.append(prefix + "-photo", photo); }
    return data;
  }
  // One answer at a time, in the order given: two quick changes of one criterion reach the
  // server in that order, so the last one given is the one kept.
  var queue = Promise.resolve();
  function send(id, entry, photo) {
    queue = queue.then(function () { return post(id, entry, photo); });
  }
  function post(id, entry, photo) {
    var block = criterionBlock(id);
    if (!block) { return null; }
    var url = id === DATE ? form.dataset.dateUrl : form.dataset.answerUrl;
    return window.fetch(url, {
      method: "POST",
      body: body(id, entry, photo),
      credentials: "same-origin",
      headers: { "X-CSRFToken": token, "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (answer) {
        forgetEntry(id, entry.stamp);  // saved, or refused by the server: sending again changes nothing
        if (response.ok) {
          show(block, "Enregistré", "saved");
        } else {
          show(block, "Non enregistré : " + answer.message, "refused");
        }
      });
    }).catch(function () {
      var text = WAITING + (photo ? " La photo n'est pas gardée : choisissez-la de nouveau une fois connecté." : "");
      show(block, text, "pending");
    });
  }
  function given(id, entry, photo) {
    entry.stamp = Date.now();
    var entries = pending();
    entries[id] = entry;
    keep(entries);
    show(criterionBlock(id), WAITING, "pending");
    if (navigator.onLine !== false) {
      send(id, entry, photo);
    }
  }
  form.addEventListener("change", function (event) {
    var block = event.target.closest("fieldset[data-criterion]");
    if (block) {
      var entry = read(block);
      if (!entry.rating) {
        show(block, "Choisissez une réponse pour enregistrer le commentaire ou la photo.", "refused");
        return;
      }
      var file = block.querySelector('input[type="file"]');
      given(block.dataset.criterion, entry, file && file.files.length ? file.files[0] : null);
    } else if (event.target.name === "checked_on" && event.target.value) {
      given(DATE, { checked_on: event.target.value }, null);
    }
  });
  function sendWaiting() {
    var entries = pending();
    Object.keys(entries).forEach(function (id) { send(id, entries[id], null); });
  }
  window.addEventListener("online", sendWaiting);
  form.addEventListener("submit", function (event) {
    if (navigator.onLine === false) {
      event.preventDefault();
      var status = form.querySelector("[data-submit-status]");
      status.textContent = "Hors connexion : vos réponses sont gardées sur cet appareil. Enregistrez ou remettez la grille quand la connexion sera revenue.";
    }
  });
  // After a reload, the answers not yet sent come back on the page from this device.
  var entries = pending();
  Object.keys(entries).forEach(function (id) {
    var block = criterionBlock(id);
    if (!block) { return; }
    if (id === DATE) {
      form.querySelector('input[name="checked_on"]').value = entries[id].checked_on;
    } else {
      apply(block, entries[id]);
    }
    show(block, WAITING, "pending");
  });
  if (navigator.onLine !== false) {
    sendWaiting();
  }
})();
