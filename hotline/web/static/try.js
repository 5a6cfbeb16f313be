// The practice phone works without this file; it only shows the newest messages, and after a text
// or an answer puts the cursor back where the next one is typed.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-scroll-end]").forEach(function (thread) {
    thread.scrollTop = thread.scrollHeight;
  });
  var next = document.querySelector("[data-focus]");
  if (next && window.location.hash === "#thread") {
    next.focus({preventScroll: true});
  }
});
