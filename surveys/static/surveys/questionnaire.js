// A question asked only after a given answer (data-shown-after, data-shown-if) is hidden
// until that answer is chosen. Without this script every question shows, with its condition
// written out, and the server keeps only the answers whose condition was met.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form.survey");
  if (!form) return;
  const conditional = Array.from(form.querySelectorAll("[data-shown-after]"));
  const update = () => {
    for (const question of conditional) {
      const chosen = form.querySelector(`input[name="${question.dataset.shownAfter}"]:checked`);
      question.hidden = !chosen || chosen.value !== question.dataset.shownIf;
    }
  };
  form.addEventListener("change", update);
  update();
});
