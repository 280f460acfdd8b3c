// POLKA's only script: progressive enhancement with GOV.UK Frontend's components.
// Loaded as an ES module from 'self' (the Content-Security-Policy allows no inline script), so the
// classes GOV.UK Frontend's template would set inline are set here, before the components start.
import { initAll } from "./govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
