// Placement page: the "close the case" box only matters for the move-in; hide it for other steps.
// Without JavaScript the box stays visible and is ignored for other steps.
(function () {
  "use strict";
  document.querySelectorAll("form.placement-advance-form").forEach(function (form) {
    var step = form.querySelector("select[name=step]");
    var box = form.querySelector(".placement-close-case");
    if (!step || !box) {
      return;
    }
    function update() {
      box.hidden = step.value !== "moved_in";
    }
    step.addEventListener("change", update);
    update();
  });
})();
