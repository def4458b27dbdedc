// Starts GOV.UK Frontend's components on every page (loaded as a module, so no inline script).
import { initAll } from "../govuk-frontend/govuk-frontend.min.js";

initAll();
