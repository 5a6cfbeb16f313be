// The practice phone works without this file; it only shows the newest messages, and after a text
// or an answer puts the cursor back where the next one is typed.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-scroll-end]").forEach(function (thread) {
    thread.scrollTop = thread.scrollHeight;
  });
});
// After the browser has gone to the #handset the answer named (which moves focus itself).
window.addEventListener("load", function () {
  var next = document.querySelector("[data-focus]");
  if (next && window.location.hash === "#handset") {
    window.setTimeout(function () { next.focus(); }, 0);
  }
});
