// Housing offers: ask before a form with data-confirm is sent (without JavaScript it is sent directly).
document.addEventListener("submit", (event) => {
  const message = event.target.dataset.confirm;
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});
