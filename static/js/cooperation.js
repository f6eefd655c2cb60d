// Group offer form: show only the part that fits the chosen way of recording participants
// (a number, or linked clients), and empty the other part when switching. Without JavaScript
// both parts stay visible and the server explains a wrong combination.
(function () {
  "use strict";

  function update(form) {
    var chosen = form.querySelector('input[name="recording"]:checked');
    var byName = chosen && chosen.value === "names";
    var count = form.querySelector(".participants-count");
    var names = form.querySelector(".participants-names");
    if (count) count.hidden = byName;
    if (names) names.hidden = !byName;
  }

  function init() {
    var form = document.querySelector(".group-offer-form");
    if (!form) return;
    form.addEventListener("change", function (event) {
      if (event.target.name !== "recording") return;
      // Not both: switching the way of recording empties the other part.
      if (event.target.value === "names") {
        var count = form.querySelector('input[name="participant_count"]');
        if (count) count.value = "";
      } else {
        form.querySelectorAll('input[name="participants"]').forEach(function (box) {
          box.checked = false;
        });
      }
      update(form);
    });
    update(form);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
