// "Check in by code" with the camera: read QR codes continuously and send each one to the
// same address the typed-code form posts to. Uses the browser's own BarcodeDetector where it
// has one, else jsQR (served by this app). Without JavaScript, a camera or either reader,
// the typed-code form is all there is, and it works on its own.
const scanner = document.getElementById('scanner')
const form = document.querySelector('.app-check-in-form')
const video = document.getElementById('scanner-video')
const startButton = document.getElementById('scanner-start')
const stopButton = document.getElementById('scanner-stop')
const status = document.getElementById('scanner-status')
const result = document.getElementById('check-in-result')
const counts = document.getElementById('register-counts')
const canvas = document.createElement('canvas')
const context = canvas.getContext('2d', { willReadFrequently: true })
const REPEAT_AFTER_MS = 4000 // the same code held in view is sent once, not every frame

let detector = null
let stream = null
let busy = false
let lastCode = ''
let lastAt = 0

async function makeDetector () {
  if (!('BarcodeDetector' in window)) return null
  try {
    const formats = await window.BarcodeDetector.getSupportedFormats()
    return formats.includes('qr_code') ? new window.BarcodeDetector({ formats: ['qr_code'] }) : null
  } catch (error) {
    return null
  }
}

async function readCode () {
  if (detector) {
    const found = await detector.detect(video)
    return found.length ? found[0].rawValue : null
  }
  const width = video.videoWidth
  const height = video.videoHeight
  if (!width || !height) return null
  canvas.width = width
  canvas.height = height
  context.drawImage(video, 0, 0, width, height)
  const image = context.getImageData(0, 0, width, height)
  const found = window.jsQR(image.data, width, height, { inversionAttempts: 'attemptBoth' })
  return found ? found.data : null
}

async function send (code) {
  const body = new FormData(form)
  body.set('code', code)
  try {
    const response = await fetch(form.getAttribute('action') || window.location.pathname, {
      method: 'POST',
      body,
      headers: { Accept: 'application/json' },
      credentials: 'same-origin'
    })
    const reply = await response.json()
    result.innerHTML = reply.result
    if (reply.counts && counts) counts.innerHTML = reply.counts
    status.textContent = 'Point the camera at the next code.'
  } catch (error) {
    status.textContent = 'That code was not sent. Check your connection: it will be read again.'
    lastCode = ''
  }
}

async function scan () {
  if (!stream) return
  if (!busy && video.readyState >= 2) {
    busy = true
    try {
      const code = await readCode()
      const now = Date.now()
      if (code && (code !== lastCode || now - lastAt > REPEAT_AFTER_MS)) {
        lastCode = code
        lastAt = now
        await send(code)
      }
    } finally {
      busy = false
    }
  }
  window.setTimeout(scan, 150)
}

async function start () {
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false })
  } catch (error) {
    status.textContent = 'The camera could not be started. Type the code instead.'
    return
  }
  video.srcObject = stream
  video.hidden = false
  startButton.hidden = true
  stopButton.hidden = false
  await video.play()
  status.textContent = 'Point the camera at a check-in code.'
  scan()
}

function stop () {
  if (stream) stream.getTracks().forEach(track => track.stop())
  stream = null
  video.hidden = true
  startButton.hidden = false
  stopButton.hidden = true
  status.textContent = ''
}

async function setUp () {
  if (!scanner || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return
  detector = await makeDetector()
  if (!detector && typeof window.jsQR !== 'function') return
  scanner.hidden = false
  startButton.addEventListener('click', start)
  stopButton.addEventListener('click', stop)
}

setUp()
