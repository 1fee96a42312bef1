// Progressive enhancement only: every page works without this file.
// GOV.UK Frontend initialises its components only on a body marked as supported.
document.body.classList.add('govuk-frontend-supported');
import('/assets/govuk-frontend.min.js')
  .then((m) => m.initAll())
  .catch((e) => console.warn('congso: enhancements unavailable, the page works without them', e));
