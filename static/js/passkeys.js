// Passkey set-up: once django-otp-webauthn's script reports the passkey saved, go on to the next page
// (the recovery codes after the first factor, else the account page). Without this the page just says so.
document.addEventListener("otp_webauthn.register_complete", () => {
  const enrolment = document.getElementById("passkey-enrolment");
  if (enrolment && enrolment.dataset.successUrl) {
    window.location.assign(enrolment.dataset.successUrl);
  }
});
