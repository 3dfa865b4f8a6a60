// The waiting room's TV (reception.waiting_room_views): every data-refresh-seconds it asks for
// the board (the same device's fragment) and replaces the parts that changed, without reloading
// the page. A new call (the latest part's data-call changes) is marked "Nouvel appel" for
// 10 seconds, told to screen readers, and rung when someone switched the sound on (a button:
// browsers play sound only after a gesture; the choice is remembered by this browser). A device
// no longer paired is sent back to the pairing page by reloading.
(function () {
  "use strict";
  var board = document.getElementById("tableau");
  if (!board || !window.fetch) {
    return;
  }
  var url = board.dataset.refreshUrl;
  var every = Number(board.dataset.refreshSeconds) * 1000;
  var CUE_MS = 10000;
  var SOUND_KEY = "qualipilote-salle-attente-son";
  var announce = document.getElementById("annonce");
  var button = document.getElementById("signal-sonore");
  var served = {}; // the server's HTML of each part, to compare with the next answer
  var cueTimer = null;
  var audio = null;
  var soundOn = false;

  function parts(root) {
    var found = {};
    Array.prototype.forEach.call(root.querySelectorAll("[data-part]"), function (part) {
      found[part.dataset.part] = part;
    });
    return found;
  }

  function callKey(part) {
    return part ? part.dataset.call || "" : "";
  }

  function ring() {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!soundOn || !Context) {
      return;
    }
    audio = audio || new Context();
    [[659.25, 0], [523.25, 0.4]].forEach(function (note) {
      var oscillator = audio.createOscillator();
      var gain = audio.createGain();
      var start = audio.currentTime + note[1];
      oscillator.frequency.value = note[0];
      gain.gain.setValueAtTime(0.0001, start);
      gain.gain.exponentialRampToValueAtTime(0.3, start + 0.03);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.7);
      oscillator.connect(gain);
      gain.connect(audio.destination);
      oscillator.start(start);
      oscillator.stop(start + 0.75);
    });
  }

  function cue(latest) {
    latest.classList.add("wr-latest--new");
    window.clearTimeout(cueTimer);
    cueTimer = window.setTimeout(function () {
      latest.classList.remove("wr-latest--new");
    }, CUE_MS);
    if (announce) {
      announce.textContent = latest.dataset.announce || "";
    }
    ring();
  }

  function swap(html) {
    var template = document.createElement("template");
    template.innerHTML = html;
    var current = parts(board);
    var fresh = parts(template.content);
    Object.keys(fresh).forEach(function (name) {
      if (served[name] === fresh[name].outerHTML || !current[name]) {
        return;
      }
      served[name] = fresh[name].outerHTML;
      var isNewCall = name === "latest" && callKey(fresh[name]) && callKey(fresh[name]) !== callKey(current[name]);
      current[name].replaceWith(fresh[name]);
      if (isNewCall) {
        cue(fresh[name]);
      }
    });
  }

  function poll() {
    window
      .fetch(url, { headers: { "HX-Request": "true" }, credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (response.redirected || response.status === 404) {
          window.location.reload();
          return null;
        }
        return response.ok ? response.text() : null;
      })
      .then(function (html) {
        if (html) {
          swap(html);
        }
      })
      .catch(function () {}) // the network is back at the next turn
      .then(function () {
        window.setTimeout(poll, every);
      });
  }

  function showSound() {
    button.setAttribute("aria-pressed", soundOn ? "true" : "false");
    button.querySelector(".sound-toggle__state").textContent = soundOn ? "(activé)" : "(coupé)";
  }

  Object.keys(parts(board)).forEach(function (name) {
    served[name] = parts(board)[name].outerHTML;
  });
  if (button) {
    try {
      soundOn = window.localStorage.getItem(SOUND_KEY) === "1";
    } catch (error) {
      soundOn = false;
    }
    button.hidden = false;
    showSound();
    button.addEventListener("click", function () {
      soundOn = !soundOn;
      try {
        window.localStorage.setItem(SOUND_KEY, soundOn ? "1" : "0");
      } catch (error) {
        // a browser without storage forgets the choice at the next reload
      }
      showSound();
      ring();
    });
  }
  window.setTimeout(poll, every);
})();
