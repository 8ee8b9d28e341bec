// The register without page reloads: each mark is sent to the same address the form posts
// to, and the person's row and the count are updated from the reply. Without this script
// the forms post and the page reloads at the same person, so nothing depends on it.
const counts = document.getElementById('register-counts')

function setPressed (form, mark) {
  for (const button of form.querySelectorAll('button[name="mark"]')) {
    button.setAttribute('aria-pressed', button.value === mark ? 'true' : 'false')
  }
}

function showState (form, html, isError) {
  const row = form.closest('.app-register-row')
  const state = form.querySelector('.app-register-row__state')
  row.classList.toggle('app-register-row--saved', !isError)
  row.classList.toggle('app-register-row--error', isError)
  state.innerHTML = html
}

function escapeText (text) {
  const span = document.createElement('span')
  span.textContent = text
  return span.innerHTML
}

async function saveMark (form, submitter) {
  const body = new FormData(form)
  body.set(submitter.name, submitter.value)
  form.classList.add('app-mark-form--saving')
  form.querySelector('.app-register-row__state').textContent = 'Saving…'
  try {
    const response = await fetch(form.action, {
      method: 'POST',
      body,
      headers: { Accept: 'application/json' },
      credentials: 'same-origin'
    })
    const reply = await response.json()
    if (!response.ok) {
      showState(form, '<strong class="govuk-error-message govuk-!-margin-0">Not saved: ' + escapeText(reply.error) + '</strong>', true)
      return
    }
    setPressed(form, reply.mark)
    showState(form, reply.state, false)
    if (counts) counts.innerHTML = reply.counts
  } catch (error) {
    // No connection, or the reply was not ours (a sign-in page): the full form post still works.
    showState(form, '<strong class="govuk-error-message govuk-!-margin-0">Not saved. Check your connection and tap the mark again (if it still does not save, reload the page).</strong>', true)
  } finally {
    form.classList.remove('app-mark-form--saving')
  }
}

for (const form of document.querySelectorAll('.app-mark-form')) {
  form.addEventListener('submit', function (event) {
    const submitter = event.submitter
    if (!submitter || submitter.name !== 'mark') return
    event.preventDefault()
    saveMark(form, submitter)
  })
}
