// Progressive enhancement only: every page works without this file.
import('/assets/govuk-frontend.min.js').then((m) => m.initAll()).catch(() => {});
