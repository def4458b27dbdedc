// Marks the page as having JavaScript, as GOV.UK Frontend's components expect (kept out of line for CSP).
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
