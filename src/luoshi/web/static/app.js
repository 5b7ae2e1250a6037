// Partial updates without a framework: a form with data-live="#target" refreshes only that
// part of the page (the server answers X-Partial requests with the fragment), and keeps the URL.
document.addEventListener("submit", async (event) => {
  const form = event.target;
  const target = form.dataset.live && document.querySelector(form.dataset.live);
  if (target) {
    event.preventDefault();
    const url = form.action + "?" + new URLSearchParams(new FormData(form));
    const response = await fetch(url, { headers: { "X-Partial": "1" } });
    target.outerHTML = await response.text();
    history.replaceState(null, "", url);
    return;
  }
});
