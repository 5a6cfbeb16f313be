// The practice phone works without this file; it only shows the newest messages first.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-scroll-end]").forEach(function (thread) {
    thread.scrollTop = thread.scrollHeight;
  });
});
