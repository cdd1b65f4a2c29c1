// A callback answered 401 when the session ended (signed out elsewhere, expired, the password reset):
// reload, so the browser goes to the sign-in page and comes back to this page after signing in.
(function () {
  const originalFetch = window.fetch;
  window.fetch = function (...args) {
    return originalFetch.apply(this, args).then((response) => {
      if (response.status === 401 && String(response.url).includes("_dash-update-component")) {
        window.location.reload();
      }
      return response;
    });
  };
})();
