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
  if (form.dataset.api) {
    // A JSON API call, with the session's CSRF token from the page.
    event.preventDefault();
    const csrf = document.querySelector("input[name=csrf_token]")?.value || "";
    const body = Object.fromEntries(new FormData(form));
    const response = await fetch(form.dataset.api, {
      method: "POST", headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body),
    });
    const data = await response.json();
    alert(response.ok ? JSON.stringify(data) : data.detail);
    if (response.ok) location.href = "/ledger";
  }
});
