// Start GOV.UK Frontend components. Every page works without this.
import { initAll } from '/assets/govuk-frontend.min.js'
initAll()
