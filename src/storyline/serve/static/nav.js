// Moving between views: every view is a hash route, so the back button and links just work.

/** Goes to an internal route made by route(); the router renders on hashchange. */
export function navigate(hash) {
  if (typeof hash !== "string" || !hash.startsWith("#/")) return;
  if (location.hash === hash) {
    window.dispatchEvent(new HashChangeEvent("hashchange"));
  } else {
    location.hash = hash;
  }
}
