// Client forms: "Weitere Zeile" adds an empty row to a formset table (household, other spellings).
// Without JavaScript the button stays hidden and the form offers its fixed number of empty rows.
"use strict";

document.querySelectorAll("[data-add-row]").forEach((button) => {
  const prefix = button.dataset.addRow;
  const template = document.getElementById(`${prefix}-empty-row`);
  const rows = document.getElementById(`${prefix}-rows`);
  const total = document.getElementById(`id_${prefix}-TOTAL_FORMS`);
  if (!template || !rows || !total) {
    return;
  }
  button.hidden = false;
  button.addEventListener("click", () => {
    const index = Number(total.value);
    const html = template.innerHTML
      .replaceAll("__prefix__", String(index))
      .replaceAll("__number__", String(index + 1));
    rows.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    const first = rows.lastElementChild && rows.lastElementChild.querySelector("input:not([type=hidden]), select");
    if (first) {
      first.focus();
    }
  });
});
