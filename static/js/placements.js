// Placement page: the "close the case" box only matters for the move-in, the reason for skipped steps
// only when a later step than the next one is chosen; hide them otherwise.
// Without JavaScript both stay visible; the close box is ignored for other steps, the reason when
// nothing is skipped.
(function () {
  "use strict";
  document.querySelectorAll("form.placement-advance-form").forEach(function (form) {
    var step = form.querySelector("select[name=step]");
    if (!step) {
      return;
    }
    var box = form.querySelector(".placement-close-case");
    var skip = form.querySelector(".placement-skip-reason");
    function update() {
      if (box) {
        box.hidden = step.value !== "moved_in";
      }
      if (skip) {
        skip.hidden = step.selectedIndex === 0 && !skip.querySelector(".is-invalid");
      }
    }
    step.addEventListener("change", update);
    update();
  });
})();
